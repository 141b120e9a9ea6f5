package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vlmlab/harness/harness/catalog"
	"github.com/vlmlab/harness/harness/config"
	"github.com/vlmlab/harness/internal/testenv"
	"github.com/vlmlab/harness/trainers/grpo"
	"github.com/vlmlab/harness/trainers/sft"
)

// TestToyStudyConfig: examples/toy-study.yaml passes config check, every
// stage's params pass its trainer's own validation (config check does not
// launch trainers), the two SFT recipes differ only in trace style, and the
// two GRPO recipes run the very same stage from different starts (the
// control the issue asks for). SEED moves every seed.
func TestToyStudyConfig(t *testing.T) {
	path := filepath.Join(testenv.RepoRoot(), "examples", "toy-study.yaml")
	r := harness(t, testenv.RepoRoot(), "-c", "examples/toy-study.yaml", "config", "check")
	if r.code != 0 || !strings.Contains(r.stdout, "5 recipes") {
		t.Fatalf("config check: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	cfg, err := config.Load(path, catalog.ConfigCatalog())
	if err != nil {
		t.Fatal(err)
	}
	recipes := checkStageParams(t, cfg, 1)
	want := map[string]string{"base": "", "sft-direct": "base", "sft-pseudo": "base", "grpo": "base", "sft-pseudo+grpo": "sft-pseudo"}
	for name, from := range want {
		rc, ok := recipes[name]
		if !ok {
			t.Fatalf("no recipe %q", name)
		}
		if rc.From != from || len(rc.Stages) != 1 {
			t.Errorf("recipe %s: from %q with %d stages, want from %q and one stage", name, rc.From, len(rc.Stages), from)
		}
	}
	if d := cmp.Diff(recipes["grpo"].Stages, recipes["sft-pseudo+grpo"].Stages); d != "" {
		t.Errorf("the two GRPO stages differ (-grpo +sft-pseudo+grpo):\n%s", d)
	}
	direct, pseudo := recipes["sft-direct"].Stages[0], recipes["sft-pseudo"].Stages[0]
	if direct.Params["style"] != "direct" || pseudo.Params["style"] != "pseudo" {
		t.Errorf("sft styles: %v and %v", direct.Params["style"], pseudo.Params["style"])
	}
	delete(direct.Params, "style")
	delete(pseudo.Params, "style")
	if d := cmp.Diff(direct.Params, pseudo.Params); d != "" {
		t.Errorf("the SFT stages differ beyond style:\n%s", d)
	}

	t.Setenv("SEED", "7")
	cfg, err = config.Load(path, catalog.ConfigCatalog())
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Recipes[len(cfg.Recipes)-1].Stages[0].Seed; got != 7 {
		t.Errorf("SEED=7: GRPO stage seed %d", got)
	}
}

// checkStageParams validates every stage's params with its trainer's own
// parser (config check does not launch trainers) and checks each stage's
// seed; it returns the recipes by name.
func checkStageParams(t *testing.T, cfg *config.Config, seed int64) map[string]config.Recipe {
	t.Helper()
	recipes := map[string]config.Recipe{}
	for _, rc := range cfg.Recipes {
		recipes[rc.Name] = rc
		for _, st := range rc.Stages {
			raw, err := json.Marshal(st.Params)
			if err != nil {
				t.Fatal(err)
			}
			switch st.Trainer {
			case "sft":
				_, err = sft.ParseParams(raw)
			case "grpo":
				_, err = grpo.ParseParams(raw)
			default:
				t.Errorf("recipe %s: unexpected trainer %q", rc.Name, st.Trainer)
			}
			if err != nil {
				t.Errorf("recipe %s stage %s: %v", rc.Name, st.Name, err)
			}
			if st.Seed != seed {
				t.Errorf("recipe %s stage %s: seed %d, want %d", rc.Name, st.Name, st.Seed, seed)
			}
		}
	}
	return recipes
}
