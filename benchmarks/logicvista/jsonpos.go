package logicvista

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// lineAt returns the 1-based line of byte offset off in data.
func lineAt(data []byte, off int64) int {
	off = min(max(off, 0), int64(len(data)))
	return bytes.Count(data[:off], []byte{'\n'}) + 1
}

// lineCounter gives lines of increasing offsets in data, counting each byte
// once, so that positioning every record of a large file stays linear.
type lineCounter struct {
	data []byte
	off  int64
	line int
}

func (c *lineCounter) at(off int64) int {
	if c.line == 0 || off < c.off {
		c.off, c.line = 0, 1
	}
	off = min(off, int64(len(c.data)))
	c.line += bytes.Count(c.data[c.off:off], []byte{'\n'})
	c.off = off
	return c.line
}

// member is one member of a top-level JSON object, with where its value starts.
type member struct {
	Key   string
	Value json.RawMessage
	Start int64 // byte offset of the value's first byte
	Line  int   // line of that byte
}

// readObject reads a JSON document whose top level is an object of records
// keyed by id, keeping each record's raw bytes and position so that later
// errors can name the line a bad record starts on.
func readObject(path string, data []byte) ([]member, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return nil, syntaxError(path, data, err, "")
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("%s: line %d: expected a JSON object of records keyed by id (\"v1_0\": {...}), found %v", path, lineAt(data, dec.InputOffset()), tok)
	}
	lines := lineCounter{data: data}
	var out []member
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, syntaxError(path, data, err, fmt.Sprintf("record %d: ", len(out)+1))
		}
		key, _ := tok.(string)
		after := dec.InputOffset()
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, syntaxError(path, data, err, fmt.Sprintf("record %q: ", key))
		}
		// The value starts after the colon and any white space.
		rest := data[after:]
		start := after + int64(len(rest)-len(bytes.TrimLeft(rest, " \t\r\n:")))
		out = append(out, member{Key: key, Value: raw, Start: start, Line: lines.at(start)})
	}
	if _, err := dec.Token(); err != nil {
		return nil, syntaxError(path, data, err, "")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%s: line %d: data after the top-level object; the file must hold one JSON object", path, lineAt(data, dec.InputOffset()))
	}
	return out, nil
}

// syntaxError names the file and line of a JSON syntax problem; record says
// which record was being read, if any.
func syntaxError(path string, data []byte, err error, record string) error {
	var syn *json.SyntaxError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return fmt.Errorf("%s: line %d: %sthe JSON ends before the document is complete (truncated file?); download it again", path, lineAt(data, int64(len(data))), record)
	case errors.As(err, &syn):
		return fmt.Errorf("%s: line %d: %sinvalid JSON: %v", path, lineAt(data, syn.Offset), record, err)
	}
	return fmt.Errorf("%s: %s%w", path, record, err)
}

// fieldError names the file, line and field of a record whose value has the
// wrong JSON type.
func fieldError(path string, data []byte, m member, err error) error {
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		return fmt.Errorf("%s: line %d: record %q: field %s: expected %s, got JSON %s", path, lineAt(data, m.Start+typ.Offset), m.Key, typ.Field, typ.Type, typ.Value)
	}
	return fmt.Errorf("%s: line %d: record %q: %w", path, m.Line, m.Key, err)
}
