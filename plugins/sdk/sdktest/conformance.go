package sdktest

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vlmlab/harness/plugins/host"
	"github.com/vlmlab/harness/plugins/sdk"
)

// Case is what Conformance needs beyond Describe to exercise a plugin: a
// valid config block and, per kind, a small job that must succeed. Leave a
// kind's fields empty to check only what needs no data.
type Case struct {
	// Config is a config block the plugin accepts (JSON; nil for none).
	Config []byte

	// Train is a small stage a trainer must complete. OutputDir is filled in
	// with a temporary folder when empty.
	Train *TrainCase

	// Data maps benchmark names to small data files an evaluator loads.
	Data map[string]string
	// Profile for evaluator sessions; default sdk.ProfileLeaderboard.
	Profile string

	// Prompts a model plugin must answer for Checkpoint (may be nil for a
	// model that needs none).
	Prompts    []sdk.Prompt
	Checkpoint *sdk.Checkpoint
}

// TrainCase is a stage a trainer must complete in a few seconds.
type TrainCase struct {
	Request sdk.TrainRequest
	// StrictParams asserts that an unknown key in the params is refused with
	// sdk.ErrInvalid (true for trainers that use sdk.Decode).
	StrictParams bool
}

// unknownKey is a key no plugin declares.
const unknownKey = "sdktest_unknown_key"

// Conformance checks a plugin against the contract the host enforces and the
// SDK documents. Each rule is a subtest named for it, so a failure says which
// promise the plugin breaks.
func Conformance(t *testing.T, r *sdk.Remote, c Case) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	info, err := r.Describe(ctx)
	if err != nil {
		t.Fatalf("Describe: %v", err)
	}
	t.Run("describe", func(t *testing.T) {
		if info.Name == "" || info.Version == "" {
			t.Errorf("Describe gives name %q, version %q: both are required", info.Name, info.Version)
		}
		if info.Kind != r.Kind {
			t.Errorf("Describe says kind %q, the plugin was dispensed as %q", info.Kind, r.Kind)
		}
		if !slices.Contains(info.APIVersions, sdk.APIVersion) {
			t.Errorf("api_versions %v does not include %d, the version this harness speaks", info.APIVersions, sdk.APIVersion)
		}
		if err := host.CheckConfig(info.ConfigSchema, c.Config); err != nil {
			t.Errorf("the Case's config against the declared schema: %v", err)
		}
		if info.Kind == sdk.KindEvaluator && len(info.Provides) == 0 {
			t.Errorf("an evaluator must list its benchmarks in provides")
		}
	})
	t.Run("configure", func(t *testing.T) {
		err := r.Configure(ctx, 999, c.Config)
		if !errors.Is(err, sdk.ErrInvalid) {
			t.Errorf("Configure with API version 999: want an sdk.ErrInvalid error, got %v", err)
		}
		bad := []byte(`{"` + unknownKey + `": 1}`)
		if host.CheckConfig(info.ConfigSchema, bad) == nil {
			if err := r.Configure(ctx, sdk.APIVersion, bad); !errors.Is(err, sdk.ErrInvalid) {
				t.Errorf("Configure with an unknown key that the schema lets through: want an sdk.ErrInvalid error (decode with sdk.Decode), got %v", err)
			}
		}
		if err := r.Configure(ctx, sdk.APIVersion, c.Config); err != nil {
			t.Fatalf("Configure with the Case's config: %v", err)
		}
	})
	switch r.Kind {
	case sdk.KindTrainer:
		if c.Train != nil {
			t.Run("train", func(t *testing.T) { checkTrain(ctx, t, r.Trainer(), *c.Train) })
		}
	case sdk.KindEvaluator:
		t.Run("benchmarks", func(t *testing.T) { checkBenchmarks(ctx, t, r.Evaluator(), info, c) })
	case sdk.KindModel:
		if len(c.Prompts) > 0 {
			t.Run("generate", func(t *testing.T) { checkGenerate(ctx, t, r.Model(), c) })
		}
	}
}

