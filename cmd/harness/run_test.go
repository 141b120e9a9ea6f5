package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// runConfig is a reduced study: the example majority trainer as SFT-like
// stages (maj, then maj2 from it), a trainer whose process dies at once, the
// chance model as a plugin and behind `harness model serve` started by a
// launch command, and a launch command that exits at once.
func runConfig(t *testing.T, dir, marker string, minCount int) string {
	t.Helper()
	ext := filepath.Join(dir, "majority-trainer")
	if _, err := os.Stat(ext); err != nil {
		build := exec.Command("go", "build", "-o", ext, "../../plugins/examples/majority-trainer")
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("build example: %v\n%s", err, out)
		}
	}
	cfg := fmt.Sprintf(`version: 1
run_dir: .harness
data: {synthetic: {seed: 1, size: tiny}}
plugins:
  - {name: majority, kind: trainer, command: [%[1]s]}
  - {name: crasher, kind: trainer, command: [/bin/false]}
models:
  - {name: chance, backend: chance}
  - name: served
    backend: openai
    model: %[2]s
    serve:
      command: [%[3]s, model, serve, chance, --addr, "127.0.0.1:{port}", --served-model-name, "{name}"]
      timeout: 60s
  - name: dead
    backend: openai
    model: dead-%[2]s
    serve: {command: [/bin/sh, -c, "echo cannot load the model >&2; exit 3", "{port}"]}
benchmarks: [{name: mathvista}, {name: logicvista}]
recipes:
  - {name: base}
  - {name: maj, stages: [{name: maj, trainer: majority, data: [rl]}]}
  - {name: maj2, from: maj, stages: [{name: maj2, trainer: majority, data: [rl], params: {min_count: %[4]d}}]}
  - {name: broken, stages: [{name: boom, trainer: crasher}]}
matrix:
  recipes: [base, maj, maj2, broken]
  models: [chance, served, dead]
  benchmarks: [mathvista, logicvista]
`, ext, marker, harnessBin, minCount)
	path := filepath.Join(dir, "study.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

type runCell struct {
	Recipe, Model, Benchmark, Status, Error, Log string
	Scored                                       bool
}

func lastRun(t *testing.T, dir string) (string, []runCell) {
	t.Helper()
	runs, _ := filepath.Glob(filepath.Join(dir, ".harness", "runs", "*", "run.json"))
	if len(runs) == 0 {
		t.Fatal("no run.json")
	}
	var rec struct{ Cells []runCell }
	b, _ := os.ReadFile(runs[len(runs)-1])
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatal(err)
	}
	return filepath.Dir(runs[len(runs)-1]), rec.Cells
}

// processesWith lists processes whose command line contains marker.
func processesWith(marker string) []string {
	var out []string
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err == nil && strings.Contains(string(b), marker) {
			out = append(out, filepath.Base(filepath.Dir(p)))
		}
	}
	return out
}

func TestRunStudy(t *testing.T) {
	dir := t.TempDir()
	marker := "served-" + filepath.Base(dir)
	cfg := runConfig(t, dir, marker, 1)

	// First run: everything runs; the crashing trainer and the dead server
	// fail their own cells only.
	r := harness(t, dir, "-c", cfg, "run", "--jobs", "4")
	if r.code == 0 {
		t.Fatalf("exit 0 with failing cells\n%s", r.stderr)
	}
	t.Logf("first run:\n%s\n%s", r.stdout, r.stderr)
	runDir, cells := lastRun(t, dir)
	if len(cells) != 24 {
		t.Fatalf("%d cells, want 4 recipes × 3 models × 2 benchmarks", len(cells))
	}
	for _, c := range cells {
		switch {
		case c.Recipe == "broken":
			if c.Status != "FAILED" || !strings.Contains(c.Error, "stage broken/boom failed") || c.Log == "" {
				t.Errorf("broken cell %+v", c)
			}
		case c.Model == "dead":
			if c.Status != "FAILED" || !strings.Contains(c.Error, "cannot load the model") || !strings.Contains(c.Error, "exited") {
				t.Errorf("dead-server cell %+v", c)
			}
			if _, err := os.Stat(filepath.Join(dir, c.Log)); err != nil {
				t.Errorf("dead-server log %q: %v", c.Log, err)
			}
		default:
			if !c.Scored || c.Status != "done" {
				t.Errorf("cell %+v", c)
			}
		}
	}
	if ps := processesWith(marker); len(ps) > 0 {
		t.Errorf("model servers left running: pids %v", ps)
	}
	for _, f := range []string{"manifest.json", "summary.md", "summary.json", "curves/maj2__chance.jsonl", "curves/accuracy.png"} {
		if _, err := os.Stat(filepath.Join(runDir, f)); err != nil {
			t.Errorf("run output: %v", err)
		}
	}
	for _, want := range []string{"MAJ2", "SERVED", "FAILED", "AVG"} {
		if !strings.Contains(strings.ToUpper(r.stdout), want) {
			t.Errorf("summary lacks %q:\n%s", want, r.stdout)
		}
	}

	// The plan now: every stage and every cell that succeeded is cached.
	r = harness(t, dir, "-c", cfg, "run", "--dry-run")
	if r.code != 0 {
		t.Fatalf("dry run: exit %d\n%s", r.code, r.stderr)
	}
	for _, line := range strings.Split(r.stdout, "\n") {
		toRun := strings.Contains(line, "to run")
		failing := strings.Contains(line, "broken") || strings.Contains(line, "/ dead /")
		if strings.Contains(line, "│ cell") || strings.Contains(line, "│ stage") {
			if toRun != failing {
				t.Errorf("plan line: %s", line)
			}
		}
	}

	// A changed parameter of maj2 reruns maj2 and its cells only.
	cfg = runConfig(t, dir, marker, 2)
	r = harness(t, dir, "-c", cfg, "run", "--dry-run")
	var rerun []string
	for _, line := range strings.Split(r.stdout, "\n") {
		if strings.HasPrefix(line, "│") && strings.Contains(line, "to run") && !strings.Contains(line, "broken") && !strings.Contains(line, "/ dead /") {
			rerun = append(rerun, line)
		}
	}
	if len(rerun) != 5 {
		t.Logf("plan:\n%s\n%s", r.stdout, r.stderr) // the maj2 stage, and maj2 × {chance, served} × 2 benchmarks
		t.Fatalf("after a maj2 params change, to run:\n%s", strings.Join(rerun, "\n"))
	}
	if !strings.Contains(rerun[0], "maj2/maj2") || !strings.Contains(rerun[0], "│ params changed") {
		t.Errorf("stage line: %s", rerun[0])
	}
	for _, l := range rerun[1:] {
		if !strings.Contains(l, "maj2 /") || !strings.Contains(l, "│ checkpoint changed") {
			t.Errorf("cell line: %s", l)
		}
	}
}

