package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/vlmlab/harness/harness/openai/openaitest"
)

// Responses cut at --max-tokens are counted per benchmark in the table and
// eval.json, and marked in items.jsonl.
func TestEvalReportsTruncation(t *testing.T) {
	data := suites(t)
	srv := openaitest.New(openaitest.Config{Answer: func(openaitest.Request, int) string {
		return "<think>Count the objects, then check again.</think><answer>A</answer>"
	}})
	defer srv.Close()
	dir := t.TempDir()
	r := harness(t, dir, evalArgs(srv, data, "--benchmarks", "logicvista", "--max-tokens", "3")...)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	// The truncated column (the last) is the share of responses cut.
	if !strings.Contains(r.stdout, "TRUNCATED") || !regexp.MustCompile(`(?m)^│ logicvista .*│ 100\.0 +│$`).MatchString(r.stdout) {
		t.Errorf("table does not report truncation:\n%s", r.stdout)
	}
	var res struct {
		Benchmarks []struct {
			Benchmark      string
			Items          int
			Truncated      int     `json:"truncated"`
			TruncationRate float64 `json:"truncation_rate"`
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "out", "eval.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &res); err != nil || len(res.Benchmarks) != 1 {
		t.Fatalf("eval.json: %v %s", err, b)
	}
	if o := res.Benchmarks[0]; o.Truncated != o.Items || o.Items == 0 || o.TruncationRate != 1 {
		t.Errorf("eval.json truncation: %+v", o)
	}
	items, err := os.ReadFile(filepath.Join(dir, "out", "logicvista.items.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(items), `"truncated":true`); n != res.Benchmarks[0].Items {
		t.Errorf("items.jsonl marks %d items truncated, want %d", n, res.Benchmarks[0].Items)
	}
}
