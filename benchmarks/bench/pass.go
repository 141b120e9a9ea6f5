package bench

import (
	"context"
	"fmt"

	"github.com/vlmlab/harness/benchmarks/postprocess"
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

// FinalText is the text an answer is extracted from: the response after
// the named post-processing step (see benchmarks/postprocess). reason says
// why there is none (no response or a failed call); a blank text is
// returned as it is, for the profile to decide (see [ReadBack]).
func FinalText(step postprocess.Step, r sdk.Response, has bool) (text, reason string) {
	switch {
	case !has:
		return "", "no response"
	case r.Failed:
		return "", "model failed: " + r.Error
	}
	return step.Apply(r.Text), ""
}

// pandasNA are the cell texts pandas' read_csv and read_excel turn into NaN
// by default (pandas._libs.parsers.STR_NA_VALUES).
var pandasNA = map[string]bool{
	"": true, "#N/A": true, "#N/A N/A": true, "#NA": true, "-1.#IND": true, "-1.#QNAN": true,
	"-NaN": true, "-nan": true, "1.#IND": true, "1.#QNAN": true, "<NA>": true, "N/A": true,
	"NA": true, "NULL": true, "NaN": true, "None": true, "n/a": true, "nan": true, "null": true,
}

// QuirkNaN names the VLMEvalKit quirk ReadBack reproduces, for item reasons
// and quirk counts.
const QuirkNaN = "vlmevalkit-nan-cell"

// ReadBack is the prediction as VLMEvalKit's evaluate step sees it: the
// predictions are dumped to a table and read back with pandas, so a blank
// cell (or one reading "None", "NA", "null", …) becomes NaN, which str()
// turns into "nan" before any matcher runs. quirk is true when that
// happened.
func ReadBack(prediction string) (text string, quirk bool) {
	if pandasNA[prediction] {
		return "nan", prediction != "nan"
	}
	return prediction, false
}

// ReadBackItem applies [ReadBack] to a leaderboard item's text and names the
// quirk on the item when it changed the text.
func ReadBackItem(res *sdk.ItemResult, text string) string {
	text, q := ReadBack(text)
	if q {
		res.Quirk = QuirkNaN
	}
	return text
}
