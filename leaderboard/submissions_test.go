package leaderboard_test

import (
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vlmlab/harness/leaderboard"
	"github.com/vlmlab/harness/submissions"
)

func committed(t *testing.T) []leaderboard.Entry {
	t.Helper()
	es, err := leaderboard.LoadFS(submissions.FS)
	if err != nil {
		t.Fatalf("committed entries do not load:\n%v", err)
	}
	return es
}

func ids(es []leaderboard.Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}

// TestCommittedEntries pins which published results exist: every Table 4
// row, the §4.2 and Table 3 variants with six numbers, and the
// leaderboard-only rows of §4.3. The embedded copy must equal the folder.
func TestCommittedEntries(t *testing.T) {
	es := committed(t)
	want := []string{
		"internlm-xcomposer2.5-7b", "internvl2-8b", "internvl2.5-8b", "llava-onevision-7b",
		"minicpm-o-2.6", "mug-u-7b", "ovis2-2b", "ovis2-8b",
		"qwen2-vl-2b", "qwen2-vl-7b", "qwen2-vl-7b-base-sft-25k-grpo", "qwen2-vl-7b-sft-25k-grpo",
		"qwen2.5-vl-3b", "qwen2.5-vl-3b-grpo", "qwen2.5-vl-3b-sft-10k-grpo", "qwen2.5-vl-3b-sft-126k",
		"qwen2.5-vl-3b-sft-25k", "qwen2.5-vl-3b-sft-5k-grpo", "qwen2.5-vl-7b",
		"sail-vl-2b",
		"vlaa-thinker-qwen2.5vl-3b", "vlaa-thinker-qwen2.5vl-7b",
		"vlaa-thinker-qwen2vl-2b", "vlaa-thinker-qwen2vl-7b", "vlaa-thinker-qwen2vl-7b-zero",
		"vlm-r1-3b-math-0305",
	}
	if diff := cmp.Diff(want, ids(es)); diff != "" {
		t.Errorf("committed ids (-want +got):\n%s", diff)
	}
	onDisk, err := leaderboard.Load(filepath.Join("..", "submissions"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(onDisk, es); diff != "" {
		t.Errorf("embedded entries differ from submissions/ (-disk +embedded):\n%s", diff)
	}
	for _, e := range es {
		if e.Profile != leaderboard.ProfileLeaderboard {
			t.Errorf("%s: profile %q; every published number here is VLMEvalKit-scored", e.ID, e.Profile)
		}
	}
}

// TestPublishedNumbers spot-checks the entries the CLI compares against most,
// cell by cell, against paper.md §4.1.
func TestPublishedNumbers(t *testing.T) {
	es := committed(t)
	for _, tc := range []struct {
		id     string
		scores [6]float64
		avg    float64
	}{
		{"vlaa-thinker-qwen2.5vl-3b", [6]float64{61.0, 24.4, 36.4, 18.2, 33.8, 38.5}, 35.4},
		{"vlaa-thinker-qwen2.5vl-7b", [6]float64{68.0, 26.4, 48.2, 22.4, 41.5, 48.5}, 42.5},
		{"qwen2.5-vl-3b", [6]float64{61.2, 21.9, 31.2, 13.2, 22.9, 40.3}, 31.8},
		{"vlm-r1-3b-math-0305", [6]float64{62.7, 21.9, 32.2, 13.0, 30.0, 40.5}, 33.4},
	} {
		e, err := leaderboard.Lookup(es, tc.id)
		if err != nil {
			t.Fatal(err)
		}
		for i, b := range leaderboard.Benchmarks() {
			if e.Scores[b.Name] != tc.scores[i] {
				t.Errorf("%s %s = %v, paper prints %v", tc.id, b.Name, e.Scores[b.Name], tc.scores[i])
			}
		}
		if e.ReportedAvg != tc.avg {
			t.Errorf("%s reported_avg = %v, paper prints %v", tc.id, e.ReportedAvg, tc.avg)
		}
	}
}

// TestReportedAverages recomputes every average. Exactly the paper's three
// known errata may disagree with their printed average, and their computed
// means are pinned too, so a mistyped score fails here either way.
func TestReportedAverages(t *testing.T) {
	wantMismatch := map[string]float64{ // id → mean of its six scores
		"vlaa-thinker-qwen2vl-2b":       20.63, // printed 20.3
		"vlaa-thinker-qwen2vl-7b-zero":  30.30, // printed 30.7
		"qwen2-vl-7b-base-sft-25k-grpo": 25.07, // printed 25.7
	}
	got := map[string]float64{}
	for _, e := range committed(t) {
		avg, ok := e.Average()
		if !ok {
			t.Errorf("%s: no average", e.ID)
			continue
		}
		off := math.Abs(avg - e.ReportedAvg)
		if off > leaderboard.AvgTolerance+1e-9 {
			got[e.ID] = math.Round(avg*100) / 100
		}
		if e.ReportedAvgMismatch != (off > leaderboard.AvgTolerance+1e-9) {
			t.Errorf("%s: reported_avg_mismatch = %v but |%.3f - %v| = %.3f", e.ID, e.ReportedAvgMismatch, avg, e.ReportedAvg, off)
		}
		if e.ReportedAvgMismatch && !mentionsAverage(e.Notes) {
			t.Errorf("%s: mismatch not explained in notes %q", e.ID, e.Notes)
		}
	}
	if diff := cmp.Diff(wantMismatch, got); diff != "" {
		t.Errorf("entries whose printed average disagrees with their scores (-want +got):\n%s", diff)
	}
}

func mentionsAverage(notes []string) bool {
	for _, n := range notes {
		if strings.Contains(n, "Avg") || strings.Contains(n, "average") {
			return true
		}
	}
	return false
}

// TestTypoIsCaught edits each score of each committed file by one point, as
// a mistyped digit would, and expects Parse to refuse it (entries with a
// documented mismatch are covered by TestReportedAverages instead).
func TestTypoIsCaught(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "submissions", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	score := regexp.MustCompile(`(?m)^  (mathvista|mathvision|mathverse|dynamath|wemath|logicvista): ([0-9.]+)$`)
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(path)
		if strings.Contains(string(data), "reported_avg_mismatch: true") {
			continue
		}
		locs := score.FindAllSubmatchIndex(data, -1)
		if len(locs) != 6 {
			t.Fatalf("%s: found %d score lines, want 6", name, len(locs))
		}
		for _, loc := range locs {
			bench := string(data[loc[2]:loc[3]])
			v := string(data[loc[4]:loc[5]])
			// Bump the tens-and-units digit before the point: 61.0 → 62.0.
			dot := strings.IndexByte(v, '.')
			if dot < 1 {
				t.Fatalf("%s %s: score %q has no decimal point", name, bench, v)
			}
			d := v[dot-1]
			nd := byte('0' + (d-'0'+1)%10)
			typo := v[:dot-1] + string(nd) + v[dot:]
			mut := string(data[:loc[4]]) + typo + string(data[loc[5]:])
			if _, err := leaderboard.Parse(name, []byte(mut)); err == nil {
				t.Errorf("%s: %s %s → %s was accepted", name, bench, v, typo)
			}
		}
	}
}

// TestRankLeaderboard reproduces the top of both screenshots of paper.md §4.3
// from the committed entries, then the paper's other models below them.
func TestRankLeaderboard(t *testing.T) {
	es := committed(t)
	for _, tc := range []struct {
		filter leaderboard.Filter
		want   []string
	}{
		{leaderboard.Filter{Scale: "4B"}, []string{
			"vlaa-thinker-qwen2.5vl-3b", "vlm-r1-3b-math-0305", "qwen2.5-vl-3b", "ovis2-2b", "sail-vl-2b",
			"vlaa-thinker-qwen2vl-2b", "qwen2-vl-2b",
		}},
		{leaderboard.Filter{Scale: "7B"}, []string{
			"vlaa-thinker-qwen2.5vl-7b", "qwen2.5-vl-7b", "ovis2-8b", "mug-u-7b", "minicpm-o-2.6",
			"vlaa-thinker-qwen2vl-7b", "vlaa-thinker-qwen2vl-7b-zero", "internvl2.5-8b", "qwen2-vl-7b",
			"internvl2-8b", "llava-onevision-7b", "internlm-xcomposer2.5-7b",
		}},
		{leaderboard.Filter{Scale: "4B", Ablations: true}, []string{
			"vlaa-thinker-qwen2.5vl-3b", "qwen2.5-vl-3b-grpo", "vlm-r1-3b-math-0305", "qwen2.5-vl-3b", "ovis2-2b", "sail-vl-2b",
			"qwen2.5-vl-3b-sft-10k-grpo", "qwen2.5-vl-3b-sft-25k", "qwen2.5-vl-3b-sft-5k-grpo",
			"vlaa-thinker-qwen2vl-2b", "qwen2-vl-2b", "qwen2.5-vl-3b-sft-126k",
		}},
	} {
		t.Run(tc.filter.Scale+map[bool]string{true: "+ablations"}[tc.filter.Ablations], func(t *testing.T) {
			if diff := cmp.Diff(tc.want, ids(leaderboard.Rank(es, tc.filter))); diff != "" {
				t.Errorf("ranking (-want +got):\n%s", diff)
			}
		})
	}
}
