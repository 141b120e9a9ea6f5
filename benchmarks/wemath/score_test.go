package wemath

import (
	"context"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/vlmlab/harness/benchmarks/bench"
	"github.com/vlmlab/harness/plugins/sdk"
)

var approx = cmpopts.EquateApprox(0, 1e-9)

func loadSmall(t *testing.T, profile, judge string) *Dataset {
	t.Helper()
	d, err := Load(context.Background(), sdk.LoadRequest{
		Path: filepath.Join("testdata", "testmini_small.json"), Profile: profile, Judge: judge, AllowPartial: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

const thought = "<Thought process>: <<AB is twice the unit>> <Answer>: <<"

// smallLeaderboard answers the 17 items of testmini_small.json so that the
// groups fall in every category: 2steps_1 IG, 2steps_2 RM strict / CM loose,
// 2steps_3 CM, 3steps_1 RM (both), 3steps_2 IK; answers go through can_infer,
// the judge (template answers, a Z, three failed matches) and the cut-off rule.
var smallLeaderboard = []sdk.Response{
	{ItemID: "2steps_1.1", Text: "The answer is B"},
	{ItemID: "2steps_1.2", Text: thought + "C>>"},
	{ItemID: "2steps_1.multi", Text: "<think>AB is 4</think><answer>A</answer>"},
	{ItemID: "2steps_2.1", Text: "<answer>A</answer>"},
	{ItemID: "2steps_2.2", Text: "It is none of them really, I would say something else entirely"},
	{ItemID: "2steps_2.multi", Text: thought + "C>>"},
	{ItemID: "2steps_3.1", Text: "D"},
	{ItemID: "2steps_3.2", Text: thought + "A>>"},
	{ItemID: "2steps_3.multi", Text: "So B."},
	{ItemID: "3steps_1.1", Text: "I don't know"},
	{ItemID: "3steps_1.2", Text: "A"},
	{ItemID: "3steps_1.3", Text: "<think>I keep thinking about the ruler"},
	{ItemID: "3steps_1.multi", Text: "B"},
	{ItemID: "3steps_2.1", Text: thought + "A>>"},
	{ItemID: "3steps_2.2", Text: "D"},
	{ItemID: "3steps_2.3", Text: "A"},
	{ItemID: "3steps_2.multi", Text: "C"},
}

// smallOfficial gives the same marks in the official template.
var smallOfficial = func() []sdk.Response {
	letters := map[string]string{
		"2steps_1.1": "B", "2steps_1.2": "C", "2steps_1.multi": "A",
		"2steps_2.1": "A", "2steps_2.2": "A", "2steps_2.multi": "C",
		"2steps_3.1": "D", "2steps_3.2": "A", "2steps_3.multi": "B",
		"3steps_1.2": "A", "3steps_1.multi": "B",
		"3steps_2.1": "A", "3steps_2.2": "D", "3steps_2.3": "A", "3steps_2.multi": "C",
	}
	var rs []sdk.Response
	for _, r := range smallLeaderboard {
		text := r.Text
		if l, ok := letters[r.ItemID]; ok {
			text = thought + l + ">>"
		}
		rs = append(rs, sdk.Response{ItemID: r.ItemID, Text: text})
	}
	return rs
}()

// scriptedJudge reads the option the way a judge model would: the letter in
// "<Answer>: <<X>>" of the prediction, Z for a non-answer, nothing usable
// for "I don't know".
func scriptedJudge(q sdk.JudgeRequest) sdk.JudgeAnswer {
	i := strings.LastIndex(q.Prompt, "Answer: <start>\n")
	pred := strings.TrimSuffix(q.Prompt[i+len("Answer: <start>\n"):], "\n<end>\nYour output: ")
	switch {
	case strings.Contains(pred, "<Answer>: <<"):
		_, after, _ := strings.Cut(pred, "<Answer>: <<")
		return sdk.JudgeAnswer{Key: q.Key, Text: after[:1]}
	case strings.HasPrefix(pred, "It is none"):
		return sdk.JudgeAnswer{Key: q.Key, Text: "Z"}
	}
	return sdk.JudgeAnswer{Key: q.Key, Text: "unclear"}
}

func wantSmallMetrics() []sdk.Metric {
	return []sdk.Metric{
		{Name: MetricScoreStrict, Value: 100 * 1.5 / 5}, // (5 − 0.5·1 − 2 − 1)/5 over the 5 groups present
		{Name: "InsufficientKnowledge (Strict)", Value: 100.0 / 5},
		{Name: "InadequateGeneralization (Strict)", Value: 100.0 / 5},
		{Name: "CompleteMastery (Strict)", Value: 100.0 / 5},
		{Name: "RoteMemorization (Strict)", Value: 200.0 / 3},
		{Name: MetricScoreLoose, Value: 100 * 2.5 / 5},
		{Name: "InsufficientKnowledge (Loose)", Value: 100.0 / 5},
		{Name: "InadequateGeneralization (Loose)", Value: 100.0 / 5},
		{Name: "CompleteMastery (Loose)", Value: 200.0 / 5},
		{Name: "RoteMemorization (Loose)", Value: 100.0 / 3},
		{Name: MetricS1, Value: 700.0 / 12},
		{Name: MetricS2, Value: 200.0 / 3},
		{Name: MetricS3, Value: 50},
	}
}

func wantSmallBreakdowns() []sdk.Breakdown {
	return []sdk.Breakdown{
		{Name: BreakdownStrict, Rows: []sdk.Row{
			{Key: "IK", Total: 5, Hit: 1, Value: 100.0 / 5}, {Key: "IG", Total: 5, Hit: 1, Value: 100.0 / 5},
			{Key: "CM", Total: 5, Hit: 1, Value: 100.0 / 5}, {Key: "RM", Total: 3, Hit: 2, Value: 200.0 / 3}}},
		{Name: BreakdownLoose, Rows: []sdk.Row{
			{Key: "IK", Total: 5, Hit: 1, Value: 100.0 / 5}, {Key: "IG", Total: 5, Hit: 1, Value: 100.0 / 5},
			{Key: "CM", Total: 5, Hit: 2, Value: 200.0 / 5}, {Key: "RM", Total: 3, Hit: 1, Value: 100.0 / 3}}},
		{Name: BreakdownSteps, Rows: []sdk.Row{
			{Key: MetricS1, Total: 12, Hit: 7, Value: 700.0 / 12},
			{Key: MetricS2, Total: 3, Hit: 2, Value: 200.0 / 3},
			{Key: MetricS3, Total: 2, Hit: 1, Value: 50}}},
		// Concept accuracies: Length Units 2/4, Angles 3/4, Area 1/3,
		// Perimeter 1/1; Plane Figures is the mean of Area and Perimeter.
		{Name: BreakdownDomain, Rows: []sdk.Row{
			{Key: "Units", Total: 1, Hit: 0.5, Value: 50},
			{Key: "Angles and Length", Total: 1, Hit: 0.75, Value: 75},
			{Key: "Plane Figures", Total: 2, Hit: 4.0 / 3, Value: 200.0 / 3}}},
	}
}

func TestScoreHandBuiltLeaderboard(t *testing.T) {
	d := loadSmall(t, sdk.ProfileLeaderboard, "gpt-4o-mini")
	rep, err := bench.Drive(context.Background(), d, smallLeaderboard, scriptedJudge)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantSmallMetrics(), rep.Metrics, approx); diff != "" {
		t.Errorf("metrics (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantSmallBreakdowns(), rep.Breakdowns, approx); diff != "" {
		t.Errorf("breakdowns (-want +got):\n%s", diff)
	}
	if rep.Primary != MetricScoreStrict || math.Abs(rep.Score-100*1.5/5) > 1e-9 {
		t.Errorf("primary %q = %v", rep.Primary, rep.Score)
	}
	if rep.Rule != 10 || rep.Judged != 5 || rep.Unresolved != 2 {
		t.Errorf("rule/judged/unresolved = %d/%d/%d, want 10/5/2", rep.Rule, rep.Judged, rep.Unresolved)
	}
	byID := map[string]sdk.ItemResult{}
	for _, it := range rep.Items {
		byID[it.ID] = it
	}
	for id, want := range map[string]string{
		"2steps_2.2":     "judge Z false",
		"3steps_1.1":     "judge-failed  false",
		"3steps_1.3":     "judge-failed  false",
		"2steps_1.2":     "judge C true",
		"2steps_3.multi": "rule B true",
	} {
		it := byID[id]
		if got := it.Path + " " + it.Extracted + " " + map[bool]string{true: "true", false: "false"}[it.Hit]; got != want {
			t.Errorf("%s: %s (%s), want %s", id, got, it.Reason, want)
		}
	}
	if r := byID["3steps_1.1"].Reason; !strings.Contains(r, "judge matched no option in 3 attempts") {
		t.Errorf("reason = %q", r)
	}
}

func TestScoreHandBuiltOfficial(t *testing.T) {
	d := loadSmall(t, sdk.ProfileOfficial, "gpt-4o-mini")
	res, err := d.Score(context.Background(), smallOfficial, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Report == nil {
		t.Fatalf("official profile asked the judge: %v", res.Pending)
	}
	rep := res.Report
	if diff := cmp.Diff(wantSmallMetrics(), rep.Metrics, approx); diff != "" {
		t.Errorf("metrics (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantSmallBreakdowns(), rep.Breakdowns, approx); diff != "" {
		t.Errorf("breakdowns (-want +got):\n%s", diff)
	}
	if rep.Rule != 15 || rep.Unresolved != 2 {
		t.Errorf("rule/unresolved = %d/%d, want 15/2", rep.Rule, rep.Unresolved)
	}
}

func TestJudgeRequest(t *testing.T) {
	d := loadSmall(t, sdk.ProfileLeaderboard, "gpt-4o-mini")
	res, err := d.Score(context.Background(), []sdk.Response{{ItemID: "2steps_1.2", Text: thought + "C>>"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	prompt := "You are an AI assistant who will help me to match an answer with several options of a single-choice question. " +
		"You are provided with a question, several options, and an answer, and you need to find which option is most similar to the answer. " +
		"If the meaning of all options are significantly different from the answer, output Z. " +
		"Your should output a single uppercase character in A, B, C, D, E, F, G (if they are valid options), and Z. \n" +
		"Example 1: \nQuestion: <start>\nWhat is the main object in image?\nOptions: A. teddy bear B. rabbit C. cat D. dog\n<end>\n" +
		"Answer: <start>\na cute teddy bear\n<end>\nYour output: A\n" +
		"Example 2: \nQuestion: <start>\nWhat is the main object in image?\nOptions: A. teddy bear B. rabbit C. cat D. dog\n<end>\n" +
		"Answer: <start>\nSpider\n<end>\nYour output: Z\n" +
		"Example 3: \nQuestion: <start>\nQuestion 2 of group 2steps_1 (2steps_2): how long is AB?\n\n" +
		"Options: There are several options: \nA. 2 cm\nB. 3 cm\nC. 4 cm\nD. 5 cm\nE. No correct answer\n\n<end>\n" +
		"Answer: <start>\n" + thought + "C>>\n<end>\nYour output: "
	want := []sdk.JudgeRequest{{Key: "2steps_1.2/match/0", ItemID: "2steps_1.2", Stage: "match", Prompt: prompt, MaxTokens: 2048}}
	if diff := cmp.Diff(want, res.Pending); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// A failed API call (an error, or VLMEvalKit's failure text) uses up an
	// attempt; the next one is asked.
	res, err = d.Score(context.Background(), []sdk.Response{{ItemID: "2steps_1.2", Text: thought + "C>>"}}, []sdk.JudgeAnswer{
		{Key: "2steps_1.2/match/0", Error: "rate limited"},
		{Key: "2steps_1.2/match/1", Text: "Failed to obtain answer via API. C"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Pending) != 1 || res.Pending[0].Key != "2steps_1.2/match/2" || res.Pending[0].Temperature != 0 {
		t.Errorf("pending = %+v", res.Pending)
	}
}

func TestScoreNoJudge(t *testing.T) {
	d := loadSmall(t, sdk.ProfileLeaderboard, "")
	rep, err := bench.Drive(context.Background(), d, smallLeaderboard, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The five judge items and "I don't know" are unresolved and wrong; none
	// is guessed.
	if rep.Judged != 0 || rep.Unresolved != 7 || rep.Rule != 10 {
		t.Errorf("rule/judged/unresolved = %d/%d/%d, want 10/0/7", rep.Rule, rep.Judged, rep.Unresolved)
	}
	for _, it := range rep.Items {
		if sdk.IsUnresolved(it.Path) && it.Hit {
			t.Errorf("%s: unresolved but hit", it.ID)
		}
	}
}

func TestScoreResponseProblems(t *testing.T) {
	ctx := context.Background()
	d := loadSmall(t, sdk.ProfileOfficial, "")
	rep, err := bench.Drive(ctx, d, []sdk.Response{
		{ItemID: "2steps_1.1", Failed: true, Error: "timeout"},
		{ItemID: "2steps_1.2", Text: "  \n "},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// A blank reply goes through the official rule, which finds no letter.
	for i, want := range []string{"model failed: timeout", "no option letter after the last \"Answer\"", "no response"} {
		if it := rep.Items[i]; it.Hit || it.Path != sdk.PathUnresolved || it.Reason != want {
			t.Errorf("item %d = %+v, want reason %q", i, it, want)
		}
	}
	if _, err := d.Score(ctx, []sdk.Response{{ItemID: "9steps_1.1"}}, nil); err == nil || !strings.Contains(err.Error(), "not in the data file") {
		t.Errorf("unknown item: err = %v", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := d.Score(cancelled, nil, nil); err == nil {
		t.Error("cancelled context: no error")
	}
}
