package mathvision

import (
	"context"
	"github.com/vlmlab/harness/benchmarks/postprocess"
	"github.com/vlmlab/harness/benchmarks/registry"

	"github.com/vlmlab/harness/plugins/sdk"
)

// Name is the benchmark's name in configs, reports and the plugin protocol.
const Name = registry.MathVision

// Items is the size of the full test set, the split the leaderboard scores.
const Items = 3040

// MiniItems is the size of testmini (VLMEvalKit's MathVision_MINI, the
// official testmini.jsonl), scored with option subset=mini.
const MiniItems = 304

// OptionSubset "mini" expects testmini's 304 items instead of the full
// test set's 3040; scoring is unchanged.
const OptionSubset = "subset"

// PrimaryMetric names the leaderboard number: the Overall row's acc column.
const PrimaryMetric = "Overall acc"

// Benchmark is MathVision (MATH-V) as an evaluator plugin serves it.
type Benchmark struct{}

// New returns the MathVision benchmark.
func New() *Benchmark { return &Benchmark{} }

// Info describes MathVision independent of any data file.
func (*Benchmark) Info() sdk.BenchmarkInfo {
	return sdk.BenchmarkInfo{
		Name:    Name,
		Title:   "MathVision (MATH-V, full test)",
		Items:   Items,
		Primary: PrimaryMetric,
		Description: "Competition math with visual contexts, 3040 items (1532 multiple choice, 1508 free-form), 16 subjects, 5 levels. " +
			"leaderboard profile: VLMEvalKit MathVision (rule prefetch, judge extraction, is_equal with 1e-6 tolerance); " +
			"official profile: mathllm/MATH-V (rule-only extraction, is_equal with 2-decimal rounding).",
	}
}

// Load reads a data file for scoring (see the package-level Load).
func (*Benchmark) Load(ctx context.Context, req sdk.LoadRequest) (sdk.Dataset, error) {
	return Load(ctx, req)
}

// Dataset is a loaded MathVision data file.
type Dataset struct {
	info     sdk.DatasetInfo
	profile  string
	judge    string
	post     postprocess.Step // response post-processing applied before scoring
	rev      revision         // VLMEvalKit revision of the leaderboard profile
	problems []Problem
	items    []sdk.Item
	index    map[string]int
}

// Info describes the loaded file.
func (d *Dataset) Info() sdk.DatasetInfo { return d.info }

// Items returns the prompts, in file order.
func (d *Dataset) Items() []sdk.Item { return d.items }

// Problems returns the loaded questions with their answers, in file order.
func (d *Dataset) Problems() []Problem { return d.problems }

// Problem returns the question with the given id.
func (d *Dataset) Problem(id string) (*Problem, bool) {
	i, ok := d.index[id]
	if !ok {
		return nil, false
	}
	return &d.problems[i], true
}
