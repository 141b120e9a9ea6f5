package wemath

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// lines maps byte offsets of one file to 1-based line numbers, counting
// newlines incrementally as offsets grow.
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

// jsonError turns a decoding error into one that names the file and line.
func jsonError(path string, ln *lines, err error) error {
	var syn *json.SyntaxError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return fmt.Errorf("%s: line %d: the JSON ends before the document is complete (truncated file?); fetch it again", path, ln.at(int64(len(ln.data))))
	case errors.As(err, &syn):
		return fmt.Errorf("%s: line %d: invalid JSON: %v", path, ln.at(syn.Offset), err)
	}
	return fmt.Errorf("%s: %w", path, err)
}

// arrayEntry is one element of a top-level JSON array and the line it
// starts on.
type arrayEntry struct {
	Value json.RawMessage
	Line  int
}

// readArray reads a JSON document whose top level is an array of records,
// keeping each record's raw bytes and line for later errors.
func readArray(path string, data []byte, what string) ([]arrayEntry, error) {
	ln := newLines(data)
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return nil, jsonError(path, ln, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, fmt.Errorf("%s: line %d: expected a JSON list of %s, found %v", path, ln.at(dec.InputOffset()), what, tok)
	}
	var out []arrayEntry
	for dec.More() {
		start := dec.InputOffset()
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, jsonError(path, ln, err)
		}
		rest := data[start:]
		skip := len(rest) - len(bytes.TrimLeft(rest, " \t\r\n,"))
		out = append(out, arrayEntry{Value: raw, Line: ln.at(start + int64(skip))})
	}
	if _, err := dec.Token(); err != nil {
		return nil, jsonError(path, ln, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: line %d: data after the top-level list", path, ln.at(dec.InputOffset()))
	}
	return out, nil
}

// stringField returns a record's string field, with an error naming the field
// when it is missing or not a string.
func stringField(rec map[string]json.RawMessage, name string) (string, error) {
	raw, ok := rec[name]
	if !ok {
		return "", fmt.Errorf("field %q: missing", name)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("field %q: expected a string, got %s", name, clip(string(raw)))
	}
	return s, nil
}
