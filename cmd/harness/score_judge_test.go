package main

import (
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
	if err != nil || !strings.Contains(string(b), `"Postprocess": "none"`) || !strings.Contains(string(b), `"Judge": ""`) {
		t.Errorf("report: %v\n%s", err, b)
	}
	r = harness(t, dir, "score", "--benchmark", "logicvista", "--data", data, "--predictions", preds, "--option", "postprocess=think")
	if r.code == 0 || !strings.Contains(r.stderr, "none, split-think, vlaa-thinker") {
		t.Errorf("bad step: exit %d %s", r.code, r.stderr)
	}
}
