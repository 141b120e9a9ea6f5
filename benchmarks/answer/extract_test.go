package answer

import "testing"

func TestOptionLetter(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"A", "A"}, {"a", "A"}, {"(A)", "A"}, {"(a)", "A"}, {"A)", "A"}, {"a)", "A"},
		{"A.", "A"}, {"A:", "A"}, {"A: 5 cm", "A"}, {"A. 145°", "A"}, {"(B) 35°", "B"},
		{"Answer: A", "A"}, {"answer:A", "A"}, {"The answer is A", "A"}, {"the answer is (b).", "B"},
		{"The correct answer is: C", "C"}, {"Final answer: D", "D"}, {"Option B", "B"}, {"Choice (C)", "C"},
		{"**C**", "C"}, {"**C**.", "C"}, {"$\\boxed{D}$", "D"}, {"\\boxed{\\text{E}}", "E"}, {"  B  ", "B"},
		{"（Ｃ）", "C"}, {"Ｂ", "B"}, {"\u200bA", "A"}, {"A.\n", "A"}, {"A)\tfoo", "A"},
		{"", ""}, {"Apple", ""}, {"a cat", ""}, {"A cat", ""}, {"e.g. A", ""}, {"A or B", ""},
		{"AB", ""}, {"(AB)", ""}, {"12", ""}, {"(1)", ""}, {"A.B", ""}, {".", ""}, {"()", ""},
		{"The answer is", ""}, {"answer:", ""}, {"Ä", ""},
	} {
		got, ok := OptionLetter(c.in)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("OptionLetter(%q) = %q, %v; want %q", c.in, got, ok, c.want)
		}
	}
}

func TestLastBoxed(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`\boxed{5}`, "5"},
		{`x \boxed{1} then \boxed{2}`, "2"},
		{`\boxed{\frac{1}{2}}`, `\frac{1}{2}`},
		{`\boxed{{a}{b}}`, "{a}{b}"},
		{`\boxed{\{1,2\}}`, `\{1,2\}`},
		{`\boxed{\boxed{7}}`, "7"},
		{`\boxed{ \boxed{7} }`, "7"},
		{`\boxed{3} and \boxed{4`, "3"},   // truncated last box
		{`\boxed{ 3 \boxed{4} more`, "4"}, // unclosed outer box
		{`\fbox{B}`, "B"},
		{`}} \boxed{x}`, "x"}, // stray closers
		{`\boxed{a} {b}`, "a"},
		{`\boxed{}`, ""},
		{`$\boxed{-\sqrt{3}}$.`, `-\sqrt{3}`},
		{`\boxed{a\\}b}`, `a\\`}, // \\ is a line break, then } closes
	} {
		got, ok := LastBoxed(c.in)
		if !ok || got != c.want {
			t.Errorf("LastBoxed(%q) = %q, %v; want %q", c.in, got, ok, c.want)
		}
	}
	for _, in := range []string{"", "no box", `\boxed{1`, `\boxed 5`, `boxed{5}`, `\boxed{\}`} {
		if got, ok := LastBoxed(in); ok {
			t.Errorf("LastBoxed(%q) = %q, want none", in, got)
		}
	}
}

func TestNormalize(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain ascii", "plain ascii"},
		{"１２３", "123"}, {"ＡＢｃ", "ABc"}, {"（Ａ）", "(A)"}, {"３．５", "3.5"},
		{"−5", "-5"}, {"➖5", "-5"}, {"‐5", "-5"}, {"﹣5", "-5"}, {"3–5", "3–5"},
		{"1\u00a0000", "1 000"}, {"a\u3000b", "a b"}, {"a\u202fb", "a b"},
		{"\ufeff4\u200b2", "42"}, {"π", "π"}, {"x²", "x²"},
	} {
		if got := Normalize(c.in); got != c.want {
			t.Errorf("Normalize(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestPyLower(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"ABC", "abc"}, {"ΑΣ Σ ΣΑ aΣ.", "ας σ σα aς."}, {"İs", "i\u0307s"}, {"ÄÖ", "äö"},
	} {
		if got := pyLower(c.in); got != c.want {
			t.Errorf("pyLower(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestPyIsFloat(t *testing.T) {
	for _, c := range []struct {
		in   string
		want bool
	}{
		{"1", true}, {"-1.5", true}, {"+.5", true}, {"5.", true}, {"1e5", true}, {"1E-5", true},
		{" 12 ", true}, {"\u00a012\u3000", true}, {"1_000", true}, {"１２", true}, {"inf", true},
		{"-Infinity", true}, {"nan", true}, {"NaN", true},
		{"", false}, {" ", false}, {".", false}, {"e5", false}, {"1e", false}, {"1_", false},
		{"_1", false}, {"1__0", false}, {"1_.5", false}, {"1._5", false}, {"1,000", false},
		{"0x10", false}, {"1/2", false}, {"--1", false}, {"infinit", false}, {"12a", false}, {"π", false},
	} {
		if got := pyIsFloat(c.in); got != c.want {
			t.Errorf("pyIsFloat(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

// TestMathVRule covers each step of the official rule on hand-made inputs;
// TestMathVRuleGoldens checks it against 12,160 official extractions.
func TestMathVRule(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"So the answer is C.", "c"},    // " C." ending
		{"I pick (D).", "d"},            // " (D)." ending
		{"B\nbecause it fits", "b"},     // "B\n" beginning
		{"(E)\nexplanation", "e"},       // "(E)\n" beginning
		{"The area is 12.5.", "12.5"},   // number after the last "is "
		{"The total is 1_000", "1_000"}, // Python float accepts underscores
		{"Thus the answer is 7 apples. Done", "7apples"},
		{"The final answer is $\\frac{3}{4}$.\nMore text", "\\frac{3}{4}"},
		{"the answer should be x = 5. ok", "5"},
		{"So \\boxed{\\dfrac{1}{2}}", "\\frac{1}{2}"},
		{"\\boxed{1} and then \\boxed{2}", "2"},
		{"\\boxed{0.5}", "\\frac{1}{2}"},
		{"\\boxed{3/4}", "\\frac{3}{4}"},
		{"\\boxed{03/4}", "03/4"},
		{"\\boxed{\\sqrt2}", "\\sqrt{2}"},
		{"\\boxed{\\frac12 \\sqrt3}", "\\frac{1}{2}\\sqrt{3}"},
		{"\\boxed{30^\\circ}", "30"},
		{"\\boxed{5 \\text{ cm}}", "5{cm}"}, // \text is dropped before the unit rule sees "\text{ "
		{"\\boxed{(a)}", "a"},
		{"\\boxed{x \\approx 2.3}", "2.3"},
		{"\\boxed{50\\%}", "50"},
		{"\\boxed{∞}", "\\infty"},
		{"\\boxed{12 km}", "12"},
		{"$.5$", "\\frac{1}{2}"},
		{"\\boxed{{(a)}}", "a"}, // "(a)" → "a" first, then "{a}" → "a"
		{"", ""},
		{"   ", ""},
		{"Answer: 42.", "answer:42"},
	} {
		if got := MathVRule(c.in); got != c.want {
			t.Errorf("MathVRule(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
