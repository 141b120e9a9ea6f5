package mathvision

import "github.com/vlmlab/harness/benchmarks/answer"

// The leaderboard scorer: VLMEvalKit's post_check in
// vlmeval/dataset/utils/mathv.py.

// Prefetch is post_check(prefetch=True): for multiple choice any letter
// can_infer finds in the prediction (a refusal's "Z" included, which then
// scores wrong); for free-form items the whole prediction, when is_equal
// already holds for it.
func Prefetch(p *Problem, prediction string) (res string, ok bool) {
	if p.IsMultiChoice() {
		return answer.CanInfer(prediction, answer.Lettered(p.Options))
	}
	if vlmevalkitEqual(prediction, p.Answer) {
		return prediction, true
	}
	return "", false
}

// LeaderboardHit is post_check(prefetch=False) on the stored extraction res:
// multiple choice compares only the letter can_infer finds with the gold
// letter (Python's str(False) when it finds none); free-form items use
// is_equal(res, answer) with VLMEvalKit's 1e-6 tolerance.
func LeaderboardHit(p *Problem, res string) bool {
	if p.IsMultiChoice() {
		letter, ok := answer.CanInfer(res, answer.Lettered(p.Options))
		if !ok {
			letter = "False"
		}
		return vlmevalkitEqual(letter, p.Answer)
	}
	return vlmevalkitEqual(res, p.Answer)
}
