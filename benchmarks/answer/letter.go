package answer

import "strings"

// letterPrefixes are lead-ins stripped (case-insensitively, repeatedly)
// before looking for the letter. Longer phrases come first.
var letterPrefixes = [...]string{
	"the correct answer is", "the final answer is", "the correct option is",
	"the correct choice is", "the answer is", "correct answer:", "final answer:",
	"answer is", "answer:", "option", "choice", ":",
}

// OptionLetter normalises an option-letter answer for the MCQ reward:
// "A", "(A)", "A)", "(a)", "A.", "A: 5", "Answer: A", "the answer is (B).",
// "**C**", "$\boxed{D}$" and "A. some text" all give the upper-case letter.
//
// After [Normalize], markdown emphasis, $…$ and \boxed{}/\text{} wrappers and
// the lead-ins above are removed; then the answer must be
//
//   - a single letter (any case), optionally followed by '.', or
//   - a parenthesised letter "(x)", followed by anything, or
//   - a letter followed by '.', ')' or ':' and then the end or a space.
//
// Anything else — "Apple", "a cat", "e.g. A", "A or B" — gives ok=false: a
// reward must not guess. Callers check that the letter is one of the item's.
func OptionLetter(s string) (letter string, ok bool) {
	s = Normalize(s)
	for changed := true; changed; {
		t := unwrapLetter(strings.TrimSuffix(strings.TrimSpace(s), "."))
		for _, p := range letterPrefixes {
			if len(t) >= len(p) && strings.EqualFold(t[:len(p)], p) {
				t = t[len(p):]
				break
			}
		}
		changed = t != s
		s = t
	}
	if len(s) == 0 {
		return "", false
	}
	if len(s) == 1 {
		return upperLetter(s[0])
	}
	if s[0] == '(' && len(s) >= 3 && s[2] == ')' {
		return upperLetter(s[1])
	}
	switch s[1] {
	case '.', ')', ':':
		if len(s) == 2 || s[2] == ' ' || s[2] == '\t' || s[2] == '\n' {
			return upperLetter(s[0])
		}
	}
	return "", false
}

func upperLetter(c byte) (string, bool) {
	switch {
	case c >= 'A' && c <= 'Z':
		return string(rune(c)), true
	case c >= 'a' && c <= 'z':
		return string(rune(c - 'a' + 'A')), true
	}
	return "", false
}

// unwrapLetter peels wrappers that models put around a letter: **x**, *x*,
// $x$, \boxed{x}, \text{x}, \textbf{x}, \mathrm{x}, repeatedly.
func unwrapLetter(s string) string {
	for {
		t := strings.TrimSpace(s)
		for _, pair := range [...][2]string{{"**", "**"}, {"*", "*"}, {"$", "$"}, {`\boxed{`, "}"},
			{`\text{`, "}"}, {`\textbf{`, "}"}, {`\mathrm{`, "}"}, {`\mathbf{`, "}"}} {
			if len(t) >= len(pair[0])+len(pair[1]) && strings.HasPrefix(t, pair[0]) && strings.HasSuffix(t, pair[1]) {
				t = strings.TrimSpace(t[len(pair[0]) : len(t)-len(pair[1])])
			}
		}
		if t == s {
			return s
		}
		s = t
	}
}
