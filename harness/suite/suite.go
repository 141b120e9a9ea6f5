package suite

import (
	"context"
	"errors"

	"github.com/vlmlab/harness/harness/catalog"
	"github.com/vlmlab/harness/harness/evaluate"
	"github.com/vlmlab/harness/harness/result"
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

// Progress draws the progress of one phase of one benchmark.
type Progress = evaluate.Progress

// Runner evaluates one model on a list of targets, one evaluate.Session each.
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
	Done func(result.Outcome)
}

// Run evaluates every target in order and fills res.Benchmarks and
// res.Average. It stops early only when ctx is cancelled; the outcomes so
// far are in res either way.
func (r *Runner) Run(ctx context.Context, res *result.Eval, targets []Target) error {
	// stopped is the model backend's failure as a whole: later benchmarks
	// are listed as not run instead of failing item by item.
	var stopped error
	for _, t := range targets {
		if err := ctx.Err(); err != nil {
			return err
		}
		var o result.Outcome
		if stopped != nil {
			o = result.Outcome{Benchmark: t.Name, Data: t.Data, Profile: t.Profile, Error: "not run: " + stopped.Error()}
		} else {
			f := r.one(ctx, t)
			if f.ModelDown {
				stopped = errors.New(f.Outcome.Error)
			}
			o = f.Outcome
		}
		res.Benchmarks = append(res.Benchmarks, o)
		res.Average = result.Average(res.Benchmarks)
		if r.Done != nil {
			r.Done(o)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}

func (r *Runner) one(ctx context.Context, t Target) *evaluate.Finished {
	e, err := r.Catalog.Evaluator(t.Name, t.Evaluator)
	if err != nil {
		return &evaluate.Finished{Outcome: result.Outcome{Benchmark: t.Name, Data: t.Data, Profile: t.Profile, Error: err.Error()}}
	}
	s := &evaluate.Session{
		Host: r.Host, Evaluator: e, Benchmark: t.Name,
		Load: sdk.LoadRequest{Path: t.Data, Profile: t.Profile, AllowPartial: t.AllowPartial,
			SystemPrompt: r.System, Judge: r.JudgeName, Options: t.Options},
		Model: r.Model, Params: r.Params, Judge: r.Judge, JudgeConcurrency: r.JudgeConcurrency,
		Out: r.Out, NewProgress: r.NewProgress,
	}
	f, _ := s.Run(ctx)
	return f
}
