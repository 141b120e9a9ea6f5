package mathvista

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// lineAt returns the 1-based line of byte offset off in data.
func lineAt(data []byte, off int64) int {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	if off < 0 {
		off = 0
	}
	return bytes.Count(data[:off], []byte{'\n'}) + 1
}

// jsonError turns a decoding error into one that names the file and line and
// says what to do.
func jsonError(path string, data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return fmt.Errorf("%s: line %d: the JSON ends before the document is complete (truncated file?); download it again", path, lineAt(data, int64(len(data))))
	case errors.As(err, &syn):
		return fmt.Errorf("%s: line %d: invalid JSON: %v", path, lineAt(data, syn.Offset), err)
	case errors.As(err, &typ):
		return fmt.Errorf("%s: line %d: field %s: expected %s, got JSON %s", path, lineAt(data, typ.Offset), typ.Field, typ.Type, typ.Value)
	}
	return fmt.Errorf("%s: %w", path, err)
}

// objectEntry is one member of a top-level JSON object, with where it starts.
type objectEntry struct {
	Key   string
	Value json.RawMessage
	Line  int // line of the value's first byte
}

// readObject reads a JSON document whose top level is an object, keeping
// each member's raw value and line so later errors can point at the record.
func readObject(path string, data []byte) ([]objectEntry, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return nil, jsonError(path, data, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("%s: line %d: expected a JSON object of records keyed by id, found %v", path, lineAt(data, dec.InputOffset()), tok)
	}
	var out []objectEntry
	lines := lineCounter{data: data, line: 1}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, jsonError(path, data, err)
		}
		key, _ := tok.(string)
		start := dec.InputOffset()
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, jsonError(path, data, err)
		}
		// The value starts after the colon and any white space.
		rest := data[start:]
		skip := len(rest) - len(bytes.TrimLeft(rest, " \t\r\n:"))
		out = append(out, objectEntry{Key: key, Value: raw, Line: lines.at(start + int64(skip))})
	}
	if _, err := dec.Token(); err != nil {
		return nil, jsonError(path, data, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%s: line %d: data after the top-level object", path, lineAt(data, dec.InputOffset()))
	}
	return out, nil
}

// lineCounter gives the lines of increasing offsets in one pass over data.
type lineCounter struct {
	data []byte
	off  int64
	line int
}

func (c *lineCounter) at(off int64) int {
	if off < c.off {
		return lineAt(c.data, off)
	}
	c.line += bytes.Count(c.data[c.off:off], []byte{'\n'})
	c.off = off
	return c.line
}
