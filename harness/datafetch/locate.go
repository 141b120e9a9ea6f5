package datafetch

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Locate finds a benchmark's data in dir: the VLMEvalKit TSV under its
// published file name (what Fetch and `harness data import` write), else an
// official-layout folder or file named after the benchmark (dir/mathvista).
// The error says how to get the data.
func Locate(dir, benchmark string) (string, error) {
	src, err := Lookup(benchmark)
	if err != nil {
		return "", err
	}
	candidates := []string{filepath.Join(dir, src.File()), filepath.Join(dir, src.Benchmark)}
	for _, p := range candidates {
		_, err := os.Stat(p)
		if err == nil {
			return p, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("benchmark %s: %w", benchmark, err)
		}
	}
	return "", fmt.Errorf("benchmark %s: no data in %s: expected %s (`harness data fetch %s --dir %s`) or an official-layout folder %s (`harness data import`)",
		src.Benchmark, dir, src.File(), src.Benchmark, dir, candidates[1])
}

// ImportMarker is the file beside an imported TSV that says where it came
// from; Fetch leaves a TSV with a marker alone.
func ImportMarker(tsv string) string { return tsv + ".import.json" }
