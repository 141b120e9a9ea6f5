package logicvista

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vlmlab/harness/benchmarks/bench"
	"github.com/vlmlab/harness/plugins/sdk"
)

// judgeErr in a script stands for a judge call the host could not make.
const judgeErr = "<error>"

// script answers judge requests from per-item lists of outputs, one per
// attempt, and records every request it saw.
type script struct {
	t    *testing.T
	outs map[string][]string
	seen []sdk.JudgeRequest
}

func (s *script) judge(q sdk.JudgeRequest) sdk.JudgeAnswer {
	s.seen = append(s.seen, q)
	outs, ok := s.outs[q.ItemID]
	if !ok || q.Attempt >= len(outs) {
		s.t.Errorf("unexpected judge call %s", q.Key)
		return sdk.JudgeAnswer{Key: q.Key, Error: "unscripted"}
	}
	if outs[q.Attempt] == judgeErr {
		return sdk.JudgeAnswer{Key: q.Key, Error: "rate limited"}
	}
	return sdk.JudgeAnswer{Key: q.Key, Text: outs[q.Attempt]}
}

func (s *script) requests(item string) []sdk.JudgeRequest {
	var out []sdk.JudgeRequest
	for _, q := range s.seen {
		if q.ItemID == item {
			out = append(out, q)
		}
	}
	return out
}

type scoreCase struct {
	name     string
	id       string
	response sdk.Response
	judge    []string // judge outputs by attempt; nil: no call expected
	hit      bool
	path     string
	reason   string // substring of the reason
}

func runCases(t *testing.T, profile, judge string, cases []scoreCase) (*sdk.Report, *script) {
	t.Helper()
	d := loadReal(t, profile, judge)
	s := &script{t: t, outs: map[string][]string{}}
	var responses []sdk.Response
	seen := map[string]bool{}
	for _, c := range cases {
		if seen[c.id] {
			t.Fatalf("item %s used twice", c.id)
		}
		seen[c.id] = true
		r := c.response
		r.ItemID = c.id
		responses = append(responses, r)
		if c.judge != nil {
			s.outs[c.id] = c.judge
		}
	}
	rep, err := bench.Drive(context.Background(), d, responses, s.judge)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]sdk.ItemResult{}
	for _, it := range rep.Items {
		got[it.ID] = it
	}
	for _, c := range cases {
		r := got[c.id]
		if r.Hit != c.hit || r.Path != c.path || !strings.Contains(r.Reason, c.reason) {
			t.Errorf("%s (%s): hit=%v path=%s reason=%q; want hit=%v path=%s reason containing %q",
				c.name, c.id, r.Hit, r.Path, r.Reason, c.hit, c.path, c.reason)
		}
		if c.judge == nil && len(s.requests(c.id)) > 0 {
			t.Errorf("%s (%s): the judge was asked", c.name, c.id)
		}
	}
	return rep, s
}

func reply(text string) sdk.Response { return sdk.Response{Text: text} }

