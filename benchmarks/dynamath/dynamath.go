package dynamath

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/vlmlab/harness/benchmarks/postprocess"
	"github.com/vlmlab/harness/benchmarks/registry"
	"github.com/vlmlab/harness/plugins/sdk"
)

// Name is the benchmark's name in configs, reports and the plugin protocol.
const Name = registry.DynaMath

// Seeds and Variants give the size of the full benchmark: Items = 501 × 10.
const (
	Seeds    = 501
	Variants = 10
	Items    = Seeds * Variants
)

// Metric names. VLMEvalKit's score.csv has the same numbers as fractions in
// 0–1 (rows Setting=Worst Case and Setting=Average, column Overall); here
// they are percentages, and the names say so.
const (
	MetricWorstCase = "Worst Case Overall (%; score.csv has the fraction)"
	MetricAverage   = "Average Overall (%; score.csv has the fraction)"
)

// PrimaryMetric is the leaderboard number: Worst Case Overall.
const PrimaryMetric = MetricWorstCase

// Benchmark is DynaMath as an evaluator plugin serves it.
type Benchmark struct{}

// New returns the DynaMath benchmark.
func New() *Benchmark { return &Benchmark{} }

// Info describes DynaMath independent of any data file.
func (*Benchmark) Info() sdk.BenchmarkInfo {
	return sdk.BenchmarkInfo{
		Name:    Name,
		Title:   "DynaMath (501 seeds × 10 variants)",
		Items:   Items,
		Primary: PrimaryMetric,
		Description: "Dynamic visual math: 501 seed questions in 10 generated variants each. " +
			"Primary: worst case (a seed counts when all 10 variants are right). " +
			"leaderboard profile: VLMEvalKit DynaMath (JSON short answer, one judge formatting call as fallback); " +
			"official profile: DynaMath/DynaMath opensource_json_eval.py (JSON only, no judge).",
	}
}

// Load reads a data file or directory for scoring (see the package-level Load).
func (*Benchmark) Load(ctx context.Context, req sdk.LoadRequest) (sdk.Dataset, error) {
	return Load(ctx, req)
}

// Load reads DynaMath from req.Path: a directory of variant JSON files or a
// VLMEvalKit TSV.
func Load(ctx context.Context, req sdk.LoadRequest) (*Dataset, error) {
	post, rest, err := postprocess.Take(req.Options)
	if err != nil {
		return nil, fmt.Errorf("dynamath: %w", err)
	}
	req.Options = rest
	switch req.Profile {
	case sdk.ProfileLeaderboard, sdk.ProfileOfficial:
	case "":
		req.Profile = sdk.ProfileLeaderboard
	default:
		return nil, fmt.Errorf("dynamath: unknown profile %q; use %q or %q", req.Profile, sdk.ProfileLeaderboard, sdk.ProfileOfficial)
	}
	if len(req.Options) > 0 {
		keys := make([]string, 0, len(req.Options))
		for k := range req.Options {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return nil, fmt.Errorf("dynamath: unknown options %v; DynaMath takes no options", keys)
	}
	st, err := os.Stat(req.Path)
	if err != nil {
		return nil, fmt.Errorf("dynamath: %w", err)
	}
	var (
		problems []Problem
		files    []string
	)
	switch {
	case st.IsDir():
		problems, files, err = loadDir(ctx, req.Path, req.AllowPartial)
	case strings.HasSuffix(strings.ToLower(req.Path), ".tsv"):
		problems, err = loadTSV(ctx, req.Path)
		files = []string{req.Path}
	default:
		err = fmt.Errorf("%s: expected a directory holding variant1.json … variant10.json, or VLMEvalKit's DynaMath.tsv", req.Path)
	}
	if err != nil {
		return nil, fmt.Errorf("dynamath: %w", err)
	}
	d, err := newDataset(req, problems, files)
	if err != nil {
		return nil, err
	}
	d.post = post
	return d, nil
}

// Dataset is a loaded DynaMath data file.
type Dataset struct {
	info     sdk.DatasetInfo
	profile  string
	judge    string
	post     postprocess.Step // response post-processing applied before scoring
	problems []Problem
	items    []sdk.Item
}

// Info describes the loaded data.
func (d *Dataset) Info() sdk.DatasetInfo { return d.info }

// Items returns the prompts, in load order (variant by variant for the JSON
// files, row order for the TSV).
func (d *Dataset) Items() []sdk.Item { return d.items }

// Problems returns the loaded questions with their answers, in item order.
func (d *Dataset) Problems() []Problem { return d.problems }
