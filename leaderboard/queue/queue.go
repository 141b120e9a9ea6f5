// Package queue scores submissions: a worker takes the oldest PENDING
// submission from the store, marks it RUNNING, re-scores its raw predictions
// with the evaluator plugins (the numbers a submitter computed are never
// read), and records it FINISHED with its verified entry, or FAILED with the
// reason. Every state lives in the store, so a server killed mid-scoring
// loses nothing: on start the worker puts RUNNING submissions back in the
// queue and scores them again.
package queue

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vlmlab/harness/harness/result"
	"github.com/vlmlab/harness/leaderboard/store"
	"github.com/vlmlab/harness/leaderboard/submission"
	"github.com/vlmlab/harness/plugins/sdk"
)

// Scorer scores one benchmark's responses with the server's evaluator
// plugins, data and judge, through the evaluation session `harness score`
// uses (so the numbers are the ones `harness score` gives). check sees the
// data before scoring and may refuse it.
type Scorer interface {
	Score(ctx context.Context, benchmark, profile string, responses []sdk.Response, check Check) (*Scored, error)
}

// Check is called with the opened data and the responses before scoring.
type Check func(info sdk.DatasetInfo, items []sdk.Item, responses []sdk.Response) error

// Scored is one benchmark's result.
type Scored struct {
	Report  *sdk.Report
	Outcome result.Outcome
	// Items of the data, for each item's question.
	Items []sdk.Item
}

// Worker scores the queue of one store.
type Worker struct {
	Store  store.Store
	Scorer Scorer
	// Version is the server's, recorded in each entry's provenance.
	Version string
	Logger  *slog.Logger
	// Changed is called after an entry is written (the server's cache).
	Changed func()
	// Poll is how often the store is checked when nothing woke the worker
	// (another process may have queued work); default 2 s.
	Poll time.Duration
	// MaxAttempts fails a submission that was started this many times
	// without finishing (each start after a crash counts); default 3.
	MaxAttempts int

	wake     chan struct{}
	finished prometheus.Counter
	failed   prometheus.Counter
	seconds  prometheus.Histogram
}

// New makes a worker; reg (may be nil) gets its metrics.
func New(st store.Store, sc Scorer, reg prometheus.Registerer) *Worker {
	w := &Worker{Store: st, Scorer: sc, wake: make(chan struct{}, 1), Logger: slog.New(slog.DiscardHandler),
		finished: prometheus.NewCounter(prometheus.CounterOpts{Name: "leaderboard_submissions_finished_total", Help: "Submissions scored and published."}),
		failed:   prometheus.NewCounter(prometheus.CounterOpts{Name: "leaderboard_submissions_failed_total", Help: "Submissions that failed validation against the data or scoring."}),
		seconds: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "leaderboard_scoring_seconds", Help: "Time to score one submission.",
			Buckets: prometheus.ExponentialBuckets(0.1, 2, 12)}),
	}
	if reg != nil {
		reg.MustRegister(w.finished, w.failed, w.seconds)
	}
	return w
}

// Wake tells the worker a submission is waiting.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run scores submissions until ctx ends. It first requeues what a previous
// server left RUNNING.
func (w *Worker) Run(ctx context.Context) error {
	if w.Poll <= 0 {
		w.Poll = 2 * time.Second
	}
	if w.MaxAttempts <= 0 {
		w.MaxAttempts = 3
	}
	n, err := w.Store.Requeue(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		w.Logger.Info("requeued submissions left running by a previous server", "count", n)
	}
	for {
		sub, err := w.Store.Claim(ctx)
		switch {
		case ctx.Err() != nil:
			return nil
		case errors.Is(err, store.ErrNotFound):
			select {
			case <-ctx.Done():
				return nil
			case <-w.wake:
			case <-time.After(w.Poll):
			}
			continue
		case err != nil:
			w.Logger.Error("claim a submission", "error", err)
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(w.Poll):
			}
			continue
		}
		w.process(ctx, sub)
	}
}

