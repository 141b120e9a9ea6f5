package mathverse

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/vlmlab/harness/benchmarks/bench"
	"github.com/vlmlab/harness/internal/testenv"
	"github.com/vlmlab/harness/plugins/sdk"
)

// competentJudge behaves like a good judge model: it extracts what follows
// "The answer is" (or the whole response), and calls two answers consistent
// when they are the same text or the same set of option letters.
func competentJudge(q sdk.JudgeRequest) sdk.JudgeAnswer {
	p := q.Prompt
	switch q.Stage {
	case StageExtract:
		i := strings.LastIndex(p, "Model response: '")
		j := strings.LastIndex(p, "'\nExtracted Answer: ")
		resp := p[i+len("Model response: '") : j]
		if k := strings.LastIndex(resp, "The answer is "); k >= 0 {
			resp = resp[k+len("The answer is "):]
		}
		return sdk.JudgeAnswer{Key: q.Key, Text: strings.TrimSuffix(strings.TrimSpace(resp), ".")}
	case StageScore:
		std := between(p, "[Standard Answer]: ", "[Model_answer] : ")
		got := between(p, "[Model_answer] : ", "Judgement:")
		if same(std, got) {
			return sdk.JudgeAnswer{Key: q.Key, Text: "1"}
		}
		return sdk.JudgeAnswer{Key: q.Key, Text: "0"}
	}
	return sdk.JudgeAnswer{Key: q.Key, Error: "unknown stage " + q.Stage}
}

// between returns the text after the last from and before the next to.
func between(s, from, to string) string {
	s = s[strings.LastIndex(s, from)+len(from):]
	return strings.TrimSpace(s[:strings.Index(s, to)])
}

func same(a, b string) bool {
	a, b = strings.TrimSuffix(strings.TrimSpace(a), "."), strings.TrimSuffix(strings.TrimSpace(b), ".")
	if a == b {
		return true
	}
	la, oka := letterSet(a)
	lb, okb := letterSet(b)
	return oka && okb && slices.Equal(la, lb)
}

// asWritten is how a model writes the standard answer: without stray
// spaces, and option letters as a list ("C, D" for "C\nD").
func asWritten(gold string) string {
	if l, ok := letterSet(gold); ok {
		return strings.Join(l, ", ")
	}
	return strings.TrimSpace(gold)
}

// wrongAnswer is an answer that differs from gold.
func wrongAnswer(p *problem) string {
	if l, ok := letterSet(p.answer); ok && len(l) == 1 {
		return string(rune('A' + (l[0][0]-'A'+1)%4))
	}
	return "999999"
}

func responses(d *Dataset, answer func(p *problem) string) []sdk.Response {
	out := make([]sdk.Response, len(d.problems))
	for i := range d.problems {
		p := &d.problems[i]
		out[i] = sdk.Response{ItemID: p.id, Text: fmt.Sprintf(
			"<think>Read the question in the figure, work it out step by step, check the result.</think>The answer is %s.", answer(p))}
	}
	return out
}

// On the real annotations, correct answers score 100% and wrong ones 0% in
// both profiles, with a judge that does its job.
func TestRealFileWithCompetentJudge(t *testing.T) {
	for _, profile := range []string{sdk.ProfileLeaderboard, sdk.ProfileOfficial} {
		t.Run(profile, func(t *testing.T) {
			d := loadReal(t, profile, "scripted")
			rep, err := bench.Drive(context.Background(), d, responses(d, func(p *problem) string { return asWritten(p.answer) }), competentJudge)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Score != 100 || rep.Judged != Items {
				for _, it := range rep.Items {
					if !it.Hit {
						t.Errorf("item %s missed: extracted %q, %s", it.ID, it.Extracted, it.Reason)
					}
				}
				t.Fatalf("correct answers: score %v, judged %d", rep.Score, rep.Judged)
			}
			for _, b := range rep.Breakdowns {
				for _, r := range b.Rows {
					if r.Value != 100 {
						t.Errorf("%s %s = %v", b.Name, r.Key, r.Value)
					}
				}
			}
			rep, err = bench.Drive(context.Background(), d, responses(d, wrongAnswer), competentJudge)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Score != 0 || rep.Judged != Items {
				t.Fatalf("wrong answers: score %v, judged %d", rep.Score, rep.Judged)
			}
		})
	}
}

// Without a judge, bare correct answers are all resolved by rule; bare wrong
// ones are resolved misses for option letters and unresolved otherwise.
func TestRealFileWithoutJudge(t *testing.T) {
	d := loadReal(t, sdk.ProfileLeaderboard, "")
	bare := func(answer func(p *problem) string) []sdk.Response {
		out := make([]sdk.Response, len(d.problems))
		for i := range d.problems {
			out[i] = sdk.Response{ItemID: d.problems[i].id, Text: answer(&d.problems[i])}
		}
		return out
	}
	rep, err := bench.Drive(context.Background(), d, bare(func(p *problem) string { return asWritten(p.answer) }), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Score != 100 || rep.Rule != Items {
		t.Errorf("bare correct answers: score %v, rule %d", rep.Score, rep.Rule)
	}
	rep, err = bench.Drive(context.Background(), d, bare(wrongAnswer), nil)
	if err != nil {
		t.Fatal(err)
	}
	// Resolved misses: a wrong option letter, or a wrong number for a plain
	// number; the rest (999999 for an expression) needs a judge.
	resolved := 0
	for i := range d.problems {
		p := &d.problems[i]
		_, num := strconv.ParseFloat(strings.TrimSpace(p.answer), 64)
		if l, ok := letterSet(p.answer); ok && len(l) == 1 && p.multiChoice() || !p.multiChoice() && num == nil {
			resolved++
		}
	}
	if rep.Score != 0 || rep.Rule != resolved || rep.Unresolved != Items-resolved {
		t.Errorf("bare wrong answers: score %v, rule %d (want %d), unresolved %d", rep.Score, rep.Rule, resolved, rep.Unresolved)
	}
}

func BenchmarkLoadAndScoreRuleOnly(b *testing.B) {
	path := testenv.SharedPath(b, "data", "mathverse", "testmini_text_only.json")
	ctx := context.Background()
	for b.Loop() {
		ds, err := New().Load(ctx, sdk.LoadRequest{Path: path})
		if err != nil {
			b.Fatal(err)
		}
		d := ds.(*Dataset)
		if _, err := bench.Drive(ctx, d, responses(d, func(p *problem) string { return asWritten(p.answer) }), nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoadAndScoreScriptedJudge(b *testing.B) {
	path := testenv.SharedPath(b, "data", "mathverse", "testmini_text_only.json")
	ctx := context.Background()
	for b.Loop() {
		ds, err := New().Load(ctx, sdk.LoadRequest{Path: path, Judge: "scripted"})
		if err != nil {
			b.Fatal(err)
		}
		d := ds.(*Dataset)
		if _, err := bench.Drive(ctx, d, responses(d, func(p *problem) string { return asWritten(p.answer) }), competentJudge); err != nil {
			b.Fatal(err)
		}
	}
}
