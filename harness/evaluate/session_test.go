package evaluate_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/vlmlab/harness/harness/catalog"
	"github.com/vlmlab/harness/harness/evaluate"
	"github.com/vlmlab/harness/plugins/host"
	"github.com/vlmlab/harness/plugins/sdk"
	"github.com/vlmlab/harness/trainers/toyworld"
)

// The test binary serves a built-in plugin when asked to, so sessions here
// talk to a real child process, as in a run.
const roleEnv = "HARNESS_EVALUATE_TEST_PLUGIN"

func TestMain(m *testing.M) {
	if name := os.Getenv(roleEnv); name != "" {
		b, ok := catalog.LookupBuiltin(name)
		if !ok {
			fmt.Fprintf(os.Stderr, "no built-in %q\n", name)
			os.Exit(1)
		}
		sdk.Serve(b.Serve())
	}
	os.Exit(m.Run())
}

func entry(name, kind string) catalog.Entry {
	return catalog.Entry{Name: name, Kind: kind, Source: "test", Spec: host.Spec{
		Name: name, Kind: kind, Command: []string{os.Args[0]}, Env: []string{roleEnv + "=" + name},
	}}
}

var (
	suiteOnce sync.Once
	suiteDir  string
	suiteErr  error
)

// mathvistaSuite is a small synthetic MathVista suite, made once.
func mathvistaSuite(t *testing.T) string {
	suiteOnce.Do(func() {
		suiteDir, suiteErr = os.MkdirTemp("", "evaluate-session-")
		if suiteErr != nil {
			return
		}
		var m *toyworld.Manifest
		m, suiteErr = toyworld.Generate(context.Background(), filepath.Join(suiteDir, "data"), toyworld.Options{Seed: 5, Size: "sft=0,rl=0,pretrain=0,eval=8"})
		if suiteErr == nil {
			for _, s := range m.Suites {
				if s.Benchmark == "mathvista" {
					suiteDir = filepath.Join(suiteDir, "data", s.Dir)
				}
			}
		}
	})
	if suiteErr != nil {
		t.Fatal(suiteErr)
	}
	return suiteDir
}

func TestSessionRunsTheWholePath(t *testing.T) {
	data := mathvistaSuite(t)
	h := host.New(host.Options{})
	defer h.Close()
	out := t.TempDir()
	asked := 0
	model := evaluate.GeneratorFunc(func(ctx context.Context, prompts []sdk.Prompt, _ sdk.GenerateParams, emit func(sdk.Generation) error) error {
		for i, p := range prompts {
			asked++
			text := "<think>Count them. Wait, check again.</think><answer>A</answer>"
			if i == 0 {
				text = "A" // not in the reasoning format
			}
			if err := emit(sdk.Generation{PromptID: p.ID, Text: text, Truncated: i == 1}); err != nil {
				return err
			}
		}
		return nil
	})
	s := &evaluate.Session{Host: h, Evaluator: entry("mathvista", sdk.KindEvaluator), Benchmark: "mathvista",
		Load:  sdk.LoadRequest{Path: data, Profile: sdk.ProfileLeaderboard, AllowPartial: true},
		Model: model, Out: out}
	f, err := s.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	o := f.Outcome
	if !o.Scored || o.Items != 8 || asked != 8 || o.Plugin.Version == "" || !strings.HasPrefix(o.DataHash, "sha256:") || !o.Synthetic {
		t.Errorf("outcome %+v (asked %d)", o, asked)
	}
	if o.Report != filepath.Join(out, "mathvista.json") || o.ItemsFile != filepath.Join(out, "mathvista.items.jsonl") {
		t.Errorf("report files %q %q", o.Report, o.ItemsFile)
	}
	for _, p := range []string{o.Report, o.ItemsFile} {
		if _, err := os.Stat(p); err != nil {
			t.Error(err)
		}
	}
	d := o.Diagnostics
	if d == nil || d.Responses != 8 || d.AhaRate != 7.0/8 || d.FormatRate != 7.0/8 || d.TruncationRate != 1.0/8 || o.Truncated != 1 {
		t.Errorf("diagnostics %+v, truncated %d", d, o.Truncated)
	}

	// harness score: the same path with responses given.
	var given []sdk.Response
	for _, it := range f.Report.Items {
		given = append(given, sdk.Response{ItemID: it.ID, Text: it.Response})
	}
	s2 := &evaluate.Session{Host: h, Evaluator: entry("mathvista", sdk.KindEvaluator), Benchmark: "mathvista",
		Load: sdk.LoadRequest{Path: data, Profile: sdk.ProfileLeaderboard, AllowPartial: true}, Responses: given}
	f2, err := s2.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if f2.Outcome.Score != o.Score || f2.Outcome.Report != "" {
		t.Errorf("re-scored %v (files %q), first %v", f2.Outcome.Score, f2.Outcome.Report, o.Score)
	}
}

func TestSessionRefusals(t *testing.T) {
	data := mathvistaSuite(t)
	h := host.New(host.Options{})
	defer h.Close()
	load := sdk.LoadRequest{Path: data, Profile: sdk.ProfileLeaderboard, AllowPartial: true}
	// A model plugin named as an evaluator is refused before any call.
	f, err := (&evaluate.Session{Host: h, Evaluator: entry("chance", sdk.KindModel), Benchmark: "mathvista", Load: load}).Run(context.Background())
	if err == nil || !strings.Contains(f.Outcome.Error, "plugin chance is a model plugin, not an evaluator") {
		t.Errorf("model as evaluator: %v", err)
	}
	// A catalog entry that says evaluator for a model plugin: the host asks.
	lying := entry("chance", sdk.KindEvaluator)
	if _, err := (&evaluate.Session{Host: h, Evaluator: lying, Benchmark: "mathvista", Load: load}).Run(context.Background()); err == nil || !strings.Contains(err.Error(), "refused: it is a model plugin") {
		t.Errorf("declared kind mismatch: %v", err)
	}
	// A model that fails as a whole is reported as such.
	down := evaluate.GeneratorFunc(func(context.Context, []sdk.Prompt, sdk.GenerateParams, func(sdk.Generation) error) error {
		return errors.New("connection refused")
	})
	f, err = (&evaluate.Session{Host: h, Evaluator: entry("mathvista", sdk.KindEvaluator), Benchmark: "mathvista", Load: load, Model: down}).Run(context.Background())
	if !errors.Is(err, evaluate.ErrModelDown) || !f.ModelDown || len(f.Outcome.Failed) != 8 || f.Outcome.Scored {
		t.Errorf("model down: %v, %+v", err, f.Outcome)
	}
	// A data file the evaluator cannot read is an invalid-parameters error.
	bad := load
	bad.Path = filepath.Join(t.TempDir(), "missing")
	if _, err := (&evaluate.Session{Host: h, Evaluator: entry("mathvista", sdk.KindEvaluator), Benchmark: "mathvista", Load: bad, Responses: nil}).Run(context.Background()); !errors.Is(err, sdk.ErrInvalid) {
		t.Errorf("missing data: %v", err)
	}
}
