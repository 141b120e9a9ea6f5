package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestPluginErrorPrintedOnce (issue 11 item 14): a plugin that fails at
// start is reported once with its log tail, with no stray [WARN]/[ERROR]
// lines from go-plugin around it, and the progress line does not repeat the
// whole error.
func TestPluginErrorPrintedOnce(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bad.sh"), []byte("#!/bin/sh\necho 'boom: I failed' >&2\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := `version: 1
project: t
data: {synthetic: {seed: 1, size: tiny}}
plugins:
  - {name: bad, kind: evaluator, command: [./bad.sh]}
models:
  - {name: c, backend: chance}
benchmarks:
  - {name: logicvista, evaluator: bad}
`
	if err := os.WriteFile(filepath.Join(dir, "h.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	r := harness(t, dir, "-c", "h.yaml", "run")
	if r.code == 0 {
		t.Fatalf("run with a broken plugin exited 0:\n%s", r.stderr)
	}
	if n := strings.Count(r.stderr, "last log lines:"); n != 1 {
		t.Errorf("the plugin's log tail is printed %d times, want once:\n%s", n, r.stderr)
	}
	if regexp.MustCompile(`(?m)^\S+ \[(WARN|ERROR)\]`).MatchString(r.stderr) {
		t.Errorf("stray go-plugin log lines:\n%s", r.stderr)
	}
	if !strings.Contains(r.stderr, "boom: I failed") {
		t.Errorf("the plugin's own stderr is not in the report:\n%s", r.stderr)
	}
}
