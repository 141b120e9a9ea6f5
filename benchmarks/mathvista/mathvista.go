package mathvista

import (
	"context"
	"github.com/vlmlab/harness/benchmarks/postprocess"
	"github.com/vlmlab/harness/benchmarks/registry"

	"github.com/vlmlab/harness/plugins/sdk"
)

// Name is the benchmark's name in configs, reports and the plugin protocol.
const Name = registry.MathVista

// Items is the size of testmini, the split the leaderboard scores.
const Items = 1000

// PrimaryMetric names the leaderboard number: the Overall row's acc column.
const PrimaryMetric = "Overall acc"

// Benchmark is MathVista (testmini) as an evaluator plugin serves it.
type Benchmark struct{}

// New returns the MathVista benchmark.
func New() *Benchmark { return &Benchmark{} }

// Info describes MathVista independent of any data file.
func (*Benchmark) Info() sdk.BenchmarkInfo {
	return sdk.BenchmarkInfo{
		Name:    Name,
		Title:   "MathVista (testmini)",
		Items:   Items,
		Primary: PrimaryMetric,
		Description: "Visual math reasoning, 1000 testmini items (540 multiple choice, 460 free-form). " +
			"leaderboard profile: VLMEvalKit MathVista_MINI (rule prefetch, judge extraction, exact hit rules); " +
			"official profile: lupantech/MathVista (choice/number normalisation, exact string match).",
	}
}

// Load reads a data file for scoring (see the package-level Load).
func (*Benchmark) Load(ctx context.Context, req sdk.LoadRequest) (sdk.Dataset, error) {
	return Load(ctx, req)
}

// Dataset is a loaded MathVista data file.
type Dataset struct {
	info     sdk.DatasetInfo
	profile  string
	judge    string
	post     postprocess.Step // response post-processing applied before scoring
	quick    bool             // official --quick_extract
	problems []Problem
	items    []sdk.Item
	index    map[string]int
	// hasMeta is true for the official files, which carry the metadata the
	// official breakdowns need; the TSV has only task and skills.
	hasMeta bool
}

// Info describes the loaded file.
func (d *Dataset) Info() sdk.DatasetInfo { return d.info }

// Items returns the prompts, in file order.
func (d *Dataset) Items() []sdk.Item { return d.items }

// Problems returns the loaded questions with their answers, in file order.
func (d *Dataset) Problems() []Problem { return d.problems }

// Problem returns the question with the given pid.
func (d *Dataset) Problem(pid string) (*Problem, bool) {
	i, ok := d.index[pid]
	if !ok {
		return nil, false
	}
	return &d.problems[i], true
}