// process scores one claimed submission and records the outcome. When ctx
// ends mid-way the submission stays RUNNING, and the next start requeues it.
func (w *Worker) process(ctx context.Context, sub store.Submission) {
	start := time.Now()
	log := &strings.Builder{}
	logf := func(format string, a ...any) {
		fmt.Fprintf(log, "%s ", time.Now().UTC().Format(time.RFC3339))
		fmt.Fprintf(log, format, a...)
		log.WriteByte('\n')
	}
	logf("attempt %d", sub.Attempts)
	var entry store.Entry
	var items []store.Item
	err := error(nil)
	if sub.Attempts > w.MaxAttempts {
		err = fmt.Errorf("started %d times without finishing (the server stopped while scoring it each time); an admin can re-run it", sub.Attempts-1)
	} else {
		entry, items, err = w.score(ctx, sub, logf)
	}
	if ctx.Err() != nil {
		w.Logger.Info("stopped while scoring; the submission is requeued at the next start", "submission", sub.ID)
		return
	}
	// The outcome is recorded even if the server is asked to stop now.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err != nil {
		logf("failed: %v", err)
		if ferr := w.Store.Fail(rctx, sub.ID, err.Error(), log.String()); ferr != nil {
			w.Logger.Error("record a failed submission", "submission", sub.ID, "error", ferr)
		}
		w.failed.Inc()
		w.Logger.Info("submission failed", "submission", sub.ID, "reason", err)
		return
	}
	logf("finished in %s", time.Since(start).Round(time.Millisecond))
	if err := w.Store.Finish(rctx, sub.ID, entry, items, log.String()); err != nil {
		w.Logger.Error("record a finished submission", "submission", sub.ID, "error", err)
		return
	}
	w.finished.Inc()
	w.seconds.Observe(time.Since(start).Seconds())
	if w.Changed != nil {
		w.Changed()
	}
	w.Logger.Info("submission scored", "submission", sub.ID, "entry", entry.ID)
}

// score re-scores every benchmark of the submission.
func (w *Worker) score(ctx context.Context, sub store.Submission, logf func(string, ...any)) (store.Entry, []store.Item, error) {
	u, err := submission.Decode(strings.NewReader(sub.Payload))
	if err != nil {
		return store.Entry{}, nil, err
	}
	e := store.Entry{ID: EntryID(u.Model.Name, sub.ID), Model: u.Model.Name, Organisation: u.Model.Organisation, ParamsB: u.Model.ParamsB,
		Type: u.Model.Type, Kind: "model", Verified: true, Profile: u.Profile, EvalDate: time.Now().UTC().Format("2006-01-02"),
		Scores: map[string]float64{}, SubmissionID: sub.ID}
	prov := &store.Provenance{Server: w.Version, Profile: u.Profile, Plugins: map[string]string{}, DataHashes: map[string]string{},
		Revision: u.Model.Revision, ScoredAt: time.Now().UTC()}
	if r := u.Run; r != nil {
		prov.Harness, prov.Generation, prov.Endpoint, prov.ModelName = r.Harness, r.Generation, r.Endpoint, r.ModelName
	}
	var items []store.Item
	for _, name := range submission.BenchmarkNames() {
		preds, ok := u.Benchmarks[name]
		if !ok {
			continue
		}
		t0 := time.Now()
		d, its, judge, err := w.scoreOne(ctx, name, u.Profile, preds)
		if err != nil {
			return store.Entry{}, nil, fmt.Errorf("%s: %w", name, err)
		}
		logf("%s: %d items, %s %.2f (%d rule, %d judge, %d unresolved) in %s", name, d.Items, d.Primary, d.Score, d.Rule, d.Judged, d.Unresolved, time.Since(t0).Round(time.Millisecond))
		e.Scores[name] = d.Score
		e.Detail.Benchmarks = append(e.Detail.Benchmarks, d)
		prov.Plugins[name] = d.Plugin
		prov.DataHashes[name] = d.DataHash
		if judge != "" {
			e.Judge, prov.Judge = judge, judge
		}
		items = append(items, its...)
	}
	e.Detail.Provenance = prov
	e.Detail.Reproduce = reproduce(u)
	return e, items, nil
}

