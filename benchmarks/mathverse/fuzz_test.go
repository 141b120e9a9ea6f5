package mathverse

import "testing"

// Replies, judge outputs and data files are untrusted: none may panic.
func FuzzRules(f *testing.F) {
	for _, s := range []string{"", "B", "C\nD", "(A) and (C)", "[", "[{}]", `[{"problem_index": 1}]`, "14 cm"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p := &problem{answer: "C\nD", questionType: MultiChoice}
		ruleVerdict(p, s)
		p = &problem{answer: s}
		p.multiChoice()
		trunkResponse(s, 3)
		_, _ = readArray("fuzz.json", []byte(s))
	})
}
