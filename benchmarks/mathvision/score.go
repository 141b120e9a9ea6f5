package mathvision

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/vlmlab/harness/benchmarks/bench"
	"github.com/vlmlab/harness/plugins/sdk"
)

// stageExtract names the leaderboard judge stage in judge keys.
const stageExtract = "extract"

// vlmevalkitFailMsg marks a failed API call in VLMEvalKit; a judge output
// holding it is retried.
const vlmevalkitFailMsg = "Failed to obtain answer via API."

// Score scores responses; in the leaderboard profile it asks for judge
// extractions where the prefetch fails (see sdk.Dataset). The official
// profile never needs a judge.
func (d *Dataset) Score(ctx context.Context, responses []sdk.Response, answers []sdk.JudgeAnswer) (*sdk.ScoreResult, error) {
	return bench.Pass[Problem]{
		Benchmark: "mathvision", Judge: d.judge, Items: d.items, Problems: d.problems,
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
		res.Extracted = OfficialExtract(text)
		res.Path, res.Hit = sdk.PathRule, OfficialHit(p, res.Extracted)
		if res.Hit {
			if q := officialQuirk(p, res.Extracted); q != "" {
				res.Path, res.Quirk = sdk.PathQuirk, q
			}
		}
		return res
	}
	if v, ok, q := d.Prefetch(p, text); ok {
		res.Extracted, res.Path = v, sdk.PathRule
		var hq string
		res.Hit, hq = d.LeaderboardHit(p, v)
		if q = cmpOr(q, hq); q != "" {
			res.Path, res.Quirk = sdk.PathQuirk, q
		}
		return res
	}
	out := rounds.Ask(p.ID, stageExtract, bench.VLMEvalKitRetries,
		func(int) (string, string) { return "", LeaderboardPrompt(p.Query, text) },
		func(s string) (string, bool) { return s, !strings.Contains(s, vlmevalkitFailMsg) })
	switch {
	case out.Waiting:
		res.Reason = "waiting for the judge"
	case out.NoJudge:
		res.Path, res.Reason = sdk.PathNoJudge, "rules found no answer and no judge is configured"
	case !out.OK:
		res.Path, res.Reason = sdk.PathJudgeFailed, fmt.Sprintf("judge gave no usable answer in %d attempts (last: %q)", out.Attempts, bench.Clip(out.Last))
	default:
		res.Extracted, res.Path = out.Value, sdk.PathJudge
		var q string
		res.Hit, q = d.LeaderboardHit(p, out.Value)
		if q != "" {
			res.Quirk = q
		}
	}
	return res
}

// ScoreExtractions scores stored extractions (id → extracted answer) without
// splitting responses or calling a judge: in the official profile an
// extraction is a model_answer decided by [OfficialHit], in the leaderboard
// profile VLMEvalKit's stored res decided by [LeaderboardHit]. Items without
// an extraction are scored wrong.
func (d *Dataset) ScoreExtractions(extractions map[string]string) (*sdk.Report, error) {
	var unknown []string
	for id := range extractions {
		if _, ok := d.index[id]; !ok {
			unknown = append(unknown, id)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, fmt.Errorf("mathvision: extractions for ids not in %s: %v", d.info.Path, unknown)
	}
	results := make([]sdk.ItemResult, len(d.problems))
	for i := range d.problems {
		p := &d.problems[i]
		ext, ok := extractions[p.ID]
		res := sdk.ItemResult{ID: p.ID, Extracted: ext, Path: sdk.PathRule}
		switch {
		case !ok:
			res.Path, res.Reason = sdk.PathUnresolved, "no extraction"
		case d.profile == sdk.ProfileOfficial:
			res.Hit = OfficialHit(p, ext)
		default:
			res.Hit, res.Quirk = d.LeaderboardHit(p, ext)
		}
		results[i] = res
	}
	return d.report(results), nil
}

// cmpOr is the first non-empty string.
func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
