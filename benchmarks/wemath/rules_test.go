package wemath

import "testing"

func TestOfficialRule(t *testing.T) {
	for _, c := range []struct {
		in, want string
	}{
		{"<Thought process>: <<the sum is 7>> <Answer>: <<B>>", "B"},
		{"<Answer>: <<B>>.", "B"},
		{"Answer: C", "C"},
		{"Answer:. .D", "D"},
		{"The Answer is A", ""},       // "is A" starts with i
		{"Answer: a", ""},             // lower case is no letter
		{"Answer: I think E", ""},     // I is outside A-H
		{"Answer: H", "H"},            // H is a letter; an option need not exist
		{"Answer: B. Answer: C", "C"}, // the last "Answer" counts
		{"My answer: B", ""},          // no "Answer" (case matters): the whole text, which starts with M
		{"B", "B"},                    // no "Answer" at all
		{"Because of that, B", "B"},   // no "Answer": first character of the whole text
		{"answer: B", ""},             // lower-case "answer": the whole text starts with a
		{"<Answer>:\u3000<<D>>", "D"}, // Python strip removes U+3000
		{"Answer:\n\n  (A)", ""},      // parentheses are kept
		{"", ""},
	} {
		got, ok := OfficialRule(c.in)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("OfficialRule(%q) = %q, %v; want %q", c.in, got, ok, c.want)
		}
	}
}
