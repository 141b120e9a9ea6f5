// Package evaluate runs one cell of an evaluation: a model answers a
// benchmark's items, then the evaluator scores the responses, handing judge
// requests back to the host until its report is ready.
package evaluate

import (
	"context"
	"fmt"
	"sync"

	"github.com/vlmlab/harness/plugins/sdk"
)

// Generator is a model backend: the OpenAI-compatible client or a model
// plugin bound to a checkpoint.
type Generator interface {
	Generate(ctx context.Context, prompts []sdk.Prompt, params sdk.GenerateParams, emit func(sdk.Generation) error) error
}

// Judge answers one judge request (the OpenAI-compatible client).
type Judge interface {
	Judge(ctx context.Context, q sdk.JudgeRequest) sdk.JudgeAnswer
}

// GeneratorFunc adapts a function to Generator.
type GeneratorFunc func(ctx context.Context, prompts []sdk.Prompt, params sdk.GenerateParams, emit func(sdk.Generation) error) error

// Generate calls f.
func (f GeneratorFunc) Generate(ctx context.Context, prompts []sdk.Prompt, params sdk.GenerateParams, emit func(sdk.Generation) error) error {
	return f(ctx, prompts, params, emit)
}

// Plugin binds a model plugin to a checkpoint.
func Plugin(m sdk.Model, ckpt *sdk.Checkpoint) Generator {
	return GeneratorFunc(func(ctx context.Context, prompts []sdk.Prompt, params sdk.GenerateParams, emit func(sdk.Generation) error) error {
		return m.Generate(ctx, ckpt, prompts, params, emit)
	})
}

// Options for one cell.
type Options struct {
	System string
	Params sdk.GenerateParams
	// JudgeConcurrency bounds judge calls in flight (default 16).
	JudgeConcurrency int
	// Progress is told how many items have a response, of how many.
	Progress func(done, total int)
}

// Run generates responses for every item of ds and scores them. Items the
// model could not answer are scored wrong with their error as the reason.
func Run(ctx context.Context, ds sdk.Dataset, gen Generator, judge Judge, opts Options) (*sdk.Report, error) {
	responses, err := Respond(ctx, ds.Items(), gen, opts)
	if err != nil {
		return nil, err
	}
	return Score(ctx, ds, responses, judge, opts.JudgeConcurrency)
}

// Respond asks the model for one response per item. When the backend fails
// as a whole it still returns one response per item, those without an answer
// marked failed, along with the error.
func Respond(ctx context.Context, items []sdk.Item, gen Generator, opts Options) ([]sdk.Response, error) {
	prompts := make([]sdk.Prompt, len(items))
	for i, it := range items {
		prompts[i] = sdk.Prompt{ID: it.ID, System: opts.System, Parts: it.Prompt}
	}
	params := opts.Params
	params.N = 1
	got := make(map[string]sdk.Response, len(items))
	var mu sync.Mutex
	err := gen.Generate(ctx, prompts, params, func(g sdk.Generation) error {
		mu.Lock()
		defer mu.Unlock()
		if _, dup := got[g.PromptID]; dup {
			return nil
		}
		r := sdk.Response{ItemID: g.PromptID, Text: g.Text, Truncated: g.Truncated, ReasoningField: g.ReasoningField}
		if g.Error != "" {
			r.Failed, r.Error = true, g.Error
		}
		got[g.PromptID] = r
		if opts.Progress != nil {
			opts.Progress(len(got), len(items))
		}
		return nil
	})
	out := make([]sdk.Response, len(items))
	for i, it := range items {
		r, ok := got[it.ID]
		if !ok {
			r = sdk.Response{ItemID: it.ID, Failed: true, Error: "the model backend returned no response"}
			if err != nil {
				r.Error = err.Error()
			}
		}
		out[i] = r
	}
	if err != nil {
		return out, fmt.Errorf("generate: %w", err)
	}
	return out, nil
}

// Score runs scoring rounds, answering judge requests, until the report.
func Score(ctx context.Context, ds sdk.Dataset, responses []sdk.Response, judge Judge, concurrency int) (*sdk.Report, error) {
	return ScoreWith(ctx, ds, responses, judge, ScoreOptions{Concurrency: concurrency})
}

// ScoreOptions tune ScoreWith.
type ScoreOptions struct {
	// Concurrency bounds judge calls in flight (default 16).
	Concurrency int
	// Progress is told, during each round that needs the judge, how many of
	// that round's calls are answered (round counts from 1).
	Progress func(round, done, total int)
}

// ScoreWith is Score with progress reporting.
func ScoreWith(ctx context.Context, ds sdk.Dataset, responses []sdk.Response, judge Judge, opts ScoreOptions) (*sdk.Report, error) {
	var jf sdk.JudgeFunc
	if judge != nil {
		jf = judge.Judge
	}
	rep, err := sdk.ScoreRounds(ctx, ds, responses, jf, sdk.RoundOptions{Concurrency: opts.Concurrency, Progress: opts.Progress})
	if err != nil {
		return nil, fmt.Errorf("score: %w", err)
	}
	MarkTruncated(rep, responses)
	return rep, nil
}

// MarkTruncated copies each response's Truncated and ReasoningField onto its
// report item and counts the truncated ones. The host does this rather than
// the evaluator: a truncated response is scored like any other (its text, cut
// where it was cut), and the count says how much of a score the token limit
// cost.
func MarkTruncated(rep *sdk.Report, responses []sdk.Response) {
	byID := make(map[string]sdk.Response, len(responses))
	for _, r := range responses {
		byID[r.ItemID] = r
	}
	rep.Truncated = 0
	for i := range rep.Items {
		r, ok := byID[rep.Items[i].ID]
		if !ok {
			continue
		}
		rep.Items[i].Truncated, rep.Items[i].ReasoningField = r.Truncated, r.ReasoningField
		if r.Truncated {
			rep.Truncated++
		}
	}
}
