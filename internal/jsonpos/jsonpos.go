// Package jsonpos reads the official JSON files of the benchmarks (a
// top-level object of records keyed by id, or a top-level array of records)
// keeping where each record starts, so that an error found while checking a
// record later, or a syntax error now, names the file and the line a person
// opens in an editor rather than a byte offset.
package jsonpos

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// LineAt returns the 1-based line of byte offset off in data; offsets out of
// range are clamped, since decoder offsets may point one past the end.
func LineAt(data []byte, off int64) int {
	off = min(max(off, 0), int64(len(data)))
	return bytes.Count(data[:off], []byte{'\n'}) + 1
}

// Lines gives the lines of offsets in one file. Records are positioned in
// increasing order, so it counts newlines from the last offset asked instead
// of from the start: positioning every record of a large file stays linear.
type Lines struct {
	data []byte
	off  int64
	line int
}

// NewLines starts counting lines of data.
func NewLines(data []byte) *Lines { return &Lines{data: data, line: 1} }

// At returns the 1-based line of byte offset off (clamped as in LineAt).
func (l *Lines) At(off int64) int {
	off = min(max(off, 0), int64(len(l.data)))
	if off < l.off {
		l.off, l.line = 0, 1
	}
	l.line += bytes.Count(l.data[l.off:off], []byte{'\n'})
	l.off = off
	return l.line
}

// Entry is one record of a document: a member of a top-level object or an
// element of a top-level array.
type Entry struct {
	// Key is the member's key; empty for an array element (and possibly
	// for a member whose key is "", which callers reject themselves).
	Key   string
	Value json.RawMessage
	// N is the 1-based position of the record in the document.
	N int
	// Start is the byte offset of the value's first byte, Line its line.
	Start int64
	Line  int
	keyed bool
}

// Record names the entry as errors do: record "v1_0" in an object (the key
// is what the user searches for), record 3 in an array.
func (e Entry) Record() string {
	if e.keyed {
		return fmt.Sprintf("record %q", e.Key)
	}
	return fmt.Sprintf("record %d", e.N)
}

// ReadObject reads a document whose top level is an object of records;
// records says what they are, for the error when the top level is something
// else ("records keyed by id").
func ReadObject(path string, data []byte, records string) ([]Entry, error) {
	return read(path, data, '{', "object", records)
}

// ReadArray reads a document whose top level is an array of records; records
// says what they are ("MathVerse records").
func ReadArray(path string, data []byte, records string) ([]Entry, error) {
	return read(path, data, '[', "array", records)
}

func read(path string, data []byte, open json.Delim, kind, records string) ([]Entry, error) {
	keyed := open == '{'
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return nil, syntaxError(path, data, err, "")
	}
	if d, ok := tok.(json.Delim); !ok || d != open {
		return nil, fmt.Errorf("%s: line %d: expected a JSON %s of %s, found %v", path, LineAt(data, dec.InputOffset()), kind, records, tok)
	}
	lines := NewLines(data)
	var out []Entry
	for dec.More() {
		e := Entry{N: len(out) + 1, keyed: keyed}
		// Before the key is read only the record's position names it.
		if keyed {
			tok, err := dec.Token()
			if err != nil {
				return nil, syntaxError(path, data, err, fmt.Sprintf("record %d: ", e.N))
			}
			e.Key, _ = tok.(string)
		}
		after := dec.InputOffset()
		if err := dec.Decode(&e.Value); err != nil {
			return nil, syntaxError(path, data, err, e.Record()+": ")
		}
		// The value starts after the colon (or the comma before an element)
		// and any white space; the decoder's offset is before them.
		rest := data[after:]
		e.Start = after + int64(len(rest)-len(bytes.TrimLeft(rest, " \t\r\n:,")))
		e.Line = lines.At(e.Start)
		out = append(out, e)
	}
	if _, err := dec.Token(); err != nil {
		return nil, syntaxError(path, data, err, "")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: line %d: data after the top-level %s; the file must hold one JSON %s", path, LineAt(data, dec.InputOffset()), kind, kind)
	}
	return out, nil
}

// syntaxError names the file and line of a decoding error; record says which
// record was being read ("record 3: "), if any. A truncated file is told
// apart from a malformed one because its fix differs: download it again.
func syntaxError(path string, data []byte, err error, record string) error {
	var syn *json.SyntaxError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return fmt.Errorf("%s: line %d: %sthe JSON ends before the document is complete (truncated file?); download it again", path, LineAt(data, int64(len(data))), record)
	case errors.As(err, &syn):
		return fmt.Errorf("%s: line %d: %sinvalid JSON: %w", path, LineAt(data, syntaxOffset(data, syn)), record, err)
	}
	return fmt.Errorf("%s: %s%w", path, record, err)
}

// FieldError names the file, line and field of an error from decoding e's
// value (json.Unmarshal(e.Value, ...)): a field of the wrong JSON type is
// placed at its own line, anything else at the record's.
func FieldError(path string, data []byte, e Entry, err error) error {
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		return fmt.Errorf("%s: line %d: %s: field %s: expected %s, got JSON %s", path, LineAt(data, e.Start+typ.Offset), e.Record(), typ.Field, typ.Type, typ.Value)
	}
	return fmt.Errorf("%s: line %d: %s: %w", path, e.Line, e.Record(), err)
}

// syntaxOffset is where in data a syntax error lies. A Decoder's offsets
// leave out the white space and delimiters its Token calls skipped, so they
// drift by a line per record; scanning the whole document afresh (only on
// this error path) gives the offset from its start.
func syntaxOffset(data []byte, syn *json.SyntaxError) int64 {
	var whole *json.SyntaxError
	if errors.As(json.Unmarshal(data, new(json.RawMessage)), &whole) {
		return whole.Offset
	}
	return syn.Offset
}
