package mathvista

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/vlmlab/harness/internal/testenv"
	"github.com/vlmlab/harness/plugins/sdk"
)

// BenchmarkScoreGoldens scores the 3,000 real responses of the three
// MathVista golden models, data loaded once outside the loop, without a
// judge: the rules alone (leaderboard prefetch; official rule extraction).
func BenchmarkScoreGoldens(b *testing.B) {
	var rs [][]sdk.Response
	for _, model := range []string{"bard", "chatgpt", "gpt4"} {
		raw, err := os.ReadFile(filepath.Join(testenv.SharedPath(b, "goldens", "mathvista", model), "output.json"))
		if err != nil {
			b.Fatal(err)
		}
		var recs map[string]struct {
			Response string `json:"response"`
		}
		if err := json.Unmarshal(raw, &recs); err != nil {
			b.Fatal(err)
		}
		var one []sdk.Response
		for pid, r := range recs {
			one = append(one, sdk.Response{ItemID: pid, Text: r.Response})
		}
		rs = append(rs, one)
	}
	for _, profile := range []string{sdk.ProfileLeaderboard, sdk.ProfileOfficial} {
		b.Run(profile, func(b *testing.B) {
			ds := loadReal(b, profile, "")
			b.ReportAllocs()
			for b.Loop() {
				for _, r := range rs {
					if res, err := ds.Score(context.Background(), r, nil); err != nil || res.Report == nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
