package bench

import (
	"context"
	"fmt"

	"github.com/vlmlab/harness/benchmarks/answer"
	"github.com/vlmlab/harness/plugins/sdk"
)

// Pass is one scoring pass, the part of sdk.Dataset.Score every evaluator
// shares: each problem is scored against its response with the judge
// answers collected so far; while any item still waits for a judge call the
// pass returns those requests, else the report built from the results.
type Pass[P any] struct {
	Benchmark string // names errors
	Judge     string // the judge model, "" for none
	Items     []sdk.Item
	Problems  []P
	// ID is the item id of a problem.
	ID func(*P) string
	// Item scores one problem; has is false when the problem got no response.
	Item func(r *Rounds, p *P, resp sdk.Response, has bool) sdk.ItemResult
	// Report builds the report once no judge call is pending.
	Report func([]sdk.ItemResult) *sdk.Report
}

// Run scores responses given the judge answers so far (see sdk.Dataset).
func (s Pass[P]) Run(ctx context.Context, responses []sdk.Response, answers []sdk.JudgeAnswer) (*sdk.ScoreResult, error) {
	byID, err := IndexResponses(s.Items, responses)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.Benchmark, err)
	}
	rounds := NewRounds(s.Judge, answers)
	results := make([]sdk.ItemResult, len(s.Problems))
	for i := range s.Problems {
		if i%64 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		p := &s.Problems[i]
		r, has := byID[s.ID(p)]
		results[i] = s.Item(rounds, p, r, has)
	}
	if pending := rounds.Pending(); len(pending) > 0 {
		return &sdk.ScoreResult{Pending: pending}, nil
	}
	return &sdk.ScoreResult{Report: s.Report(results)}, nil
}

// FinalText is the text an answer is extracted from: what follows </think>,
// the <answer> content when present, or the whole response when it has no
// tags. reason says why there is none (no response, a failed call, an empty
// response, or a reply cut off inside <think>).
func FinalText(r sdk.Response, has bool) (text, reason string) {
	switch {
	case !has:
		return "", "no response"
	case r.Failed:
		return "", "model failed: " + r.Error
	}
	t := answer.Inspect(r.Text)
	switch t.Status {
	case answer.Untagged:
		return r.Text, ""
	case answer.AnswerTag, answer.AfterThink:
		return t.Final, ""
	case answer.Empty:
		return "", "empty response"
	}
	return "", "no final answer: " + t.Status.String()
}
