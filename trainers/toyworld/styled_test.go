package toyworld_test

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/vlmlab/harness/benchmarks/dynamath"
	"github.com/vlmlab/harness/benchmarks/logicvista"
	"github.com/vlmlab/harness/benchmarks/mathvision"
	"github.com/vlmlab/harness/benchmarks/mathvista"
	"github.com/vlmlab/harness/benchmarks/registry"
	"github.com/vlmlab/harness/benchmarks/wemath"
	"github.com/vlmlab/harness/plugins/sdk"
	"github.com/vlmlab/harness/trainers/reward"
	"github.com/vlmlab/harness/trainers/toyworld"
)

// instructionLines are the lines of an evaluator's prompts on the tiny
// suite that recur across items: its hints and answer-format instructions.
func instructionLines(t *testing.T, b sdk.Benchmark, dir string) map[string]bool {
	t.Helper()
	ds, err := b.Load(context.Background(), sdk.LoadRequest{Path: dir, Profile: sdk.ProfileLeaderboard, AllowPartial: true})
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, it := range ds.Items() {
		for _, p := range it.Prompt {
			for _, line := range strings.Split(p.Text, "\n") {
				if len(line) >= 20 {
					count[line]++
				}
			}
		}
	}
	out := map[string]bool{}
	for l, n := range count {
		if n >= 2 && !strings.HasPrefix(l, "Question: ") {
			out[l] = true
		}
	}
	return out
}

// A training item posed like a benchmark carries every instruction line
// that benchmark's evaluator sends on the toy suites (the same builders
// make both), and its answer earns full reward from its own ground truth.
func TestPoseAsMatchesTheEvaluators(t *testing.T) {
	benches := map[string]sdk.Benchmark{
		registry.MathVista: mathvista.New(), registry.MathVision: mathvision.New(),
		registry.DynaMath: dynamath.New(), registry.WeMath: wemath.New(), registry.LogicVista: logicvista.New(),
	}
	suiteDir := map[string]string{}
	for _, s := range tinyManifest.Suites {
		suiteDir[s.Benchmark] = filepath.Join(tinyDir, s.Dir)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	var items []toyworld.Item
	for i := range 600 {
		it, err := toyworld.NewItem(rng, toyworld.VerifierTypes()[i%5])
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, it)
	}
	for _, b := range toyworld.PromptStyles() {
		t.Run(b, func(t *testing.T) {
			seen := map[string]bool{}
			posed := 0
			for _, it := range items {
				p, ok, err := toyworld.PoseAs(rng, it.Question, b)
				if err != nil {
					t.Fatal(err)
				}
				if !ok {
					continue
				}
				posed++
				for _, line := range strings.Split(p.Question, "\n") {
					seen[line] = true
				}
				if b == registry.LogicVista && p.Question != it.Question.Text {
					t.Errorf("LogicVista poses the question as written: %q, want %q", p.Question, it.Question.Text)
				}
				label := p.Answer
				var s string
				if json.Unmarshal(p.GT, &s) == nil {
					label = s
				} else if f, err := strconv.ParseFloat(string(p.GT), 64); err == nil {
					label = strconv.FormatFloat(f, 'f', -1, 64)
				}
				res, err := reward.Compute(context.Background(), reward.Sample{
					Response: "<think></think><answer>" + p.Answer + "</answer>", Label: label,
					VerifierType: reward.VerifierType(p.Verifier), Query: p.Question,
				})
				if err != nil || res.Reward != 1 {
					t.Errorf("%s: answer %q with gt %s: reward %+v, %v", it.Question.Template, p.Answer, p.GT, res, err)
				}
			}
			if posed < 60 {
				t.Fatalf("only %d of %d items could be posed like %s", posed, len(items), b)
			}
			for line := range instructionLines(t, benches[b], suiteDir[b]) {
				if b != registry.LogicVista && !seen[line] {
					t.Errorf("the evaluator's line %q is in no training prompt posed like %s", line, b)
				}
			}
		})
	}
	if _, _, err := toyworld.PoseAs(rng, items[0].Question, "mathverse"); err == nil {
		t.Error("posing like MathVerse (its question is in the image) was accepted")
	}
}

// About half of each training split is posed like a benchmark, and each
// record says which.
func TestSplitsArePartlyStyled(t *testing.T) {
	pre := readJSONL[toyworld.PretrainRecord](t, filepath.Join(tinyDir, "pretrain.jsonl"))
	styled := 0
	for _, r := range pre {
		if r.PosedAs != "" {
			styled++
		}
	}
	if styled == 0 || styled == len(pre) {
		t.Errorf("%d of %d pre-training records posed like a benchmark, want some but not all", styled, len(pre))
	}
}