func TestScoreLeaderboardRules(t *testing.T) {
	cases := []scoreCase{
		{name: "single letter", id: "v1_0", response: reply("<think>The square moves right.</think>The answer is C."),
			judge: []string{"C"}, hit: true, path: sdk.PathJudge},
		{name: "two letters in any order", id: "v1_1", response: reply("Diagrams C and A have an X in the middle."),
			judge: []string{"CA"}, hit: true, path: sdk.PathJudge},
		{name: "formatted outputs rejected, then accepted", id: "v1_2", response: reply("B and D"),
			judge: []string{"B, D", "B.", judgeErr, "BD"}, hit: true, path: sdk.PathJudge},
		{name: "half of a two-letter answer", id: "v1_5", response: reply("Grid B follows the rule."),
			judge: []string{"B"}, hit: false, path: sdk.PathJudge},
		{name: "numeric answer is unreachable", id: "v1_20", response: reply("Statement 3 is the logical one."),
			judge: []string{"3", "3", "3", "3", "3"}, hit: false, path: sdk.PathJudgeFailed,
			reason: `standard answer "3" is not letters`},
		{name: "wrong letter", id: "v1_21", response: reply("C"), judge: []string{"C"}, path: sdk.PathJudge},
		{name: "empty standard answer", id: "v1_382", response: reply("The answer is A."),
			hit: false, path: sdk.PathRule, reason: "the standard answer is empty"},
		{name: "five invalid outputs", id: "v1_3", response: reply("Either D or maybe A"),
			judge: []string{"D or A", "d", "D.", "(D)", "Failed to obtain answer via API."}, hit: false, path: sdk.PathJudgeFailed,
			reason: "no valid judge output (upper-case letters only) in 5 tries"},
		{name: "no choice: Z", id: "v1_6", response: reply("I cannot see the image."), judge: []string{"Z"}, path: sdk.PathJudge},
		{name: "duplicate letters do not match", id: "v1_8", response: reply("A, A"), judge: []string{"AA"}, path: sdk.PathJudge},
		// VLMEvalKit sends every response to the judge, a reply cut off
		// while reasoning too (the post-processing step passes it whole).
		{name: "cut off in think", id: "v1_7", response: reply("<think>The bottom boxes"), judge: []string{"Z"}, path: sdk.PathJudge},
		{name: "model failure", id: "v1_9", response: sdk.Response{Failed: true, Error: "HTTP 500"}, path: sdk.PathUnresolved,
			reason: "model call failed: HTTP 500"},
		{name: "empty final answer", id: "v1_10", response: reply("<think>hmm</think><answer> </answer>"), judge: []string{"Z"}, path: sdk.PathJudge},
	}
	rep, s := runCases(t, sdk.ProfileLeaderboard, "gpt-4o-mini", cases)
	var temps []float64
	for _, q := range s.requests("v1_2") {
		temps = append(temps, q.Temperature)
	}
	if diff := cmp.Diff([]float64{0, 0.5, 1, 1.5}, temps); diff != "" {
		t.Errorf("retry temperatures (-want +got):\n%s", diff)
	}
	p := s.requests("v1_1")[0].Prompt
	want := "Example 5: \nQuestion: <start>\nWhich choices in the image (A-D) belong to the green category?\n<end>\n" +
		"Answer: <start>\nDiagrams C and A have an X in the middle.\n<end>\nYour output: "
	if !strings.HasSuffix(p, want) || !strings.HasPrefix(p, "You are a information extractor") || strings.Count(p, "Your output: ") != 5 {
		t.Errorf("prompt:\n%s", p)
	}
	if want := 100 * 3.0 / Items; rep.Score != want {
		t.Errorf("score %v, want %v", rep.Score, want)
	}
}

func TestScoreOfficialRules(t *testing.T) {
	cases := []scoreCase{
		{name: "single letter by rule", id: "v1_0", response: reply("C"), hit: true, path: sdk.PathRule},
		{name: "letter outside a-e is ZZZZZ", id: "v1_4", response: reply("G"), hit: false, path: sdk.PathRule},
		{name: "symbol is ZZZZZ", id: "v1_3", response: reply("?"), hit: false, path: sdk.PathRule},
		{name: "digit by rule", id: "v1_20", response: reply("<answer>3</answer>"), hit: true, path: sdk.PathRule},
		{name: "JSON in a code fence", id: "v1_1", response: reply("A and C"),
			judge: []string{"```json\n{\"choices\": [\"C\", \"A\"]}\n```"}, hit: true, path: sdk.PathJudge},
		{name: "prose rejected, bare list accepted", id: "v1_2", response: reply("B, D"),
			judge: []string{"I think B and D", "B, D"}, hit: true, path: sdk.PathJudge},
		{name: "numbers as JSON numbers", id: "v1_21", response: reply("The answer is 2"),
			judge: []string{`{"choices": [2]}`}, hit: false, path: sdk.PathJudge},
		{name: "unreadable five times is ZZZZZ", id: "v1_5", response: reply("Grids B and D"),
			judge: []string{"B and D", "{}", "choices: B D", judgeErr, "???"}, hit: false, path: sdk.PathJudgeFailed,
			reason: "scored as ZZZZZ"},
		{name: "empty reply matches the empty answer", id: "v1_382", response: reply("<think>nothing to see</think><answer></answer>"),
			hit: true, path: sdk.PathRule, reason: "matches it"},
		{name: "empty reply elsewhere", id: "v1_6", response: reply(""), hit: false, path: sdk.PathRule},
		{name: "chat template prefix", id: "v1_8", response: reply("USER: pick ASSISTANT: A"), hit: true, path: sdk.PathRule},
	}
	_, s := runCases(t, sdk.ProfileOfficial, "gpt-4", cases)
	q := s.requests("v1_1")[0]
	if q.Temperature != 0.2 || !strings.Contains(q.Prompt, `correct to the following question: "Which choices in the image (A-D) belong to the green category?"`) ||
		!strings.Contains(q.Prompt, "The answer is \"A and C\"\n") || !strings.HasSuffix(q.Prompt, "Helpful Answer:\n            ") {
		t.Errorf("official request: temp %v\n%s", q.Temperature, q.Prompt)
	}
}

