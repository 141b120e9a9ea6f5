package grpo

import (
	"fmt"
	"math"
)

// KLEstimator names a per-token estimate of KL(π_θ ‖ π_ref) from the two
// log-probabilities of the sampled token, as OpenRLHF names them.
type KLEstimator string

const (
	// K1 is log π_θ − log π_ref: unbiased, high variance, can be negative.
	K1 KLEstimator = "k1"
	// K2 is (log π_θ − log π_ref)² / 2.
	K2 KLEstimator = "k2"
	// K3 is π_ref/π_θ − 1 − log(π_ref/π_θ): unbiased and never negative
	// (Schulman's estimator; what GRPO's paper uses).
	K3 KLEstimator = "k3"
)

// ParseKLEstimator reads k1, k2 or k3.
func ParseKLEstimator(s string) (KLEstimator, error) {
	switch e := KLEstimator(s); e {
	case K1, K2, K3:
		return e, nil
	}
	return "", fmt.Errorf("kl estimator %q: want k1, k2 or k3", s)
}

// TokenKL is the estimator's value for one token with policy log-probability
// logp and reference log-probability logpRef.
func (e KLEstimator) TokenKL(logp, logpRef float64) float64 {
	lr := logp - logpRef
	switch e {
	case K2:
		return lr * lr / 2
	case K3:
		return math.Exp(-lr) - 1 + lr
	}
	return lr
}

// KLController decides the KL coefficient β step by step.
type KLController interface {
	// Value is the coefficient to use for the next update.
	Value() float64
	// Update takes the mean KL measured on the last rollout batch and the
	// number of samples it held.
	Update(measuredKL float64, samples int)
}

// FixedKL keeps β constant.
type FixedKL struct{ Coef float64 }

func (f *FixedKL) Value() float64      { return f.Coef }
func (f *FixedKL) Update(float64, int) {}
func (f *FixedKL) String() string      { return fmt.Sprintf("fixed(%g)", f.Coef) }

// AdaptiveKL is OpenRLHF's AdaptiveKLController (from Ziegler et al.): β is
// multiplied by 1 + clip(KL/target − 1, −0.2, 0.2) · samples / horizon after
// each rollout batch, so it grows while the policy drifts past the target KL
// and shrinks while it stays below. The paper's better setting (KL2, Table 6)
// is init 1e-3, target 5e-4; OpenRLHF's default horizon is 10000 samples.
type AdaptiveKL struct {
	Coef    float64
	Target  float64
	Horizon float64
}

func (a *AdaptiveKL) Value() float64 { return a.Coef }

func (a *AdaptiveKL) Update(measuredKL float64, samples int) {
	if a.Target <= 0 || a.Horizon <= 0 || math.IsNaN(measuredKL) {
		return
	}
	errRatio := measuredKL/a.Target - 1
	errRatio = math.Max(-0.2, math.Min(0.2, errRatio))
	a.Coef *= 1 + errRatio*float64(samples)/a.Horizon
}

func (a *AdaptiveKL) String() string {
	return fmt.Sprintf("adaptive(init %g, target %g, horizon %g)", a.Coef, a.Target, a.Horizon)
}
