package grpo

import "math"

// Surrogate is the clipped-ratio objective of one token, to be maximised:
// min(r·A, clip(r, 1−ε, 1+ε)·A) with r = exp(logp − logpOld). clipped reports
// whether the clipped branch was the smaller one (the token's gradient is
// then zero), which the clip-fraction metric counts.
func Surrogate(logp, logpOld, adv, eps float64) (value float64, clipped bool) {
	r := math.Exp(logp - logpOld)
	unclipped := r * adv
	c := math.Max(1-eps, math.Min(1+eps, r)) * adv
	if c < unclipped {
		return c, true
	}
	return unclipped, false
}

// SequenceLoss is the GRPO loss of a batch in plain Go: for each sequence the
// mean over its response tokens of −(surrogate − β·KL), then the mean over
// sequences (the paper's 1/G Σ_i 1/|o_i| Σ_t). logp, logpOld and logpRef
// are [sequence][token] over response tokens only; adv is per sequence. It is
// the reference the training graph is tested against; sequences with no
// response token are skipped.
func SequenceLoss(logp, logpOld, logpRef [][]float64, adv []float64, eps, beta float64, est KLEstimator) (loss, clipFrac float64) {
	var n, tokens, clippedTokens int
	for i := range logp {
		if len(logp[i]) == 0 {
			continue
		}
		var s float64
		for t := range logp[i] {
			v, c := Surrogate(logp[i][t], logpOld[i][t], adv[i], eps)
			if c {
				clippedTokens++
			}
			s += -(v - beta*est.TokenKL(logp[i][t], logpRef[i][t]))
		}
		loss += s / float64(len(logp[i]))
		tokens += len(logp[i])
		n++
	}
	if n == 0 {
		return 0, 0
	}
	return loss / float64(n), float64(clippedTokens) / float64(tokens)
}
