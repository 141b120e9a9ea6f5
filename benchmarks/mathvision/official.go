package mathvision

import "github.com/vlmlab/harness/benchmarks/answer"

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
