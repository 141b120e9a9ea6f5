package suite_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vlmlab/harness/harness/catalog"
	"github.com/vlmlab/harness/harness/config"
	"github.com/vlmlab/harness/harness/evaluate"
	"github.com/vlmlab/harness/harness/result"
	"github.com/vlmlab/harness/harness/suite"
	"github.com/vlmlab/harness/plugins/host"
	"github.com/vlmlab/harness/plugins/sdk"
	"github.com/vlmlab/harness/trainers/toyworld"
)

// The test binary plays the harness binary: `TEST plugin serve NAME` serves
// a built-in, so the catalog's built-in entries start real child processes.
func TestMain(m *testing.M) {
	if len(os.Args) == 4 && os.Args[1] == "plugin" && os.Args[2] == "serve" {
		b, ok := catalog.LookupBuiltin(os.Args[3])
		if !ok {
			fmt.Fprintf(os.Stderr, "no built-in %q\n", os.Args[3])
			os.Exit(1)
		}
		sdk.Serve(b.Serve())
	}
	os.Exit(m.Run())
}

func TestRun(t *testing.T) {
	data := t.TempDir()
	m, err := toyworld.Generate(context.Background(), data, toyworld.Options{Seed: 2, Size: "sft=0,rl=0,pretrain=0,eval=5"})
	if err != nil {
		t.Fatal(err)
	}
	dirs := map[string]string{}
	for _, s := range m.Suites {
		dirs[s.Benchmark] = filepath.Join(data, s.Dir)
	}
	cat, err := catalog.New(os.Args[0], &config.Config{})
	if err != nil {
		t.Fatal(err)
	}
	h := host.New(host.Options{})
	defer h.Close()
	answer := evaluate.GeneratorFunc(func(_ context.Context, ps []sdk.Prompt, _ sdk.GenerateParams, emit func(sdk.Generation) error) error {
		for _, p := range ps {
			if err := emit(sdk.Generation{PromptID: p.ID, Text: "<think>x</think><answer>A</answer>"}); err != nil {
				return err
			}
		}
		return nil
	})
	var done []string
	r := &suite.Runner{Host: h, Catalog: cat, Model: answer, Out: t.TempDir(), Done: func(o result.Outcome) { done = append(done, o.Benchmark) }}
	res := &result.Eval{}
	targets := []suite.Target{
		{Name: "mathvista", Data: dirs["mathvista"], Profile: sdk.ProfileLeaderboard, AllowPartial: true},
		{Name: "mmmu", Data: dirs["mathvista"], Profile: sdk.ProfileLeaderboard},
		{Name: "logicvista", Data: dirs["logicvista"], Profile: sdk.ProfileOfficial, AllowPartial: true},
	}
	if err := r.Run(context.Background(), res, targets); err != nil {
		t.Fatal(err)
	}
	if strings.Join(done, ",") != "mathvista,mmmu,logicvista" || len(res.Benchmarks) != 3 {
		t.Fatalf("done %v, outcomes %+v", done, res.Benchmarks)
	}
	if !res.Benchmarks[0].Scored || !res.Benchmarks[2].Scored || res.Benchmarks[2].Plugin.Source != "built-in" {
		t.Errorf("outcomes %+v", res.Benchmarks)
	}
	if !strings.Contains(res.Benchmarks[1].Error, `no evaluator plugin "mmmu"`) || res.Average != nil {
		t.Errorf("unknown benchmark: %+v, average %v", res.Benchmarks[1], res.Average)
	}

	// A model backend that fails as a whole: the rest are not run.
	r.Model = evaluate.GeneratorFunc(func(context.Context, []sdk.Prompt, sdk.GenerateParams, func(sdk.Generation) error) error {
		return errors.New("connection refused")
	})
	res = &result.Eval{}
	if err := r.Run(context.Background(), res, []suite.Target{targets[0], targets[2]}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Benchmarks[0].Error, "connection refused") || !strings.HasPrefix(res.Benchmarks[1].Error, "not run: ") {
		t.Errorf("model down: %+v", res.Benchmarks)
	}
}
