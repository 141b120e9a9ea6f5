package mathvista

import (
	"context"
	"testing"

	"github.com/vlmlab/harness/plugins/sdk"
)

// BenchmarkScore loads the full testmini (testmini.json + query.json) and
// scores a rule-only prediction set (every answer reachable without a judge)
// in the leaderboard profile.
func BenchmarkScore(b *testing.B) {
	ds := loadReal(b, sdk.ProfileLeaderboard, "")
	rs := correctResponses(ds, sdk.ProfileLeaderboard)
	path := ds.Info().Path
	b.ReportAllocs()
	for b.Loop() {
		ds, err := Load(context.Background(), sdk.LoadRequest{Path: path, Profile: sdk.ProfileLeaderboard})
		if err != nil {
			b.Fatal(err)
		}
		res, err := ds.Score(context.Background(), rs, nil)
		if err != nil || res.Report == nil {
			b.Fatal(err)
		}
	}
}
