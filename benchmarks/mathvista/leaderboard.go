package mathvista

import (
	"math"

	"github.com/vlmlab/harness/benchmarks/answer"
)

// The leaderboard scorer: VLMEvalKit's post_check in
// vlmeval/dataset/utils/mathvista.py, which prefetches an answer by rule,
// asks the judge otherwise, and decides a hit by type.

// Prefetch is post_check(prefetch=True): for multiple choice any letter
// can_infer finds in the prediction (a refusal's "Z" included, which then
// scores wrong); for integer and float answers the whole prediction read as
// a Python int/float, and only when it equals the answer. A value of zero
// never prefetches, because Python treats the returned 0 as "failed". List
// answers never prefetch.
func Prefetch(p *Problem, prediction string) (res string, ok bool) {
	if p.IsMultiChoice() {
		return answer.CanInfer(prediction, answer.Lettered(p.Choices))
	}
	switch p.AnswerType {
	case AnswerInteger:
		got, ok1 := pyInt(prediction)
		want, ok2 := pyInt(p.Answer)
		if ok1 && ok2 && got.Cmp(want) == 0 && got.Sign() != 0 {
			return got.String(), true
		}
	case AnswerFloat:
		got, ok1 := pyFloat(prediction)
		want, ok2 := pyFloat(p.Answer)
		if ok1 && ok2 && got == want && got != 0 {
			return pyFloatRepr(got), true
		}
	}
	return "", false
}

// LeaderboardHit is post_check(prefetch=False) on the stored extraction res:
// multiple choice hits when can_infer(res) is the answer's letter; integer
// when int(res) == int(answer) (so "14.0" misses); float when float(res) ==
// float(answer) exactly (no rounding to the precision). List answers never
// hit: VLMEvalKit compares str(None) with the answer (issue #1679).
func LeaderboardHit(p *Problem, res string) bool {
	if p.IsMultiChoice() {
		letter, ok := answer.CanInfer(res, answer.Lettered(p.Choices))
		return ok && letter == p.AnswerOption
	}
	switch p.AnswerType {
	case AnswerInteger:
		got, ok1 := pyInt(res)
		want, ok2 := pyInt(p.Answer)
		return ok1 && ok2 && got.Cmp(want) == 0
	case AnswerFloat:
		got, ok1 := pyFloat(res)
		want, ok2 := pyFloat(p.Answer)
		return ok1 && ok2 && got == want && !math.IsNaN(got)
	}
	return false
}
