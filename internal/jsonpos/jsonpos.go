// Package jsonpos reads the official JSON files of the benchmarks (a
// top-level object of records keyed by id, or a top-level array of records)
// keeping where each record starts, so that an error found while checking a
// record later, or a syntax error now, names the file and the line a person
// opens in an editor rather than a byte offset.
//
// Each benchmark describes its files with a Doc, which holds the wording of
// its errors: users and scripts already know those messages, so sharing the
// reader does not change them.
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

// lines gives the lines of offsets in one file. Records are positioned in
// increasing order, so it counts newlines from the last offset asked instead
// of from the start: positioning every record of a large file stays linear.
type lines struct {
	data []byte
	off  int64
	line int
}

// at returns the 1-based line of byte offset off (clamped as in LineAt).
func (l *lines) at(off int64) int {
	off = min(max(off, 0), int64(len(l.data)))
	if l.line == 0 || off < l.off {
		l.off, l.line = 0, 1
	}
	l.line += bytes.Count(l.data[l.off:off], []byte{'\n'})
	l.off = off
	return l.line
}

// Doc describes one kind of document for its error messages. Every field
// is needed: an empty one leaves a hole in a message.
type Doc struct {
	// Want is what the top level must be, for the error when it is
	// something else: "a JSON object of records keyed by id" gives
	// "line 1: expected a JSON object of records keyed by id, found [".
	Want string
	// After is the error for data after the top-level value:
	// "data after the top-level object".
	After string
	// Refetch is what to do about a truncated file: "download it again".
	Refetch string
	// NameRecords makes a syntax error inside a record say which one
	// (record "v1_0": or record 3:).
	NameRecords bool
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

// ReadObject reads a document whose top level is an object of records, in
// the document's order.
func (d Doc) ReadObject(path string, data []byte) ([]Entry, error) {
	return d.read(path, data, '{')
}

// ReadArray reads a document whose top level is an array of records.
func (d Doc) ReadArray(path string, data []byte) ([]Entry, error) {
	return d.read(path, data, '[')
}

func (d Doc) read(path string, data []byte, open json.Delim) ([]Entry, error) {
	keyed := open == '{'
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return nil, d.syntaxError(path, data, err, "")
	}
	if delim, ok := tok.(json.Delim); !ok || delim != open {
		return nil, fmt.Errorf("%s: line %d: expected %s, found %v", path, LineAt(data, dec.InputOffset()), d.Want, tok)
	}
	lines := lines{data: data}
	var out []Entry
	for dec.More() {
		e := Entry{N: len(out) + 1, keyed: keyed}
		// Before the key is read only the record's position names it.
		if keyed {
			tok, err := dec.Token()
			if err != nil {
				return nil, d.syntaxError(path, data, err, fmt.Sprintf("record %d", e.N))
			}
			e.Key, _ = tok.(string)
		}
		after := dec.InputOffset()
		if err := dec.Decode(&e.Value); err != nil {
			return nil, d.syntaxError(path, data, err, e.Record())
		}
		// The value starts after the colon (or the comma before an element)
		// and any white space; the decoder's offset is before them.
		rest := data[after:]
		e.Start = after + int64(len(rest)-len(bytes.TrimLeft(rest, " \t\r\n:,")))
		e.Line = lines.at(e.Start)
		out = append(out, e)
	}
	if _, err := dec.Token(); err != nil {
		return nil, d.syntaxError(path, data, err, "")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: line %d: %s", path, LineAt(data, dec.InputOffset()), d.After)
	}
	return out, nil
}

// syntaxError names the file and line of a decoding error, and the record
// being read (if any) when d.NameRecords. A truncated file is told apart
// from a malformed one because its fix differs: d.Refetch.
func (d Doc) syntaxError(path string, data []byte, err error, record string) error {
	if record != "" && d.NameRecords {
		record += ": "
	} else {
		record = ""
	}
	var syn *json.SyntaxError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return fmt.Errorf("%s: line %d: %sthe JSON ends before the document is complete (truncated file?); %s", path, LineAt(data, int64(len(data))), record, d.Refetch)
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
// leave out the white space its Token calls skipped (before a comma, around
// a colon), so they drift back a little with every record; scanning the
// whole document afresh (only on this error path) gives the offset from its
// start.
func syntaxOffset(data []byte, syn *json.SyntaxError) int64 {
	var whole *json.SyntaxError
	if errors.As(json.Unmarshal(data, new(json.RawMessage)), &whole) {
		return whole.Offset
	}
	return syn.Offset
}
