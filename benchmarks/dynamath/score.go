package dynamath

import (
	"context"
	"fmt"

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
	return bench.Pass[Problem]{
		Benchmark: "dynamath", Judge: d.judge, Items: d.items, Problems: d.problems,
		ID:   func(p *Problem) string { return p.ID },
		Item: d.scoreItem, Report: d.report,
	}.Run(ctx, responses, answers)
}

func (d *Dataset) scoreItem(rounds *bench.Rounds, p *Problem, r sdk.Response, has bool) sdk.ItemResult {
	res := sdk.ItemResult{ID: p.ID, Response: r.Text, Path: sdk.PathUnresolved}
	text, reason := bench.FinalText(d.post, r, has)
	if reason != "" {
		res.Reason = reason
		return res
	}
	if d.profile != sdk.ProfileOfficial {
		text = bench.ReadBackItem(&res, text)
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
		res.Path, res.Reason = sdk.PathNoJudge, "rules found no short answer and no judge is configured"
	case out.OK:
		judged, _ := parseAnswer(out.Value, p.AnswerType) // a parsed value parses to itself
		res.Extracted, res.Path, res.Hit = judged.Text, sdk.PathJudge, leaderboardHit(p, judged)
	case p.AnswerType == TypeChoice:
		// VLMEvalKit's last resort decides: the letter among the first 3
		// characters of the response.
		res.Path, res.Hit = sdk.PathRule, leaderboardUnparsedHit(p, pred)
		res.Reason = fmt.Sprintf("judge output %q did not parse; decided by the first 3 characters of the response", clip(out.Last))
	default:
		res.Path, res.Reason = sdk.PathJudgeFailed, fmt.Sprintf("judge output %q did not parse", clip(out.Last))
	}
	return res
}
