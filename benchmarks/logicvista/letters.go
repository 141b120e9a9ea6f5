package logicvista

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// zzzzz is the official scorer's "no answer" choice; it matches nothing.
const zzzzz = "ZZZZZ"

// sortedLower lower-cases each label and sorts the list.
func sortedLower(labels []string) []string {
	out := make([]string, len(labels))
	for i, l := range labels {
		out[i] = strings.ToLower(l)
	}
	slices.Sort(out)
	return out
}

// upperAlpha is Python's s.isupper() and s.isalpha(), the test VLMEvalKit
// puts on the judge's output: only letters, at least one cased, none lower
// or title case. So "AC" passes; "B.", "A, C", "3" and "" do not.
func upperAlpha(s string) bool {
	if s == "" {
		return false
	}
	cased := false
	for _, r := range s {
		if !unicode.IsLetter(r) {
			return false
		}
		if unicode.IsLower(r) || unicode.IsTitle(r) {
			return false
		}
		if unicode.IsUpper(r) {
			cased = true
		}
	}
	return cased
}

// letterKey is VLMEvalKit's comparison form of a judge output: its
// characters lower-cased, sorted and joined ("CA" → "ac"). Repeated letters
// stay, so "AAC" does not match "A, C".
func letterKey(s string) string {
	rs := []rune(strings.ToLower(s))
	slices.Sort(rs)
	return string(rs)
}

// labelSet reads s as nothing but option labels, for the no-judge rules:
// "B", "(B)", "[B]", "B.", "B)", "B:", "A, C", "A;C", "A and C". Labels are
// upper-case letters, and digits when digits is true; a lone lower-case "a"
// is as likely an article as an option. The labels are returned as written.
func labelSet(s string, digits bool) ([]string, bool) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || unicode.IsSpace(r) })
	var out []string
	for i, f := range fields {
		if f == "and" && i > 0 && i < len(fields)-1 {
			continue
		}
		l, ok := bareLabel(f, digits)
		if !ok {
			return nil, false
		}
		out = append(out, l)
	}
	return out, len(out) > 0
}

// bareLabel reads one token as an option label.
func bareLabel(tok string, digits bool) (string, bool) {
	tok = strings.TrimRight(tok, ".:")
	switch {
	case len(tok) == 3 && (tok[0] == '(' && tok[2] == ')' || tok[0] == '[' && tok[2] == ']'):
		tok = tok[1:2]
	case len(tok) == 2 && tok[1] == ')':
		tok = tok[:1]
	}
	if len(tok) == 1 && (tok[0] >= 'A' && tok[0] <= 'Z' || digits && tok[0] >= '0' && tok[0] <= '9') {
		return tok, true
	}
	return "", false
}

// officialSingle is the official scorer's rule for a reply of at most one
// character, applied before any GPT call: empty stays [""] (which matches only
// the empty standard answer of v1_382), a letter outside a-e or a character
// that is neither a letter nor numeric becomes ZZZZZ, anything else is the
// one choice. ok is false for longer replies, which go to the judge.
func officialSingle(entry string) (choices []string, ok bool) {
	s := strings.TrimSpace(entry)
	rs := []rune(s)
	switch {
	case len(rs) == 0:
		return []string{""}, true
	case len(rs) > 1:
		return nil, false
	case unicode.IsLetter(rs[0]) && !strings.ContainsRune("abcde", unicode.ToLower(rs[0])):
		return []string{zzzzz}, true
	case !unicode.IsLetter(rs[0]) && !unicode.IsNumber(rs[0]):
		return []string{zzzzz}, true
	}
	return []string{s}, true
}

// parseChoices reads the official judge's output. The official scorer asks
// GPT-4 for the JSON {"choices": [...]} with a Pydantic parser and, when the
// output does not parse, has another model repair it; here the repair is a
// lenient reading instead:
//
//   - a JSON object with a "choices" list anywhere in the text (code fences
//     and prose around it are ignored; numbers become strings);
//   - else a bare list of labels: "A, C", "['A', 'C']", "B", "ZZZZZ".
//
// Anything else is not a valid output and is asked again.
func parseChoices(text string) ([]string, bool) {
	if i, j := strings.Index(text, "{"), strings.LastIndex(text, "}"); i >= 0 && j > i {
		var v struct {
			Choices *[]any `json:"choices"`
		}
		if json.Unmarshal([]byte(text[i:j+1]), &v) == nil && v.Choices != nil {
			out := make([]string, 0, len(*v.Choices))
			for _, c := range *v.Choices {
				switch c := c.(type) {
				case string:
					out = append(out, strings.TrimSpace(c))
				case float64:
					out = append(out, strconv.FormatFloat(c, 'f', -1, 64))
				default:
					return nil, false
				}
			}
			return out, true
		}
	}
	s := strings.Trim(strings.TrimSpace(text), "[]")
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || unicode.IsSpace(r) })
	var out []string
	for _, f := range fields {
		f = strings.Trim(f, `'"().`)
		rs := []rune(f)
		if f != zzzzz && (len(rs) != 1 || !unicode.IsLetter(rs[0]) && !unicode.IsDigit(rs[0])) {
			return nil, false
		}
		out = append(out, f)
	}
	return out, len(out) > 0
}
