package mathvision

import "testing"

// A response whose parseable prefix is empty (it starts with an unbalanced
// brace) crashed the leaderboard rule in badEscape; found by the toy study.
func TestEmptyLatexPrefixDoesNotPanic(t *testing.T) {
	if badEscape("") {
		t.Error(`badEscape("") = true`)
	}
	for _, s := range []string{"", "}", ")", "]", "}x", " "} {
		for _, rev := range []revision{rev2025, rev2026} {
			if v, _, ok := latexValue(s, rev); ok {
				t.Errorf("latexValue(%q, %v) = %v, true; want no value", s, rev, v)
			}
		}
	}
}
