package mathvista

import (
	"regexp"
	"strings"
)

// The official scorer (lupantech/MathVista evaluation/extract_answer.py and
// calculate_score.py): extract, normalise to the answer's type, compare the
// strings exactly.

// quickExtract is the optional --quick_extract rule of extract_answer.py.
var quickExtract = regexp.MustCompile(`The answer is "(.*)"\.`)

// parenLetter finds "(B)" in an extraction such as "(B) 8/11".
var parenLetter = regexp.MustCompile(`\(([a-zA-Z])\)`)

// OfficialRuleExtract is the rule part of the official extract_answer: ""
// for an empty response (no GPT call; a multiple-choice "" then normalises
// to the nearest, i.e. shortest, option), the response itself when it is
// exactly one of the choices or, for a numeric answer type, a Python
// int/float; with quick set (--quick_extract, which none of the authors' run
// scripts pass) also the text of `The answer is "…".`. ok is false when only
// the LLM judge can extract the answer; a response of zero-width spaces is
// not empty and goes to it, as upstream.
func OfficialRuleExtract(p *Problem, response string, quick bool) (extraction string, ok bool) {
	if response == "" {
		return "", true
	}
	if p.IsMultiChoice() {
		for _, c := range p.Choices {
			if response == c {
				return response, true
			}
		}
	}
	switch p.AnswerType {
	case AnswerInteger:
		if n, ok := pyInt(response); ok {
			return n.String(), true
		}
	case AnswerFloat:
		if f, ok := pyFloat(response); ok {
			return pyFloatRepr(f), true
		}
	}
	if quick {
		if m := quickExtract.FindStringSubmatch(response); m != nil {
			return m[1], true
		}
	}
	return "", false
}

// Normalize is the official normalize_extracted_answer: a multiple-choice
// extraction becomes an option text ("(B) …" or "B" by letter, anything else
// the option nearest by Levenshtein distance); an integer str(int(float(x)));
// a float str(round(float(x), precision)); a list the extraction itself.
// ok is false where Python yields None (no number could be read).
func Normalize(p *Problem, extraction string) (prediction string, ok bool) {
	if p.IsMultiChoice() {
		x := pyStrip(extraction)
		if m := parenLetter.FindStringSubmatch(x); m != nil {
			x = strings.ToUpper(m[1])
		}
		if len(x) == 1 && x[0] >= 'A' && int(x[0]-'A') < len(p.Choices) {
			return p.Choices[x[0]-'A'], true
		}
		return nearestChoice(x, p.Choices), true
	}
	switch p.AnswerType {
	case AnswerInteger:
		f, ok := pyFloat(extraction)
		if !ok {
			return "", false
		}
		n, ok := pyIntOfFloat(f)
		if !ok {
			return "", false
		}
		return n.String(), true
	case AnswerFloat:
		f, ok := pyFloat(extraction)
		if !ok {
			return "", false
		}
		return pyFloatRepr(pyRound(f, p.Precision)), true
	}
	// list (and text outside multiple choice): str(extraction).
	return extraction, true
}

// ScoreExtraction scores an extracted answer the official way: the
// normalised prediction and whether it equals the gold answer string.
func ScoreExtraction(p *Problem, extraction string) (prediction string, hit bool) {
	prediction, ok := Normalize(p, extraction)
	return prediction, ok && prediction == p.Answer
}

// nearestChoice is get_most_similar: the first option with the smallest
// Levenshtein distance (over code points, as python-Levenshtein counts).
func nearestChoice(x string, choices []string) string {
	best, bestDist := "", -1
	for _, c := range choices {
		if d := levenshtein(x, c); bestDist < 0 || d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// levenshtein is the edit distance between a and b in code points.
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) < len(rb) {
		ra, rb = rb, ra
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// pyStrip is Python's str.strip() with no argument (str.isspace characters).
func pyStrip(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		switch r {
		case '\t', '\n', '\v', '\f', '\r', ' ', 0x1c, 0x1d, 0x1e, 0x1f, 0x85, 0xa0,
			0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000:
			return true
		}
		return r >= 0x2000 && r <= 0x200a
	})
}
