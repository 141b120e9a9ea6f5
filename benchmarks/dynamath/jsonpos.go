package dynamath

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// lines maps byte offsets of one file to 1-based line numbers. Offsets are
// asked in increasing order while a file is read, so it counts newlines
// incrementally instead of rescanning from the start.
type lines struct {
	data []byte
	off  int64
	line int
}

func newLines(data []byte) *lines { return &lines{data: data, line: 1} }

// at returns the line of byte offset off.
func (l *lines) at(off int64) int {
	off = min(max(off, 0), int64(len(l.data)))
	if off < l.off {
		l.off, l.line = 0, 1
	}
	l.line += bytes.Count(l.data[l.off:off], []byte{'\n'})
	l.off = off
	return l.line
}

// jsonError turns a decoding error into one that names the file and line and
// says what to do.
func jsonError(path string, ln *lines, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return fmt.Errorf("%s: line %d: the JSON ends before the document is complete (truncated file?); fetch it again", path, ln.at(int64(len(ln.data))))
	case errors.As(err, &syn):
		return fmt.Errorf("%s: line %d: invalid JSON: %v", path, ln.at(syn.Offset), err)
	case errors.As(err, &typ):
		return fmt.Errorf("%s: line %d: field %s: expected a JSON %s, got %s", path, ln.at(typ.Offset), typ.Field, typ.Type, typ.Value)
	}
	return fmt.Errorf("%s: %w", path, err)
}

// objectEntry is one member of a top-level JSON object and the line its
// value starts on.
type objectEntry struct {
	Key   string
	Value json.RawMessage
	Line  int
}

// readObject reads a JSON document whose top level is an object of records,
// keeping each member's raw value and line so later errors can point at it.
func readObject(path string, data []byte) ([]objectEntry, error) {
	ln := newLines(data)
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return nil, jsonError(path, ln, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("%s: line %d: expected a JSON object of records keyed by qid, found %v", path, ln.at(dec.InputOffset()), tok)
	}
	var out []objectEntry
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, jsonError(path, ln, err)
		}
		key, _ := tok.(string)
		start := dec.InputOffset()
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, jsonError(path, ln, err)
		}
		// The value starts after the colon and any white space.
		rest := data[start:]
		skip := len(rest) - len(bytes.TrimLeft(rest, " \t\r\n:"))
		out = append(out, objectEntry{Key: key, Value: raw, Line: ln.at(start + int64(skip))})
	}
	if _, err := dec.Token(); err != nil {
		return nil, jsonError(path, ln, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: line %d: data after the top-level object", path, ln.at(dec.InputOffset()))
	}
	return out, nil
}
