package mathverse

import (
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/vlmlab/harness/benchmarks/mathexpr"
)

// Rules used only when no judge is configured (LoadRequest.Judge == "").
// Both MathVerse pipelines always ask a judge, so without one nothing is
// scored the upstream way; these rules resolve only what needs no reading
// of the response, and leave the rest unresolved (scored wrong), never guessed:
//
//   - the final answer equals the standard answer after trimming spaces (what
//     the leaderboard's prefetch would accept had the judge extracted the
//     final answer verbatim);
//   - on a multi-choice item whose standard answer is a set of option letters
//     ("B", "(C)", "C\nD"), a final answer that is itself a bare letter set
//     ("B", "(B)", "B.", "A, C", "A and C") is compared as a set, so a wrong
//     letter is a resolved miss;
//   - on a free-form item, a final answer that mathexpr finds exactly equal
//     to the standard answer ("14.0" or "14 cm" for "14", "\frac{1}{2}" for
//     "0.5") is a hit, unless both carry words and the words differ
//     (mathexpr ignores a trailing unit, so "14 mm" would equal "14 cm");
//     when both are plain decimal numbers and differ, a resolved miss.
//     Anything else needs the judge.

// ruleVerdict applies the no-judge rules to a final answer.
func ruleVerdict(p *problem, final string) (hit, resolved bool, how string) {
	if strings.TrimSpace(final) == strings.TrimSpace(p.answer) {
		return true, true, "final answer equals the standard answer"
	}
	if !p.multiChoice() {
		return freeFormVerdict(p.answer, final)
	}
	gold, ok := letterSet(p.answer)
	if !ok {
		return false, false, ""
	}
	got, ok := letterSet(final)
	if !ok {
		return false, false, ""
	}
	if slices.Equal(got, gold) {
		return true, true, "option letters match the standard answer"
	}
	return false, true, "option letters differ from the standard answer"
}

// freeFormVerdict compares a free-form answer by value. The exact options
// (rationals equal, floats to rounding error) keep it a rule, not a guess.
func freeFormVerdict(standard, final string) (hit, resolved bool, how string) {
	if eq, err := mathexpr.Equal(final, standard, mathexpr.Options{}); err == nil && eq && sameWords(final, standard) {
		return true, true, "final answer equals the standard answer in value"
	}
	a, errA := strconv.ParseFloat(strings.TrimSpace(final), 64)
	b, errB := strconv.ParseFloat(strings.TrimSpace(standard), 64)
	if errA == nil && errB == nil && a != b {
		return false, true, "final answer and standard answer are different numbers"
	}
	return false, false, ""
}

// sameWords reports whether a and b name the same words (runs of ASCII
// letters not part of a LaTeX command), or one of them names none: units
// and variables must agree for a value match to count.
func sameWords(a, b string) bool {
	wa, wb := words(a), words(b)
	return len(wa) == 0 || len(wb) == 0 || slices.Equal(wa, wb)
}

func words(s string) []string {
	var out []string
	for i := 0; i < len(s); {
		if !isASCIILetter(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isASCIILetter(s[j]) {
			j++
		}
		if i == 0 || s[i-1] != '\\' {
			out = append(out, s[i:j])
		}
		i = j
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// letterSet reads s as nothing but option letters, sorted: "B", "(B)", "[B]",
// "B.", "B)", "B:", "A, C", "A;C", "A and C", "C\nD". Letters must be upper
// case, since a lone lower-case "a" is as likely an article as an option.
func letterSet(s string) ([]string, bool) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || unicode.IsSpace(r) })
	var out []string
	for i, f := range fields {
		if f == "and" && i > 0 && i < len(fields)-1 {
			continue
		}
		l, ok := bareLetter(f)
		if !ok {
			return nil, false
		}
		out = append(out, l)
	}
	if len(out) == 0 {
		return nil, false
	}
	slices.Sort(out)
	return out, true
}

// bareLetter reads one token as an upper-case option letter.
func bareLetter(tok string) (string, bool) {
	tok = strings.TrimRight(tok, ".:")
	switch {
	case len(tok) == 3 && (tok[0] == '(' && tok[2] == ')' || tok[0] == '[' && tok[2] == ']'):
		tok = tok[1:2]
	case len(tok) == 2 && tok[1] == ')':
		tok = tok[:1]
	}
	if len(tok) == 1 && tok[0] >= 'A' && tok[0] <= 'Z' {
		return tok, true
	}
	return "", false
}
