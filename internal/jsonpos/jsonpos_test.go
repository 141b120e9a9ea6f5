package jsonpos

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// doc names records as the logicvista and mathverse files do; plain as the
// other benchmarks do.
var (
	doc = Doc{
		Want:        "a JSON object of records keyed by id",
		After:       "data after the top-level value; the file must hold one",
		Refetch:     "download it again",
		NameRecords: true,
	}
	plain = Doc{Want: "a JSON list of records", After: "data after the top-level list", Refetch: "fetch it again"}
)

// reader is d's ReadArray or ReadObject.
func reader(d Doc, array bool) func(string, []byte) ([]Entry, error) {
	if array {
		return d.ReadArray
	}
	return d.ReadObject
}

func TestLineAt(t *testing.T) {
	data := []byte("a\nbc\n\nd")
	tests := []struct {
		off  int64
		want int
	}{{-5, 1}, {0, 1}, {1, 1}, {2, 2}, {4, 2}, {5, 3}, {6, 4}, {7, 4}, {100, 4}}
	lines := lines{data: data}
	for _, tt := range tests {
		if got := LineAt(data, tt.off); got != tt.want {
			t.Errorf("LineAt(%d) = %d, want %d", tt.off, got, tt.want)
		}
		if got := lines.at(tt.off); got != tt.want {
			t.Errorf("lines.at(%d) = %d, want %d", tt.off, got, tt.want)
		}
	}
	// Going back restarts the count rather than giving a wrong line.
	if got := lines.at(2); got != 2 {
		t.Errorf("lines.at(2) after the end = %d, want 2", got)
	}
}

// Records come back in the document's order (not sorted by key), each with
// the line and offset its value starts at.
func TestRead(t *testing.T) {
	type want struct {
		key, value, record string
		line               int
	}
	tests := []struct {
		name  string
		doc   string
		array bool
		want  []want
	}{
		{"object", "{\n  \"b\": {\"x\": 1},\n\n  \"a\":\n    [1, 2],\n  \"c\" : 3\n}\n", false,
			[]want{{"b", `{"x": 1}`, `record "b"`, 2}, {"a", `[1, 2]`, `record "a"`, 5}, {"c", `3`, `record "c"`, 6}}},
		{"array", "[\n  {\"x\": 1},\n  2,\n\n  \"s\"\n]", true,
			[]want{{"", `{"x": 1}`, "record 1", 2}, {"", `2`, "record 2", 3}, {"", `"s"`, "record 3", 5}}},
		{"empty object", " { } \n", false, nil},
		{"empty array", " [ ] \n", true, nil},
	}
	for _, tt := range tests {
		read := reader(doc, tt.array)
		got, err := read("f.json", []byte(tt.doc))
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if len(got) != len(tt.want) {
			t.Errorf("%s: %d entries, want %d: %+v", tt.name, len(got), len(tt.want), got)
			continue
		}
		for i, w := range tt.want {
			e := got[i]
			if e.Key != w.key || string(e.Value) != w.value || e.Line != w.line || e.N != i+1 || e.Record() != w.record {
				t.Errorf("%s: entry %d = %+v (%s), want %+v", tt.name, i, e, e.Record(), w)
			}
			if !strings.HasPrefix(tt.doc[e.Start:], w.value) {
				t.Errorf("%s: entry %d: Start %d is not where its value begins", tt.name, i, e.Start)
			}
		}
	}
}

