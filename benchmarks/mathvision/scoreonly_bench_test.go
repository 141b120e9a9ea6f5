package mathvision

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/vlmlab/harness/internal/testenv"
	"github.com/vlmlab/harness/plugins/sdk"
)

// BenchmarkScoreGoldens scores the 12,160 real responses of the four MATH-V
// golden models, data loaded once outside the loop: the scoring rules alone
// (leaderboard without a judge: prefetch and is_equal; official: rule
// extraction and is_equal).
func BenchmarkScoreGoldens(b *testing.B) {
	var rs [][]sdk.Response
	for _, model := range []string{"gemini-pro-cot", "gpt4-cot-text-only", "llava-v1.5-7b", "random-chance"} {
		f, err := os.Open(filepath.Join(testenv.SharedPath(b, "goldens", "mathvision", model), "output.jsonl"))
		if err != nil {
			b.Fatal(err)
		}
		var one []sdk.Response
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<24)
		for sc.Scan() {
			var r struct {
				ID       string `json:"id"`
				Response string `json:"response"`
			}
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
				b.Fatal(err)
			}
			one = append(one, sdk.Response{ItemID: r.ID, Text: r.Response})
		}
		f.Close()
		rs = append(rs, one)
	}
	for _, profile := range []string{sdk.ProfileLeaderboard, sdk.ProfileOfficial} {
		b.Run(profile, func(b *testing.B) {
			ds := loadReal(b, profile)
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
