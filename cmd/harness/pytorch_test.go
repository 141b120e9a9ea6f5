package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/vlmlab/harness/internal/testenv"
	"github.com/vlmlab/harness/plugins/python/pythontest"
	"github.com/vlmlab/harness/plugins/sdk"
)

// TestPyTorchRecipe runs examples/pytorch-sft.yaml scaled down (a few steps
// per stage, one benchmark): pre-train in Go, SFT in PyTorch (a Python
// plugin, a child of the harness), SFT in Go from the PyTorch checkpoint,
// and both the PyTorch checkpoint and the last one evaluated by the tinyvlm
// model. Each stage's checkpoint names the one before it as parent.
func TestPyTorchRecipe(t *testing.T) {
	pythontest.Interpreter(t)
	blob, err := os.ReadFile(filepath.Join(testenv.RepoRoot(), "examples", "pytorch-sft.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := string(blob)
	for old, new := range map[string]string{
		"plugins/python/examples": filepath.Join(testenv.RepoRoot(), "plugins/python/examples"),
		// A model small enough that GoMLX's Go backend never reaches its
		// large matmul kernel, which aborts under the race detector's
		// checkptr (compute v0.1.2; see trainers/tinyvlm/einsum.go).
		"steps: 200, batch_size: 32, lr: 3.0e-3":       "steps: 4, batch_size: 2, lr: 3.0e-3, model: {d_model: 16, layers: 1, heads: 2, ffn: 32, image_size: 16, patch_size: 8, max_text: 96}",
		"steps: 100, batch_size: 16":                   "steps: 4, batch_size: 4",
		"steps: 50, batch_size: 16":                    "steps: 2, batch_size: 2",
		"max_tokens: 96":                               "max_tokens: 8",
		"recipes: [pretrain, torch-sft, torch-sft+go]": "recipes: [torch-sft, torch-sft+go]",
		"benchmarks: [all]":                            "benchmarks: [mathvista]",
	} {
		if !strings.Contains(cfg, old) {
			t.Fatalf("examples/pytorch-sft.yaml no longer has %q; update this test", old)
		}
		cfg = strings.ReplaceAll(cfg, old, new)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "harness.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	r := harness(t, dir, "run")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"stage pretrain (sft", "stage torch-sft (torch-sft 0.1.0)", "stage go-sft (sft", "torch-sft / tinyvlm / mathvista: Overall acc", "torch-sft+go / tinyvlm / mathvista: Overall acc"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("run log lacks %q:\n%s", want, r.stderr)
		}
	}
	// The stages in order, each the parent of the next.
	order := regexp.MustCompile(`stage (\S+) \(\S+ \S+\) training into (\S+)`).FindAllStringSubmatch(r.stderr, -1)
	// (torch-sft+go reuses the two stages torch-sft trained.)
	if len(order) != 3 {
		t.Fatalf("%d stages trained, want 3:\n%s", len(order), r.stderr)
	}
	parent := ""
	for _, m := range order {
		ck, err := sdk.ReadCheckpoint(filepath.Join(dir, m[2]))
		if err != nil {
			t.Fatalf("stage %s: %v", m[1], err)
		}
		if ck.Format != "tinyvlm" || ck.Parent != parent {
			t.Errorf("stage %s: format %s, parent %q, want tinyvlm and %q", m[1], ck.Format, ck.Parent, parent)
		}
		parent = ck.Hash
	}
}

// TestPyTorchExampleConfigChecks: the example as committed passes config
// check (its plugin launched and its config block checked).
func TestPyTorchExampleConfigChecks(t *testing.T) {
	pythontest.Interpreter(t)
	r := harness(t, testenv.RepoRoot(), "-c", "examples/pytorch-sft.yaml", "config", "check")
	if r.code != 0 || !strings.Contains(r.stdout, "ok") {
		t.Errorf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
