package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vlmlab/harness/internal/testenv"
)

// harnessBin is the harness binary built once for these tests: the commands
// start their built-in plugins from it, exactly as in use.
var harnessBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "harness-cli")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	harnessBin = filepath.Join(dir, "harness")
	args := []string{"build", "-o", harnessBin}
	if raceEnabled {
		args = append(args, "-race")
	}
	build := exec.Command("go", append(args, ".")...)
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	stdout, stderr string
	code           int
}

// harness runs the binary in dir with args.
func harness(t *testing.T, dir string, args ...string) result {
	t.Helper()
	cmd := exec.Command(harnessBin, args...)
	cmd.Dir = dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run harness %v: %v", args, err)
	}
	return result{out.String(), errb.String(), code}
}

func TestPluginsListsBuiltins(t *testing.T) {
	r := harness(t, t.TempDir(), "plugins")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"evaluator", "mathvista", "mathvision", "mathverse", "dynamath", "wemath", "logicvista", "model", "chance", "v1", "built-in", "0.1.0"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("plugins output lacks %q:\n%s", want, r.stdout)
		}
	}
}

func TestPluginsWithExternalAndBroken(t *testing.T) {
	dir := t.TempDir()
	ext := filepath.Join(dir, "majority-trainer")
	build := exec.Command("go", "build", "-o", ext, "../../plugins/examples/majority-trainer")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build example: %v\n%s", err, out)
	}
	cfg := fmt.Sprintf("plugins:\n  - {name: majority, kind: trainer, command: [%s]}\n  - {name: broken, kind: model, command: [/bin/false]}\n", ext)
	os.WriteFile(filepath.Join(dir, "harness.yaml"), []byte(cfg), 0o644)
	r := harness(t, dir, "plugins")
	if r.code == 0 {
		t.Errorf("exit 0 with a broken plugin")
	}
	for _, want := range []string{"majority", "1.0.0", "example trainer", "broken", "error: plugin broken"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("plugins output lacks %q:\n%s", want, r.stdout)
		}
	}
	if !strings.Contains(r.stderr, "1 plugin(s) could not be described") {
		t.Errorf("stderr: %s", r.stderr)
	}
}

func TestConfigCheck(t *testing.T) {
	dir := t.TempDir()
	r := harness(t, dir, "config", "check", filepath.Join(testenv.RepoRoot(), "harness.yaml"))
	if r.code != 0 || !strings.Contains(r.stdout, "ok") {
		t.Errorf("committed harness.yaml: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("benchmarks:\n  - name: mathvist\nrecipes:\n  - {name: a, from: a}\n"), 0o644)
	r = harness(t, dir, "config", "check", bad)
	if r.code == 0 {
		t.Fatal("broken config passed")
	}
	for _, want := range []string{bad + `:2:11: unknown benchmark "mathvist"; did you mean "mathvista"?`, bad + ":4:21: recipe cycle: a -> a", "2 problem(s)"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
}

// TestRunChanceBaseline runs examples/chance-baseline.yaml end to end: the
// six evaluator plugins on the synthetic suites with the chance model.
func TestRunChanceBaseline(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(testenv.RepoRoot(), "examples", "chance-baseline.yaml")
	r := harness(t, dir, "-c", cfg, "run")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"SYNTHETIC", "MATHVISTA", "LOGICVISTA", "chance", "AVG"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("run output lacks %q:\n%s", want, r.stdout)
		}
	}
	runs, _ := filepath.Glob(filepath.Join(dir, ".harness", "runs", "*", "run.json"))
	if len(runs) != 1 {
		t.Fatalf("run records: %v", runs)
	}
	var rec struct {
		Cells []struct {
			Benchmark string
			Scored    bool
			Score     float64
			Report    string // the cell's report file
			Error     string
		}
	}
	b, _ := os.ReadFile(runs[0])
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatal(err)
	}
	if len(rec.Cells) != 6 {
		t.Fatalf("%d cells, want 6", len(rec.Cells))
	}
	for _, c := range rec.Cells {
		if !c.Scored || c.Error != "" {
			t.Errorf("%s: %s", c.Benchmark, c.Error)
		}
		if _, err := os.Stat(filepath.Join(dir, c.Report)); err != nil {
			t.Errorf("%s: report file: %v", c.Benchmark, err)
		}
	}
	// The second run reuses the synthetic data.
	r = harness(t, dir, "-c", cfg, "run")
	if r.code != 0 || !strings.Contains(r.stderr, "synthetic data: reusing") {
		t.Errorf("second run: exit %d\n%s", r.code, r.stderr)
	}
}

func TestScoreRealLogicVista(t *testing.T) {
	data := testenv.SharedPath(t, "data", "logicvista")
	dir := t.TempDir()
	raw, err := os.ReadFile(filepath.Join(data, "dataset.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ds map[string]struct{ Answer string }
	if err := json.Unmarshal(raw, &ds); err != nil {
		t.Fatal(err)
	}
	var lines []string
	for id, it := range ds {
		b, _ := json.Marshal(map[string]string{"id": id, "response": "<think>...</think><answer>" + it.Answer + "</answer>"})
		lines = append(lines, string(b))
	}
	preds := filepath.Join(dir, "preds.jsonl")
	os.WriteFile(preds, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
	r := harness(t, dir, "score", "--benchmark", "logicvista", "--data", data, "--predictions", preds, "--profile", "official", "--out", "out")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, f := range []string{"out/logicvista.json", "out/logicvista.items.jsonl"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("missing %s", f)
		}
	}
	if !strings.Contains(r.stdout, "logicvista") || !strings.Contains(r.stdout, "(official)") || !strings.Contains(r.stdout, "response post-processing: vlaa-thinker") {
		t.Errorf("score output:\n%s", r.stdout)
	}

	os.WriteFile(preds, []byte("{\"id\": \"v1_0\"}\n"), 0o644)
	r = harness(t, dir, "score", "--benchmark", "logicvista", "--data", data, "--predictions", preds)
	if r.code == 0 || !strings.Contains(r.stderr, "preds.jsonl:1: field response: missing") {
		t.Errorf("bad predictions: exit %d %s", r.code, r.stderr)
	}
	r = harness(t, dir, "score", "--benchmark", "mmmu", "--data", data, "--predictions", preds)
	if r.code == 0 || !strings.Contains(r.stderr, `--benchmark: benchmark mmmu: no evaluator plugin "mmmu"`) {
		t.Errorf("unknown benchmark: exit %d %s", r.code, r.stderr)
	}
}

// The configuration example in README.md is a valid harness.yaml.
func TestReadmeConfigExample(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(testenv.RepoRoot(), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "## Configuration")
	if !ok {
		t.Fatal("README.md has no Configuration section")
	}
	_, rest, ok = strings.Cut(rest, "```yaml\n")
	block, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("README.md's Configuration section has no yaml block")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "example.yaml")
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(block, "NAME", "readme")), 0o644); err != nil {
		t.Fatal(err)
	}
	// config check also starts the plugins it names and checks their config
	// blocks: build the example trainer where the README says.
	build := exec.Command("go", "build", "-o", filepath.Join(dir, "bin", "my-trainer"), "../../plugins/examples/majority-trainer")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build example: %v\n%s", err, out)
	}
	r := harness(t, dir, "config", "check", path)
	if r.code != 0 {
		t.Errorf("README example: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
