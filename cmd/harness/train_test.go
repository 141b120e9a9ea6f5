package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const trainConfig = `version: 1
project: train-test
run_dir: .harness
data:
  synthetic: {seed: 1, size: tiny, traces: short}
models:
  - {name: tiny, backend: tinyvlm}
benchmarks:
  - name: mathvista
recipes:
  - name: base
    stages:
      - name: pretrain
        trainer: sft
        data: [pretrain]
        params: {steps: 3, batch_size: 4, vocab_items: 20, model: {d_model: 16, layers: 1, heads: 2, ffn: 32, image_size: 16, patch_size: 8}}
  - name: sft
    from: base
    stages:
      - {name: sft, trainer: sft, data: [sft], params: {steps: 2, batch_size: 2, style: direct}}
`

// harness train runs a stage and the ones before it, reuses them the second
// time, writes metrics beside each checkpoint; harness generate prints what
// the checkpoint says and refuses bad inputs clearly.
func TestTrainAndGenerate(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "harness.yaml"), []byte(trainConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	res := harness(t, dir, "train", "sft")
	if res.code != 0 {
		t.Fatalf("harness train sft: exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	if n := strings.Count(res.stdout, "trained"); n != 2 {
		t.Errorf("want 2 trained stages in the summary, got %d:\n%s", n, res.stdout)
	}
	m := regexp.MustCompile(`checkpoint (\S+) \(tinyvlm, sha256:`).FindStringSubmatch(res.stdout)
	if m == nil {
		t.Fatalf("no checkpoint line:\n%s", res.stdout)
	}
	ck := m[1]
	f, err := os.Open(ck + ".metrics.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	lines := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var line struct {
			Step    int                `json:"step"`
			Total   int                `json:"total"`
			Metrics map[string]float64 `json:"metrics"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatal(err)
		}
		lines++
		if line.Step != lines || line.Total != 2 || line.Metrics["loss"] <= 0 || line.Metrics["lr"] <= 0 {
			t.Errorf("metrics line %d: %+v", lines, line)
		}
	}
	f.Close()
	if lines != 2 {
		t.Errorf("%d metrics lines, want 2", lines)
	}
	again := harness(t, dir, "train", "sft")
	if again.code != 0 || strings.Count(again.stdout, "cached") != 2 {
		t.Errorf("second harness train sft should reuse both stages:\n%s\n%s", again.stdout, again.stderr)
	}
	if bad := harness(t, dir, "train", "grpo"); bad.code == 0 || !strings.Contains(bad.stderr, `no stage "grpo"`) || !strings.Contains(bad.stderr, "pretrain, sft") {
		t.Errorf("unknown stage: exit %d, %s", bad.code, bad.stderr)
	}

	gen := harness(t, dir, "generate", "--checkpoint", ck, "--prompt", "How many objects are there?", "--max-tokens", "5", "--n", "2", "--temperature", "1")
	if gen.code != 0 || !strings.Contains(gen.stdout, "--- sample 1") || !strings.Contains(gen.stderr, "generated") {
		t.Errorf("generate: exit %d\n%s\n%s", gen.code, gen.stdout, gen.stderr)
	}
	junk := filepath.Join(dir, "junk.png")
	os.WriteFile(junk, []byte("not an image"), 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--checkpoint", dir, "--prompt", "x"}, "no checkpoint.json"},
		{[]string{"--checkpoint", ck, "--prompt", "x", "--image", junk}, "image does not decode"},
		{[]string{"--checkpoint", ck, "--prompt", strings.Repeat("How many objects? ", 50)}, "exceeds the context"},
	} {
		r := harness(t, dir, append([]string{"generate"}, c.args...)...)
		if r.code == 0 || !strings.Contains(r.stderr, c.want) || strings.Contains(r.stderr, "panic") {
			t.Errorf("generate %v: exit %d, stderr %q, want %q", c.args[:2], r.code, r.stderr, c.want)
		}
	}
}
