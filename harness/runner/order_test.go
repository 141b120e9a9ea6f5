package runner

import (
	"slices"
	"testing"
)

// The matrix lists the declared benchmarks in leaderboard order, then any
// other benchmark in the order the run gave it.
func TestBenchmarkNamesOrder(t *testing.T) {
	r := &Result{Benchmarks: []string{"custom", "logicvista", "mathvista", "other", "wemath"}}
	want := []string{"mathvista", "wemath", "logicvista", "custom", "other"}
	if got := BenchmarkNames(r); !slices.Equal(got, want) {
		t.Errorf("BenchmarkNames = %v, want %v", got, want)
	}
}