func TestScoreWithoutJudge(t *testing.T) {
	t.Run("leaderboard", func(t *testing.T) {
		rep, _ := runCases(t, sdk.ProfileLeaderboard, "", []scoreCase{
			{name: "letter set", id: "v1_1", response: reply("A, C"), hit: true, path: sdk.PathRule},
			{name: "parenthesised letter", id: "v1_0", response: reply("(C)"), hit: true, path: sdk.PathRule},
			{name: "wrong letter", id: "v1_3", response: reply("A."), hit: false, path: sdk.PathRule},
			{name: "digits are not labels here", id: "v1_20", response: reply("3"), path: sdk.PathNoJudge,
				reason: "unreachable under leaderboard rules"},
			{name: "sentence", id: "v1_6", response: reply("The answer is B"), path: sdk.PathNoJudge, reason: "no judge configured"},
		})
		if rep.Rule != 3 || rep.Unresolved != Items-3 {
			t.Errorf("rule %d unresolved %d", rep.Rule, rep.Unresolved)
		}
	})
	t.Run("official", func(t *testing.T) {
		runCases(t, sdk.ProfileOfficial, "", []scoreCase{
			{name: "digit", id: "v1_20", response: reply("3"), hit: true, path: sdk.PathRule},
			{name: "digit set", id: "v1_21", response: reply("1, 3"), hit: false, path: sdk.PathRule},
			{name: "letter set", id: "v1_2", response: reply("(B) and (D)"), hit: true, path: sdk.PathRule},
			{name: "sentence", id: "v1_6", response: reply("It is B"), path: sdk.PathNoJudge, reason: "no judge configured"},
		})
	})
}

func TestUpperAlpha(t *testing.T) {
	for s, want := range map[string]bool{"A": true, "AC": true, "Z": true, "ÉA": true, "": false, "a": false, "Ac": false,
		"B.": false, "A, C": false, "3": false, "A C": false, " A": false} {
		if got := upperAlpha(s); got != want {
			t.Errorf("upperAlpha(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestParseChoices(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		ok   bool
	}{
		{`{"choices": ["A", "C"]}`, []string{"A", "C"}, true},
		{"Sure:\n```json\n{\"choices\": [\"B\"]}\n```", []string{"B"}, true},
		{`{"choices": []}`, []string{}, true},
		{`{"choices": [3]}`, []string{"3"}, true},
		{"['A', 'C']", []string{"A", "C"}, true},
		{"B, D", []string{"B", "D"}, true},
		{"ZZZZZ", []string{"ZZZZZ"}, true},
		{`{"choices": "A"}`, nil, false},
		{`{"answer": ["A"]}`, nil, false},
		{"The answer is B", nil, false},
		{"", nil, false},
	}
	for _, tt := range tests {
		got, ok := parseChoices(tt.in)
		if ok != tt.ok || !cmp.Equal(got, tt.want) {
			t.Errorf("parseChoices(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
