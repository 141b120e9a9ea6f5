package reward

import (
	"context"
	"fmt"
	"math"
)

// ScoreRequest is one (question, answer) pair for a reward model.
type ScoreRequest struct {
	Query    string   // the question
	Response string   // the answer to score: the model's, or the reference
	Images   []string // paths or URLs of the question's images
}

// Scorer is a reward model S_θ: it scores (question, answer) pairs, higher
// meaning better. The paper uses InternLM-XComposer2.5-Reward; any model
// behind the interface works, since only score differences matter.
type Scorer interface {
	// Score returns one finite score per request, in order.
	Score(ctx context.Context, reqs []ScoreRequest) ([]float64, error)
}

// OpenReward is the paper's open-ended reward (§4.1, after Muhtar et al.
// 2025): R = 1 − exp(−(S(ŷ) − S(y))·β) when the answer scores above the
// reference (S(ŷ) > S(y)), else 0. It lies in [0, 1). A non-finite score or
// a non-positive β yields 0, never NaN.
func OpenReward(answerScore, referenceScore, beta float64) float64 {
	d := answerScore - referenceScore
	if !(d > 0) || !(beta > 0) || math.IsInf(d, 0) || math.IsInf(beta, 0) {
		return 0
	}
	r := -math.Expm1(-d * beta) // 1 − exp(−dβ), accurate for small dβ
	if math.IsNaN(r) || r < 0 {
		return 0
	}
	return math.Min(r, 1)
}

// DefaultBeta is the smoothing β of the open-ended reward when none is set.
// The paper does not give its value; with β = 1 a margin of one reward-model
// unit over the reference earns 0.63.
const DefaultBeta = 1.0

// scoreOpen fills the results of the open-ended samples at idx (whose answers
// are answers[k]) with one Scorer call: the answer and the reference of each
// sample are scored side by side.
func scoreOpen(ctx context.Context, scorer Scorer, beta float64, samples []Sample, idx []int, answers []string, out []Result) error {
	if len(idx) == 0 {
		return nil
	}
	if scorer == nil {
		return &SampleError{Index: idx[0], Err: fmt.Errorf("verifier_type open_ended needs a reward model, and none is configured")}
	}
	reqs := make([]ScoreRequest, 0, 2*len(idx))
	for k, i := range idx {
		s := samples[i]
		reqs = append(reqs,
			ScoreRequest{Query: s.Query, Response: answers[k], Images: s.Images},
			ScoreRequest{Query: s.Query, Response: s.Label, Images: s.Images})
	}
	scores, err := scorer.Score(ctx, reqs)
	if err != nil {
		return fmt.Errorf("open-ended reward model: %w", err)
	}
	if len(scores) != len(reqs) {
		return fmt.Errorf("open-ended reward model: %d scores for %d requests", len(scores), len(reqs))
	}
	for k, i := range idx {
		got, ref := scores[2*k], scores[2*k+1]
		if math.IsNaN(got) || math.IsNaN(ref) || math.IsInf(got, 0) || math.IsInf(ref, 0) {
			return fmt.Errorf("open-ended reward model: sample %d: non-finite score (answer %v, reference %v)", i, got, ref)
		}
		r := OpenReward(got, ref, beta)
		out[i].Reward = r
		out[i].Reason = fmt.Sprintf("reward model: answer %.4g vs reference %.4g", got, ref)
	}
	return nil
}
