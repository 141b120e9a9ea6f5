package main

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	defaults "github.com/vlmlab/harness"
	"github.com/vlmlab/harness/harness/catalog"
	"github.com/vlmlab/harness/harness/config"
)

// TestDefaultIsTheStudy: the embedded harness.yaml is the paper's study on
// tinyvlm (pre-training made by the run, then base, sft, grpo and sft+grpo on
// the six suites), every stage's params pass its trainer's validation, the
// two GRPO recipes run the same stage from different starts, and the plan of
// a fresh run has the four stages and 24 cells, all to run. Running it whole
// is .ci/run's job (the README's main command); its timing is in README.
func TestDefaultIsTheStudy(t *testing.T) {
	cfg, err := config.Parse("harness.yaml (embedded default)", defaults.DefaultConfig, catalog.ConfigCatalog(), nil)
	if err != nil {
		t.Fatal(err)
	}
	recipes := checkStageParams(t, cfg, 1)
	if len(cfg.Models) != 1 || cfg.Models[0].Backend != "tinyvlm" {
		t.Fatalf("models %+v: want one tinyvlm model", cfg.Models)
	}
	want := map[string]string{"pretrain": "", "base": "", "sft": "", "grpo": "", "sft+grpo": "sft"}
	for name, from := range want {
		rc, ok := recipes[name]
		if !ok {
			t.Fatalf("no recipe %q", name)
		}
		if rc.From != from {
			t.Errorf("recipe %s: from %q, want %q", name, rc.From, from)
		}
	}
	if d := cmp.Diff(recipes["grpo"].Stages, recipes["sft+grpo"].Stages); d != "" {
		t.Errorf("the two GRPO stages differ (-grpo +sft+grpo):\n%s", d)
	}
	if got := recipes["sft"].Stages[0].Params["style"]; got != "pseudo" {
		t.Errorf("sft trains on %v traces, want pseudo (the paper's distilled reasoning)", got)
	}

	r := harness(t, t.TempDir(), "run", "--dry-run")
	if r.code != 0 {
		t.Fatalf("dry run: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, stage := range []string{"pretrain/pretrain", "sft/sft", "grpo/grpo", "sft+grpo/grpo"} {
		if !strings.Contains(r.stdout, "│ "+stage+" ") {
			t.Errorf("plan lacks stage %s:\n%s", stage, r.stdout)
		}
	}
	for _, recipe := range []string{"base", "sft", "grpo", "sft+grpo"} {
		for _, b := range []string{"mathvista", "mathvision", "mathverse", "dynamath", "wemath", "logicvista"} {
			if cell := recipe + " / tinyvlm / " + b; !strings.Contains(r.stdout, "│ "+cell+" ") {
				t.Errorf("plan lacks cell %s", cell)
			}
		}
	}
	if !strings.Contains(r.stdout, "4 stage(s), 24 cell(s); 28 to run") {
		t.Errorf("plan summary:\n%s", r.stdout)
	}
}
