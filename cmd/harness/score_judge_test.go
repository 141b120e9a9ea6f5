package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vlmlab/harness/internal/testenv"
)

// `harness score --judge none` means no judge, as in eval: no client for a
// model named "none", items that need a judge are unresolved at once. The
// evaluator options reach the plugin (--option postprocess=none is recorded
// in the report).
func TestScoreJudgeNone(t *testing.T) {
	data := testenv.SharedPath(t, "data", "logicvista")
	dir := t.TempDir()
	preds := filepath.Join(dir, "preds.jsonl")
	os.WriteFile(preds, []byte(`{"id": "v1_0", "response": "<answer>The answer is A.</answer>"}`+"\n"), 0o644)
	start := time.Now()
	r := harness(t, dir, "score", "--benchmark", "logicvista", "--data", data, "--predictions", preds,
		"--judge", "none", "--option", "postprocess=none", "--out", "out", "--allow-partial", "--allow-unresolved")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("took %v: a judge was tried", d)
	}
	if !strings.Contains(r.stdout, "judge none") || !strings.Contains(r.stdout, "response post-processing: none") {
		t.Errorf("score output:\n%s", r.stdout)
	}
	b, err := os.ReadFile(filepath.Join(dir, "out", "logicvista.json"))
	if err != nil || !strings.Contains(string(b), `"postprocess": "none"`) || !strings.Contains(string(b), `"judge": ""`) {
		t.Errorf("report: %v\n%s", err, b)
	}
	r = harness(t, dir, "score", "--benchmark", "logicvista", "--data", data, "--predictions", preds, "--option", "postprocess=think")
	if r.code == 0 || !strings.Contains(r.stderr, "none, split-think, vlaa-thinker") {
		t.Errorf("bad step: exit %d %s", r.code, r.stderr)
	}
}

// Issue 10 item 5: a published MathVista results file is accepted as
// predictions, and --stored-extractions reproduces its official score.
func TestScoreStoredExtractions(t *testing.T) {
	data := testenv.SharedPath(t, "data", "mathvista")
	output := filepath.Join(testenv.SharedPath(t, "goldens", "mathvista", "gpt4"), "output.json")
	raw, err := os.ReadFile(filepath.Join(filepath.Dir(output), "scores.json"))
	if err != nil {
		t.Fatal(err)
	}
	var scores struct {
		Average struct {
			Correct int `json:"correct"`
			Total   int `json:"total"`
		} `json:"average"`
	}
	if err := json.Unmarshal(raw, &scores); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	r := harness(t, dir, "score", "--benchmark", "mathvista", "--data", data, "--predictions", output, "--profile", "official",
		"--stored-extractions", "--option", "postprocess=none", "--out", "out", "--allow-unresolved")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	want := fmt.Sprintf("mathvista Overall acc: %.2f", 100*float64(scores.Average.Correct)/float64(scores.Average.Total))
	if !strings.Contains(r.stdout, want) || !strings.Contains(r.stdout, "judge stored extraction (output.json)") {
		t.Errorf("want %q in:\n%s", want, r.stdout)
	}
	r = harness(t, dir, "score", "--benchmark", "mathvista", "--data", data, "--predictions", output, "--stored-extractions", "--judge", "gpt-4")
	if r.code == 0 || !strings.Contains(r.stderr, "replaces the judge") {
		t.Errorf("--judge with --stored-extractions: exit %d %s", r.code, r.stderr)
	}
}
