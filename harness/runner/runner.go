// Package runner runs the train-then-evaluate matrix of a harness.yaml: it
// prepares data, trains each recipe's stages through trainer plugins, and
// evaluates every recipe × model × benchmark cell through evaluator plugins.
package runner

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/vlmlab/harness/harness/cache"
	"github.com/vlmlab/harness/harness/catalog"
	"github.com/vlmlab/harness/harness/config"
	"github.com/vlmlab/harness/harness/evaluate"
	"github.com/vlmlab/harness/harness/openai"
	"github.com/vlmlab/harness/harness/result"
	"github.com/vlmlab/harness/internal/version"
	"github.com/vlmlab/harness/plugins/host"
	"github.com/vlmlab/harness/plugins/sdk"
)

// Runner runs one config.
type Runner struct {
	Config  *config.Config
	Host    *host.Host
	Catalog *catalog.Catalog
	Log     hclog.Logger
	// Status receives one line per step for the person watching (stderr).
	Status func(format string, args ...any)
	// OnProgress, when set, receives every training progress event.
	OnProgress func(recipe, stage string, p sdk.Progress)
	// OnStage, when set, receives each training stage as it ends.
	OnStage func(StageResult)
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

// Run runs the matrix. A failing cell is recorded and the others go on; the
// error return is for what stops the whole run (bad data, cancellation).
func (r *Runner) Run(ctx context.Context) (*Result, error) {
	cfg := r.Config
	start := time.Now()
	id, dir, err := newRunDir(filepath.Join(cfg.RunDir, "runs"), start)
	if err != nil {
		return nil, err
	}
	res := &Result{
		SchemaVersion: result.SchemaVersion,
		ID:            id, Harness: version.Version, Revision: version.Revision(),
		ConfigFile: cfg.File, Started: start.UTC(),
	}
	res.Dir = dir

	data, err := r.prepareData(ctx)
	if err != nil {
		return nil, err
	}
	benchmarks := r.benchmarks()
	for _, b := range benchmarks {
		res.Benchmarks = append(res.Benchmarks, b.Name)
	}
	models := r.models()
	if len(models) == 0 {
		return nil, fmt.Errorf("%s: no models to evaluate; add one under models (e.g. backend: chance)", cfg.File)
	}
	judge, closeJudge, err := r.judge()
	if err != nil {
		return nil, err
	}
	defer closeJudge()

	for _, recipe := range r.recipes() {
		ckpt, err := r.train(ctx, recipe, data)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			for _, m := range models {
				for _, b := range benchmarks {
					res.Cells = append(res.Cells, failedCell(recipe.Name, m.Name, b.Name, "training: "+err.Error()))
				}
			}
			continue
		}
		for _, m := range models {
			gen, closeGen, err := r.generator(ctx, m, ckpt)
			if err != nil {
				for _, b := range benchmarks {
					res.Cells = append(res.Cells, failedCell(recipe.Name, m.Name, b.Name, err.Error()))
				}
				continue
			}
			for _, b := range benchmarks {
				cell := r.evaluate(ctx, recipe.Name, m, b, data, gen, judge, filepath.Join(res.Dir, "cells", recipe.Name, m.Name))
				if ckpt != nil {
					cell.Checkpoint = ckpt.Hash
				}
				if ctx.Err() != nil {
					closeGen()
					return nil, ctx.Err()
				}
				res.Cells = append(res.Cells, cell)
			}
			closeGen()
		}
	}
	res.Seconds = time.Since(start).Seconds()
	if err := result.Write(filepath.Join(res.Dir, "run.json"), res); err != nil {
		return nil, err
	}
	return res, nil
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

// generator returns the model backend of m for a checkpoint (nil: the model as is).
func (r *Runner) generator(ctx context.Context, m config.Model, ckpt *sdk.Checkpoint) (evaluate.Generator, func(), error) {
	if m.Backend == "openai" {
		if ckpt != nil {
			// A fixed endpoint serves what it was started with: scoring it
			// under a trained recipe's name would label the untrained model.
			return nil, nil, fmt.Errorf("model %s: backend openai serves a fixed endpoint and cannot load the recipe's checkpoint %s; use a model plugin backend or a launch command for trained recipes", m.Name, ckpt.Hash)
		}
		store, err := r.openCache(m.Model)
		if err != nil {
			return nil, nil, fmt.Errorf("model %s: %w", m.Name, err)
		}
		cfg := OpenAIConfig(m)
		cfg.Cache = store
		c, err := openai.New(cfg)
		if err != nil {
			store.Close()
			return nil, nil, fmt.Errorf("model %s: %w", m.Name, err)
		}
		// As in eval: a slow or hung server says so while it is waited on.
		stopBeat := c.Heartbeat(30*time.Second, func(n int, oldest time.Duration) {
			r.status("model %s: waiting for %s: %d request(s) in flight, the oldest for %s", m.Name, c.Endpoint(), n, oldest.Round(time.Second))
		})
		return c, func() { stopBeat(); c.Close(); store.Close() }, nil
	}
	e, ok := r.Catalog.Get(m.Backend)
	if !ok {
		return nil, nil, fmt.Errorf("model %s: no plugin %q", m.Name, m.Backend)
	}
	p, err := r.Host.Launch(ctx, e.Spec)
	if err != nil {
		return nil, nil, err
	}
	if err := p.Configure(ctx, e.Config); err != nil {
		p.Kill()
		return nil, nil, err
	}
	return evaluate.Plugin(p.Model(), ckpt), p.Kill, nil
}

func failedCell(recipe, model, benchmark, msg string) Cell {
	return Cell{Recipe: recipe, Model: model, Status: result.StatusFailed, Outcome: result.Outcome{Benchmark: benchmark, Error: msg}}
}

func (r *Runner) evaluate(ctx context.Context, recipe string, m config.Model, b config.Benchmark, data *dataSet, gen evaluate.Generator, judge *openai.Client, out string) Cell {
	cell := Cell{Recipe: recipe, Model: m.Name, Status: result.StatusDone, Outcome: result.Outcome{Benchmark: b.Name, Profile: b.Profile}}
	fail := func(err error) Cell {
		cell.Status, cell.Error = result.StatusFailed, err.Error()
		// One line now; the whole error, log tail included, is in the
		// summary at the end and in the cell's report.
		first, _, more := strings.Cut(err.Error(), "\n")
		if more {
			first += " (details at the end)"
		}
		r.status("%s / %s / %s: %s", recipe, m.Name, b.Name, first)
		return cell
	}
	evalName := b.Evaluator
	if evalName == "" {
		evalName = b.Name
	}
	e, ok := r.Catalog.Get(evalName)
	if !ok {
		return fail(fmt.Errorf("no evaluator plugin %q", evalName))
	}
	path, partial, err := data.path(b)
	if err != nil {
		return fail(err)
	}
	judgeName := ""
	var j evaluate.Judge
	if judge != nil {
		judgeName, j = judge.Model(), judge
	}
	s := &evaluate.Session{
		Host: r.Host, Evaluator: e, Benchmark: b.Name,
		Load: sdk.LoadRequest{Path: path, Profile: b.Profile, AllowPartial: b.AllowPartial || partial,
			SystemPrompt: m.SystemPrompt, Judge: judgeName, Options: b.Options},
		Model: gen, Params: m.Generation.Params(), Judge: j, Out: out,
	}
	f, err := s.Run(ctx)
	cell.Outcome = f.Outcome
	if err != nil {
		return fail(err)
	}
	r.status("%s / %s / %s: %s %.1f (%d items, %.1fs)", recipe, m.Name, b.Name, f.Outcome.Primary, f.Outcome.Score, f.Outcome.Items, f.Outcome.Seconds)
	return cell
}

// BenchmarkNames returns a run's benchmark names in display order.
func BenchmarkNames(r *Result) []string {
	names := append([]string(nil), r.Benchmarks...)
	sort.SliceStable(names, func(i, j int) bool { return order(names[i]) < order(names[j]) })
	return names
}

// order puts the six leaderboard benchmarks in the leaderboard's column order.
func order(name string) int {
	for i, n := range []string{"mathvista", "mathvision", "mathverse", "dynamath", "wemath", "logicvista"} {
		if n == name {
			return i
		}
	}
	return 100
}