func (w *Worker) scoreOne(ctx context.Context, name, profile string, preds []submission.Prediction) (store.BenchmarkDetail, []store.Item, string, error) {
	responses := make([]sdk.Response, len(preds))
	for i, p := range preds {
		responses[i] = sdk.Response{ItemID: p.ID, Text: p.Response}
	}
	sc, err := w.Scorer.Score(ctx, name, profile, responses, knownIDs)
	if err != nil {
		return store.BenchmarkDetail{}, nil, "", err
	}
	rep, o := sc.Report, sc.Outcome
	d := store.BenchmarkDetail{Name: name, Primary: rep.Primary, Score: rep.Score, Items: len(rep.Items), Expected: rep.Dataset.Expected,
		Partial: rep.Dataset.Partial, Missing: rep.Missing, Rule: rep.Rule, Judged: rep.Judged, Unresolved: rep.Unresolved,
		DataHash: rep.Dataset.DataHash, Plugin: strings.TrimSpace(o.Plugin.Name + " " + o.Plugin.Version)}
	if dg := o.Diagnostics; dg != nil {
		d.Diagnostics = store.Diagnostics{MeanChars: dg.MeanResponseChars, AhaRate: 100 * dg.AhaRate, FormatRate: 100 * dg.FormatRate}
	}
	for _, m := range rep.Metrics {
		d.Metrics = append(d.Metrics, store.Metric{Name: m.Name, Value: m.Value})
	}
	for _, b := range rep.Breakdowns {
		sb := store.Breakdown{Name: b.Name}
		for _, r := range b.Rows {
			sb.Rows = append(sb.Rows, store.BreakdownRow{Key: r.Key, Total: r.Total, Hit: r.Hit, Value: r.Value})
		}
		d.Breakdowns = append(d.Breakdowns, sb)
	}
	questions := make(map[string]string, len(sc.Items))
	for _, it := range sc.Items {
		questions[it.ID] = questionText(it)
	}
	items := make([]store.Item, len(rep.Items))
	for i, it := range rep.Items {
		items[i] = store.Item{Benchmark: name, Seq: i, ID: it.ID, Question: questions[it.ID], Response: it.Response,
			Extracted: it.Extracted, Path: it.Path, Hit: it.Hit, Reason: it.Reason}
	}
	return d, items, rep.Judge, nil
}

// knownIDs refuses responses to items the data does not have, naming them.
func knownIDs(info sdk.DatasetInfo, items []sdk.Item, responses []sdk.Response) error {
	known := make(map[string]bool, len(items))
	for _, it := range items {
		known[it.ID] = true
	}
	var unknown []string
	for _, r := range responses {
		if !known[r.ItemID] {
			unknown = append(unknown, fmt.Sprintf("%q", r.ItemID))
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	shown, more := unknown, ""
	if len(shown) > 10 {
		shown, more = shown[:10], fmt.Sprintf(" and %d more", len(unknown)-10)
	}
	return fmt.Errorf("%d item id(s) are not in the benchmark data (%s, %s): %s%s",
		len(unknown), info.Path, info.DataHash, strings.Join(shown, ", "), more)
}

// questionText is the text of an item's prompt (images left out).
func questionText(it sdk.Item) string {
	var parts []string
	for _, p := range it.Prompt {
		if p.Text != "" {
			parts = append(parts, p.Text)
		} else if p.Image != nil {
			parts = append(parts, "[image]")
		}
	}
	return strings.Join(parts, "\n")
}

// EntryID is the id a scored submission's entry gets: the model's name as a
// slug, and the submission's id, so resubmissions never overwrite.
func EntryID(model, submissionID string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(model) {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.'
		if ok {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	s := strings.Trim(b.String(), "-.")
	if s == "" {
		s = "model"
	}
	return s + "-" + submissionID
}

func reproduce(u *submission.Upload) string {
	name := "MODEL"
	if u.Run != nil && u.Run.ModelName != "" {
		name = u.Run.ModelName
	}
	var names []string
	for _, b := range submission.BenchmarkNames() {
		if _, ok := u.Benchmarks[b]; ok {
			names = append(names, b)
		}
	}
	cmd := fmt.Sprintf("harness eval --endpoint URL --model %s --data-dir DIR --profile %s --benchmarks %s --out EVAL_DIR", shellQuote(name), u.Profile, strings.Join(names, ","))
	if u.Run != nil {
		// snake_case since the report types got JSON tags; the Go names
		// before.
		gen := func(snake, old string) (any, bool) {
			if v, ok := u.Run.Generation[snake]; ok {
				return v, true
			}
			v, ok := u.Run.Generation[old]
			return v, ok
		}
		if v, ok := gen("max_tokens", "MaxTokens"); ok {
			cmd += fmt.Sprintf(" --max-tokens %v", v)
		}
		if v, ok := gen("temperature", "Temperature"); ok {
			cmd += fmt.Sprintf(" --temperature %v", v)
		}
	}
	return cmd + "\nharness submit --server URL --token TOKEN EVAL_DIR"
}

func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:@", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
