// Package textfile reads the text files users hand the harness (data,
// predictions, configs) as UTF-8, with errors that name the file, the line
// and what to do: a UTF-8 byte-order mark is dropped, UTF-16 and UTF-32 are
// refused (they read as garbage such as "invalid character 'ÿ'"), and a
// byte that is not UTF-8 (a Latin-1 or Windows-1252 file) is refused at its
// line instead of failing far away (as a gRPC marshal error).
package textfile

import (
	"bytes"
	"fmt"
	"os"
	"unicode/utf8"
)

// BOM is the UTF-8 byte-order mark some editors write at the start.
var BOM = []byte{0xEF, 0xBB, 0xBF}

// ReadFile reads path and returns it as UTF-8 (see UTF8).
func ReadFile(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return UTF8(path, data)
}

// UTF8 checks that data (the contents of path) is UTF-8 text and returns it
// without a leading byte-order mark.
func UTF8(path string, data []byte) ([]byte, error) {
	if err := CheckStart(path, data); err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, BOM)
	if i := InvalidAt(data); i >= 0 {
		line, col := Position(data, i)
		return nil, NotUTF8(path, line, fmt.Sprintf("column %d", col), data[i])
	}
	return data, nil
}

// CheckStart refuses data that begins like UTF-16 or UTF-32 text: by its
// byte-order mark, or by the NUL bytes ASCII has in those encodings.
func CheckStart(path string, head []byte) error {
	enc := ""
	switch {
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE, 0, 0}), bytes.HasPrefix(head, []byte{0, 0, 0xFE, 0xFF}):
		enc = "UTF-32"
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		enc = "UTF-16"
	case len(head) >= 4 && (head[0] != 0 && head[1] == 0 && head[3] == 0 || head[0] == 0 && head[1] != 0 && head[2] == 0):
		enc = "UTF-16 (without a byte-order mark)"
	}
	if enc == "" {
		return nil
	}
	return fmt.Errorf("%s: the file is %s text; save it as UTF-8 (e.g. iconv -f UTF-16 -t UTF-8 %s > utf8-%s)", path, enc, path, baseName(path))
}

// InvalidAt is the offset of the first byte of data that is not UTF-8, or -1.
func InvalidAt(data []byte) int {
	if utf8.Valid(data) {
		return -1
	}
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return -1
}

// Position is the 1-based line and column (in bytes) of offset i of data.
func Position(data []byte, i int) (line, col int) {
	line = 1 + bytes.Count(data[:i], []byte{'\n'})
	return line, i - bytes.LastIndexByte(data[:i], '\n')
}

// NotUTF8 is the error for byte b, not UTF-8, at a line and place of path.
func NotUTF8(path string, line int, where string, b byte) error {
	return fmt.Errorf("%s: line %d: %s: byte 0x%02X is not UTF-8 (the file looks Latin-1 or Windows-1252); convert it, e.g. iconv -f WINDOWS-1252 -t UTF-8 %s > utf8-%s", path, line, where, b, path, baseName(path))
}

func baseName(path string) string {
	if i := bytes.LastIndexByte([]byte(path), os.PathSeparator); i >= 0 {
		return path[i+1:]
	}
	return path
}