func checkTrain(ctx context.Context, t *testing.T, tr sdk.Trainer, c TrainCase) {
	req := c.Request
	if req.OutputDir == "" {
		req.OutputDir = filepath.Join(t.TempDir(), "checkpoint")
	}
	var steps []sdk.Progress
	ck, err := tr.Train(ctx, req, func(ev sdk.TrainEvent) error {
		if ev.Progress != nil {
			steps = append(steps, *ev.Progress)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Train %s: %v", req.Stage, err)
	}
	// The client verified files and hash; the rest is about what they mean.
	if len(steps) == 0 {
		t.Errorf("no progress event: report at least the last step (sdk.Reporter.Step)")
	}
	for i, p := range steps {
		if p.Total > 0 && p.Step > p.Total {
			t.Errorf("progress %d: step %d beyond total %d", i, p.Step, p.Total)
		}
		if i > 0 && p.Step < steps[i-1].Step {
			t.Errorf("progress %d: step %d after step %d", i, p.Step, steps[i-1].Step)
		}
	}
	wantParent := ""
	if req.Base != nil {
		wantParent = req.Base.Hash
	}
	if ck.Parent != wantParent {
		t.Errorf("checkpoint parent %q, want the base's hash %q", ck.Parent, wantParent)
	}
	if abs, _ := filepath.Abs(req.OutputDir); ck.Dir != abs {
		t.Errorf("checkpoint dir %q, want the OutputDir %q", ck.Dir, abs)
	}
	if _, err := sdk.ReadCheckpoint(ck.Dir); err != nil {
		t.Errorf("the folder does not describe itself (write it with sdk.WriteCheckpoint): %v", err)
	}

	if c.StrictParams {
		bad := req
		bad.OutputDir = filepath.Join(t.TempDir(), "strict")
		bad.Params = []byte(`{"` + unknownKey + `": 1}`)
		if _, err := tr.Train(ctx, bad, func(sdk.TrainEvent) error { return nil }); !errors.Is(err, sdk.ErrInvalid) {
			t.Errorf("Train with an unknown params key: want an sdk.ErrInvalid error, got %v", err)
		}
	}

	// Cancelling the call cancels the stage, promptly.
	cctx, cancel := context.WithCancel(ctx)
	cancelled := req
	cancelled.OutputDir = filepath.Join(t.TempDir(), "cancelled")
	start := time.Now()
	cancel()
	_, err = tr.Train(cctx, cancelled, func(sdk.TrainEvent) error { return nil })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Train with a cancelled context: want context.Canceled, got %v", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("a cancelled Train took %v to return", d)
	}
}

func checkBenchmarks(ctx context.Context, t *testing.T, ev *sdk.EvaluatorClient, info sdk.Info, c Case) {
	bs, err := ev.Benchmarks(ctx)
	if err != nil {
		t.Fatalf("Benchmarks: %v", err)
	}
	var names []string
	for _, b := range bs {
		names = append(names, b.Name)
		if b.Title == "" || b.Primary == "" {
			t.Errorf("benchmark %s: title %q, primary %q: both are required", b.Name, b.Title, b.Primary)
		}
	}
	slices.Sort(names)
	provides := slices.Sorted(slices.Values(info.Provides))
	if diff := cmp.Diff(provides, names); diff != "" {
		t.Errorf("Describe's provides and Benchmarks differ (-provides +benchmarks):\n%s", diff)
	}
	profile := c.Profile
	if profile == "" {
		profile = sdk.ProfileLeaderboard
	}
	for _, name := range names {
		_, err := ev.Open(ctx, name, sdk.LoadRequest{Path: filepath.Join(t.TempDir(), "no-such-file.tsv"), Profile: profile})
		if !errors.Is(err, sdk.ErrInvalid) {
			t.Errorf("%s: Open of a missing file: want an sdk.ErrInvalid error, got %v", name, err)
		}
	}
	if _, err := ev.Open(ctx, "sdktest-no-such-benchmark", sdk.LoadRequest{Profile: profile}); !errors.Is(err, sdk.ErrInvalid) {
		t.Errorf("Open of an unknown benchmark: want an sdk.ErrInvalid error, got %v", err)
	}
	for name, path := range c.Data {
		t.Run(name, func(t *testing.T) {
			first := scoreAll(ctx, t, ev, name, sdk.LoadRequest{Path: path, Profile: profile, AllowPartial: true})
			again := scoreAll(ctx, t, ev, name, sdk.LoadRequest{Path: path, Profile: profile, AllowPartial: true})
			if first == nil || again == nil {
				return
			}
			if diff := cmp.Diff(first, again); diff != "" {
				t.Errorf("scoring the same responses twice differs (-first +second):\n%s", diff)
			}
		})
	}
}

// scoreAll opens a data file, answers every item with a fixed response,
// answers judge requests with errors (no judge), and returns the report.
func scoreAll(ctx context.Context, t *testing.T, ev *sdk.EvaluatorClient, name string, req sdk.LoadRequest) *sdk.Report {
	ds, err := ev.Open(ctx, name, req)
	if err != nil {
		t.Errorf("Open %s: %v", req.Path, err)
		return nil
	}
	defer ds.Close(ctx)
	items := ds.Items()
	if len(items) == 0 || ds.Info().Count != len(items) {
		t.Errorf("Open %s: %d items, header says %d", req.Path, len(items), ds.Info().Count)
	}
	if !strings.HasPrefix(ds.Info().DataHash, "sha256:") {
		t.Errorf("data hash %q is not sha256:<hex>", ds.Info().DataHash)
	}
	seen := map[string]bool{}
	var responses []sdk.Response
	for i, it := range items {
		if seen[it.ID] {
			t.Errorf("item id %q twice", it.ID)
		}
		seen[it.ID] = true
		if len(it.Prompt) == 0 {
			t.Errorf("item %s has an empty prompt", it.ID)
		}
		responses = append(responses, sdk.Response{ItemID: it.ID, Text: fmt.Sprintf("<answer>%d</answer>", i%4)})
	}
	if _, err := ds.Score(ctx, []sdk.Response{{ItemID: "sdktest-unknown-item", Text: "A"}}, nil); !errors.Is(err, sdk.ErrInvalid) {
		t.Errorf("a response for an unknown item: want an sdk.ErrInvalid error, got %v", err)
	}
	noJudge := func(_ context.Context, q sdk.JudgeRequest) sdk.JudgeAnswer {
		return sdk.JudgeAnswer{Key: q.Key, Error: "sdktest: no judge"}
	}
	rep, err := sdk.ScoreRounds(ctx, ds, responses, noJudge, sdk.RoundOptions{Concurrency: 1})
	if err != nil {
		t.Errorf("Score: %v", err)
		return nil
	}
	checkReport(t, name, rep, len(items))
	return rep
}

func checkReport(t *testing.T, name string, r *sdk.Report, items int) {
	if r.Benchmark != name {
		t.Errorf("report for benchmark %q, want %q", r.Benchmark, name)
	}
	if r.Score < 0 || r.Score > 100 {
		t.Errorf("score %v is not a percentage", r.Score)
	}
	found := false
	for _, m := range r.Metrics {
		if m.Name == r.Primary {
			found = true
			if m.Value != r.Score {
				t.Errorf("primary metric %s = %v, score = %v", m.Name, m.Value, r.Score)
			}
		}
	}
	if !found {
		t.Errorf("primary metric %q is not among the metrics", r.Primary)
	}
	if len(r.Items) != items {
		t.Errorf("%d item results for %d items", len(r.Items), items)
	}
	if r.Rule+r.Judged+r.Unresolved != len(r.Items) {
		t.Errorf("rule %d + judged %d + unresolved %d != %d items", r.Rule, r.Judged, r.Unresolved, len(r.Items))
	}
}

func checkGenerate(ctx context.Context, t *testing.T, m sdk.Model, c Case) {
	got := map[string]map[int]bool{}
	err := m.Generate(ctx, c.Checkpoint, c.Prompts, sdk.GenerateParams{MaxTokens: 32, Temperature: 1, Seed: 1, N: 2}, func(g sdk.Generation) error {
		if got[g.PromptID] == nil {
			got[g.PromptID] = map[int]bool{}
		}
		if got[g.PromptID][g.Sample] {
			t.Errorf("prompt %s sample %d generated twice", g.PromptID, g.Sample)
		}
		got[g.PromptID][g.Sample] = true
		return nil
	})
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	for _, p := range c.Prompts {
		if len(got[p.ID]) != 2 {
			t.Errorf("prompt %s: %d samples, asked for N=2", p.ID, len(got[p.ID]))
		}
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := m.Generate(cctx, c.Checkpoint, c.Prompts, sdk.GenerateParams{MaxTokens: 32}, func(sdk.Generation) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("Generate with a cancelled context: want context.Canceled, got %v", err)
	}
}
