package suite

import (
	"context"
	"errors"
	"sync"

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
	// Out is the folder for this target's report files (default: the
	// Runner's Out); a run gives each cell its own.
	Out string
	// Host names the plugin host of this target for Runner.HostFor (a
	// run's cell logs to a file of that name); "" uses the Runner's Host.
	Host string
}

// Progress draws the progress of one phase of one benchmark.
type Progress = evaluate.Progress

// Runner evaluates one model on a list of targets, one evaluate.Session
// each: the machinery `harness eval` runs for its one model and `harness
// run` for each model at each checkpoint of its plan.
type Runner struct {
	// Host launches the evaluator plugins; HostFor, when set, starts one
	// per target instead (with the path of the log its plugins write, ""
	// for none, and a function that closes it).
	Host    *host.Host
	HostFor func(name string) (h *host.Host, log string, close func())
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
	// Parallel is how many targets run at once (default 1: in order).
	// Acquire and Release, when set, bound them further by a limit shared
	// with other work (a run's --jobs).
	Parallel int
	Acquire  func(context.Context) error
	Release  func()
	// NewProgress starts a progress display for a phase ("mathvista",
	// "mathvista judge") of total units; nil shows none.
	NewProgress func(name string, total int) Progress
	// Done is called after each benchmark of Run, e.g. to save the partial
	// result.
	Done func(result.Outcome)
}

// End is how one target ended: its Outcome (Error set when it failed),
// the session's error, and the log its plugins wrote.
type End struct {
	Outcome result.Outcome
	Err     error
	Log     string
	// NotRun is set when the target was never started: the model backend
	// had failed, or ctx was cancelled first.
	NotRun bool
}

// Run evaluates every target and fills res.Benchmarks (in the order the
// targets finish, which is their order unless Parallel > 1) and
// res.Average. It stops early only when ctx is cancelled; the outcomes so
// far are in res either way.
func (r *Runner) Run(ctx context.Context, res *result.Eval, targets []Target) error {
	return r.Each(ctx, targets, func(_ int, e End) {
		if e.NotRun && ctx.Err() != nil {
			return // an interrupted eval lists what it measured, not what it never began
		}
		res.Benchmarks = append(res.Benchmarks, e.Outcome)
		res.Average = result.Average(res.Benchmarks)
		if r.Done != nil {
			r.Done(e.Outcome)
		}
	})
}

// Each evaluates every target, Parallel at a time, and calls done with the
// target's index and end as soon as it has one (one call at a time). A target that cannot run is ended with its error and the others go
// on; once the model backend has failed as a whole, the targets not yet
// started end as not run instead of failing item by item. Each returns
// when every target has ended, with ctx's error if it was cancelled.
func (r *Runner) Each(ctx context.Context, targets []Target, done func(i int, e End)) error {
	var (
		mu      sync.Mutex
		stopped error
		doneMu  sync.Mutex
	)
	ended := func(i int, e End) {
		doneMu.Lock()
		defer doneMu.Unlock()
		done(i, e)
	}
	down := func() error {
		mu.Lock()
		defer mu.Unlock()
		return stopped
	}
	slots := make(chan struct{}, max(1, r.Parallel))
	var wg sync.WaitGroup
	for i, t := range targets {
		notRun := func(err error) {
			ended(i, End{Outcome: result.Outcome{Benchmark: t.Name, Data: t.Data, Profile: t.Profile, Error: "not run: " + err.Error()}, Err: err, NotRun: true})
		}
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			notRun(ctx.Err())
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			if r.Acquire != nil {
				if err := r.Acquire(ctx); err != nil {
					notRun(err)
					return
				}
				defer r.Release()
			}
			if err := down(); err != nil {
				notRun(err)
				return
			}
			if err := ctx.Err(); err != nil {
				notRun(err)
				return
			}
			f, log, err := r.one(ctx, t)
			if f.ModelDown {
				mu.Lock()
				if stopped == nil {
					stopped = errors.New(f.Outcome.Error)
				}
				mu.Unlock()
			}
			ended(i, End{Outcome: f.Outcome, Err: err, Log: log})
		}()
	}
	wg.Wait()
	return ctx.Err()
}

func (r *Runner) one(ctx context.Context, t Target) (*evaluate.Finished, string, error) {
	e, err := r.Catalog.Evaluator(t.Name, t.Evaluator)
	if err != nil {
		return &evaluate.Finished{Outcome: result.Outcome{Benchmark: t.Name, Data: t.Data, Profile: t.Profile, Error: err.Error()}}, "", err
	}
	h, log := r.Host, ""
	if r.HostFor != nil {
		var closeHost func()
		h, log, closeHost = r.HostFor(t.Host)
		defer closeHost()
	}
	out := t.Out
	if out == "" {
		out = r.Out
	}
	s := &evaluate.Session{
		Host: h, Evaluator: e, Benchmark: t.Name,
		Load: sdk.LoadRequest{Path: t.Data, Profile: t.Profile, AllowPartial: t.AllowPartial,
			SystemPrompt: r.System, Judge: r.JudgeName, Options: t.Options},
		Model: r.Model, Params: r.Params, Judge: r.Judge, JudgeConcurrency: r.JudgeConcurrency,
		Out: out, NewProgress: r.NewProgress,
	}
	f, err := s.Run(ctx)
	return f, log, err
}
