package mathverse

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/vlmlab/harness/benchmarks/bench"
	"github.com/vlmlab/harness/benchmarks/postprocess"
	"github.com/vlmlab/harness/benchmarks/registry"
	"github.com/vlmlab/harness/plugins/sdk"
)

// Name is the benchmark's name in configs and reports.
const Name = registry.MathVerse

// Items is the size of testmini, Vision Only.
const Items = 788

// PrimaryMetric is the leaderboard number: the Overall column of the Vision
// Only row of VLMEvalKit's score file.
const PrimaryMetric = "Overall"

// OptionTrunkResponse sets how many trailing words of a response the official
// extraction sees (the README's --trunk_response 30; 0 or less: all of it).
// Only the official profile reads it.
const OptionTrunkResponse = "trunk_response"

// defaultTrunk is the README's recommended --trunk_response.
const defaultTrunk = 30

// File names looked for when Load is given a directory, in order.
var dataFiles = []string{
	"testmini.json",
	"MathVerse_MINIVOnly.tsv",
	"MathVerse_MINI_Vision_Only.tsv",
	"testmini_text_only.json",
}

// Benchmark is the MathVerse evaluator.
type Benchmark struct{}

// New returns the MathVerse evaluator.
func New() *Benchmark { return &Benchmark{} }

// Info describes MathVerse testmini, Vision Only.
func (*Benchmark) Info() sdk.BenchmarkInfo {
	return sdk.BenchmarkInfo{
		Name:    Name,
		Title:   "MathVerse (testmini, Vision Only)",
		Items:   Items,
		Primary: PrimaryMetric,
		Description: "788 math problems drawn entirely in the image; two judge stages " +
			"(answer extraction, then consistency with the standard answer).",
	}
}

// Load reads a data file (or a directory holding one): the official
// testmini.json, VLMEvalKit's Vision Only TSV, or testmini_text_only.json
// (Vision Only items derived from it, see deriveVisionOnly).
func (*Benchmark) Load(ctx context.Context, req sdk.LoadRequest) (sdk.Dataset, error) {
	profile, err := checkProfile(req.Profile)
	if err != nil {
		return nil, err
	}
	post, rest, err := postprocess.Take(req.Options)
	if err != nil {
		return nil, fmt.Errorf("mathverse: %w", err)
	}
	req.Options = rest
	trunk, err := parseOptions(req.Options)
	if err != nil {
		return nil, err
	}
	v, err := parseVariant(req.Options)
	if err != nil {
		return nil, err
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
	case ".tsv":
		if !v.leaderboardDefault() && profile == sdk.ProfileOfficial {
			return nil, fmt.Errorf("%s: options %s/%s: the official profile scores Vision Only from testmini.json; other versions and prompts are VLMEvalKit's TSV datasets, scored with the leaderboard profile", path, OptionVersion, OptionPrompt)
		}
		problems, err = loadTSV(path, v)
	case ".json":
		if !v.leaderboardDefault() {
			return nil, fmt.Errorf("%s: options %s/%s select VLMEvalKit's TSV datasets (MathVerse_MINIV.tsv and its versions); give a TSV, or drop the options for Vision Only", path, OptionVersion, OptionPrompt)
		}
		problems, err = loadJSON(path)
	default:
		return nil, fmt.Errorf("%s: unknown data file type; give testmini.json, testmini_text_only.json or a VLMEvalKit .tsv", path)
	}
	if err != nil {
		return nil, err
	}
	partial, err := bench.CheckCount(Name, path, len(problems), v.expected(), req.AllowPartial)
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
			Count: len(problems), Expected: v.expected(), Partial: partial, Synthetic: bench.Synthetic(path),
		},
		profile:  profile,
		judge:    req.Judge,
		post:     post,
		trunk:    trunk,
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

// parseOptions validates the benchmark options and returns trunk_response.
func parseOptions(opts map[string]string) (int, error) {
	trunk := defaultTrunk
	keys := make([]string, 0, len(opts))
	for k := range opts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := opts[k]
		switch k {
		case OptionVersion, OptionPrompt:
			// parseVariant reads them.
		case OptionTrunkResponse:
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				return 0, fmt.Errorf("%s: option %s: %q is not an integer (words kept from the end of a response; 0 keeps all)", Name, k, v)
			}
			trunk = n
		default:
			return 0, fmt.Errorf("%s: unknown option %q; it takes %s, %s and %s", Name, k, OptionTrunkResponse, OptionVersion, OptionPrompt)
		}
	}
	return trunk, nil
}

// resolvePath returns the data file at path, looking inside a directory for
// the known file names.
func resolvePath(path string) (string, error) {
	if path == "" {
		return "", fmt.Errorf("%s: no data path given; point it at testmini.json, the VLMEvalKit TSV or testmini_text_only.json", Name)
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
