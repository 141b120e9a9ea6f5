package mathverse

import (
	"context"
	"fmt"
	"github.com/vlmlab/harness/benchmarks/postprocess"
	"strings"

	"github.com/vlmlab/harness/benchmarks/bench"
	"github.com/vlmlab/harness/plugins/sdk"
)

// Judge stages, as named in JudgeRequest.Stage and its key.
const (
	StageExtract = "extract"
	StageScore   = "score"
)

// officialRetries stands in for the official scripts' calls: gpt-3.5-turbo at
// temperature 0 with 256 tokens, re-asked until the output is valid, with no
// cap. Here the cap is five tries, like VLMEvalKit, after which the stage fails.
var officialRetries = bench.Schedule{Temperatures: []float64{0, 0, 0, 0, 0}, MaxTokens: 256}

// Dataset is a loaded MathVerse Vision Only file.
type Dataset struct {
	info     sdk.DatasetInfo
	profile  string
	judge    string
	post     postprocess.Step // response post-processing applied before scoring
	trunk    int
	problems []problem
	items    []sdk.Item
}

// Info describes the loaded file.
func (d *Dataset) Info() sdk.DatasetInfo { return d.info }

// Items returns the prompts in file order.
func (d *Dataset) Items() []sdk.Item { return d.items }

// Score scores responses with the judge answers given so far: extraction
// requests in the first round, consistency requests in the second (for
// items whose extraction is not exactly the standard answer), then the report.
func (d *Dataset) Score(ctx context.Context, responses []sdk.Response, answers []sdk.JudgeAnswer) (*sdk.ScoreResult, error) {
	return bench.Pass[problem]{
		Benchmark: Name, Judge: d.judge, Items: d.items, Problems: d.problems,
		ID:   func(p *problem) string { return p.id },
		Item: d.scoreItem, Report: d.report,
	}.Run(ctx, responses, answers)
}

// scoreItem scores one item; while a judge call is pending the result is
// incomplete and ignored.
func (d *Dataset) scoreItem(r *bench.Rounds, p *problem, resp sdk.Response, ok bool) sdk.ItemResult {
	res := sdk.ItemResult{ID: p.id, Path: sdk.PathUnresolved}
	switch {
	case !ok:
		res.Reason = "no response"
		return res
	case resp.Failed:
		res.Response = resp.Text
		res.Reason = "model call failed: " + resp.Error
		return res
	}
	res.Response = resp.Text
	final := d.post.Apply(resp.Text)
	if d.profile != sdk.ProfileOfficial {
		final = bench.ReadBackItem(&res, final)
	}
	if !r.HasJudge() {
		return d.ruleOnly(res, p, final)
	}
	return d.judged(r, res, p, final)
}

// ruleOnly scores without a judge (see rules.go).
func (d *Dataset) ruleOnly(res sdk.ItemResult, p *problem, final string) sdk.ItemResult {
	res.Extracted = final
	hit, resolved, how := ruleVerdict(p, final)
	if !resolved {
		res.Path, res.Reason = sdk.PathNoJudge, "no judge configured and the final answer is not a bare answer a rule can compare"
		return res
	}
	res.Path, res.Hit, res.Reason = sdk.PathRule, hit, how
	return res
}

// judged runs the two judge stages of the profile.
func (d *Dataset) judged(r *bench.Rounds, res sdk.ItemResult, p *problem, final string) sdk.ItemResult {
	official := d.profile == sdk.ProfileOfficial
	sched, text := bench.VLMEvalKitRetries, final
	if official {
		sched, text = officialRetries, trunkResponse(final, d.trunk)
	}
	ext := r.Ask(p.id, StageExtract, sched, func(int) (string, string) {
		if official {
			return "", OfficialExtractPrompt(text)
		}
		return "", LeaderboardExtractPrompt(text)
	}, d.acceptExtraction)
	if ext.Waiting {
		return res
	}
	// A failed extraction is scored as an empty one, as both pipelines do.
	extract := ext.Value
	res.Extracted = extract
	var notes []string
	if !ext.OK {
		notes = append(notes, fmt.Sprintf("extraction failed after %d tries, scored as empty", ext.Attempts))
	}
	res.Path = sdk.PathJudge
	if d.quickMatch(extract, p.answer) {
		res.Hit = true
		res.Reason = strings.Join(append(notes, "extraction equals the standard answer"), "; ")
		return res
	}
	sc := r.Ask(p.id, StageScore, sched, func(int) (string, string) {
		if official {
			return "", OfficialScorePrompt(p.question, p.answer, extract)
		}
		return "", LeaderboardScorePrompt(p.questionForEval, p.answer, extract)
	}, d.acceptJudgement)
	if sc.Waiting {
		return res
	}
	if !sc.OK {
		res.Path = sdk.PathJudgeFailed
		notes = append(notes, fmt.Sprintf("no valid judgement ('0' or '1') in %d tries (last: %q)", sc.Attempts, sc.Last))
		res.Reason = strings.Join(notes, "; ")
		return res
	}
	res.Hit = sc.Value == "1"
	res.Reason = strings.Join(notes, "; ")
	return res
}

// acceptExtraction validates an extraction output. VLMEvalKit keeps any
// output that is not its API failure message, even an empty one; the official
// script re-asks until the output is non-empty and removes a repeated
// "Extracted Answer: " label.
func (d *Dataset) acceptExtraction(text string) (string, bool) {
	if d.profile != sdk.ProfileOfficial {
		return text, !strings.Contains(text, failMsg)
	}
	t := strings.TrimSpace(text)
	if t == "" {
		return "", false
	}
	return strings.TrimSpace(strings.ReplaceAll(t, "Extracted Answer: ", "")), true
}

// acceptJudgement validates a consistency output: exactly '0' or '1' after
// strip (the official script first removes a repeated "Judgement:").
func (d *Dataset) acceptJudgement(text string) (string, bool) {
	if d.profile == sdk.ProfileOfficial {
		text = strings.ReplaceAll(text, "Judgement:", "")
	} else if strings.Contains(text, failMsg) {
		return "", false
	}
	t := strings.TrimSpace(text)
	return t, t == "0" || t == "1"
}

// quickMatch is the rule that skips the consistency judge: VLMEvalKit's
// post_check_score compares stripped strings; the official --quick_match
// compares the (stripped) extraction with the answer as stored.
func (d *Dataset) quickMatch(extract, standard string) bool {
	if d.profile == sdk.ProfileOfficial {
		return extract == standard
	}
	return strings.TrimSpace(extract) == strings.TrimSpace(standard)
}

// trunkResponse keeps the last n space-separated words of s, as the official
// trunk_response does (Python's s.split(' '), so runs of spaces count as
// empty words); n <= 0 keeps everything.
func trunkResponse(s string, n int) string {
	if n <= 0 {
		return s
	}
	words := strings.Split(s, " ")
	if len(words) > n {
		words = words[len(words)-n:]
	}
	return strings.Join(words, " ")
}
