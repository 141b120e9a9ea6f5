package evaluate

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/vlmlab/harness/benchmarks/answer"
	"github.com/vlmlab/harness/harness/catalog"
	"github.com/vlmlab/harness/harness/report"
	"github.com/vlmlab/harness/harness/result"
	"github.com/vlmlab/harness/plugins/host"
	"github.com/vlmlab/harness/plugins/sdk"
)

// Session is one benchmark scored by one evaluator plugin: the single path
// `harness run`, `harness eval` and `harness score` share. Run goes
// launch (kind and API version checked by the host) → Configure (the
// negotiated version, the config validated against the plugin's schema) →
// Open → responses (from Model, or the given Responses) → scoring with judge
// rounds → Close → report files, and returns the Outcome to record.
type Session struct {
	Host      *host.Host
	Evaluator catalog.Entry
	// Benchmark is the benchmark the evaluator is asked to open.
	Benchmark string
	Load      sdk.LoadRequest
	// Model answers the items; nil when Responses are given (harness score).
	Model     Generator
	Responses []sdk.Response
	Params    sdk.GenerateParams
	// Judge may be nil: items that need one are then scored wrong as
	// unresolved (the evaluator is told there is none through Load.Judge).
	Judge            Judge
	JudgeConcurrency int
	// Out is the folder for NAME.json and NAME.items.jsonl; "" writes none.
	Out string
	// Name is the report files' base name (default Benchmark).
	Name string
	// Check, when set, sees the opened data and the responses before they
	// are scored; its error ends the session (the leaderboard refuses
	// submitted ids the data lacks, naming them).
	Check func(info sdk.DatasetInfo, items []sdk.Item, responses []sdk.Response) error
	// NewProgress starts a progress display for a phase ("mathvista",
	// "mathvista judge round 1"); nil shows none.
	NewProgress func(name string, total int) Progress
}

// Progress draws the progress of one phase; Set as work finishes, Finish
// once at the end.
type Progress interface {
	Set(done int64)
	Finish(note string)
}

// Finished is what a session gives back: the Outcome (always, Error set on
// failure), the full report when scoring finished, and whether the model
// backend failed as a whole (a caller stops asking it).
type Finished struct {
	Outcome result.Outcome
	Report  *sdk.Report
	// ModelDown is set when the model backend failed as a whole.
	ModelDown bool
	// Gaps are the items the score does not rest on (missing responses,
	// unresolved extractions).
	Gaps Gaps
	// Items are the data's items as the evaluator gave them (a reader of
	// the report can show each item's question).
	Items []sdk.Item
}

// ErrModelDown marks a session whose model backend failed as a whole.
var ErrModelDown = errors.New("model backend failed")

