package result_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vlmlab/harness/harness/result"
	"github.com/vlmlab/harness/plugins/sdk"
)

func TestWriteRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "runs", "x", "run.json")
	run := result.Run{SchemaVersion: result.SchemaVersion, ID: "x", Benchmarks: []string{"mathvista"}, Cells: []result.Cell{{
		Recipe: "grpo", Model: "tiny", Checkpoint: "sha256:ab", Status: result.StatusDone,
		Outcome: result.Outcome{Benchmark: "mathvista", Scored: true, Score: 41.5, Diagnostics: &result.Diagnostics{AhaRate: 0.25}},
	}}}
	if err := result.Write(path, run); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	// The Outcome's fields are inline in a cell, under their JSON names.
	for _, want := range []string{`"schema_version": 2`, `"recipe": "grpo"`, `"benchmark": "mathvista"`, `"score": 41.5`, `"aha_rate": 0.25`, `"checkpoint": "sha256:ab"`} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("run.json lacks %s:\n%s", want, raw)
		}
	}
	var back result.Run
	if err := result.Read(path, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(run, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}

	future := filepath.Join(t.TempDir(), "eval.json")
	os.WriteFile(future, []byte(`{"schema_version": 99}`), 0o644)
	if err := result.Read(future, &result.Eval{}); err == nil || !strings.Contains(err.Error(), "schema_version 99 is newer") {
		t.Errorf("future schema: %v", err)
	}
}

func TestAverageAndCounts(t *testing.T) {
	ok := []result.Outcome{{Scored: true, Score: 10}, {Scored: true, Score: 20}}
	if a := result.Average(ok); a == nil || *a != 15 {
		t.Errorf("average %v", a)
	}
	if a := result.Average(append(ok, result.Outcome{Error: "x"})); a != nil {
		t.Errorf("average with an unscored benchmark: %v", *a)
	}
	if result.Average(nil) != nil {
		t.Error("average of nothing")
	}
	e := result.Eval{Benchmarks: []result.Outcome{{Benchmark: "a", Scored: true, Score: 3, Failed: []result.Failure{{ID: "1"}}}, {Benchmark: "b", Error: "x"}}}
	if e.FailedItems() != 1 || e.FailedBenchmarks() != 1 || !cmp.Equal(e.Scores(), map[string]float64{"a": 3}) {
		t.Errorf("counts %d %d %v", e.FailedItems(), e.FailedBenchmarks(), e.Scores())
	}
	// A cell fails with an error, and also when it was never scored (a
	// run that lost track of it must not exit 0).
	r := result.Run{Cells: []result.Cell{
		{Status: result.StatusFailed, Outcome: result.Outcome{Error: "x"}},
		{Status: result.StatusDone, Outcome: result.Outcome{Scored: true}},
		{Status: result.StatusCached, Outcome: result.Outcome{Scored: true}},
		{},
	}}
	if r.Failed() != 2 {
		t.Errorf("failed %d, want 2", r.Failed())
	}
	for i, want := range []bool{false, true, true, false} {
		if got := r.Cells[i].Succeeded(); got != want {
			t.Errorf("cell %d: succeeded %v, want %v", i, got, want)
		}
	}
}

func TestFromReport(t *testing.T) {
	var o result.Outcome
	o.FromReport(&sdk.Report{Primary: "acc", Score: 50, Judge: "gpt", Rule: 3, Judged: 1, Unresolved: 0, Truncated: 1,
		Metrics: []sdk.Metric{{Name: "acc", Value: 50}}, Items: make([]sdk.ItemResult, 4)})
	want := result.Outcome{Primary: "acc", Score: 50, Scored: true, Judge: "gpt", Rule: 3, Judged: 1, Truncated: 1, TruncationRate: 0.25,
		Metrics: []result.Metric{{Name: "acc", Value: 50}}}
	if diff := cmp.Diff(want, o); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
