package datafetch

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/vlmlab/harness/benchmarks/registry"
)

// Source is where one benchmark's VLMEvalKit TSV is published: a dataset
// declared in benchmarks/registry, with the benchmark it belongs to.
type Source struct {
	Benchmark string // harness benchmark name, e.g. "mathvista"
	registry.Source
}

// Options returns Option and Value as benchmark options (nil when none).
func (s Source) Options() map[string]string {
	if s.Option == "" {
		return nil
	}
	return map[string]string{s.Option: s.Value}
}

// File is the local file name: the URL's last element, as VLMEvalKit names
// it under $LMUData.
func (s Source) File() string { return path.Base(s.URL) }

// sources and variants are the declaration's datasets, flattened once: the
// leaderboard's dataset of each benchmark, in leaderboard order, and the
// others grouped by benchmark in the same order.
var sources, variants = flatten(registry.All())

func flatten(all []registry.Benchmark) (sources, variants []Source) {
	for _, b := range all {
		sources = append(sources, Source{Benchmark: b.Name, Source: b.Source})
		for _, v := range b.Variants {
			variants = append(variants, Source{Benchmark: b.Name, Source: v})
		}
	}
	return sources, variants
}

// Sources returns the table, one entry per benchmark.
func Sources() []Source { return append([]Source(nil), sources...) }

// Variants returns VLMEvalKit's other datasets of the benchmarks, which
// Fetch and Lookup take by dataset name.
func Variants() []Source { return append([]Source(nil), variants...) }

// Lookup finds a benchmark by harness name or VLMEvalKit dataset name,
// ignoring case.
func Lookup(name string) (Source, error) {
	for _, s := range sources {
		if strings.EqualFold(name, s.Benchmark) || strings.EqualFold(name, s.Dataset) {
			return s, nil
		}
	}
	for _, s := range variants {
		if strings.EqualFold(name, s.Dataset) {
			return s, nil
		}
	}
	var names []string
	for _, s := range sources {
		names = append(names, s.Benchmark)
	}
	sort.Strings(names)
	for _, s := range variants {
		names = append(names, s.Dataset)
	}
	return Source{}, fmt.Errorf("unknown benchmark %q: want one of %s (or a VLMEvalKit dataset name)", name, strings.Join(names, ", "))
}
