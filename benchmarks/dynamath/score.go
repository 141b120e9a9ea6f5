package dynamath

import (
	"context"
	"fmt"

	"github.com/vlmlab/harness/benchmarks/answer"
	"github.com/vlmlab/harness/benchmarks/bench"
	"github.com/vlmlab/harness/plugins/sdk"
)

// judgeSchedule is VLMEvalKit's single formatting call: model.generate(prompt)
// with the judge's defaults (temperature 0, max_tokens 2048); there is no
// retry on an unparsable output.
var judgeSchedule = bench.Schedule{Temperatures: []float64{0}, MaxTokens: 2048}

// Score scores responses, asking for a judge formatting call where the
// leaderboard rules need one (see sdk.Dataset).
func (d *Dataset) Score(ctx context.Context, responses []sdk.Response, answers []sdk.JudgeAnswer) (*sdk.ScoreResult, error) {
	byID, err := bench.IndexResponses(d.items, responses)
	if err != nil {
		return nil, fmt.Errorf("dynamath: %w", err)
	}
	rounds := bench.NewRounds(d.judge, answers)
	results := make([]sdk.ItemResult, len(d.problems))
	for i := range d.problems {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		p := &d.problems[i]
		r, has := byID[p.ID]
		results[i] = d.scoreItem(rounds, p, r, has)
	}
	if pending := rounds.Pending(); len(pending) > 0 {
		return &sdk.ScoreResult{Pending: pending}, nil
	}
	return &sdk.ScoreResult{Report: d.report(results)}, nil
}

func (d *Dataset) scoreItem(rounds *bench.Rounds, p *Problem, r sdk.Response, has bool) sdk.ItemResult {
	res := sdk.ItemResult{ID: p.ID, Response: r.Text, Path: sdk.PathUnresolved}
	text, reason := finalText(r, has)
	if reason != "" {
		res.Reason = reason
		return res
	}
	if d.profile == sdk.ProfileOfficial {
		o := official(p, text)
		res.Extracted, res.Hit, res.Reason = o.Extracted, o.Hit, o.Reason
		if o.Resolved {
			res.Path = sdk.PathRule
		}
		return res
	}
	return scoreLeaderboard(rounds, p, text, res)
}

// finalText returns the text the rules read: a response without reasoning
// tags as it is (the upstream rules cut what they cut themselves), else the
// final answer after the reasoning. reason says why there is none.
func finalText(r sdk.Response, has bool) (text, reason string) {
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

func scoreLeaderboard(rounds *bench.Rounds, p *Problem, text string, res sdk.ItemResult) sdk.ItemResult {
	pred, ans, ok := leaderboardRule(text, p.AnswerType)
	if ok {
		res.Extracted, res.Path, res.Hit = ans.Text, sdk.PathRule, leaderboardHit(p, ans)
		return res
	}
	out := rounds.Ask(p.ID, stageFormat, judgeSchedule,
		func(int) (string, string) { return JudgeSystem, JudgePrompt(pred, p.AnswerType) },
		func(s string) (string, bool) {
			a, ok := parseAnswer(s, p.AnswerType)
			return a.Text, ok
		})
	switch {
	case out.Waiting:
		res.Reason = "waiting for the judge"
	case out.NoJudge:
		res.Reason = "rules found no short answer and no judge is configured"
	case out.OK:
		judged, _ := parseAnswer(out.Value, p.AnswerType) // a parsed value parses to itself
		res.Extracted, res.Path, res.Hit = judged.Text, sdk.PathJudge, leaderboardHit(p, judged)
	case p.AnswerType == TypeChoice:
		// VLMEvalKit's last resort decides: the letter among the first 3
		// characters of the response.
		res.Path, res.Hit = sdk.PathRule, leaderboardUnparsedHit(p, pred)
		res.Reason = fmt.Sprintf("judge output %q did not parse; decided by the first 3 characters of the response", clip(out.Last))
	default:
		res.Reason = fmt.Sprintf("judge output %q did not parse", clip(out.Last))
	}
	return res
}
