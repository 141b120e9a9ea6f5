package toyworld_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/vlmlab/harness/benchmarks/dynamath"
	"github.com/vlmlab/harness/benchmarks/logicvista"
	"github.com/vlmlab/harness/benchmarks/mathverse"
	"github.com/vlmlab/harness/benchmarks/mathvision"
	"github.com/vlmlab/harness/benchmarks/mathvista"
	"github.com/vlmlab/harness/benchmarks/wemath"
	"github.com/vlmlab/harness/plugins/sdk"
	"github.com/vlmlab/harness/trainers/toyworld"
)

// The suites must load with the project's own evaluators, which were
// written against the official files: that is what "official layout" means.
func TestSuitesLoadWithEvaluators(t *testing.T) {
	out := t.TempDir()
	m, err := toyworld.Generate(context.Background(), out, toyworld.Options{Seed: 3, Size: "tiny"})
	if err != nil {
		t.Fatal(err)
	}
	benches := map[string]sdk.Benchmark{
		"mathvista": mathvista.New(), "mathvision": mathvision.New(), "mathverse": mathverse.New(),
		"dynamath": dynamath.New(), "wemath": wemath.New(), "logicvista": logicvista.New(),
	}
	for _, s := range m.Suites {
		t.Run(s.Benchmark, func(t *testing.T) {
			b := benches[s.Benchmark]
			req := sdk.LoadRequest{Path: filepath.Join(out, s.Dir), Profile: sdk.ProfileLeaderboard, AllowPartial: true}
			ds, err := b.Load(context.Background(), req)
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			info := ds.Info()
			if !info.Partial || info.Count != s.Items || len(ds.Items()) != s.Items {
				t.Errorf("info %+v, %d items; want partial with %d items", info, len(ds.Items()), s.Items)
			}
			req.AllowPartial = false
			if _, err := b.Load(context.Background(), req); err == nil {
				t.Errorf("a synthetic suite loaded without allow-partial")
			}
		})
	}
}
