package toyworld_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vlmlab/harness/benchmarks/bench"
	"github.com/vlmlab/harness/benchmarks/dynamath"
	"github.com/vlmlab/harness/benchmarks/logicvista"
	"github.com/vlmlab/harness/benchmarks/mathverse"
	"github.com/vlmlab/harness/benchmarks/mathvision"
	"github.com/vlmlab/harness/benchmarks/mathvista"
	"github.com/vlmlab/harness/benchmarks/wemath"
	"github.com/vlmlab/harness/plugins/sdk"
)

// goldResponses reads a suite's own files and writes, for each item id the
// evaluator uses, a response that states the right answer.
func goldResponses(t *testing.T, benchmark, dir string) map[string]string {
	t.Helper()
	gold := map[string]string{}
	switch benchmark {
	case "mathvista":
		keys, recs := dictRecords(t, filepath.Join(dir, "testmini.json"))
		for i, r := range recs {
			gold[keys[i]] = str(t, r, "answer")
			if choices, ok := r["choices"].([]any); ok {
				for j, c := range choices {
					if c == r["answer"] {
						gold[keys[i]] = string(rune('A' + j))
					}
				}
			}
		}
	case "mathvision":
		for _, r := range jsonlRecords(t, filepath.Join(dir, "test.jsonl")) {
			gold[str(t, r, "id")] = str(t, r, "answer")
		}
	case "mathverse":
		for _, r := range listRecords(t, filepath.Join(dir, "testmini.json")) {
			gold[str(t, r, "sample_index")] = str(t, r, "answer")
		}
	case "dynamath":
		for k := 1; k <= 10; k++ {
			keys, recs := dictRecords(t, filepath.Join(dir, fmt.Sprintf("variant%d.json", k)))
			for i, r := range recs {
				reply, _ := json.Marshal(map[string]string{"solution": "Computed from the figure.", "short answer": str(t, r, "answer")})
				gold[fmt.Sprintf("%s-v%d", keys[i], k)] = string(reply)
			}
		}
	case "wemath":
		for _, r := range listRecords(t, filepath.Join(dir, "testmini.json")) {
			_, role, _ := strings.Cut(str(t, r, "key"), "_")
			gold[str(t, r, "ID")+"."+role] = str(t, r, "answer")
		}
	case "logicvista":
		keys, recs := dictRecords(t, filepath.Join(dir, "dataset.json"))
		for i, r := range recs {
			gold[keys[i]] = str(t, r, "answer")
		}
	}
	return gold
}

// The suites must load with the project's own evaluators, which were
// written against the official files (that is what "official layout"
// means), and the right answers must score 100%: the evaluator reads the
// same answer the generator computed.
func TestSuitesLoadAndScoreWithEvaluators(t *testing.T) {
	benches := map[string]sdk.Benchmark{
		"mathvista": mathvista.New(), "mathvision": mathvision.New(), "mathverse": mathverse.New(),
		"dynamath": dynamath.New(), "wemath": wemath.New(), "logicvista": logicvista.New(),
	}
	for _, s := range tinyManifest.Suites {
		t.Run(s.Benchmark, func(t *testing.T) {
			ctx := context.Background()
			b := benches[s.Benchmark]
			dir := filepath.Join(tinyDir, s.Dir)
			req := sdk.LoadRequest{Path: dir, Profile: sdk.ProfileLeaderboard, AllowPartial: true, Judge: "scripted"}
			ds, err := b.Load(ctx, req)
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			info := ds.Info()
			if !info.Partial || info.Count != s.Items || len(ds.Items()) != s.Items {
				t.Errorf("info %+v, %d items; want partial with %d items", info, len(ds.Items()), s.Items)
			}
			gold := goldResponses(t, s.Benchmark, dir)
			var responses []sdk.Response
			for _, it := range ds.Items() {
				g, ok := gold[it.ID]
				if !ok {
					t.Fatalf("item %s: no gold answer found in the suite files", it.ID)
				}
				responses = append(responses, sdk.Response{ItemID: it.ID, Text: g})
			}
			// A judge that knows the answers: it extracts the gold answer, in
			// the form each benchmark's judge prompt asks for, and calls it
			// consistent, as a perfect judge would.
			judgeFor := func(profile string) bench.JudgeFunc {
				return func(q sdk.JudgeRequest) sdk.JudgeAnswer {
					g := gold[q.ItemID]
					switch {
					case s.Benchmark == "logicvista" && profile == sdk.ProfileOfficial:
						letters, _ := json.Marshal(strings.Split(g, ", "))
						return sdk.JudgeAnswer{Key: q.Key, Text: `{"choices": ` + string(letters) + `}`}
					case s.Benchmark == "logicvista":
						return sdk.JudgeAnswer{Key: q.Key, Text: strings.ReplaceAll(g, ", ", "")} // letters only: "AC"
					case strings.Contains(q.Stage, "extract"), strings.Contains(q.Stage, "match"):
						return sdk.JudgeAnswer{Key: q.Key, Text: g}
					}
					return sdk.JudgeAnswer{Key: q.Key, Text: "1"}
				}
			}
			for _, profile := range []string{sdk.ProfileLeaderboard, sdk.ProfileOfficial} {
				req.Profile = profile
				ds, err := b.Load(ctx, req)
				if err != nil {
					t.Fatalf("load (%s): %v", profile, err)
				}
				rep, err := bench.Drive(ctx, ds, responses, judgeFor(profile))
				if err != nil {
					t.Fatalf("score (%s): %v", profile, err)
				}
				if len(rep.Items) != s.Items {
					t.Errorf("%s: %d item results for %d items", profile, len(rep.Items), s.Items)
				}
				for _, r := range rep.Items {
					if !r.Hit {
						t.Errorf("%s: item %s: the right answer %q scored wrong (extracted %q, path %s, %s)", profile, r.ID, gold[r.ID], r.Extracted, r.Path, r.Reason)
					}
				}
			}
			req.AllowPartial = false
			if _, err := b.Load(ctx, req); err == nil {
				t.Errorf("a synthetic suite loaded without allow-partial")
			}
		})
	}
}
