package answer

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// MathVRule is MATH-V's official rule-only answer extraction
// (mathllm/MATH-V evaluation/evaluate.py, with find_math_answer and
// _strip_string from evaluation/utils.py), reproduced quirk for quirk so that
// the official scores can be recomputed from raw responses. Its result is
// lower-cased. In order:
//
//  1. Strip the response. If it ends with " X." or " (X)." or starts with
//     "X\n", "(X)\n" or "(X) X\n" for X in A..E, it becomes "X".
//  2. If the text after the last "is " (trailing dots removed) parses as a
//     Python float, that text is the answer.
//  3. Without "oxed{": for each phrase "the final answer is", "the answer
//     is", "the correct answer is", "the answer should be" (then the same
//     with "The"), keep what follows its last occurrence, and when it
//     occurred, only the first line up to the first ". ". With several
//     "oxed{": keep only the last box.
//  4. find_math_answer: lower-case; drop "{}"; take from the first "oxed{" to
//     the last "}"; cut at a "}" that precedes any "{"; keep what follows the
//     last "=" and the last "\approx"; remove spaces, "\,", "\text", "\mbox",
//     "\left", "\right", degree marks and a few units (m^3, units, km); then
//     _strip_string (frac spellings, "\%", "$", leading ".", \sqrt and \frac
//     argument braces, "0.5" → \frac{1}{2}, "a/b" → \frac{a}{b}).
//  5. "(a)" → "a", "{a}" → "a" for a..e; trailing dots, leading colons and
//     surrounding whitespace are removed.
//
// Known upstream quirks kept on purpose: _fix_fracs only runs when the answer
// contains "sqrt"; "$" and units are removed anywhere in the string; the
// step-2 number test accepts "nan", "inf" and "1_000" as Python does.
func MathVRule(response string) string {
	s := pyStrip(response)
	for _, c := range "ABCDE" {
		x := string(c)
		if strings.HasSuffix(s, " "+x+".") || strings.HasSuffix(s, " ("+x+").") ||
			strings.HasPrefix(s, x+"\n") || strings.HasPrefix(s, "("+x+")\n") ||
			strings.HasPrefix(s, "("+x+") "+x+"\n") {
			s = x
		}
	}
	if tail := strings.TrimRight(afterLast(s, "is "), "."); pyIsFloat(tail) {
		s = tail
	}
	if !strings.Contains(s, "oxed{") {
		for _, flag := range [...]string{"the final answer is", "the answer is", "the correct answer is", "the answer should be"} {
			s = cutAfterFlag(s, flag)
			s = cutAfterFlag(s, strings.ReplaceAll(flag, "the", "The"))
		}
	} else if strings.Count(s, "oxed{") > 1 {
		s = `\boxed{` + afterLast(s, "oxed{")
	}
	s = findMathAnswer(s)
	for _, l := range [...]string{"a", "b", "c", "d", "e"} {
		s = strings.ReplaceAll(s, "("+l+")", l)
	}
	for _, l := range [...]string{"a", "b", "c", "d", "e"} {
		s = strings.ReplaceAll(s, "{"+l+"}", l) // after the "(x)" pass: "{(a)}" → "a"
	}
	s = strings.TrimRight(s, ".")
	s = strings.TrimLeft(s, ":")
	return pyStrip(s)
}

// afterLast is Python's s.split(sep)[-1].
func afterLast(s, sep string) string {
	if i := strings.LastIndex(s, sep); i >= 0 {
		return s[i+len(sep):]
	}
	return s
}

// beforeFirst is Python's s.split(sep)[0].
func beforeFirst(s, sep string) string {
	if i := strings.Index(s, sep); i >= 0 {
		return s[:i]
	}
	return s
}

func cutAfterFlag(s, flag string) string {
	had := strings.Contains(s, flag)
	s = pyStrip(afterLast(s, flag))
	if had {
		s = beforeFirst(beforeFirst(s, "\n"), ". ")
	}
	return s
}

