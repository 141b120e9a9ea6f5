package grpo

import (
	"fmt"
	"math"
)

// GroupAdvantages normalises rewards within each group of groupSize
// consecutive samples: (r − mean) / (std + 1e-9), std being the unbiased
// (n−1) standard deviation as torch.std computes it in OpenRLHF's
// group_norm estimator. A group whose rewards are all equal gets exactly
// zero advantage (its numerator is zero), never NaN: it carries no signal,
// and ZeroVarianceGroups counts such groups for the metrics.
func GroupAdvantages(rewards []float64, groupSize int) ([]float64, error) {
	if groupSize < 2 {
		return nil, fmt.Errorf("group size %d: GRPO needs at least 2 samples per prompt to normalise within a group", groupSize)
	}
	if len(rewards)%groupSize != 0 {
		return nil, fmt.Errorf("%d rewards do not split into groups of %d", len(rewards), groupSize)
	}
	adv := make([]float64, len(rewards))
	for g := 0; g < len(rewards); g += groupSize {
		group := rewards[g : g+groupSize]
		mean, std := meanStd(group)
		for i, r := range group {
			if math.IsNaN(r) || math.IsInf(r, 0) {
				return nil, fmt.Errorf("reward %d is %v: rewards must be finite", g+i, r)
			}
			adv[g+i] = (r - mean) / (std + 1e-9)
		}
	}
	return adv, nil
}

// ZeroVarianceGroups counts the groups whose rewards are all equal, so their
// advantages are zero and they do not move the policy.
func ZeroVarianceGroups(rewards []float64, groupSize int) int {
	if groupSize < 1 {
		return 0
	}
	n := 0
	for g := 0; g+groupSize <= len(rewards); g += groupSize {
		same := true
		for _, r := range rewards[g+1 : g+groupSize] {
			if r != rewards[g] {
				same = false
				break
			}
		}
		if same {
			n++
		}
	}
	return n
}

// meanStd returns the mean and the unbiased standard deviation of xs
// (len(xs) ≥ 2).
func meanStd(xs []float64) (mean, std float64) {
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	var ss float64
	for _, x := range xs {
		d := x - mean
		ss += d * d
	}
	return mean, math.Sqrt(ss / float64(len(xs)-1))
}
