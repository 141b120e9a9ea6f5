package mathvision

import (
	"context"
	"testing"

	"github.com/vlmlab/harness/plugins/sdk"
)

// BenchmarkScore loads the full test.jsonl and scores a rule-only prediction
// set (every answer reachable without a judge), in each profile.
func BenchmarkScore(b *testing.B) {
	for _, profile := range []string{sdk.ProfileLeaderboard, sdk.ProfileOfficial} {
		b.Run(profile, func(b *testing.B) {
			ds := loadReal(b, profile)
			rs := correctResponses(ds)
			path := ds.Info().Path
			b.ReportAllocs()
			for b.Loop() {
				ds, err := Load(context.Background(), sdk.LoadRequest{Path: path, Profile: profile})
				if err != nil {
					b.Fatal(err)
				}
				res, err := ds.Score(context.Background(), rs, nil)
				if err != nil || res.Report == nil {
					b.Fatal(err)
				}
			}
		})
	}
}