// A SIGKILLed run resumes: what finished is not trained or evaluated again,
// what was cut off is done once, and nothing the run started is left.
func TestRunResumesAfterSIGKILL(t *testing.T) {
	dir := t.TempDir()
	ext := filepath.Join(dir, "majority-trainer")
	build := exec.Command("go", "build", "-o", ext, "../../plugins/examples/majority-trainer")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build example: %v\n%s", err, out)
	}
	slow := filepath.Join(dir, "slow")
	os.WriteFile(slow, nil, 0o644)
	cfg := fmt.Sprintf(`version: 1
run_dir: .harness
data: {synthetic: {seed: 1, size: tiny}}
plugins:
  - {name: majority, kind: trainer, command: [%[1]s]}
models:
  - {name: chance, backend: chance}
benchmarks: [{name: mathvista}]
recipes:
  - {name: maj, stages: [{name: maj, trainer: majority, data: [rl]}]}
  - name: eng
    stages:
      - name: eng
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
              if [ -f %[2]s ]; then sleep 60; fi;
              echo "step:1 - actor/pg_loss:0.5 - critic/score/mean:0.25";
              d={{.Output}}/global_step_1/actor/huggingface; mkdir -p $d;
              echo '{}' > $d/config.json; echo weights > $d/model.safetensors
matrix: {recipes: [maj, eng], models: [chance], benchmarks: [mathvista]}
`, ext, slow)
	path := filepath.Join(dir, "resume.yaml")
	os.WriteFile(path, []byte(cfg), 0o644)

	cmd := exec.Command(harnessBin, "-c", path, "run", "--jobs", "2")
	cmd.Dir = dir
	errb := &syncBuffer{}
	cmd.Stderr = errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill once maj is evaluated (its score line, not its progress
	// bar's, which starts with the same name) and eng is training.
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(errb.String(), "harness: maj / chance / mathvista: Overall") || !strings.Contains(errb.String(), "eng: stage eng") {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("run did not get there:\n%s", errb.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	cmd.Process.Kill()
	cmd.Wait()
	// No plugin the run started outlives it (the plugins watch their
	// parent). The engine trainer's own command is its business: at the
	// time of writing its `sleep` outlives a SIGKILLed host (reported to
	// the engine trainer's owner); it is killed here so the test leaves
	// nothing behind.
	time.Sleep(2 * time.Second)
	if ps := processesWith(harnessBin); len(ps) > 0 {
		t.Errorf("plugin processes left after SIGKILL: %v", ps)
	}
	for _, pid := range processesWith(slow) {
		if n, err := strconv.Atoi(pid); err == nil {
			if p, err := os.FindProcess(n); err == nil {
				p.Kill()
			}
			t.Logf("engine command pid %d outlived the SIGKILLed run; killed", n)
		}
	}

	os.Remove(slow)
	r := harness(t, dir, "-c", path, "run")
	if r.code != 0 {
		t.Fatalf("resume: exit %d\n%s", r.code, r.stderr)
	}
	if strings.Contains(r.stderr, "maj: stage maj (") || strings.Contains(r.stderr, "maj / chance / mathvista: Overall") {
		t.Errorf("the resumed run redid finished work:\n%s", r.stderr)
	}
	if strings.Count(r.stderr, "eng: stage eng (") != 1 || !strings.Contains(r.stderr, "eng / chance / mathvista: Overall") {
		t.Errorf("the resumed run did not finish the cut-off stage once:\n%s", r.stderr)
	}
}

// syncBuffer is a strings.Builder safe to read while a process writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