// findMathAnswer is MATH-V's find_math_answer.
func findMathAnswer(s string) string {
	s = pyLower(s)
	s = strings.ReplaceAll(s, "{}", "")
	ans := s
	// re.findall('oxed{(.*)}', s, re.S)[-1]: greedy, so the single match runs
	// from the first "oxed{" to the last "}".
	if i, j := strings.Index(s, "oxed{"), strings.LastIndex(s, "}"); i >= 0 && j >= i+len("oxed{") {
		ans = s[i+len("oxed{") : j]
	}
	if c := strings.Index(ans, "}"); c >= 0 {
		if o := strings.Index(ans, "{"); o < 0 || c < o {
			ans = ans[:c]
		}
	}
	ans = afterLast(ans, "=")
	ans = afterLast(ans, `\approx`)
	for _, r := range [...][2]string{
		{" ", ""}, {`\,`, ""}, {"∞", `\infty`}, {`+\infty`, `\infty`}, {`\\`, `\`}, {"\n", ""},
		{`\text`, ""}, {`\mbox`, ""}, {"bmatrix", "pmatrix"}, {`\left`, ""}, {`\right`, ""},
		{`^{\circ}`, ""}, {`^\circ`, ""}, {"{m}^3", ""}, {"m^3", ""}, {"{units}", ""},
		{"units", ""}, {"{km}", ""}, {"km", ""},
	} {
		ans = strings.ReplaceAll(ans, r[0], r[1])
	}
	return stripString(ans)
}

// stripString is MATH-V's _strip_string (the MATH dataset normaliser).
func stripString(s string) string {
	for _, r := range [...][2]string{
		{"\n", ""}, {`\!`, ""}, {`\\`, `\`}, {"tfrac", "frac"}, {"dfrac", "frac"}, {`\left`, ""},
		{`\right`, ""}, {`^{\circ}`, ""}, {`^\circ`, ""}, {`\$`, ""}, {"$", ""},
	} {
		s = strings.ReplaceAll(s, r[0], r[1])
	}
	s = beforeFirst(s, `\text{ `) // _remove_right_units
	s = strings.ReplaceAll(s, `\%`, "")
	s = strings.ReplaceAll(s, " .", " 0.")
	s = strings.ReplaceAll(s, "{.", "{0.")
	if s == "" {
		return s
	}
	if s[0] == '.' {
		s = "0" + s
	}
	if strings.Count(s, "=") == 1 {
		s = afterLast(s, "=")
	}
	if strings.Count(s, `\approx`) == 1 {
		s = afterLast(s, `\approx`)
	}
	if strings.Contains(s, "sqrt") {
		s = fixSqrt(s)
	}
	s = strings.ReplaceAll(s, " ", "")
	if strings.Contains(s, "sqrt") {
		s = fixFracs(s)
	}
	if s == "0.5" {
		s = `\frac{1}{2}`
	}
	return fixSlash(s)
}

// fixSqrt braces a one-character \sqrt argument: \sqrt2 → \sqrt{2}.
// Python indexes code points, so the argument is a rune, not a byte.
func fixSqrt(s string) string {
	parts := strings.Split(s, `\sqrt`)
	var b strings.Builder
	b.WriteString(parts[0])
	for _, p := range parts[1:] {
		if p != "" && p[0] != '{' {
			_, n := utf8.DecodeRuneInString(p)
			b.WriteString(`\sqrt{` + p[:n] + "}" + p[n:])
		} else {
			b.WriteString(`\sqrt` + p)
		}
	}
	return b.String()
}

// fixFracs braces one-character \frac arguments: \frac12 → \frac{1}{2}.
// As upstream, a \frac followed by fewer than two characters returns the
// input unchanged.
func fixFracs(s string) string {
	parts := strings.Split(s, `\frac`)
	var b strings.Builder
	b.WriteString(parts[0])
	for _, p := range parts[1:] {
		b.WriteString(`\frac`)
		if p != "" && p[0] == '{' {
			b.WriteString(p)
			continue
		}
		if utf8.RuneCountInString(p) < 2 {
			return s
		}
		_, n1 := utf8.DecodeRuneInString(p)
		_, n2 := utf8.DecodeRuneInString(p[n1:])
		a, c, rest := p[:n1], p[n1:n1+n2], p[n1+n2:]
		if c != "{" {
			b.WriteString("{" + a + "}{" + c + "}" + rest)
		} else {
			b.WriteString("{" + a + "}" + c + rest)
		}
	}
	return b.String()
}

// canonicalInt matches what str(int(x)) gives back unchanged.
var canonicalInt = regexp.MustCompile(`^(0|-?[1-9][0-9]*)$`)

// fixSlash turns "a/b" with canonical integers into \frac{a}{b}.
func fixSlash(s string) string {
	a, b, ok := strings.Cut(s, "/")
	if !ok || strings.Contains(b, "/") || !canonicalInt.MatchString(a) || !canonicalInt.MatchString(b) {
		return s
	}
	return `\frac{` + a + "}{" + b + "}"
}
