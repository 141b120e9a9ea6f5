// Package runner runs the train-then-evaluate matrix of a harness.yaml: it
// prepares data, trains each recipe's stages through trainer plugins, and
// evaluates every recipe × model × benchmark cell through evaluator plugins.
package runner

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/hashicorp/go-hclog"

	"github.com/vlmlab/harness/benchmarks/registry"
	"github.com/vlmlab/harness/harness/cache"
	"github.com/vlmlab/harness/harness/catalog"
	"github.com/vlmlab/harness/harness/config"
	"github.com/vlmlab/harness/harness/openai"
	"github.com/vlmlab/harness/harness/result"
	"github.com/vlmlab/harness/plugins/host"
)

// Runner runs one config.
type Runner struct {
	Config  *config.Config
	Host    *host.Host
	Catalog *catalog.Catalog
	Log     hclog.Logger
	// Status receives one line per step for the person watching (stderr).
	Status func(format string, args ...any)
	// Jobs bounds the stages and evaluations running at once (default 1).
	Jobs int
	// Progress, when set, starts the progress display of a training stage
	// (in steps) or of one phase of a cell (items answered, then each judge
	// round); the runner ends every one it starts, failed or not.
	Progress func(name, unit string, total int) Progress
	// OnStage, when set, receives each training stage as it ends.
	OnStage func(StageResult)
}

// Progress is one progress display: Set as work finishes, Note for what
// the line says besides the numbers (a trainer's latest metrics), Finish
// once at the end.
type Progress interface {
	Set(done int64)
	Note(note string)
	Finish(note string)
}

type nopProgress struct{}

func (nopProgress) Set(int64)     {}
func (nopProgress) Note(string)   {}
func (nopProgress) Finish(string) {}

func (r *Runner) progress(name, unit string, total int) Progress {
	if r.Progress == nil {
		return nopProgress{}
	}
	return r.Progress(name, unit, total)
}

// Result is a finished run: run.json (see package result).
type Result = result.Run

// Cell is one evaluated recipe × model × benchmark.
type Cell = result.Cell

func (r *Runner) status(format string, args ...any) {
	if r.Status != nil {
		r.Status(format, args...)
	}
}

func (r *Runner) benchmarks() []config.Benchmark {
	cfg := r.Config
	want := cfg.Matrix.Benchmarks
	if len(want) == 0 || (len(want) == 1 && want[0] == "all") {
		return cfg.Benchmarks
	}
	var out []config.Benchmark
	for _, name := range want {
		for _, b := range cfg.Benchmarks {
			if b.Name == name {
				out = append(out, b)
			}
		}
	}
	return out
}

func (r *Runner) models() []config.Model {
	cfg := r.Config
	if len(cfg.Matrix.Models) == 0 {
		return cfg.Models
	}
	var out []config.Model
	for _, name := range cfg.Matrix.Models {
		for _, m := range cfg.Models {
			if m.Name == name {
				out = append(out, m)
			}
		}
	}
	return out
}

// recipe finds a recipe by name; "base" always exists (no stages).
func (r *Runner) recipe(name string) (config.Recipe, bool) {
	for _, rc := range r.Config.Recipes {
		if rc.Name == name {
			return rc, true
		}
	}
	return config.Recipe{Name: name}, name == "base"
}

func (r *Runner) recipes() []config.Recipe {
	cfg := r.Config
	if len(cfg.Matrix.Recipes) == 0 {
		if len(cfg.Recipes) == 0 {
			return []config.Recipe{{Name: "base"}}
		}
		return cfg.Recipes
	}
	byName := map[string]config.Recipe{}
	for _, rc := range cfg.Recipes {
		byName[rc.Name] = rc
	}
	var out []config.Recipe
	for _, name := range cfg.Matrix.Recipes {
		out = append(out, byName[name])
	}
	return out
}

// stages expands a recipe's From chain into its full stage list.
func (r *Runner) stages(rc config.Recipe) []config.Stage {
	byName := map[string]config.Recipe{}
	for _, x := range r.Config.Recipes {
		byName[x.Name] = x
	}
	var chain []config.Recipe
	seen := map[string]bool{}
	for cur := rc; ; {
		if seen[cur.Name] {
			break // validated away; never loop
		}
		seen[cur.Name] = true
		chain = append([]config.Recipe{cur}, chain...)
		if cur.From == "" {
			break
		}
		cur = byName[cur.From]
	}
	var out []config.Stage
	for _, c := range chain {
		out = append(out, c.Stages...)
	}
	return out
}

// judge returns the LLM judge (nil when none is configured) and what closes it.
func (r *Runner) judge() (*openai.Client, func(), error) {
	j := r.Config.Judge
	if j == nil {
		return nil, func() {}, nil
	}
	model := j.Model
	if model == "" {
		model = openai.DefaultJudgeModel
	}
	store, err := r.openCache("judge-" + model)
	if err != nil {
		return nil, nil, fmt.Errorf("judge: %w", err)
	}
	c, err := openai.New(openai.Config{BaseURL: j.Endpoint, APIKeyEnv: j.APIKeyEnv, Model: j.Model, Concurrency: j.Concurrency, Cache: store})
	if err != nil {
		store.Close()
		return nil, nil, fmt.Errorf("judge: %w", err)
	}
	return c, func() { c.Close(); store.Close() }, nil
}

// openCache opens the answer cache of a served model (or judge) under the
// run folder: one file each, so a re-run of the matrix asks nothing twice.
func (r *Runner) openCache(name string) (*cache.Store, error) {
	path := cache.FileFor(filepath.Join(r.Config.RunDir, "cache"), name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("cache: %w", err)
	}
	s, err := cache.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cache: %w", err)
	}
	return s, nil
}

// BenchmarkNames returns a run's benchmark names in display order: the
// leaderboard's columns first, then any other benchmark as the run lists it.
func BenchmarkNames(r *Result) []string {
	names := append([]string(nil), r.Benchmarks...)
	sort.SliceStable(names, func(i, j int) bool { return registry.Order(names[i]) < registry.Order(names[j]) })
	return names
}
