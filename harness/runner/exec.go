package runner

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/vlmlab/harness/harness/cache"
	"github.com/vlmlab/harness/harness/evaluate"
	"github.com/vlmlab/harness/harness/openai"
	"github.com/vlmlab/harness/harness/result"
	"github.com/vlmlab/harness/harness/suite"
	"github.com/vlmlab/harness/internal/version"
	"github.com/vlmlab/harness/plugins/host"
	"github.com/vlmlab/harness/plugins/sdk"
)

// Run plans the matrix and executes what is not cached: stages and cells
// that do not depend on each other run side by side, at most Jobs at once.
// A failing stage, model server or evaluator marks its own cell (and the
// cells that depend on it) FAILED with the reason and a log path; the rest
// go on. Every finished stage and cell is recorded as it finishes, so an
// interrupted run (Ctrl-C, or SIGKILL) resumes with nothing done twice.
// The error return is for what stops the whole run (bad data, cancellation);
// failed cells are in the Result.
func (r *Runner) Run(ctx context.Context) (*Result, error) {
	cfg := r.Config
	start := time.Now()
	plan, data, err := r.Plan(ctx)
	if err != nil {
		return nil, err
	}
	_ = data
	id, dir, err := newRunDir(filepath.Join(cfg.RunDir, "runs"), start)
	if err != nil {
		return nil, err
	}
	res := &Result{SchemaVersion: result.SchemaVersion, ID: id, Dir: dir, Harness: version.Version, Revision: version.Revision(),
		ConfigFile: cfg.File, Started: start.UTC()}
	for _, b := range r.benchmarks() {
		res.Benchmarks = append(res.Benchmarks, b.Name)
	}
	judge, closeJudge, err := r.judge()
	if err != nil {
		return nil, err
	}
	defer closeJudge()

	x := &executor{r: r, runDir: dir, judge: judge, sem: make(chan struct{}, max(1, r.Jobs))}
	defer x.closeCaches()
	var wg sync.WaitGroup
	for _, s := range plan.Stages {
		wg.Add(1)
		go func() { defer wg.Done(); x.stage(ctx, s) }()
	}
	for _, g := range groups(plan.Cells) {
		wg.Add(1)
		go func() { defer wg.Done(); x.group(ctx, g) }()
	}
	wg.Wait()

	for _, c := range plan.Cells {
		cell := c.cell
		if cell.Status == "" {
			// No path above left this cell without an outcome; if one
			// ever does, the cell is a failure with a reason, not a
			// blank that the exit status misses.
			cell = result.Cell{Recipe: c.Recipe, Model: c.Model, Status: result.StatusFailed,
				Outcome: result.Outcome{Benchmark: c.Benchmark, Profile: c.bench.Profile, Error: "not evaluated: the run ended without an outcome for this cell"}}
		}
		if c.Stage != nil && c.Stage.ckpt != nil {
			cell.Checkpoint = c.Stage.ckpt.Hash
		} else if c.Base != nil {
			cell.Checkpoint = c.Base.Hash
		}
		res.Cells = append(res.Cells, cell)
	}
	res.Seconds = time.Since(start).Seconds()
	if err := r.writeOutputs(res, plan); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return res, fmt.Errorf("interrupted: %w (what finished is kept; run again to resume)", err)
	}
	return res, nil
}

type executor struct {
	r      *Runner
	runDir string
	judge  *openai.Client
	sem    chan struct{}

	mu     sync.Mutex
	caches map[string]*cache.Store
}

// cache is the answer store of a served model, one per model name for the
// whole run (the file is locked to one process): the servers of its
// checkpoints share it, their answers kept apart by the checkpoint hash in
// every key.
func (x *executor) cache(model string) (*cache.Store, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if s, ok := x.caches[model]; ok {
		return s, nil
	}
	s, err := x.r.openCache(model)
	if err != nil {
		return nil, err
	}
	if x.caches == nil {
		x.caches = map[string]*cache.Store{}
	}
	x.caches[model] = s
	return s, nil
}

func (x *executor) closeCaches() {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, s := range x.caches {
		s.Close()
	}
}

