package logicvista

import (
	"slices"
	"testing"
)

// Judge outputs, replies and data files are untrusted: none may panic.
func FuzzParsers(f *testing.F) {
	for _, s := range []string{"", "A", "AC", "{\"choices\": [\"A\"]}", "['A', 'C']", "(B) and (D)", "ZZZZZ", "{", "}{", "É", "3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if choices, ok := parseChoices(s); ok && choices == nil {
			t.Errorf("parseChoices(%q) accepted nil", s)
		}
		if labels, ok := labelSet(s, true); ok && !slices.IsSorted(sortedLower(labels)) {
			t.Errorf("labelSet(%q) unsorted", s)
		}
		officialSingle(s)
		if upperAlpha(s) && letterKey(s) == "" {
			t.Errorf("upperAlpha(%q) but empty key", s)
		}
		_, _ = readObject("fuzz.json", []byte(s))
	})
}
