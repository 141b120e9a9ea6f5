package leaderboard

import (
	"cmp"
	"math"
	"slices"
)

// Filter picks the entries a ranking shows. The zero Filter is the public
// leaderboard view over every scale: published models only.
type Filter struct {
	// Scale keeps one size filter ("4B", "7B"); empty keeps every scale.
	Scale string
	// Ablations also keeps kind: ablation entries (runs reported only
	// inside a paper), which a leaderboard does not list.
	Ablations bool
}

func (f Filter) keep(e Entry) bool {
	if f.Scale != "" && e.Scale != f.Scale {
		return false
	}
	return f.Ablations || e.Kind != KindAblation
}

// Rank returns the entries that pass filter, best first: by the mean of the
// six scores (computed, as the leaderboard does, not the printed average,
// which for a few paper rows disagrees), then by model name, then id, so
// equal averages always come out in the same order. Entries missing a score
// have no average and come last. entries is not changed.
func Rank(entries []Entry, filter Filter) []Entry {
	type ranked struct {
		e   Entry
		avg float64
		ok  bool
	}
	var rs []ranked
	for _, e := range entries {
		if !filter.keep(e) {
			continue
		}
		avg, ok := e.Average()
		// Rounded so that equal printed scores in a different order do
		// not rank apart on the last bit.
		rs = append(rs, ranked{e, math.Round(avg * 1e6), ok})
	}
	slices.SortStableFunc(rs, func(a, b ranked) int {
		if a.ok != b.ok {
			if a.ok {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(b.avg, a.avg), cmp.Compare(a.e.Model, b.e.Model), cmp.Compare(a.e.ID, b.e.ID))
	})
	out := make([]Entry, len(rs))
	for i, r := range rs {
		out[i] = r.e
	}
	return out
}
