package leaderboard_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vlmlab/harness/leaderboard"
)

// TestParseBadFiles runs every testdata/bad/*.yaml through Parse and compares
// the error with its .golden file: the messages are what an entry author
// reads, so their wording is pinned.
func TestParseBadFiles(t *testing.T) {
	files, err := filepath.Glob("testdata/bad/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no testdata/bad/*.yaml files")
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(strings.TrimSuffix(name, ".yaml"), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			_, err = leaderboard.Parse(name, data)
			if err == nil {
				t.Fatal("Parse accepted a bad file")
			}
			var le *leaderboard.Error
			if !errors.As(err, &le) || len(le.Problems) == 0 {
				t.Fatalf("error is %T, want *leaderboard.Error with problems: %v", err, err)
			}
			for _, p := range le.Problems {
				if p.File != name {
					t.Errorf("problem names file %q, want %q", p.File, name)
				}
			}
			checkGolden(t, strings.TrimSuffix(path, ".yaml")+".golden", err.Error()+"\n")
		})
	}
}

func TestParseGood(t *testing.T) {
	data := []byte(`id: example-3b
model: Example-3B
organisation: Example Lab
kind: ablation
scale: 7B
params: 8.29B
llm: Qwen2.5-7B
vision_encoder: QwenViT
base_model: Qwen2.5-VL-7B-Instruct
method: GRPO
profile: official
eval_date: 2025-04-02
sources:
  - ref: Example paper, Table 1
    url: https://example.org/paper
    date: 2025-04-07
scores: {mathvista: 61, mathvision: 24.4, mathverse: 36.4, dynamath: 18.2, wemath: 33.8, logicvista: 38.5}
reported_avg: 35.4
notes: [one note]
`)
	e, err := leaderboard.Parse("some/dir/example-3b.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	if e.ID != "example-3b" || e.Kind != leaderboard.KindAblation || e.Scale != "7B" || e.Profile != leaderboard.ProfileOfficial ||
		e.EvalDate != "2025-04-02" || e.Sources[0].Date != "2025-04-07" || e.Scores["mathvista"] != 61 || len(e.Notes) != 1 {
		t.Errorf("decoded %+v", e)
	}
}
