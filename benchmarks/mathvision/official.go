package mathvision

import (
	"strings"

	"github.com/vlmlab/harness/benchmarks/answer"
)

// OfficialExtract is MATH-V's rule-only extraction of a model answer from a
// response (evaluation/evaluate.py; see answer.MathVRule). The result is
// lower-cased, as upstream stores it in model_answer.
func OfficialExtract(response string) string { return answer.MathVRule(response) }

// OfficialHit is MATH-V's correctness rule: is_equal(gold, model answer) or
// is_equal(gold option text, model answer), so a multiple-choice item counts
// when the reply names the letter or the option's text.
func OfficialHit(p *Problem, modelAnswer string) bool {
	return officialEqual(p.Answer, modelAnswer) || officialEqual(p.AnswerText(), modelAnswer)
}

// officialQuirk names the latex2sympy quirk that decided a hit, if one did:
// the model answer is equal to neither gold text, and only a prefix of it
// was read.
func officialQuirk(p *Problem, modelAnswer string) string {
	a := strings.ToLower(modelAnswer)
	for _, g := range []string{p.Answer, p.AnswerText()} {
		if strings.TrimSpace(strings.ToLower(g)) == strings.TrimSpace(a) {
			return ""
		}
	}
	if latexPrefix(a) != a {
		return QuirkPartialParse
	}
	return ""
}
