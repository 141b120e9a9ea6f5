package logicvista

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/vlmlab/harness/benchmarks/bench"
	"github.com/vlmlab/harness/plugins/sdk"
)

// competentJudge behaves like a good judge model: it reads the labels after
// "The answer is" and writes them the way each prompt asks: letters run
// together (leaderboard), or the JSON list of choices (official).
func competentJudge(q sdk.JudgeRequest) sdk.JudgeAnswer {
	p := q.Prompt
	var reply string
	if i := strings.LastIndex(p, "Answer: <start>\n"); i >= 0 && strings.HasSuffix(p, "Your output: ") {
		reply = p[i+len("Answer: <start>\n") : strings.LastIndex(p, "\n<end>\nYour output: ")]
	} else {
		i := strings.LastIndex(p, "\nThe answer is \"")
		reply = p[i+len("\nThe answer is \""):]
		reply = reply[:strings.Index(reply, "\"\n")]
	}
	reply = strings.TrimSuffix(strings.TrimPrefix(reply, "The answer is "), ".")
	labels := strings.Split(reply, ", ")
	if strings.HasSuffix(p, "Your output: ") {
		return sdk.JudgeAnswer{Key: q.Key, Text: strings.Join(labels, "")}
	}
	b, _ := json.Marshal(map[string][]string{"choices": labels})
	return sdk.JudgeAnswer{Key: q.Key, Text: string(b)}
}

func responses(d *Dataset, answer func(p *problem) string) []sdk.Response {
	out := make([]sdk.Response, len(d.problems))
	for i := range d.problems {
		p := &d.problems[i]
		text := "<think>Compare the figures one by one and apply the rule.</think><answer>The answer is " + answer(p) + ".</answer>"
		if answer(p) == "" {
			text = "<think>The question is missing, so there is nothing to answer.</think><answer></answer>"
		}
		out[i] = sdk.Response{ItemID: p.id, Text: text}
	}
	return out
}

func correct(p *problem) string { return p.answer }

func wrong(p *problem) string {
	switch p.answer {
	case "":
		return "A"
	case "3":
		return "1"
	case "A, C":
		return "B"
	case "B, D":
		return "A"
	}
	return string(rune('A' + (p.answer[0]-'A'+1)%5))
}

// On the real annotations, correct answers score 100% except the documented
// unreachable items, and wrong answers score 0, with a competent judge.
func TestRealFileWithCompetentJudge(t *testing.T) {
	tests := []struct {
		profile   string
		missed    []string // unreachable with correct answers
		judged    int
		ruleItems int
	}{
		// v1_20 ("3") cannot pass the upper-case-letters check; v1_382 has no answer.
		{sdk.ProfileLeaderboard, []string{"v1_20", "v1_382"}, Items - 2, 1},
		// The official rule scores v1_382's empty reply right.
		{sdk.ProfileOfficial, nil, Items - 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.profile, func(t *testing.T) {
			d := loadReal(t, tt.profile, "scripted")
			rep, err := bench.Drive(context.Background(), d, responses(d, correct), competentJudge)
			if err != nil {
				t.Fatal(err)
			}
			var missed []string
			for _, it := range rep.Items {
				if !it.Hit {
					missed = append(missed, it.ID)
				}
			}
			if strings.Join(missed, " ") != strings.Join(tt.missed, " ") || rep.Judged != tt.judged || rep.Rule != tt.ruleItems {
				t.Fatalf("correct answers: missed %v (want %v), judged %d, rule %d", missed, tt.missed, rep.Judged, rep.Rule)
			}
			if want := 100 * float64(Items-len(tt.missed)) / Items; rep.Score != want {
				t.Errorf("score %v, want %v", rep.Score, want)
			}
			skills := map[string]int{}
			for _, b := range rep.Breakdowns {
				for _, r := range b.Rows {
					if b.Name == BySkill {
						skills[r.Key] = r.Total
					}
				}
			}
			if skills["inductive"] != 107 || skills["mechanical"] != 74 || len(skills) != 5 {
				t.Errorf("skill rows %v", skills)
			}
			rep, err = bench.Drive(context.Background(), d, responses(d, wrong), competentJudge)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Score != 0 {
				t.Errorf("wrong answers score %v", rep.Score)
			}
		})
	}
}

func BenchmarkLoadAndScoreRuleOnly(b *testing.B) {
	ctx := context.Background()
	bare := func(d *Dataset) []sdk.Response {
		out := make([]sdk.Response, len(d.problems))
		for i, p := range d.problems {
			out[i] = sdk.Response{ItemID: p.id, Text: "<think>…</think>" + p.answer}
		}
		return out
	}
	for b.Loop() {
		d := loadReal(b, sdk.ProfileLeaderboard, "")
		if _, err := bench.Drive(ctx, d, bare(d), nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoadAndScoreScriptedJudge(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		d := loadReal(b, sdk.ProfileLeaderboard, "scripted")
		if _, err := bench.Drive(ctx, d, responses(d, correct), competentJudge); err != nil {
			b.Fatal(err)
		}
	}
}
