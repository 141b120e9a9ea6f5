package dataimport

import (
	"encoding/json"
	"strings"
	"testing"
)

// The expected values below were produced by CPython 3.11's repr() and csv
// module (the generating snippet is in the comment of each table).

// for c in cases: print(repr(c))
func TestPyStr(t *testing.T) {
	cases := []struct{ in, want string }{
		{"145°", `'145°'`},
		{"o'clock", `"o'clock"`},
		{`say "hi"`, `'say "hi"'`},
		{`both ' and "`, `'both \' and "'`},
		{`\frac{1}{2}`, `'\\frac{1}{2}'`},
		{"tab\there", `'tab\there'`},
		{"nl\nx", `'nl\nx'`},
		{"cr\rx", `'cr\rx'`},
		{"\x0crac{36}{13}", `'\x0crac{36}{13}'`}, // MATH-V id 2830's corrupted answer
		{"nbsp\u00a0x", `'nbsp\xa0x'`},
		{"zw\u200bx", `'zw\u200bx'`},
		{"emoji 😀", `'emoji 😀'`},
		{"\x7f", `'\x7f'`},
		{"soft\u00adhyphen", `'soft\xadhyphen'`},
		{"line\u2028sep", `'line\u2028sep'`},
		{"é ü 中文", `'é ü 中文'`},
		{"", `''`},
	}
	for _, c := range cases {
		if got := pyStr(c.in); got != c.want {
			t.Errorf("pyStr(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}

// str(['a', "b'c", 'd"e']); str({'split': 'testmini', 'n': 3, 'x': None, 'b': True, 'f': 1.5})
func TestPyContainers(t *testing.T) {
	if got, want := pyList([]string{"a", "b'c", `d"e`}), `['a', "b'c", 'd"e']`; got != want {
		t.Errorf("pyList = %s, want %s", got, want)
	}
	if got := pyList(nil); got != "[]" {
		t.Errorf("pyList(nil) = %s, want []", got)
	}
	got, err := pyDictJSON(json.RawMessage(`{"split": "testmini", "n": 3, "x": null, "b": true, "f": 1.5}`))
	if want := `{'split': 'testmini', 'n': 3, 'x': None, 'b': True, 'f': 1.5}`; err != nil || got != want {
		t.Errorf("pyDictJSON = %s, %v; want %s", got, err, want)
	}
	for _, bad := range []string{`[1]`, `{"a": {"b": 1}}`, `{"a": [1]}`} {
		if _, err := pyDictJSON(json.RawMessage(bad)); err == nil {
			t.Errorf("pyDictJSON(%s): no error", bad)
		}
	}
}

// csv.writer(s, delimiter='\t', lineterminator='\n').writerow([...])
func TestWriteCell(t *testing.T) {
	cells := []string{"plain", " lead", "a\tb", `q"q`, "n\nl", "", "'sq'"}
	var b strings.Builder
	for i, c := range cells {
		if i > 0 {
			b.WriteByte('\t')
		}
		if err := writeCell(&b, c); err != nil {
			t.Fatal(err)
		}
	}
	if want := "plain\t lead\t\"a\tb\"\t\"q\"\"q\"\t\"n\nl\"\t\t'sq'"; b.String() != want {
		t.Errorf("row = %q, want %q", b.String(), want)
	}
	// A bare '\r' is quoted, unlike Python's csv (see writeCell).
	b.Reset()
	writeCell(&b, "a\rb")
	if b.String() != "\"a\rb\"" {
		t.Errorf("bare CR: %q", b.String())
	}
}
