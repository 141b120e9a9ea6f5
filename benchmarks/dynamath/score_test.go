package dynamath

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/vlmlab/harness/benchmarks/bench"
	"github.com/vlmlab/harness/plugins/sdk"
)

// piSeeds: seed 1's answer in variant k is k·π (4 decimals).
var piSeeds = []seedSpec{
	{1, TypeFloat, "algebra", "high school", func(k int) string { return fmt.Sprintf("%.4f", float64(k)*math.Pi) }},
	{2, TypeChoice, "statistics", "elementary school", constant("B")},
	{3, TypeText, "algebra", "undergraduate", constant("(0, 6)")},
}

func loadSynthetic(t *testing.T, seeds []seedSpec, variants int, profile, judge string) *Dataset {
	t.Helper()
	d, err := Load(context.Background(), sdk.LoadRequest{
		Path: writeVariants(t, seeds, variants), Profile: profile, Judge: judge, AllowPartial: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// handBuilt hits every rule of both profiles on the 30 items of piSeeds.
func handBuilt() []sdk.Response {
	var rs []sdk.Response
	add := func(id, text string) { rs = append(rs, sdk.Response{ItemID: id, Text: text}) }
	for k := 1; k <= Variants; k++ {
		id := fmt.Sprintf("1-v%d", k)
		if k == 4 {
			add(id, "<think>period 2π/b with b = 1/2</think><answer>12.566</answer>") // no JSON: the whole answer is the number
			continue
		}
		add(id, fmt.Sprintf("{\"solution\": \"The period is 2π/b.\\nSo\", \"short answer\": \"%dπ\"}", k))
	}
	for k := 1; k <= Variants; k++ {
		letter := "B"
		if k == 7 {
			letter = "C" // one wrong variant fails the whole seed in the worst case
		}
		add(fmt.Sprintf("2-v%d", k), "```json\n{\"solution\": \"Dark Magenta is shorter.\", \"short answer\": \""+letter+"\"}\n```")
	}
	for k := 1; k <= Variants; k++ {
		id := fmt.Sprintf("3-v%d", k)
		switch k {
		case 1:
			add(id, `{"short answer": "0, 6"}`) // prediction inside the gold: right for VLMEvalKit only
		case 2:
			add(id, `{"short answer": ""}`) // empty: right for VLMEvalKit only
		case 3:
			add(id, `<think>The intercept.</think><answer>{"short answer": "(0, 6)"}</answer>`)
		default:
			add(id, `{"solution": "y-intercept", "short answer": "(0, 6)"}`)
		}
	}
	return rs
}

var approx = cmpopts.EquateApprox(0, 1e-9)

func TestScoreHandBuiltLeaderboard(t *testing.T) {
	d := loadSynthetic(t, piSeeds, Variants, sdk.ProfileLeaderboard, "")
	rep, err := bench.Drive(context.Background(), d, handBuilt(), nil)
	if err != nil {
		t.Fatal(err)
	}
	wantMetrics := []sdk.Metric{{Name: MetricWorstCase, Value: 200.0 / 3}, {Name: MetricAverage, Value: 2900.0 / 30}}
	if diff := cmp.Diff(wantMetrics, rep.Metrics, approx); diff != "" {
		t.Errorf("metrics (-want +got):\n%s", diff)
	}
	wantBreakdowns := []sdk.Breakdown{
		{Name: BreakdownWorstSubject, Rows: []sdk.Row{{Key: "algebra", Total: 2, Hit: 2, Value: 100}, {Key: "statistics", Total: 1, Hit: 0, Value: 0}}},
		{Name: BreakdownWorstLevel, Rows: []sdk.Row{{Key: "elementary school", Total: 1, Value: 0}, {Key: "high school", Total: 1, Hit: 1, Value: 100}, {Key: "undergraduate", Total: 1, Hit: 1, Value: 100}}},
		{Name: BreakdownAverageSubject, Rows: []sdk.Row{{Key: "algebra", Total: 20, Hit: 20, Value: 100}, {Key: "statistics", Total: 10, Hit: 9, Value: 90}}},
		{Name: BreakdownAverageLevel, Rows: []sdk.Row{{Key: "elementary school", Total: 10, Hit: 9, Value: 90}, {Key: "high school", Total: 10, Hit: 10, Value: 100}, {Key: "undergraduate", Total: 10, Hit: 10, Value: 100}}},
	}
	if diff := cmp.Diff(wantBreakdowns, rep.Breakdowns, approx); diff != "" {
		t.Errorf("breakdowns (-want +got):\n%s", diff)
	}
	if rep.Primary != MetricWorstCase || math.Abs(rep.Score-200.0/3) > 1e-9 || rep.Rule != 30 || rep.Judged != 0 || rep.Unresolved != 0 {
		t.Errorf("primary %q score %v rule/judged/unresolved %d/%d/%d", rep.Primary, rep.Score, rep.Rule, rep.Judged, rep.Unresolved)
	}
	byID := map[string]sdk.ItemResult{}
	for _, it := range rep.Items {
		byID[it.ID] = it
	}
	for id, ext := range map[string]string{"1-v2": "6.283185307179586", "1-v4": "12.566", "2-v7": "C", "3-v1": "0, 6", "3-v2": "", "3-v3": "(0, 6)"} {
		if byID[id].Extracted != ext {
			t.Errorf("%s extracted %q, want %q", id, byID[id].Extracted, ext)
		}
	}
}

func TestScoreHandBuiltOfficial(t *testing.T) {
	d := loadSynthetic(t, piSeeds, Variants, sdk.ProfileOfficial, "gpt-4o-mini")
	res, err := d.Score(context.Background(), handBuilt(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Report == nil {
		t.Fatalf("official profile asked the judge: %v", res.Pending)
	}
	rep := res.Report
	// 1-v4 has no JSON (unresolved); 2-v7 is wrong; 3-v1 and 3-v2 fail the
	// official direction (gold ⊆ prediction): 26 of 30, no seed all right.
	wantMetrics := []sdk.Metric{{Name: MetricWorstCase, Value: 0}, {Name: MetricAverage, Value: 2600.0 / 30}}
	if diff := cmp.Diff(wantMetrics, rep.Metrics, approx); diff != "" {
		t.Errorf("metrics (-want +got):\n%s", diff)
	}
	if rep.Rule != 29 || rep.Unresolved != 1 || rep.Judged != 0 {
		t.Errorf("rule/judged/unresolved = %d/%d/%d", rep.Rule, rep.Judged, rep.Unresolved)
	}
}

func TestScoreJudge(t *testing.T) {
	responses := []sdk.Response{
		{ItemID: "1-v1", Text: "approximately pi"},
		{ItemID: "2-v1", Text: "b) is my pick, as the bar is taller"},
		{ItemID: "3-v1", Text: "(0, 6)"},
	}
	ctx := context.Background()

	t.Run("judge answers", func(t *testing.T) {
		d := loadSynthetic(t, piSeeds, 1, sdk.ProfileLeaderboard, "gpt-4o-mini")
		res, err := d.Score(ctx, responses, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := []sdk.JudgeRequest{
			{Key: "1-v1/format/0", ItemID: "1-v1", Stage: "format", System: JudgeSystem,
				Prompt:    "Free-form answer: approximately pi\nInstruction: Output a three-digit floating-point number in a single line.",
				MaxTokens: 2048},
			{Key: "2-v1/format/0", ItemID: "2-v1", Stage: "format", System: JudgeSystem,
				Prompt:    "Free-form answer: b) is my pick, as the bar is taller\nInstruction: Output the corresponing choice option, such as 'A', 'B', 'C', 'D', in a single line.",
				MaxTokens: 2048},
		}
		if diff := cmp.Diff(want, res.Pending); diff != "" {
			t.Fatalf("judge requests (-want +got):\n%s", diff)
		}
		rep, err := bench.Drive(ctx, d, responses, func(q sdk.JudgeRequest) sdk.JudgeAnswer {
			return sdk.JudgeAnswer{Key: q.Key, Text: map[string]string{"1-v1": "3.142", "2-v1": "B"}[q.ItemID]}
		})
		if err != nil {
			t.Fatal(err)
		}
		got := [][3]string{}
		for _, it := range rep.Items {
			got = append(got, [3]string{it.ID, it.Path, fmt.Sprint(it.Hit)})
		}
		wantItems := [][3]string{{"1-v1", sdk.PathJudge, "true"}, {"2-v1", sdk.PathJudge, "true"}, {"3-v1", sdk.PathRule, "true"}}
		if diff := cmp.Diff(wantItems, got); diff != "" {
			t.Errorf("items (-want +got):\n%s", diff)
		}
		if rep.Judged != 2 || rep.Rule != 1 {
			t.Errorf("judged %d rule %d", rep.Judged, rep.Rule)
		}
	})

	t.Run("judge output does not parse", func(t *testing.T) {
		d := loadSynthetic(t, piSeeds, 1, sdk.ProfileLeaderboard, "gpt-4o-mini")
		rep, err := bench.Drive(ctx, d, responses, func(q sdk.JudgeRequest) sdk.JudgeAnswer {
			if q.ItemID == "1-v1" {
				return sdk.JudgeAnswer{Key: q.Key, Error: "API down"}
			}
			return sdk.JudgeAnswer{Key: q.Key, Text: "cannot tell"}
		})
		if err != nil {
			t.Fatal(err)
		}
		f, mc := rep.Items[0], rep.Items[1]
		if f.Path != sdk.PathJudgeFailed || f.Hit {
			t.Errorf("float item = %+v", f)
		}
		// The multiple-choice last resort: "B" among the first 3 characters.
		if mc.Path != sdk.PathRule || !mc.Hit || !strings.Contains(mc.Reason, "first 3 characters") {
			t.Errorf("choice item = %+v", mc)
		}
	})

	t.Run("no judge", func(t *testing.T) {
		d := loadSynthetic(t, piSeeds, 1, sdk.ProfileLeaderboard, "")
		rep, err := bench.Drive(ctx, d, responses, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range rep.Items[:2] {
			if it.Path != sdk.PathNoJudge || it.Hit || !strings.Contains(it.Reason, "no judge") {
				t.Errorf("item = %+v", it)
			}
		}
		if rep.Unresolved != 2 || rep.Rule != 1 {
			t.Errorf("unresolved %d rule %d", rep.Unresolved, rep.Rule)
		}
	})
}

func TestScoreResponseProblems(t *testing.T) {
	ctx := context.Background()
	d := loadSynthetic(t, piSeeds, 1, sdk.ProfileLeaderboard, "")
	rep, err := bench.Drive(ctx, d, []sdk.Response{
		{ItemID: "1-v1", Text: `<think>{"short answer": "1π"} hmm, wait`},
		{ItemID: "2-v1", Failed: true, Error: "timeout"},
		// 3-v1 has no response
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Cut off while reasoning: VLMEvalKit's post-processing passes the
	// whole response, and its JSON preprocess still finds the short answer.
	if it := rep.Items[0]; !it.Hit || it.Path != sdk.PathRule || it.Extracted != "3.141592653589793" {
		t.Errorf("item 0 = %+v, want a rule hit on 1π", it)
	}
	for i, want := range []string{"model failed: timeout", "no response"} {
		if it := rep.Items[i+1]; it.Hit || it.Path != sdk.PathUnresolved || it.Reason != want {
			t.Errorf("item %d = %+v, want reason %q", i+1, it, want)
		}
	}
	if _, err := d.Score(ctx, []sdk.Response{{ItemID: "9-v1"}}, nil); err == nil || !strings.Contains(err.Error(), "not in the data file") {
		t.Errorf("unknown item: err = %v", err)
	}
	if _, err := d.Score(ctx, []sdk.Response{{ItemID: "1-v1"}, {ItemID: "1-v1"}}, nil); err == nil || !strings.Contains(err.Error(), "two responses") {
		t.Errorf("duplicate: err = %v", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := d.Score(cancelled, nil, nil); err == nil {
		t.Error("cancelled context: no error")
	}
}
