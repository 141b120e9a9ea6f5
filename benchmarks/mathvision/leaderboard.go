package mathvision

import "github.com/vlmlab/harness/benchmarks/answer"

// The leaderboard scorer: VLMEvalKit's post_check in
// vlmeval/dataset/utils/mathv.py, at the revision the dataset was loaded
// with (OptionVLMEvalKit).

// Prefetch is post_check(prefetch=True): for multiple choice any letter
// can_infer finds in the prediction (a refusal's "Z" included, which then
// scores wrong); for free-form items the whole prediction, when is_equal
// already holds for it. quirk names an upstream quirk that decided it.
func (d *Dataset) Prefetch(p *Problem, prediction string) (res string, ok bool, quirk string) {
	if p.IsMultiChoice() {
		res, ok = answer.CanInfer(prediction, answer.Lettered(p.Options))
		return res, ok, ""
	}
	if eq, q := vlmevalkitEqual(prediction, p.Answer, d.rev); eq {
		return prediction, true, q
	}
	return "", false, ""
}

// LeaderboardHit is post_check(prefetch=False) on the stored extraction res:
// multiple choice compares only the letter can_infer finds with the gold
// letter (Python's str(False) when it finds none); free-form items use
// is_equal(res, answer) with VLMEvalKit's 1e-6 tolerance.
func (d *Dataset) LeaderboardHit(p *Problem, res string) (hit bool, quirk string) {
	if p.IsMultiChoice() {
		letter, ok := answer.CanInfer(res, answer.Lettered(p.Options))
		if !ok {
			letter = "False"
		}
		return vlmevalkitEqual(letter, p.Answer, d.rev)
	}
	return vlmevalkitEqual(res, p.Answer, d.rev)
}
