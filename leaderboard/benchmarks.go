package leaderboard

import "github.com/vlmlab/harness/benchmarks/registry"

// Benchmark is one of the six benchmarks an entry is scored on.
type Benchmark struct {
	// Name is the key used in YAML files, run records and the evaluator
	// plugins (the benchmarks/<name> packages use the same names).
	Name string
	// Title is how tables and pages show it.
	Title string
}

// AverageName is the Row.Benchmark of the average row Compare appends.
const AverageName = "average"

// Benchmarks returns the six benchmarks in display order: the column order of
// the paper's Table 4 and of the Open LMM Reasoning Leaderboard, as
// benchmarks/registry declares them. It returns a fresh slice each call so
// no caller can change the order for another.
func Benchmarks() []Benchmark {
	all := registry.All()
	out := make([]Benchmark, len(all))
	for i, b := range all {
		out[i] = Benchmark{Name: b.Name, Title: b.Title}
	}
	return out
}

// BenchmarkByName finds a benchmark by its Name (exact, lower case).
func BenchmarkByName(name string) (Benchmark, bool) {
	b, ok := registry.Lookup(name)
	if !ok {
		return Benchmark{}, false
	}
	return Benchmark{Name: b.Name, Title: b.Title}, true
}
