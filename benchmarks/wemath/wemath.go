package wemath

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/vlmlab/harness/benchmarks/postprocess"
	"github.com/vlmlab/harness/benchmarks/registry"
	"github.com/vlmlab/harness/plugins/sdk"
)

// Name is the benchmark's name in configs, reports and the plugin protocol.
const Name = registry.WeMath

// Size of testmini: 360 two-step groups of 3 items and 165 three-step groups
// of 4 items; Groups is also the hard-coded denominator of the scores.
const (
	Items          = 1740
	Groups         = 525
	TwoStepGroups  = 360
	ThreeStepGroup = 165
)

// Metric names, as the columns of VLMEvalKit's score.csv. Values here are
// percentages (VLMEvalKit writes strings such as "45.33%").
const (
	MetricScoreStrict = "Score (Strict)"
	MetricScoreLoose  = "Score (Loose)"
	MetricS1          = "One-step(S1)"
	MetricS2          = "Two-step(S2)"
	MetricS3          = "Three-step(S3)"
)

// PrimaryMetric is the leaderboard number.
const PrimaryMetric = MetricScoreStrict

// Options of LoadRequest.Options.
const (
	// OptionFormatTemplate ("on", the default, or "off") appends the official
	// answer-format instruction to the questions of testmini.json, as
	// VLMEvalKit's TSV questions are understood to carry it.
	OptionFormatTemplate = "format_template"
	// OptionKnowledgeNodes is the path of knowledge_structure_nodes.json for
	// the per-domain accuracies; by default the file beside the data is used
	// when it exists.
	OptionKnowledgeNodes = "knowledge_nodes"
	// OptionPrompt "cot" is VLMEvalKit's WeMath_COT: the same WeMath.tsv, each
	// prompt followed by a blank line and the row's requirement column.
	// Scoring is unchanged. VLMEvalKit appends "nan" for an empty cell
	// (pandas' missing value is not None); here an empty cell adds nothing.
	OptionPrompt = "prompt"
)

// KnowledgeNodesFile is the official name of the knowledge tree file.
const KnowledgeNodesFile = "knowledge_structure_nodes.json"

// Benchmark is WeMath as an evaluator plugin serves it.
type Benchmark struct{}

// New returns the WeMath benchmark.
func New() *Benchmark { return &Benchmark{} }

// Info describes WeMath independent of any data file.
func (*Benchmark) Info() sdk.BenchmarkInfo {
	return sdk.BenchmarkInfo{
		Name:    Name,
		Title:   "WeMath (testmini)",
		Items:   Items,
		Primary: PrimaryMetric,
		Description: "Multiple-choice visual math in 525 problem groups (a composite problem and its one-step sub-problems). " +
			"Primary: Score (Strict) = (525 − 0.5·IG − RM − IK)/525 of the four-dimensional metric. " +
			"leaderboard profile: VLMEvalKit WeMath (can_infer, then judge choice matching); " +
			"official profile: We-Math four_dimensional_metrics.py (text after the last 'Answer').",
	}
}

// Load reads a data file for scoring (see the package-level Load).
func (*Benchmark) Load(ctx context.Context, req sdk.LoadRequest) (sdk.Dataset, error) {
	return Load(ctx, req)
}

// Load reads WeMath from req.Path: the official testmini.json (or a
// directory holding it) or VLMEvalKit's WeMath.tsv.
func Load(ctx context.Context, req sdk.LoadRequest) (*Dataset, error) {
	post, rest, err := postprocess.Take(req.Options)
	if err != nil {
		return nil, fmt.Errorf("wemath: %w", err)
	}
	req.Options = rest
	opts, err := parseOptions(req)
	if err != nil {
		return nil, fmt.Errorf("wemath: %w", err)
	}
	path := req.Path
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("wemath: %w", err)
	}
	if st.IsDir() {
		path = filepath.Join(path, "testmini.json")
	}
	var problems []Problem
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".json":
		if opts.cot {
			return nil, fmt.Errorf("wemath: %s: option %s=cot reads the requirement column of VLMEvalKit's WeMath.tsv; give the TSV", path, OptionPrompt)
		}
		problems, err = loadJSON(ctx, path, opts.template)
	case ".tsv":
		problems, err = loadTSV(ctx, path, opts.cot)
	default:
		err = fmt.Errorf("%s: expected testmini.json, a folder holding it, or VLMEvalKit's WeMath.tsv", req.Path)
	}
	if err != nil {
		return nil, fmt.Errorf("wemath: %w", err)
	}
	nodesPath := opts.nodes
	if nodesPath == "" {
		candidate := filepath.Join(filepath.Dir(path), KnowledgeNodesFile)
		if _, err := os.Stat(candidate); err == nil {
			nodesPath = candidate
		}
	}
	var nodes []Node
	if nodesPath != "" {
		if nodes, err = LoadKnowledgeNodes(nodesPath); err != nil {
			return nil, fmt.Errorf("wemath: %w", err)
		}
	}
	d, err := newDataset(req, path, problems, nodes, nodesPath)
	if err != nil {
		return nil, err
	}
	d.post = post
	return d, nil
}

type options struct {
	template bool
	nodes    string
	cot      bool
}

func parseOptions(req sdk.LoadRequest) (options, error) {
	o := options{template: true}
	switch req.Profile {
	case sdk.ProfileLeaderboard, sdk.ProfileOfficial, "":
	default:
		return o, fmt.Errorf("unknown profile %q; use %q or %q", req.Profile, sdk.ProfileLeaderboard, sdk.ProfileOfficial)
	}
	keys := make([]string, 0, len(req.Options))
	for k := range req.Options {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := req.Options[k]
		switch k {
		case OptionFormatTemplate:
			switch v {
			case "on":
			case "off":
				o.template = false
			default:
				return o, fmt.Errorf("option %s: %q is not \"on\" or \"off\"", k, v)
			}
		case OptionKnowledgeNodes:
			o.nodes = v
		case OptionPrompt:
			switch v {
			case "", "default":
			case "cot":
				o.cot = true
			default:
				return o, fmt.Errorf("option %s: %q is not \"cot\" or \"default\"", k, v)
			}
		default:
			return o, fmt.Errorf("unknown option %q; WeMath takes %s, %s and %s", k, OptionFormatTemplate, OptionKnowledgeNodes, OptionPrompt)
		}
	}
	return o, nil
}

// Dataset is a loaded WeMath data file.
type Dataset struct {
	info     sdk.DatasetInfo
	profile  string
	judge    string
	post     postprocess.Step // response post-processing applied before scoring
	problems []Problem
	items    []sdk.Item
	nodes    []Node // nil when the knowledge tree is not available
}

// Info describes the loaded data.
func (d *Dataset) Info() sdk.DatasetInfo { return d.info }

// Items returns the prompts, in file order.
func (d *Dataset) Items() []sdk.Item { return d.items }

// Problems returns the loaded questions with their answers, in file order.
func (d *Dataset) Problems() []Problem { return d.problems }
