package mathvista

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/vlmlab/harness/benchmarks/bench"
	"github.com/vlmlab/harness/plugins/sdk"
)

// QuirkEmptyExtraction names the official rule that extracts "" from an
// empty response without asking GPT; a multiple-choice "" then normalises
// to the shortest option by edit distance and can score.
const QuirkEmptyExtraction = "mathvista-empty-extraction"

// OptionQuickExtract turns on the official --quick_extract rule
// (`The answer is "…".`), off by default as in the authors' run scripts.
const OptionQuickExtract = "quick_extract"

// stageExtract names the judge stage of both profiles in judge keys.
const stageExtract = "extract"

// vlmevalkitFailMsg marks a failed API call in VLMEvalKit; a judge output
// holding it is retried.
const vlmevalkitFailMsg = "Failed to obtain answer via API."

// officialSchedule is the official extraction call: one GPT call at
// temperature 0 with max_tokens 1024 (models/gpt.py defaults); the host owns
// retries on transport errors.
var officialSchedule = bench.Schedule{Temperatures: []float64{0}, MaxTokens: 1024}

// Score scores responses, asking for judge extractions where the profile's
// rules need one (see sdk.Dataset).
func (d *Dataset) Score(ctx context.Context, responses []sdk.Response, answers []sdk.JudgeAnswer) (*sdk.ScoreResult, error) {
	return bench.Pass[Problem]{
		Benchmark: "mathvista", Judge: d.judge, Items: d.items, Problems: d.problems,
		ID:   func(p *Problem) string { return p.PID },
		Item: d.scoreItem, Report: d.report,
	}.Run(ctx, responses, answers)
}

func (d *Dataset) scoreItem(rounds *bench.Rounds, p *Problem, r sdk.Response, has bool) sdk.ItemResult {
	res := sdk.ItemResult{ID: p.PID, Response: r.Text, Path: sdk.PathUnresolved}
	text, reason := bench.FinalText(d.post, r, has)
	if reason != "" {
		res.Reason = reason
		return res
	}
	if d.profile != sdk.ProfileOfficial {
		text = bench.ReadBackItem(&res, text)
	}
	if d.profile == sdk.ProfileOfficial {
		return d.scoreOfficial(rounds, p, text, res)
	}
	return d.scoreLeaderboard(rounds, p, text, res)
}

func (d *Dataset) scoreLeaderboard(rounds *bench.Rounds, p *Problem, text string, res sdk.ItemResult) sdk.ItemResult {
	if v, ok := Prefetch(p, text); ok {
		res.Extracted, res.Path, res.Hit = v, sdk.PathRule, LeaderboardHit(p, v)
		return res
	}
	out := rounds.Ask(p.PID, stageExtract, bench.VLMEvalKitRetries,
		func(int) (string, string) { return "", LeaderboardPrompt(p.Query, text) },
		func(s string) (string, bool) { return s, !strings.Contains(s, vlmevalkitFailMsg) })
	return judged(res, out, func(v string) bool { return LeaderboardHit(p, v) })
}

func (d *Dataset) scoreOfficial(rounds *bench.Rounds, p *Problem, text string, res sdk.ItemResult) sdk.ItemResult {
	if ext, ok := OfficialRuleExtract(p, text, d.quick); ok {
		_, hit := ScoreExtraction(p, ext)
		res.Extracted, res.Path, res.Hit = ext, sdk.PathRule, hit
		if text == "" {
			res.Path, res.Quirk = sdk.PathQuirk, QuirkEmptyExtraction
		}
		return res
	}
	out := rounds.Ask(p.PID, stageExtract, officialSchedule,
		func(int) (string, string) { return "", OfficialPrompt(p.Query, text) },
		func(s string) (string, bool) { return s, true })
	return judged(res, out, func(v string) bool { _, hit := ScoreExtraction(p, v); return hit })
}

// judged completes an item result from the outcome of its judge stage.
func judged(res sdk.ItemResult, out bench.Outcome, hit func(string) bool) sdk.ItemResult {
	switch {
	case out.Waiting:
		res.Reason = "waiting for the judge"
	case out.NoJudge:
		res.Path, res.Reason = sdk.PathNoJudge, "rules found no answer and no judge is configured"
	case !out.OK:
		res.Path, res.Reason = sdk.PathJudgeFailed, fmt.Sprintf("judge gave no usable answer in %d attempts (last: %q)", out.Attempts, bench.Clip(out.Last))
	default:
		res.Extracted, res.Path, res.Hit = out.Value, sdk.PathJudge, hit(out.Value)
	}
	return res
}

// ScoreExtractions scores stored extractions (pid → extracted answer), as an
// official results file keeps them: no response splitting and no judge. In
// the official profile an extraction is normalised and compared
// ([ScoreExtraction]); in the leaderboard profile it is VLMEvalKit's stored
// res and decided by [LeaderboardHit]. Problems without an extraction are
// scored wrong.
func (d *Dataset) ScoreExtractions(extractions map[string]string) (*sdk.Report, error) {
	var unknown []string
	for pid := range extractions {
		if _, ok := d.index[pid]; !ok {
			unknown = append(unknown, pid)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, fmt.Errorf("mathvista: extractions for pids not in %s: %v", d.info.Path, unknown)
	}
	results := make([]sdk.ItemResult, len(d.problems))
	for i := range d.problems {
		p := &d.problems[i]
		ext, ok := extractions[p.PID]
		res := sdk.ItemResult{ID: p.PID, Extracted: ext, Path: sdk.PathRule}
		switch {
		case !ok:
			res.Path, res.Reason = sdk.PathUnresolved, "no extraction"
		case d.profile == sdk.ProfileOfficial:
			_, res.Hit = ScoreExtraction(p, ext)
		default:
			res.Hit = LeaderboardHit(p, ext)
		}
		results[i] = res
	}
	return d.report(results), nil
}
