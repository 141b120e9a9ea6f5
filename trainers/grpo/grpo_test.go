package grpo

import (
	"math"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestGroupAdvantages(t *testing.T) {
	cases := []struct {
		name    string
		rewards []float64
		g       int
		want    []float64
	}{
		// mean 0.25, unbiased std sqrt((0.75² + 3·0.25²)/3) = 0.5
		{"one right of four", []float64{1, 0, 0, 0}, 4, []float64{1.5, -0.5, -0.5, -0.5}},
		// mean 0.5, unbiased std sqrt(4·0.25/3) = 0.57735…
		{"two right", []float64{1, 1, 0, 0}, 4, []float64{0.8660254, 0.8660254, -0.8660254, -0.8660254}},
		{"all equal gives exactly zero", []float64{1, 1, 1, 1, 0, 0, 0, 0}, 4, []float64{0, 0, 0, 0, 0, 0, 0, 0}},
		// pair: mean 0.5, std sqrt(0.5) = 0.7071
		{"groups are independent", []float64{0.3, 0.3, 1, 0}, 2, []float64{0, 0, 0.70710678, -0.70710678}},
	}
	for _, c := range cases {
		got, err := GroupAdvantages(c.rewards, c.g)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		for i := range got {
			if math.IsNaN(got[i]) || math.Abs(got[i]-c.want[i]) > 1e-6 {
				t.Errorf("%s: adv[%d] = %v, want %v", c.name, i, got[i], c.want[i])
			}
			if c.want[i] == 0 && got[i] != 0 {
				t.Errorf("%s: adv[%d] = %v, want exactly 0", c.name, i, got[i])
			}
		}
	}
}

func TestGroupAdvantagesErrors(t *testing.T) {
	for _, c := range []struct {
		rewards []float64
		g       int
	}{
		{[]float64{1, 0}, 1},
		{[]float64{1, 0, 1}, 2},
		{[]float64{math.NaN(), 0}, 2},
		{[]float64{math.Inf(1), 0}, 2},
	} {
		if _, err := GroupAdvantages(c.rewards, c.g); err == nil {
			t.Errorf("GroupAdvantages(%v, %d): want an error", c.rewards, c.g)
		}
	}
}

func TestZeroVarianceGroups(t *testing.T) {
	if n := ZeroVarianceGroups([]float64{1, 1, 0, 1, 0, 0, 0.5, 0.5}, 2); n != 3 {
		t.Errorf("got %d zero-variance groups, want 3", n)
	}
}

func TestSurrogate(t *testing.T) {
	cases := []struct {
		name        string
		ratio, adv  float64
		want        float64
		wantClipped bool
	}{
		{"inside the range", 1.1, 2, 2.2, false},
		{"above, positive advantage: clipped", 1.5, 2, 2.4, true},
		{"above, negative advantage: not clipped", 1.5, -2, -3, false},
		{"below, negative advantage: clipped", 0.5, -2, -1.6, true},
		{"below, positive advantage: not clipped", 0.5, 2, 1, false},
		{"zero advantage", 3, 0, 0, false},
	}
	for _, c := range cases {
		got, clipped := Surrogate(math.Log(c.ratio), 0, c.adv, 0.2)
		if math.Abs(got-c.want) > 1e-12 || clipped != c.wantClipped {
			t.Errorf("%s: Surrogate = %v (clipped %v), want %v (clipped %v)", c.name, got, clipped, c.want, c.wantClipped)
		}
	}
}

func TestTokenKL(t *testing.T) {
	logp, ref := math.Log(0.5), math.Log(0.25)
	// log ratio = log 2
	if got := K1.TokenKL(logp, ref); !near(got, math.Ln2) {
		t.Errorf("k1 = %v, want ln 2", got)
	}
	if got := K2.TokenKL(logp, ref); !near(got, math.Ln2*math.Ln2/2) {
		t.Errorf("k2 = %v", got)
	}
	// ref/p − 1 − log(ref/p) = 0.5 − 1 + ln 2
	if got := K3.TokenKL(logp, ref); !near(got, 0.5-1+math.Ln2) {
		t.Errorf("k3 = %v", got)
	}
	for _, e := range []KLEstimator{K1, K2, K3} {
		if got := e.TokenKL(-1.3, -1.3); got != 0 {
			t.Errorf("%s of identical policies = %v, want 0", e, got)
		}
	}
	if _, err := ParseKLEstimator("k4"); err == nil {
		t.Error("k4 accepted")
	}
}

func TestAdaptiveKL(t *testing.T) {
	// Paper's KL2 setting with OpenRLHF's default horizon.
	a := &AdaptiveKL{Coef: 1e-3, Target: 5e-4, Horizon: 10000}
	// KL at 4× the target: the error is clipped to +0.2; 1000 samples →
	// β × (1 + 0.2·1000/10000) = β × 1.02.
	a.Update(2e-3, 1000)
	if !near(a.Value(), 1.02e-3) {
		t.Errorf("after a high KL: β = %v, want 1.02e-3", a.Value())
	}
	// KL at 0.9× the target: error −0.1 → × (1 − 0.1·5000/10000) = × 0.95.
	a.Update(4.5e-4, 5000)
	if !near(a.Value(), 1.02e-3*0.95) {
		t.Errorf("after a low KL: β = %v, want %v", a.Value(), 1.02e-3*0.95)
	}
	// KL of 0: error clipped to −0.2.
	a.Update(0, 10000)
	if !near(a.Value(), 1.02e-3*0.95*0.8) {
		t.Errorf("after zero KL: β = %v", a.Value())
	}
	f := &FixedKL{Coef: 0.01}
	f.Update(5, 1000)
	if f.Value() != 0.01 {
		t.Errorf("fixed β moved to %v", f.Value())
	}
}

func TestSequenceLoss(t *testing.T) {
	// Two sequences, no policy change (ratio 1) and no KL: the loss is
	// −mean(adv) and nothing is clipped.
	lp := [][]float64{{-1, -2}, {-0.5}}
	loss, clip := SequenceLoss(lp, lp, lp, []float64{1.5, -0.5}, 0.2, 0.1, K3)
	if !near(loss, -0.5) || clip != 0 {
		t.Errorf("loss %v clip %v, want -0.5 and 0", loss, clip)
	}
	// One token whose ratio is 2 with a positive advantage is clipped at
	// 1.2; the other sequence's token is unchanged. Sequence means first:
	// seq 0 = −(1.2·1 + 1·1)/2 = −1.1, seq 1 = −1 → mean −1.05.
	loss, clip = SequenceLoss([][]float64{{math.Ln2, 0}, {0}}, [][]float64{{0, 0}, {0}}, [][]float64{{math.Ln2, 0}, {0}}, []float64{1, 1}, 0.2, 0, K1)
	if !near(loss, -1.05) || !near(clip, 1.0/3) {
		t.Errorf("loss %v clip %v, want -1.05 and 1/3", loss, clip)
	}
}
