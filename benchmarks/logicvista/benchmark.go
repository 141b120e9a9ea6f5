package logicvista

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/vlmlab/harness/benchmarks/bench"
	"github.com/vlmlab/harness/benchmarks/postprocess"
	"github.com/vlmlab/harness/benchmarks/registry"
	"github.com/vlmlab/harness/plugins/sdk"
)

// Name is the benchmark's name in configs and reports.
const Name = registry.LogicVista

// Items is the size of LogicVista (v1_0 … v1_447).
const Items = 448

// PrimaryMetric names the leaderboard number: the Overall row's acc column.
const PrimaryMetric = "Overall acc"

// File names looked for when Load is given a directory, in order.
var dataFiles = []string{"dataset.json", "data/dataset.json", "LogicVista.tsv"}

// Benchmark is the LogicVista evaluator.
type Benchmark struct{}

// New returns the LogicVista evaluator.
func New() *Benchmark { return &Benchmark{} }

// Info describes LogicVista.
func (*Benchmark) Info() sdk.BenchmarkInfo {
	return sdk.BenchmarkInfo{
		Name:    Name,
		Title:   "LogicVista",
		Items:   Items,
		Primary: PrimaryMetric,
		Description: "448 logical-reasoning questions whose options are drawn in the image; " +
			"a judge extracts the chosen letters, scored as an exact set.",
	}
}

// Load reads data/dataset.json (images in images/ beside it), VLMEvalKit's
// LogicVista.tsv, or a directory holding one of them.
func (*Benchmark) Load(ctx context.Context, req sdk.LoadRequest) (sdk.Dataset, error) {
	profile, err := checkProfile(req.Profile)
	if err != nil {
		return nil, err
	}
	post, rest, err := postprocess.Take(req.Options)
	if err != nil {
		return nil, fmt.Errorf("logicvista: %w", err)
	}
	req.Options = rest
	if len(req.Options) > 0 {
		keys := make([]string, 0, len(req.Options))
		for k := range req.Options {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return nil, fmt.Errorf("%s: unknown options %s; LogicVista takes none", Name, strings.Join(keys, ", "))
	}
	path, err := resolvePath(req.Path)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var problems []problem
	switch strings.ToLower(filepath.Ext(path)) {
	case ".json":
		problems, err = loadJSON(path)
	case ".tsv":
		problems, err = loadTSV(path)
	default:
		return nil, fmt.Errorf("%s: unknown data file type; give dataset.json or VLMEvalKit's LogicVista.tsv", path)
	}
	if err != nil {
		return nil, err
	}
	partial, err := bench.CheckCount(Name, path, len(problems), Items, req.AllowPartial)
	if err != nil {
		return nil, err
	}
	hash, err := bench.HashFiles(path)
	if err != nil {
		return nil, err
	}
	d := &Dataset{
		info: sdk.DatasetInfo{
			Benchmark: Name, Path: path, DataHash: hash,
			Count: len(problems), Expected: Items, Partial: partial, Synthetic: bench.Synthetic(path),
		},
		profile:  profile,
		judge:    req.Judge,
		post:     post,
		problems: problems,
		items:    make([]sdk.Item, len(problems)),
	}
	for i := range problems {
		d.items[i] = problems[i].item()
	}
	return d, nil
}

// checkProfile accepts the two profiles; empty means leaderboard.
func checkProfile(p string) (string, error) {
	switch p {
	case "", sdk.ProfileLeaderboard:
		return sdk.ProfileLeaderboard, nil
	case sdk.ProfileOfficial:
		return p, nil
	}
	return "", fmt.Errorf("%s: unknown scoring profile %q; use %q or %q", Name, p, sdk.ProfileLeaderboard, sdk.ProfileOfficial)
}

// resolvePath returns the data file at path, looking inside a directory for
// the known file names.
func resolvePath(path string) (string, error) {
	if path == "" {
		return "", fmt.Errorf("%s: no data path given; point it at dataset.json or LogicVista.tsv", Name)
	}
	st, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("%s: data path: %w", Name, err)
	}
	if !st.IsDir() {
		return path, nil
	}
	for _, name := range dataFiles {
		p := filepath.Join(path, name)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s: directory %s holds none of %s", Name, path, strings.Join(dataFiles, ", "))
}
