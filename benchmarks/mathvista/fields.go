package mathvista

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// fields reads typed members of one JSON record and reports the first
// problem with the file, line, record and field it concerns.
type fields struct {
	path string
	line int
	what string // e.g. `pid "12"`
	m    map[string]json.RawMessage
	err  error
}

func newFields(path string, line int, what string, raw json.RawMessage) *fields {
	f := &fields{path: path, line: line, what: what}
	if err := json.Unmarshal(raw, &f.m); err != nil || f.m == nil {
		f.err = fmt.Errorf("%s: line %d: %s: expected a JSON object, got %s", path, line, what, kindOf(raw))
	}
	return f
}

func (f *fields) fail(name, format string, args ...any) {
	if f.err == nil {
		f.err = fmt.Errorf("%s: line %d: %s: field %q: %s", f.path, f.line, f.what, name, fmt.Sprintf(format, args...))
	}
}

func isNull(raw json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(raw), []byte("null")) }

// kindOf names the JSON kind of a raw value for error messages.
func kindOf(raw json.RawMessage) string {
	b := bytes.TrimSpace(raw)
	if len(b) == 0 {
		return "nothing"
	}
	switch b[0] {
	case '"':
		return "a string"
	case '{':
		return "an object"
	case '[':
		return "a list"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// str returns a required string member.
func (f *fields) str(name string) string {
	s, _ := f.optStr(name, true)
	return s
}

// optStr returns a string member that may be absent or null (present false).
func (f *fields) optStr(name string, required bool) (s string, present bool) {
	if f.err != nil {
		return "", false
	}
	raw, ok := f.m[name]
	if !ok || isNull(raw) {
		if required {
			if !ok {
				f.fail(name, "missing; every record needs it")
			} else {
				f.fail(name, "is null, expected a string")
			}
		}
		return "", false
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		f.fail(name, "expected a string, got %s", kindOf(raw))
		return "", false
	}
	return s, true
}

// optInt returns an integer member that may be absent or null.
func (f *fields) optInt(name string) (n int, present bool) {
	if f.err != nil {
		return 0, false
	}
	raw, ok := f.m[name]
	if !ok || isNull(raw) {
		return 0, false
	}
	var x float64
	if err := json.Unmarshal(raw, &x); err != nil || x != float64(int(x)) {
		f.fail(name, "expected an integer, got %s", string(bytes.TrimSpace(raw)))
		return 0, false
	}
	return int(x), true
}

// optStrings returns a list-of-strings member that may be absent or null.
func (f *fields) optStrings(name string) (list []string, present bool) {
	if f.err != nil {
		return nil, false
	}
	raw, ok := f.m[name]
	if !ok || isNull(raw) {
		return nil, false
	}
	if err := json.Unmarshal(raw, &list); err != nil {
		f.fail(name, "expected a list of strings, got %s", kindOf(raw))
		return nil, false
	}
	return list, true
}

// object returns a required nested object member.
func (f *fields) object(name string) *fields {
	sub := &fields{path: f.path, line: f.line, what: f.what + " " + name}
	if f.err != nil {
		sub.err = f.err
		return sub
	}
	raw, ok := f.m[name]
	if !ok || isNull(raw) {
		f.fail(name, "missing; every record needs it")
		sub.err = f.err
		return sub
	}
	if err := json.Unmarshal(raw, &sub.m); err != nil || sub.m == nil {
		f.fail(name, "expected an object, got %s", kindOf(raw))
		sub.err = f.err
	}
	return sub
}
