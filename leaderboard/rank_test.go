package leaderboard_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vlmlab/harness/leaderboard"
)

func entry(id, model, scale, kind string, scores ...float64) leaderboard.Entry {
	e := leaderboard.Entry{ID: id, Model: model, Scale: scale, Kind: kind, Scores: map[string]float64{}}
	for i, b := range leaderboard.Benchmarks()[:len(scores)] {
		e.Scores[b.Name] = scores[i]
	}
	return e
}

func TestRank(t *testing.T) {
	six := func(x float64) []float64 { return []float64{x, x, x, x, x, x} }
	es := []leaderboard.Entry{
		entry("low", "Low", "4B", leaderboard.KindModel, six(10)...),
		entry("tie-b", "B model", "4B", leaderboard.KindModel, six(30)...),
		// Same mean as tie-b written in another order: must tie exactly.
		entry("tie-a", "A model", "4B", leaderboard.KindModel, 29.9, 30.1, 30.2, 29.8, 30.05, 29.95),
		entry("partial", "Partial", "4B", leaderboard.KindModel, 99, 99),
		entry("big", "Big", "7B", leaderboard.KindModel, six(50)...),
		entry("run", "Run", "4B", leaderboard.KindAblation, six(40)...),
	}
	for _, tc := range []struct {
		name   string
		filter leaderboard.Filter
		want   []string
	}{
		{"all published", leaderboard.Filter{}, []string{"big", "tie-a", "tie-b", "low", "partial"}},
		{"4B", leaderboard.Filter{Scale: "4B"}, []string{"tie-a", "tie-b", "low", "partial"}},
		{"4B with ablations", leaderboard.Filter{Scale: "4B", Ablations: true}, []string{"run", "tie-a", "tie-b", "low", "partial"}},
		{"unknown scale", leaderboard.Filter{Scale: "72B"}, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ids(leaderboard.Rank(es, tc.filter))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if es[0].ID != "low" {
		t.Error("Rank reordered its input")
	}
}

func TestAverage(t *testing.T) {
	for _, tc := range []struct {
		name   string
		e      leaderboard.Entry
		want   float64
		wantOK bool
	}{
		{"six", entry("a", "A", "4B", "model", 61.0, 24.4, 36.4, 18.2, 33.8, 38.5), 35.383333333333333, true},
		{"five", entry("a", "A", "4B", "model", 61.0, 24.4, 36.4, 18.2, 33.8), 0, false},
		{"none", leaderboard.Entry{}, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := tc.e.Average()
			if ok != tc.wantOK || !approx(got, tc.want) {
				t.Errorf("Average() = %v, %v; want %v, %v", got, ok, tc.want, tc.wantOK)
			}
		})
	}
}

func approx(a, b float64) bool { d := a - b; return d < 1e-9 && d > -1e-9 }
