package suite_test

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

// TestEach is the path of `harness run`: targets side by side under a shared
// limit, each with its own folder and plugin host, and a model that goes
// down ending the targets not yet started as not run.
func TestEach(t *testing.T) {
	data := t.TempDir()
	m, err := toyworld.Generate(context.Background(), data, toyworld.Options{Seed: 3, Size: "sft=0,rl=0,pretrain=0,eval=4"})
	if err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.New(os.Args[0], &config.Config{})
	if err != nil {
		t.Fatal(err)
	}
	var targets []suite.Target
	for _, s := range m.Suites {
		targets = append(targets, suite.Target{Name: s.Benchmark, Data: filepath.Join(data, s.Dir), Profile: sdk.ProfileLeaderboard,
			AllowPartial: true, Out: filepath.Join(t.TempDir(), s.Benchmark), Host: "cell-" + s.Benchmark})
	}
	var (
		mu           sync.Mutex
		inFlight     int
		most         int
		hosts        []string
		limit        = make(chan struct{}, 2)
		answered     = 0
		failAfterOne bool
	)
	r := &suite.Runner{Catalog: cat, Parallel: len(targets),
		Acquire: func(ctx context.Context) error {
			select {
			case limit <- struct{}{}:
			case <-ctx.Done():
				return ctx.Err()
			}
			mu.Lock()
			inFlight++
			most = max(most, inFlight)
			mu.Unlock()
			return nil
		},
		Release: func() {
			mu.Lock()
			inFlight--
			mu.Unlock()
			<-limit
		},
		HostFor: func(name string) (*host.Host, string, func()) {
			mu.Lock()
			hosts = append(hosts, name)
			mu.Unlock()
			h := host.New(host.Options{})
			return h, name + ".log", h.Close
		},
		Model: evaluate.GeneratorFunc(func(_ context.Context, ps []sdk.Prompt, _ sdk.GenerateParams, emit func(sdk.Generation) error) error {
			mu.Lock()
			answered++
			down := failAfterOne && answered > 1
			mu.Unlock()
			if down {
				return errors.New("connection refused")
			}
			for _, p := range ps {
				if err := emit(sdk.Generation{PromptID: p.ID, Text: "<think>x</think><answer>1</answer>"}); err != nil {
					return err
				}
			}
			return nil
		}),
	}
	ends := make([]suite.End, len(targets))
	if err := r.Each(context.Background(), targets, func(i int, e suite.End) { ends[i] = e }); err != nil {
		t.Fatal(err)
	}
	if most > 2 || most < 1 {
		t.Errorf("%d targets at once under a limit of 2", most)
	}
	if len(hosts) != len(targets) {
		t.Errorf("hosts %v for %d targets", hosts, len(targets))
	}
	for i, e := range ends {
		if e.Err != nil || !e.Outcome.Scored || e.Log != targets[i].Host+".log" {
			t.Errorf("%s: %+v", targets[i].Name, e)
		}
		if _, err := os.Stat(filepath.Join(targets[i].Out, targets[i].Name+".json")); err != nil {
			t.Errorf("%s: report not in its own folder: %v", targets[i].Name, err)
		}
	}

	// In order (Parallel 1): the second target finds the model down and
	// the rest are not run.
	r.Parallel, failAfterOne, answered = 1, true, 0
	if err := r.Each(context.Background(), targets, func(i int, e suite.End) { ends[i] = e }); err != nil {
		t.Fatal(err)
	}
	if ends[0].Err != nil || ends[1].NotRun || !strings.Contains(ends[1].Outcome.Error, "connection refused") {
		t.Errorf("first two: %+v / %+v", ends[0], ends[1])
	}
	for _, e := range ends[2:] {
		if !e.NotRun || !strings.HasPrefix(e.Outcome.Error, "not run: ") {
			t.Errorf("after the model went down: %+v", e)
		}
	}

	// Cancelled before it starts: every target ends, as not run.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	n := 0
	if err := r.Each(ctx, targets, func(int, suite.End) { n++ }); !errors.Is(err, context.Canceled) || n != len(targets) {
		t.Errorf("cancelled: err %v, %d of %d ended", err, n, len(targets))
	}
}
