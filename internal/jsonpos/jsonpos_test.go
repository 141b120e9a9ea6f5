package jsonpos

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestLineAt(t *testing.T) {
	data := []byte("a\nbc\n\nd")
	tests := []struct {
		off  int64
		want int
	}{{-5, 1}, {0, 1}, {1, 1}, {2, 2}, {4, 2}, {5, 3}, {6, 4}, {7, 4}, {100, 4}}
	lines := NewLines(data)
	for _, tt := range tests {
		if got := LineAt(data, tt.off); got != tt.want {
			t.Errorf("LineAt(%d) = %d, want %d", tt.off, got, tt.want)
		}
		if got := lines.At(tt.off); got != tt.want {
			t.Errorf("Lines.At(%d) = %d, want %d", tt.off, got, tt.want)
		}
	}
	// Going back restarts the count rather than giving a wrong line.
	if got := lines.At(2); got != 2 {
		t.Errorf("Lines.At(2) after the end = %d, want 2", got)
	}
}

func TestReadObject(t *testing.T) {
	doc := "{\n  \"a\": {\"x\": 1},\n\n  \"b\":\n    [1, 2]\n}\n"
	got, err := ReadObject("f.json", []byte(doc), "records keyed by id")
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		key, value, record string
		line               int
	}{{"a", `{"x": 1}`, `record "a"`, 2}, {"b", `[1, 2]`, `record "b"`, 5}}
	if len(got) != len(want) {
		t.Fatalf("%d entries, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		e := got[i]
		if e.Key != w.key || string(e.Value) != w.value || e.Line != w.line || e.N != i+1 || e.Record() != w.record {
			t.Errorf("entry %d = %+v (%s), want %+v", i, e, e.Record(), w)
		}
		if !strings.HasPrefix(doc[e.Start:], w.value) {
			t.Errorf("entry %d: Start %d is not where its value begins", i, e.Start)
		}
	}
}

func TestReadArray(t *testing.T) {
	doc := "[\n  {\"x\": 1},\n  2,\n\n  \"s\"\n]"
	got, err := ReadArray("f.json", []byte(doc), "records")
	if err != nil {
		t.Fatal(err)
	}
	lines, values := []int{2, 3, 5}, []string{`{"x": 1}`, `2`, `"s"`}
	if len(got) != 3 {
		t.Fatalf("%d entries: %+v", len(got), got)
	}
	for i, e := range got {
		if e.Line != lines[i] || string(e.Value) != values[i] || e.Key != "" || e.Record() != "record "+string(rune('1'+i)) {
			t.Errorf("entry %d = %+v (%s)", i, e, e.Record())
		}
		if !strings.HasPrefix(doc[e.Start:], values[i]) {
			t.Errorf("entry %d: Start %d is not where its value begins", i, e.Start)
		}
	}
	if got, err := ReadArray("f.json", []byte(" [ ] \n"), "records"); err != nil || len(got) != 0 {
		t.Errorf("empty array: %v, %v", got, err)
	}
}

// Bad documents are refused with the file, the line and what is wrong.
func TestBadJSON(t *testing.T) {
	tests := []struct {
		name, doc string
		array     bool
		want      string
	}{
		{"empty", "", false, "f.json: line 1: the JSON ends before the document is complete (truncated file?); download it again"},
		{"truncated object", "{\n\"a\": {\"x\":\n1", false, `f.json: line 3: record "a": the JSON ends before the document is complete (truncated file?); download it again`},
		{"truncated array", "[\n{},\n{\"x\"", true, "f.json: line 3: record 2: the JSON ends before the document is complete"},
		{"syntax in value", "{\n\"a\": {},\n\"b\": {\"x\": y}\n}", false, `f.json: line 3: record "b": invalid JSON: invalid character 'y' looking for beginning of value`},
		{"syntax in key", "{\n\"a\": 1,\n3: 4}", false, "f.json: line 3: record 2: invalid JSON: invalid character '3'"},
		{"syntax in element", "[\n1,\n2,,\n]", true, "f.json: line 3: record 3: invalid JSON: invalid character ','"},
		{"array for object", "\n[1]", false, "f.json: line 2: expected a JSON object of records keyed by id, found ["},
		{"object for array", "{}", true, "f.json: line 1: expected a JSON array of records keyed by id, found {"},
		{"scalar", "\"x\"", true, "f.json: line 1: expected a JSON array of records keyed by id, found x"},
		{"trailing data", "{}\n\n{}", false, "f.json: line 3: data after the top-level object; the file must hold one JSON object"},
		{"trailing array", "[]\n1", true, "f.json: line 2: data after the top-level array; the file must hold one JSON array"},
		{"unclosed", "[1,\n2", true, "f.json: line 2: the JSON ends before the document is complete"},
	}
	for _, tt := range tests {
		read := ReadObject
		if tt.array {
			read = ReadArray
		}
		_, err := read("f.json", []byte(tt.doc), "records keyed by id")
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%s: %v\nwant %s", tt.name, err, tt.want)
		}
	}
}

func TestFieldError(t *testing.T) {
	doc := "{\n\"a\": {\n  \"n\": 1,\n  \"s\": 2\n}}"
	array := "[\n{\"s\": 1}]"
	var rec struct {
		N int    `json:"n"`
		S string `json:"s"`
	}
	tests := []struct {
		name, doc string
		array     bool
		err       error // nil: the error from decoding the first record
		want      string
	}{
		{"type in object", doc, false, nil, `f.json: line 4: record "a": field s: expected string, got JSON number`},
		{"type in array", array, true, nil, "f.json: line 2: record 1: field s: expected string, got JSON number"},
		{"other error", doc, false, json.Unmarshal([]byte("{"), &rec), `f.json: line 2: record "a": unexpected end of JSON input`},
	}
	for _, tt := range tests {
		read := ReadObject
		if tt.array {
			read = ReadArray
		}
		entries, err := read("f.json", []byte(tt.doc), "records")
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		derr := tt.err
		if derr == nil {
			derr = json.Unmarshal(entries[0].Value, &rec)
		}
		if got := FieldError("f.json", []byte(tt.doc), entries[0], derr).Error(); got != tt.want {
			t.Errorf("%s: %s\nwant %s", tt.name, got, tt.want)
		}
	}
}

// Data files are untrusted: none may panic, and every entry's position lies
// in the file.
func FuzzRead(f *testing.F) {
	for _, s := range []string{"", "{", "}{", "[", "[{}]", `{"a": 1}`, `[1, "x", {}]`, "{\"a\":\n[1,]}", "É"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, read := range []func(string, []byte, string) ([]Entry, error){ReadObject, ReadArray} {
			entries, _ := read("fuzz.json", []byte(s), "records")
			for _, e := range entries {
				if e.Start < 0 || e.Start > int64(len(s)) || e.Line < 1 {
					t.Errorf("%q: entry %+v out of the file", s, e)
				}
			}
		}
	})
}
