package logicvista

import (
	"context"
	"fmt"
	"github.com/vlmlab/harness/benchmarks/postprocess"
	"slices"
	"strings"

	"github.com/vlmlab/harness/benchmarks/bench"
	"github.com/vlmlab/harness/plugins/sdk"
)

// StageExtract is the one judge stage: reading the chosen letters.
const StageExtract = "extract"

// officialRetries stands in for the official scorer's calls: GPT-4 at
// temperature 0.2, then its output-fixing (0.3) and retry (0.7) parsers when
// the output does not parse; five tries in all.
var officialRetries = bench.Schedule{Temperatures: []float64{0.2, 0.3, 0.3, 0.7, 0.7}, MaxTokens: 256}

// Dataset is a loaded LogicVista file.
type Dataset struct {
	info     sdk.DatasetInfo
	profile  string
	judge    string
	post     postprocess.Step // response post-processing applied before scoring
	problems []problem
	items    []sdk.Item
}

// Info describes the loaded file.
func (d *Dataset) Info() sdk.DatasetInfo { return d.info }

// Items returns the prompts in file order.
func (d *Dataset) Items() []sdk.Item { return d.items }

// Score scores responses with the judge answers given so far: one round of
// letter-extraction requests (and their retries), then the report.
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
	if d.profile == sdk.ProfileOfficial {
		return d.official(r, res, p, final)
	}
	return d.leaderboard(r, res, p, final)
}

// leaderboard is VLMEvalKit's LogicVista_auxeval: every answer goes to the
// judge; only an output of upper-case letters is accepted; its sorted
// lower-case letters must equal the standard answer's.
func (d *Dataset) leaderboard(r *bench.Rounds, res sdk.ItemResult, p *problem, final string) sdk.ItemResult {
	gold := strings.Join(p.goldLabels(), "")
	switch {
	case p.answer == "":
		res.Path, res.Reason = sdk.PathRule, "the standard answer is empty (data defect, v1_382): nothing can match, scored wrong"
		return res
	}
	final = bench.ReadBackItem(&res, final)
	var unreachable string
	if !p.lettersOnly() {
		unreachable = fmt.Sprintf("standard answer %q is not letters, and the judge may only answer letters: unreachable under leaderboard rules (VLMEvalKit issue #1621)", p.answer)
	}
	if !r.HasJudge() {
		return withNote(ruleLabels(res, final, p.goldLabels(), false), unreachable)
	}
	out := r.Ask(p.id, StageExtract, bench.VLMEvalKitRetries, func(int) (string, string) {
		return "", LeaderboardPrompt(p.question, final)
	}, func(text string) (string, bool) {
		// VLMEvalKit's OpenAI wrapper strips the reply before this check.
		t := strings.TrimSpace(text)
		return t, !strings.Contains(t, failMsg) && upperAlpha(t)
	})
	if out.Waiting {
		return res
	}
	if !out.OK {
		res.Path, res.Reason = sdk.PathJudgeFailed, fmt.Sprintf("no valid judge output (upper-case letters only) in %d tries (last: %q)", out.Attempts, out.Last)
		return withNote(res, unreachable)
	}
	res.Path, res.Extracted = sdk.PathJudge, out.Value
	res.Hit = letterKey(out.Value) == gold
	return withNote(res, unreachable)
}

// official is the official eval/extract_accuracy.py: replies of at most one
// character by rule, longer ones through the judge's list of choices (ZZZZZ
// when it cannot be read), compared as sorted lower-case lists.
func (d *Dataset) official(r *bench.Rounds, res sdk.ItemResult, p *problem, final string) sdk.ItemResult {
	// The official script keeps what follows a chat template's "ASSISTANT:".
	entry := final
	if parts := strings.Split(entry, "ASSISTANT:"); len(parts) > 1 {
		entry = parts[1]
	}
	gold := p.goldLabels()
	if choices, ok := officialSingle(entry); ok {
		res.Path, res.Extracted = sdk.PathRule, strings.Join(choices, ", ")
		res.Hit = slices.Equal(sortedLower(choices), gold)
		if p.answer == "" {
			res.Reason = "the standard answer is empty (v1_382): the official rule compares an empty reply as [''], which matches it"
		}
		return res
	}
	if p.answer == "" {
		// No judge output can be [''], so the judge is not asked.
		res.Path, res.Reason = sdk.PathRule, "the standard answer is empty (v1_382): only an empty reply matches it"
		return res
	}
	if !r.HasJudge() {
		return ruleLabels(res, entry, gold, true)
	}
	out := r.Ask(p.id, StageExtract, officialRetries, func(int) (string, string) {
		return "", OfficialPrompt(p.question, entry)
	}, func(text string) (string, bool) {
		_, ok := parseChoices(text)
		return text, ok
	})
	if out.Waiting {
		return res
	}
	if !out.OK {
		res.Extracted = zzzzz
		res.Path, res.Reason = sdk.PathJudgeFailed, fmt.Sprintf("judge output unreadable in %d tries (last: %q): scored as ZZZZZ", out.Attempts, out.Last)
		return res
	}
	choices, _ := parseChoices(out.Value)
	res.Path, res.Extracted = sdk.PathJudge, strings.Join(choices, ", ")
	res.Hit = slices.Equal(sortedLower(choices), gold)
	return res
}

// ruleLabels is the no-judge rule of both profiles: a final answer that is
// nothing but option labels ("C", "(B)", "A, C"; digits too in the official
// profile, whose judge may answer numbers) is compared as a set; anything
// else is unresolved and wrong.
func ruleLabels(res sdk.ItemResult, final string, gold []string, digits bool) sdk.ItemResult {
	labels, ok := labelSet(final, digits)
	if !ok {
		res.Path, res.Reason = sdk.PathNoJudge, "no judge configured and the final answer is not a bare set of option letters"
		return res
	}
	res.Path, res.Extracted = sdk.PathRule, strings.Join(labels, ", ")
	res.Hit = slices.Equal(sortedLower(labels), gold)
	return res
}

func withNote(res sdk.ItemResult, note string) sdk.ItemResult {
	if note == "" {
		return res
	}
	if res.Reason == "" {
		res.Reason = note
	} else {
		res.Reason += "; " + note
	}
	return res
}