// Bad documents are refused with the file, the line and what is wrong, in
// the wording the Doc gives.
func TestBadJSON(t *testing.T) {
	tests := []struct {
		name  string
		d     Doc
		doc   string
		array bool
		want  string
	}{
		{"empty", doc, "", false, "f.json: line 1: the JSON ends before the document is complete (truncated file?); download it again"},
		{"empty, plain", plain, "", true, "f.json: line 1: the JSON ends before the document is complete (truncated file?); fetch it again"},
		{"truncated object", doc, "{\n\"a\": {\"x\":\n1", false, `f.json: line 3: record "a": the JSON ends before the document is complete (truncated file?); download it again`},
		{"truncated object, plain", plain, "{\n\"a\": {\"x\":\n1", false, `f.json: line 3: the JSON ends before the document is complete (truncated file?); fetch it again`},
		{"truncated array", doc, "[\n{},\n{\"x\"", true, "f.json: line 3: record 2: the JSON ends before the document is complete"},
		{"syntax in value", doc, "{\n\"a\": {},\n\"b\": {\"x\": y}\n}", false, `f.json: line 3: record "b": invalid JSON: invalid character 'y' looking for beginning of value`},
		{"syntax in value, plain", plain, "{\n\"a\": {},\n\"b\": {\"x\": y}\n}", false, `f.json: line 3: invalid JSON: invalid character 'y' looking for beginning of value`},
		{"syntax in key", doc, "{\n\"a\": 1,\n3: 4}", false, "f.json: line 3: record 2: invalid JSON: invalid character '3'"},
		{"syntax in key, plain", plain, "{\n\"a\": 1,\n3: 4}", false, "f.json: line 3: invalid JSON: invalid character '3'"},
		{"syntax in element", doc, "[\n1,\n2,,\n]", true, "f.json: line 3: record 3: invalid JSON: invalid character ','"},
		{"array for object", doc, "\n[1]", false, "f.json: line 2: expected a JSON object of records keyed by id, found ["},
		{"object for array", plain, "{}", true, "f.json: line 1: expected a JSON list of records, found {"},
		{"scalar", plain, "\"x\"", true, "f.json: line 1: expected a JSON list of records, found x"},
		{"trailing data", doc, "{}\n\n{}", false, "f.json: line 3: data after the top-level value; the file must hold one"},
		{"trailing close", doc, "{}\n}", false, "f.json: line 2: data after the top-level value; the file must hold one"},
		{"trailing array", plain, "[]\n1", true, "f.json: line 2: data after the top-level list"},
		{"unclosed", plain, "[1,\n2", true, "f.json: line 2: the JSON ends before the document is complete"},
	}
	for _, tt := range tests {
		read := reader(tt.d, tt.array)
		_, err := read("f.json", []byte(tt.doc))
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%s: %v\nwant %s", tt.name, err, tt.want)
		}
	}
}

// The line of a syntax error deep in a file is the line it is on: the
// Decoder's own offsets leave out the white space its Token calls skip, and
// would put it hundreds of lines early here.
func TestSyntaxErrorLineDoesNotDrift(t *testing.T) {
	var b strings.Builder
	b.WriteString("{\n")
	for i := range 500 {
		fmt.Fprintf(&b, "  \"k%d\" :  {\n    \"x\": 1\n  }  ,\n", i)
	}
	b.WriteString("  \"bad\": {\"x\": y}\n}")
	want := fmt.Sprintf(`f.json: line %d: record "bad": invalid JSON`, 2+500*3)
	_, err := doc.ReadObject("f.json", []byte(b.String()))
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("%v\nwant %s", err, want)
	}
}

func TestFieldError(t *testing.T) {
	object := "{\n\"a\": {\n  \"n\": 1,\n  \"s\": 2\n}}"
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
		{"type in object", object, false, nil, `f.json: line 4: record "a": field s: expected string, got JSON number`},
		{"type in array", array, true, nil, "f.json: line 2: record 1: field s: expected string, got JSON number"},
		{"other error", object, false, json.Unmarshal([]byte("{"), &rec), `f.json: line 2: record "a": unexpected end of JSON input`},
	}
	for _, tt := range tests {
		read := reader(doc, tt.array)
		entries, err := read("f.json", []byte(tt.doc))
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
		for _, read := range []func(string, []byte) ([]Entry, error){doc.ReadObject, doc.ReadArray, plain.ReadObject} {
			entries, _ := read("fuzz.json", []byte(s))
			for _, e := range entries {
				if e.Start < 0 || e.Start > int64(len(s)) || e.Line < 1 {
					t.Errorf("%q: entry %+v out of the file", s, e)
				}
			}
		}
	})
}
