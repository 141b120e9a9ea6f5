package mathverse

import (
	"slices"
	"strings"
	"unicode"
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
//     letter is a resolved miss.

// ruleVerdict applies the no-judge rules to a final answer.
func ruleVerdict(p *problem, final string) (hit, resolved bool, how string) {
	if strings.TrimSpace(final) == strings.TrimSpace(p.answer) {
		return true, true, "final answer equals the standard answer"
	}
	if !p.multiChoice() {
		return false, false, ""
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