func (x *executor) acquire(ctx context.Context) error {
	select {
	case x.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (x *executor) release() { <-x.sem }

// nodeHost is a plugin host whose plugins log to their own file (the log
// path a FAILED cell names).
func (x *executor) nodeHost(name string) (*host.Host, string, hclog.Logger, func()) {
	path := filepath.Join(x.runDir, "logs", name+".log")
	os.MkdirAll(filepath.Dir(path), 0o755)
	f, err := os.Create(path)
	if err != nil {
		l := x.r.Log
		if l == nil {
			l = hclog.NewNullLogger()
		}
		return host.New(host.Options{Logger: l}), "", l, func() {}
	}
	l := hclog.New(&hclog.LoggerOptions{Name: name, Output: f, Level: hclog.Debug})
	h := host.New(host.Options{Logger: l})
	return h, path, l, func() { h.Close(); f.Close() }
}

func (x *executor) stage(ctx context.Context, s *Stage) {
	defer close(s.done)
	if s.Parent != nil {
		select {
		case <-s.Parent.done:
		case <-ctx.Done():
			s.err = ctx.Err()
			return
		}
		if s.Parent.err != nil {
			s.err = fmt.Errorf("stage %s/%s failed first: %w", s.Parent.Recipe, s.Parent.Name, s.Parent.err)
			s.log = s.Parent.log
			return
		}
	}
	if s.planErr != nil {
		s.err = s.planErr
		s.log = filepath.Join(x.runDir, "logs", "stage-"+slug(s.Recipe+"-"+s.Name)+"-"+s.Key[:8]+".log")
		os.MkdirAll(filepath.Dir(s.log), 0o755)
		os.WriteFile(s.log, []byte(s.err.Error()+"\n"), 0o644)
		x.r.status("stage %s/%s FAILED: %v (log %s)", s.Recipe, s.Name, s.err, s.log)
		return
	}
	if s.Cached {
		x.r.status("stage %s/%s: cached, reused checkpoint %s", s.Recipe, s.Name, s.Dir)
		if x.r.OnStage != nil {
			x.r.OnStage(StageResult{Recipe: s.Recipe, Stage: s.Name, Trainer: s.Trainer, Checkpoint: s.ckpt, Reused: true})
		}
		return
	}
	if err := x.acquire(ctx); err != nil {
		s.err = err
		return
	}
	defer x.release()
	s.ckpt, s.err = x.train(ctx, s)
	if s.err != nil {
		x.r.status("stage %s/%s FAILED: %s (log %s)", s.Recipe, s.Name, oneLine(s.err), s.log)
		return
	}
	x.r.remember(filepath.Join("stages", slug(s.Recipe+"/"+s.Name)), s.Key, s.Inputs)
}

func (x *executor) train(ctx context.Context, s *Stage) (_ *sdk.Checkpoint, err error) {
	// The stage's bar starts at its first progress event (the trainer
	// says the total there) and ends however the stage does.
	var (
		bar  Progress
		last sdk.Progress
	)
	defer func() {
		switch {
		case bar == nil:
		case err != nil:
			bar.Finish("FAILED")
		default:
			bar.Finish(formatMetrics(last.Metrics))
		}
	}()
	h, logPath, logger, closeHost := x.nodeHost("stage-" + slug(s.Recipe+"-"+s.Name) + "-" + s.Key[:8])
	defer closeHost()
	s.log = logPath
	p, err := h.Launch(ctx, s.entry.Spec)
	if err != nil {
		return nil, err
	}
	defer p.Kill()
	if err := p.Configure(ctx, s.entry.Config); err != nil {
		return nil, err
	}
	// A folder without a verified manifest is what a killed stage left:
	// start it afresh, so no stale file enters the new checkpoint.
	if err := os.RemoveAll(s.Dir); err != nil {
		return nil, fmt.Errorf("clear %s: %w", s.Dir, err)
	}
	base := s.Base
	if s.Parent != nil {
		base = s.Parent.ckpt
	}
	curve, err := newMetricsLog(s.Dir + ".metrics.jsonl")
	if err != nil {
		return nil, err
	}
	curveOpen := true
	defer func() {
		if curveOpen {
			curve.close()
		}
	}()
	x.r.status("%s: stage %s (%s %s) training into %s", s.Recipe, s.Name, s.Inputs.Trainer, s.Inputs.Version, s.Dir)
	started := time.Now()
	out, err := p.Trainer().Train(ctx, sdk.TrainRequest{Stage: s.Name, Base: base, OutputDir: s.Dir, Data: s.files, Params: s.Inputs.Params, Seed: s.stage.Seed},
		func(ev sdk.TrainEvent) error {
			switch {
			case ev.Progress != nil:
				if err := curve.write(ev.Progress); err != nil {
					return err
				}
				last = *ev.Progress
				if bar == nil {
					bar = x.r.progress(s.Recipe+"/"+s.Name, "steps", ev.Progress.Total)
				}
				bar.Note(formatMetrics(ev.Progress.Metrics))
				bar.Set(int64(ev.Progress.Step))
			case ev.Log != nil:
				logger.Log(hclog.LevelFromString(ev.Log.Level), ev.Log.Message)
				if x.r.Log != nil {
					x.r.Log.Log(hclog.LevelFromString(ev.Log.Level), ev.Log.Message, "stage", s.Recipe+"/"+s.Name)
				}
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	if abs, _ := filepath.Abs(s.Dir); out.Dir != abs {
		return nil, fmt.Errorf("trainer %s wrote its checkpoint to %s, not the output folder %s", s.Trainer, out.Dir, abs)
	}
	if _, err := sdk.ReadCheckpoint(s.Dir); err != nil {
		return nil, fmt.Errorf("trainer %s left no manifest (write checkpoints with sdk.WriteCheckpoint): %w", s.Trainer, err)
	}
	curveOpen = false
	if err := curve.close(); err != nil {
		return nil, err
	}
	x.r.status("stage %s/%s: done in %.1fs", s.Recipe, s.Name, time.Since(started).Seconds())
	if x.r.OnStage != nil {
		x.r.OnStage(StageResult{Recipe: s.Recipe, Stage: s.Name, Trainer: s.Trainer, Checkpoint: out, Last: last, Seconds: time.Since(started).Seconds()})
	}
	return out, nil
}

// group is the cells of one model at one checkpoint: they share a model
// server or plugin process, started once for them.
type group struct {
	model  string
	stage  *Stage
	cells  []*CellNode
	recipe string
}

func groups(cells []*CellNode) []*group {
	var out []*group
	idx := map[string]*group{}
	for _, c := range cells {
		k := c.Model + "\x00" + c.Recipe
		if c.Stage != nil {
			k = c.Model + "\x00stage:" + c.Stage.Key
		}
		g, ok := idx[k]
		if !ok {
			g = &group{model: c.Model, stage: c.Stage, recipe: c.Recipe}
			idx[k] = g
			out = append(out, g)
		}
		g.cells = append(g.cells, c)
	}
	return out
}

func (x *executor) group(ctx context.Context, g *group) {
	fail := func(err error, log string, cells []*CellNode) {
		for _, c := range cells {
			c.cell = result.Cell{Recipe: c.Recipe, Model: c.Model, Status: result.StatusFailed, Log: log,
				Outcome: result.Outcome{Benchmark: c.Benchmark, Profile: c.bench.Profile, Error: err.Error()}}
		}
	}
	if g.stage != nil {
		select {
		case <-g.stage.done:
		case <-ctx.Done():
			fail(ctx.Err(), "", g.cells)
			return
		}
		if g.stage.err != nil {
			fail(fmt.Errorf("stage %s/%s failed: %w", g.stage.Recipe, g.stage.Name, g.stage.err), g.stage.log, g.cells)
			return
		}
	}
	var todo []*CellNode
	for _, c := range g.cells {
		if c.Cached {
			x.r.status("%s / %s / %s: cached %s %.1f", c.Recipe, c.Model, c.Benchmark, c.cell.Primary, c.cell.Score)
			continue
		}
		todo = append(todo, c)
	}
	if len(todo) == 0 {
		return
	}
	c0 := todo[0]
	var ckpt *sdk.Checkpoint
	ckptID := ""
	switch {
	case g.stage != nil:
		ckpt, ckptID = g.stage.ckpt, g.stage.ckpt.Hash
	case c0.Base != nil:
		ckpt, ckptID = c0.Base, c0.Base.Hash
	case c0.BaseHF != "":
		ckptID = "hf:" + c0.BaseHF
	}
	name := "model-" + slug(g.model+"-"+g.recipe)
	gen, log, stop, err := x.generator(ctx, c0, ckpt, ckptID, name)
	if err != nil {
		x.r.status("%s / %s: model FAILED: %s (log %s)", g.recipe, g.model, oneLine(err), log)
		fail(err, log, todo)
		return
	}
	defer stop()
	// The group is one model at one checkpoint on its benchmarks: the
	// one-model evaluation `harness eval` runs, each cell in its own folder
	// with its plugins logging to their own file, bounded by --jobs.
	var targets []suite.Target
	var cells []*CellNode
	for _, c := range todo {
		if c.planErr != nil {
			fail(c.planErr, "", []*CellNode{c})
			continue
		}
		b := c.bench
		targets = append(targets, suite.Target{Name: b.Name, Evaluator: b.Evaluator, Data: c.dataPath, Profile: b.Profile,
			AllowPartial: b.AllowPartial || c.partial, Options: b.Options, Out: c.Dir,
			Host: "cell-" + slug(c.Recipe+"-"+c.Model+"-"+c.Benchmark)})
		cells = append(cells, c)
	}
	m := c0.model
	ev := &suite.Runner{Catalog: x.r.Catalog, Model: gen, System: m.SystemPrompt, Params: m.Generation.Params(),
		HostFor: func(name string) (*host.Host, string, func()) {
			h, log, _, closeHost := x.nodeHost(name)
			return h, log, closeHost
		},
		Parallel: len(targets), Acquire: x.acquire, Release: x.release,
		NewProgress: func(phase string, total int) evaluate.Progress {
			return x.r.progress(g.recipe+" / "+g.model+" / "+phase, "items", total)
		},
	}
	if x.judge != nil {
		ev.JudgeName, ev.Judge = x.judge.Model(), x.judge
	}
	ev.Each(ctx, targets, func(i int, e suite.End) { x.finish(cells[i], e) })
}

// generator starts what answers the cells of a group: a model plugin bound
// to the checkpoint, a launched server, or a fixed endpoint.
func (x *executor) generator(ctx context.Context, c *CellNode, ckpt *sdk.Checkpoint, ckptID, name string) (evaluate.Generator, string, func(), error) {
	m := c.model
	if m.Backend != "openai" {
		e, ok := x.r.Catalog.Get(m.Backend)
		if !ok {
			return nil, "", nil, fmt.Errorf("model %s: no plugin %q", m.Name, m.Backend)
		}
		h, log, _, closeHost := x.nodeHost(name)
		p, err := h.Launch(ctx, e.Spec)
		if err != nil {
			closeHost()
			return nil, log, nil, err
		}
		if err := p.Configure(ctx, e.Config); err != nil {
			closeHost()
			return nil, log, nil, err
		}
		return evaluate.Plugin(p.Model(), ckpt), log, closeHost, nil
	}
	cfg := OpenAIConfig(m)
	stopServer := func() {}
	log := ""
	if m.Serve != nil {
		target := ""
		switch {
		case ckpt != nil:
			target = ckpt.Dir
		case c.BaseHF != "":
			target = c.BaseHF
		}
		log = filepath.Join(x.runDir, "logs", name+".log")
		srv, err := startServer(ctx, m, target, log)
		if err != nil {
			return nil, log, nil, err
		}
		cfg.BaseURL, cfg.Checkpoint = srv.url, ckptID
		stopServer = srv.stop
		x.r.status("model %s: server for %s ready at %s (log %s)", m.Name, orBase(target), srv.url, log)
	} else if ckpt != nil {
		return nil, "", nil, fmt.Errorf("model %s: backend openai serves a fixed endpoint and cannot load the checkpoint %s; give it a serve: command or use a model plugin", m.Name, ckpt.Hash)
	}
	store, err := x.cache(cfg.Model)
	if err != nil {
		stopServer()
		return nil, log, nil, fmt.Errorf("model %s: %w", m.Name, err)
	}
	cfg.Cache = store
	client, err := openai.New(cfg)
	if err != nil {
		stopServer()
		return nil, log, nil, fmt.Errorf("model %s: %w", m.Name, err)
	}
	// As in eval: a slow or hung server says so while it is waited on.
	stopBeat := client.Heartbeat(30*time.Second, func(n int, oldest time.Duration) {
		x.r.status("model %s: waiting for %s: %d request(s) in flight, the oldest for %s", m.Name, client.Endpoint(), n, oldest.Round(time.Second))
	})
	return client, log, func() { stopBeat(); client.Close(); stopServer() }, nil
}

func orBase(target string) string {
	if target == "" {
		return "the base model"
	}
	return target
}

// finish records how a cell's evaluation ended. The outcome is the cell's
// cache entry: written last, atomically, so a killed run leaves either a
// whole result or none.
func (x *executor) finish(c *CellNode, e suite.End) {
	c.cell = result.Cell{Recipe: c.Recipe, Model: c.Model, Status: result.StatusDone, Outcome: e.Outcome}
	if e.Err != nil {
		c.cell.Status, c.cell.Log = result.StatusFailed, e.Log
		if e.NotRun && (errors.Is(e.Err, context.Canceled) || errors.Is(e.Err, context.DeadlineExceeded)) {
			return // the run was stopped: its summary says so once
		}
		x.r.status("%s / %s / %s: FAILED: %s (log %s)", c.Recipe, c.Model, c.Benchmark, oneLine(e.Err), e.Log)
		return
	}
	o := e.Outcome
	if err := result.Write(filepath.Join(c.Dir, "outcome.json"), o); err != nil {
		c.cell.Status, c.cell.Error = result.StatusFailed, err.Error()
		return
	}
	x.r.remember(filepath.Join("cells", slug(c.Recipe+"/"+c.Model+"/"+c.Benchmark)), c.Key, c.Inputs)
	x.r.status("%s / %s / %s: %s %.1f (%d items, %.1fs)", c.Recipe, c.Model, c.Benchmark, o.Primary, o.Score, o.Items, o.Seconds)
}

// oneLine is an error's first line for the progress stream; the whole
// error, log tail included, is in the summary at the end and in run.json.
func oneLine(err error) string {
	first, _, more := strings.Cut(err.Error(), "\n")
	if more {
		first += " (details at the end)"
	}
	return first
}
