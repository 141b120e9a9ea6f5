package suite

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/vlmlab/harness/harness/catalog"
	"github.com/vlmlab/harness/harness/evaluate"
	"github.com/vlmlab/harness/harness/report"
	"github.com/vlmlab/harness/plugins/host"
	"github.com/vlmlab/harness/plugins/sdk"
)

// Target is one benchmark to evaluate, its data already located.
type Target struct {
	Name string
	// Evaluator is the plugin that scores it (default: Name).
	Evaluator    string
	Data         string
	Profile      string
	AllowPartial bool
	Options      map[string]string
}

// Progress draws the progress of one phase of one benchmark; the suite calls
// Set as work finishes and Finish once at the end.
type Progress interface {
	Set(done int64)
	Finish(note string)
}

// Runner evaluates one model on a list of targets.
type Runner struct {
	Host    *host.Host
	Catalog *catalog.Catalog
	Model   evaluate.Generator
	// Judge may be nil: items that need one are then scored wrong as unresolved.
	Judge     evaluate.Judge
	JudgeName string
	System    string
	Params    sdk.GenerateParams
	// JudgeConcurrency bounds judge calls in flight (default 16).
	JudgeConcurrency int
	// Out is the folder for each benchmark's report and per-item JSONL.
	Out string
	// NewProgress starts a progress display for a phase ("mathvista",
	// "mathvista judge") of total units; nil shows none.
	NewProgress func(name string, total int) Progress
	// Done is called after each benchmark, e.g. to save the partial result.
	Done func(Outcome)
}

// Run evaluates every target in order and fills res.Benchmarks and
// res.Average. It stops early only when ctx is cancelled; the outcomes so
// far are in res either way.
func (r *Runner) Run(ctx context.Context, res *Result, targets []Target) error {
	// stopped is the model backend's failure as a whole: later benchmarks
	// are listed as not run instead of failing item by item.
	var stopped error
	for _, t := range targets {
		if err := ctx.Err(); err != nil {
			return err
		}
		if stopped != nil {
			o := Outcome{Benchmark: t.Name, Data: t.Data, Profile: t.Profile, Error: "not run: " + stopped.Error()}
			res.Benchmarks = append(res.Benchmarks, o)
			if r.Done != nil {
				r.Done(o)
			}
			continue
		}
		o := r.one(ctx, t)
		if o.stopped {
			stopped = errors.New(o.Error)
		}
		res.Benchmarks = append(res.Benchmarks, o)
		res.average()
		if r.Done != nil {
			r.Done(o)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}

func (r *Runner) one(ctx context.Context, t Target) Outcome {
	start := time.Now()
	o := Outcome{Benchmark: t.Name, Data: t.Data, Profile: t.Profile}
	fail := func(err error) Outcome {
		o.Error = err.Error()
		o.Seconds = time.Since(start).Seconds()
		return o
	}
	evalName := t.Evaluator
	if evalName == "" {
		evalName = t.Name
	}
	e, ok := r.Catalog.Get(evalName)
	if !ok || e.Kind != sdk.KindEvaluator {
		return fail(fmt.Errorf("no evaluator plugin %q; `harness plugins` lists them", evalName))
	}
	o.Plugin = Plugin{Name: e.Name, Source: e.Source}
	p, err := r.Host.Launch(ctx, e.Spec)
	if err != nil {
		return fail(err)
	}
	defer p.Kill()
	info, err := p.Describe(ctx)
	if err != nil {
		return fail(err)
	}
	o.Plugin.Version, o.Plugin.APIVersions = info.Version, info.APIVersions
	if err := p.Configure(ctx, e.Config); err != nil {
		return fail(err)
	}
	ds, err := p.Evaluator().Open(ctx, t.Name, sdk.LoadRequest{
		Path: t.Data, Profile: t.Profile, AllowPartial: t.AllowPartial,
		SystemPrompt: r.System, Judge: r.JudgeName, Options: t.Options,
	})
	if err != nil {
		return fail(err)
	}
	defer ds.Close(context.WithoutCancel(ctx))
	di := ds.Info()
	o.DataHash, o.Items, o.Partial, o.Synthetic = di.DataHash, di.Count, di.Partial, di.Synthetic

	items := ds.Items()
	bar := r.progress(t.Name, len(items))
	responses, err := evaluate.Respond(ctx, items, r.Model, evaluate.Options{
		System: r.System, Params: r.Params,
		Progress: func(done, _ int) { bar.Set(int64(done)) },
	})
	for _, resp := range responses {
		if resp.Failed {
			o.Failed = append(o.Failed, Failure{ID: resp.ItemID, Reason: resp.Error})
		}
	}
	note := "answered"
	if len(o.Failed) > 0 {
		note = fmt.Sprintf("%d failed", len(o.Failed))
	}
	bar.Finish(note)
	if err != nil {
		o.stopped = true
		return fail(err)
	}
	if err := ctx.Err(); err != nil {
		return fail(err)
	}

	var judgeBar Progress
	rep, err := evaluate.ScoreWith(ctx, ds, responses, r.Judge, evaluate.ScoreOptions{
		Concurrency: r.JudgeConcurrency,
		Progress: func(round, done, total int) {
			if done == 1 {
				if judgeBar != nil {
					judgeBar.Finish("")
				}
				judgeBar = r.progress(fmt.Sprintf("%s judge round %d", t.Name, round), total)
			}
			judgeBar.Set(int64(done))
		},
	})
	if judgeBar != nil {
		judgeBar.Finish("")
	}
	if err != nil {
		return fail(err)
	}
	o.Primary, o.Score, o.Unresolved, o.Scored = rep.Primary, rep.Score, rep.Unresolved, true
	o.Truncated = rep.Truncated
	if len(rep.Items) > 0 {
		o.TruncationRate = float64(rep.Truncated) / float64(len(rep.Items))
	}
	if o.Report, o.ItemsFile, err = report.WriteFiles(r.Out, t.Name, rep); err != nil {
		o.Scored = false
		return fail(err)
	}
	o.Seconds = time.Since(start).Seconds()
	return o
}

func (r *Runner) progress(name string, total int) Progress {
	if r.NewProgress == nil {
		return nop{}
	}
	return r.NewProgress(name, total)
}

type nop struct{}

func (nop) Set(int64)     {}
func (nop) Finish(string) {}
