package wemath

import (
	"context"
	"fmt"
	"strings"

	"github.com/vlmlab/harness/benchmarks/answer"
	"github.com/vlmlab/harness/benchmarks/bench"
	"github.com/vlmlab/harness/plugins/sdk"
)

// stageMatch names the judge stage in judge keys ("2steps_1.multi/match/0").
const stageMatch = "match"

// judgeSchedule is VLMEvalKit's choice matching: up to 3 calls of
// model.generate(prompt) with the judge's defaults (temperature 0,
// max_tokens 2048).
var judgeSchedule = bench.Schedule{Temperatures: []float64{0, 0, 0}, MaxTokens: 2048}

// Score scores responses, asking the judge to match a response to an option
// where the leaderboard rules need it (see sdk.Dataset).
func (d *Dataset) Score(ctx context.Context, responses []sdk.Response, answers []sdk.JudgeAnswer) (*sdk.ScoreResult, error) {
	return bench.Pass[Problem]{
		Benchmark: "wemath", Judge: d.judge, Items: d.items, Problems: d.problems,
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
		if letter, ok := OfficialRule(text); ok {
			res.Extracted, res.Path, res.Hit = letter, sdk.PathRule, letter == p.Answer
		} else {
			res.Reason = "no option letter after the last \"Answer\""
		}
		return res
	}
	return scoreLeaderboard(rounds, p, text, res)
}

// scoreLeaderboard is VLMEvalKit's extract_answer_from_item for WeMath:
// can_infer on the response, else up to 3 judge calls whose output goes
// through can_infer. VLMEvalKit then picks a random option; here the item
// stays wrong and unresolved, so scores are deterministic.
func scoreLeaderboard(rounds *bench.Rounds, p *Problem, text string, res sdk.ItemResult) sdk.ItemResult {
	if letter, ok := answer.CanInfer(text, p.Choices); ok {
		res.Extracted, res.Path, res.Hit = letter, sdk.PathRule, letter == p.Answer
		return res
	}
	out := rounds.Ask(p.ID, stageMatch, judgeSchedule,
		func(int) (string, string) { return "", JudgePrompt(p.Question, p.Choices, text) },
		func(s string) (string, bool) {
			if strings.Contains(s, answer.FailMsg) {
				return "", false
			}
			return answer.CanInfer(s, p.Choices)
		})
	switch {
	case out.Waiting:
		res.Reason = "waiting for the judge"
	case out.NoJudge:
		res.Path, res.Reason = sdk.PathNoJudge, "can_infer found no option and no judge is configured"
	case !out.OK:
		res.Path, res.Reason = sdk.PathJudgeFailed, fmt.Sprintf("judge matched no option in %d attempts (last: %q); VLMEvalKit would pick a random option", out.Attempts, clip(out.Last))
	default:
		res.Extracted, res.Path, res.Hit = out.Value, sdk.PathJudge, out.Value == p.Answer
	}
	return res
}
