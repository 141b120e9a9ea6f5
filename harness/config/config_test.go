package config

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var update = flag.Bool("update", false, "rewrite the golden files of broken configs")

var testCatalog = Catalog{
	Benchmarks: []string{"dynamath", "logicvista", "mathverse", "mathvision", "mathvista", "wemath"},
	Models:     []string{"tinyvlm"},
}

func env(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
}

func TestGood(t *testing.T) {
	data, err := os.ReadFile("testdata/good.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := Parse("testdata/good.yaml", data, testCatalog, env(map[string]string{"TEST_TOKEN": "s3cret"}))
	if err != nil {
		t.Fatal(err)
	}
	zero := 0.0
	want := &Config{
		Version: 1, Project: "demo", RunDir: ".harness", File: "testdata/good.yaml",
		Data: Data{Synthetic: &Synthetic{Seed: 7, Size: "tiny"}},
		Plugins: []Plugin{{
			Name: "my-trainer", Kind: "trainer", Command: []string{"./bin/my-trainer", "--verbose"},
			SHA256: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
			Env:    map[string]string{"TOKEN": "s3cret"},
			Config: map[string]any{"lr": 1.0e-6, "tags": []any{"a", "b"}},
		}},
		Models: []Model{{
			Name: "served", Backend: "openai", Endpoint: "http://127.0.0.1:8000/v1", Model: "VLAA-Thinker-Qwen2.5VL-3B",
			Generation: Generation{MaxTokens: 800, Temperature: &zero, MaxPixels: 262144},
			Timeout:    Duration{2 * time.Minute},
		}, {Name: "tiny", Backend: "tinyvlm"}},
		Judge: &Judge{Endpoint: "http://127.0.0.1:9000/v1", Model: "gpt-4o-mini-2024-07-18"},
		Benchmarks: []Benchmark{
			{Name: "mathvista", Profile: "official"},
			{Name: "wemath", Profile: "leaderboard"},
		},
		Recipes: []Recipe{
			{Name: "base"},
			{Name: "sft", Stages: []Stage{{Trainer: "my-trainer", Params: map[string]any{"epochs": 1}}}},
			{Name: "sft+grpo", From: "sft", Stages: []Stage{{Trainer: "my-trainer"}}},
		},
		Matrix: Matrix{Recipes: []string{"base", "sft", "sft+grpo"}, Models: []string{"tiny"}, Benchmarks: []string{"all"}},
	}
	if diff := cmp.Diff(want, cfg, cmpopts.IgnoreUnexported(Config{})); diff != "" {
		t.Errorf("config (-want +got):\n%s", diff)
	}
}

// TestBroken checks every broken file's messages against its golden file
// (testdata/bad/NAME.golden, one "file:line:column: message" per line).
// Run with -update to rewrite the goldens after a deliberate change.
func TestBroken(t *testing.T) {
	files, err := filepath.Glob("testdata/bad/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no broken configs: %v", err)
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".yaml"), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Parse(f, data, testCatalog, env(nil))
			ps, ok := err.(Problems)
			if !ok {
				t.Fatalf("want Problems, got %T %v", err, err)
			}
			got := ps.Lines()
			golden := strings.TrimSuffix(f, ".yaml") + ".golden"
			if *update {
				os.WriteFile(golden, []byte(strings.Join(got, "\n")+"\n"), 0o644)
			}
			wantData, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			want := strings.Split(strings.TrimSuffix(string(wantData), "\n"), "\n")
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("messages (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load("testdata/nope.yaml", testCatalog)
	if err == nil || !strings.Contains(err.Error(), "read config: open testdata/nope.yaml") {
		t.Errorf("got %v", err)
	}
}

func TestSingleCommandString(t *testing.T) {
	cfg, err := Parse("x.yaml", []byte("plugins:\n  - {name: p, kind: model, command: ./p}\n"), testCatalog, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"./p"}, cfg.Plugins[0].Command); diff != "" {
		t.Error(diff)
	}
}

// ProblemAt places a check made after Load at the value's position, or at
// the nearest enclosing value the file writes.
func TestProblemAt(t *testing.T) {
	data, err := os.ReadFile("testdata/good.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := Parse("testdata/good.yaml", data, testCatalog, env(map[string]string{"TEST_TOKEN": "x"}))
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"plugins[0].config.lr":      "testdata/good.yaml:12:18: x",
		"plugins[0].config.tags[1]": "testdata/good.yaml:12:32: x", // the list: no deeper position is kept,
		"plugins[0].config.nope":    "testdata/good.yaml:12:13: x",
		"models[1].backend":         "testdata/good.yaml:21:14: x",
	} {
		if got := cfg.ProblemAt(path, "x").String(); got != want {
			t.Errorf("ProblemAt(%s) = %s, want %s", path, got, want)
		}
	}
}
