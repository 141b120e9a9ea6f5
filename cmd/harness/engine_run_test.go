package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// engineRunConfig is a recipe whose GRPO stage runs on the built-in engine
// trainer, with a shell line standing in for verl: verl's step lines, its
// checkpoint layout, and checks that the reward adapter and the data file
// it was handed exist.
const engineRunConfig = `version: 1
project: engine-run
run_dir: .harness
data:
  synthetic: {seed: 3, size: tiny}
models:
  - {name: chance, backend: chance}
benchmarks:
  - name: logicvista
recipes:
  - name: grpo
    stages:
      - name: grpo
        trainer: engine
        data: [rl]
        params:
          engine: verl
          base_model: Qwen/Qwen2.5-VL-3B-Instruct
          reward_addr: 127.0.0.1:0
          command:
            - /bin/sh
            - -c
            - >-
              echo "Total training steps: 2";
              echo "step:1 - actor/pg_loss:0.5 - critic/score/mean:0.25";
              echo "step:2 - actor/pg_loss:0.4 - critic/score/mean:0.5";
              d={{.Output}}/global_step_2/actor/huggingface; mkdir -p $d;
              echo '{}' > $d/config.json; echo weights > $d/model.safetensors;
              test -f {{.RewardAdapter}} && test -f {{index .DataFiles 0}}
matrix:
  recipes: [grpo]
  models: [chance]
  benchmarks: [logicvista]
`

// TestRunEngineStage runs the matrix with an engine stage: the stage's
// metrics reach the run's log, its Hugging Face checkpoint is hashed and
// verified by the host, and a second run reuses it.
func TestRunEngineStage(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "harness.yaml"), []byte(engineRunConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	r := harness(t, dir, "run")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "2/2 steps") || !strings.Contains(r.stderr, "reward 0.5") || !strings.Contains(r.stdout, "grpo") {
		t.Errorf("run output:\n%s\n%s", r.stdout, r.stderr)
	}
	// stderr is not a terminal: each stage and cell has plain start and
	// closing progress lines.
	for _, want := range []string{"grpo/grpo: started, 2 steps", "grpo / chance / logicvista: started,", ", answered"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("no progress line %q:\n%s", want, r.stderr)
		}
	}
	manifests, _ := filepath.Glob(filepath.Join(dir, ".harness", "checkpoints", "*", "checkpoint.json"))
	if len(manifests) != 1 {
		t.Fatalf("checkpoint manifests %v", manifests)
	}
	var m struct {
		Format string
		Files  map[string]string
	}
	b, _ := os.ReadFile(manifests[0])
	if err := json.Unmarshal(b, &m); err != nil || m.Format != "hf" || m.Files["model.safetensors"] == "" || len(m.Files) != 2 {
		t.Errorf("manifest %s: %v", b, err)
	}
	r = harness(t, dir, "run")
	if r.code != 0 || !strings.Contains(r.stderr, "reused checkpoint") {
		t.Errorf("second run: exit %d\n%s", r.code, r.stderr)
	}
}
