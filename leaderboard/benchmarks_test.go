package leaderboard_test

import (
	"slices"
	"testing"

	"github.com/vlmlab/harness/benchmarks/registry"
	"github.com/vlmlab/harness/leaderboard"
	"github.com/vlmlab/harness/leaderboard/store"
)

// The leaderboard's columns are the declared benchmarks: same names, titles
// and order, in the page model and in the store.
func TestBenchmarksAreTheDeclaration(t *testing.T) {
	var want []leaderboard.Benchmark
	for _, b := range registry.All() {
		want = append(want, leaderboard.Benchmark{Name: b.Name, Title: b.Title})
	}
	if got := leaderboard.Benchmarks(); !slices.Equal(got, want) {
		t.Errorf("leaderboard.Benchmarks() = %v\nwant %v", got, want)
	}
	if !slices.Equal(store.Benchmarks, registry.Names()) {
		t.Errorf("store.Benchmarks = %v, want %v", store.Benchmarks, registry.Names())
	}
	for _, n := range registry.Names() {
		if b, ok := leaderboard.BenchmarkByName(n); !ok || b.Name != n {
			t.Errorf("BenchmarkByName(%q) = %v, %v", n, b, ok)
		}
		if !slices.Contains(store.SortKeys, n) {
			t.Errorf("%s is not a sort key", n)
		}
	}
}