// Run runs the session. The error is the Outcome's Error, for callers that
// stop on one.
func (s *Session) Run(ctx context.Context) (*Finished, error) {
	start := time.Now()
	f := &Finished{Outcome: result.Outcome{Benchmark: s.Benchmark, Data: s.Load.Path, Profile: s.Load.Profile, Judge: s.Load.Judge}}
	o := &f.Outcome
	fail := func(err error) (*Finished, error) {
		o.Error = err.Error()
		o.Seconds = time.Since(start).Seconds()
		return f, err
	}
	e := s.Evaluator
	if e.Kind != sdk.KindEvaluator {
		return fail(fmt.Errorf("plugin %s is a %s plugin, not an evaluator", e.Name, e.Kind))
	}
	o.Plugin = result.Plugin{Name: e.Name, Source: e.Source}
	p, err := s.Host.Launch(ctx, e.Spec)
	if err != nil {
		return fail(err)
	}
	defer p.Kill()
	info := p.Info()
	o.Plugin.Version, o.Plugin.APIVersions = info.Version, info.APIVersions
	if err := p.Configure(ctx, e.Config); err != nil {
		return fail(err)
	}
	ds, err := p.Evaluator().Open(ctx, s.Benchmark, s.Load)
	if err != nil {
		return fail(err)
	}
	defer ds.Close(context.WithoutCancel(ctx))
	di := ds.Info()
	o.DataHash, o.Items, o.Partial, o.Synthetic = di.DataHash, di.Count, di.Partial, di.Synthetic

	responses := s.Responses
	if s.Model != nil {
		items := ds.Items()
		bar := s.progress(s.Benchmark, len(items))
		responses, err = Respond(ctx, items, s.Model, Options{
			System: s.Load.SystemPrompt, Params: s.Params,
			Progress: func(done, _ int) { bar.Set(int64(done)) },
		})
		for _, r := range responses {
			if r.Failed {
				o.Failed = append(o.Failed, result.Failure{ID: r.ItemID, Reason: r.Error})
			}
		}
		note := "answered"
		switch {
		case err != nil:
			note = "FAILED"
		case ctx.Err() != nil:
			note = "stopped"
		case len(o.Failed) > 0:
			note = fmt.Sprintf("%d failed", len(o.Failed))
		}
		bar.Finish(note)
		if err != nil {
			f.ModelDown = true
			return fail(fmt.Errorf("%w: %w", ErrModelDown, err))
		}
		if err := ctx.Err(); err != nil {
			return fail(err)
		}
	}

	f.Items = ds.Items()
	if s.Check != nil {
		if err := s.Check(di, f.Items, responses); err != nil {
			return fail(err)
		}
	}
	var judgeBar Progress
	rep, err := ScoreWith(ctx, ds, responses, s.Judge, ScoreOptions{
		Concurrency: s.JudgeConcurrency,
		Progress: func(round, done, total int) {
			if done == 1 {
				if judgeBar != nil {
					judgeBar.Finish("")
				}
				judgeBar = s.progress(fmt.Sprintf("%s judge round %d", s.Benchmark, round), total)
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
	// A score over missing responses is wrong without saying so: the
	// report is marked before its files are written (harness score, where
	// the responses come from a file; generated ones cover every item).
	f.Gaps = FindGaps(ds.Items(), responses, rep)
	if len(f.Gaps.Missing) > 0 {
		rep.Missing = len(f.Gaps.Missing)
		rep.Dataset.Partial = true
	}
	f.Report = rep
	o.FromReport(rep)
	o.Partial = o.Partial || rep.Dataset.Partial
	o.Diagnostics = Diagnose(responses, rep)
	if s.Out != "" {
		name := s.Name
		if name == "" {
			name = s.Benchmark
		}
		if o.Report, o.ItemsFile, err = report.WriteFiles(s.Out, name, rep); err != nil {
			o.Scored = false
			return fail(err)
		}
	}
	o.Seconds = time.Since(start).Seconds()
	return f, nil
}

func (s *Session) progress(name string, total int) Progress {
	if s.NewProgress == nil {
		return nop{}
	}
	return s.NewProgress(name, total)
}

type nop struct{}

func (nop) Set(int64)     {}
func (nop) Finish(string) {}

// Diagnose computes the paper's response measures over the responses that
// were answered: mean length, aha-word rate (answer.HasAha, the definition
// the trainers' metrics use too), format compliance (answer.SplitStrict:
// exactly <think>…</think><answer>…</answer>) and truncation rate.
func Diagnose(responses []sdk.Response, rep *sdk.Report) *result.Diagnostics {
	d := &result.Diagnostics{}
	chars, aha, format, truncated := 0, 0, 0, 0
	for _, r := range responses {
		if r.Failed {
			continue
		}
		d.Responses++
		chars += len([]rune(r.Text))
		if answer.HasAha(r.Text) {
			aha++
		}
		if _, ok := answer.SplitStrict(r.Text); ok {
			format++
		}
		if r.Truncated {
			truncated++
		}
	}
	if d.Responses == 0 {
		return d
	}
	n := float64(d.Responses)
	d.MeanResponseChars = float64(chars) / n
	d.AhaRate, d.FormatRate, d.TruncationRate = float64(aha)/n, float64(format)/n, float64(truncated)/n
	return d
}
