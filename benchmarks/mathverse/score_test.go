package mathverse

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vlmlab/harness/benchmarks/bench"
	"github.com/vlmlab/harness/internal/testenv"
	"github.com/vlmlab/harness/plugins/sdk"
)

// judgeErr in a script stands for a judge call the host could not make.
const judgeErr = "<error>"

// script answers judge requests from per-stage lists of outputs, one per
// attempt, keyed "<item>/<stage>". It records every request it saw.
type script struct {
	t    *testing.T
	outs map[string][]string
	seen []sdk.JudgeRequest
}

func (s *script) judge(q sdk.JudgeRequest) sdk.JudgeAnswer {
	s.seen = append(s.seen, q)
	outs, ok := s.outs[q.ItemID+"/"+q.Stage]
	if !ok || q.Attempt >= len(outs) {
		s.t.Errorf("unexpected judge call %s", q.Key)
		return sdk.JudgeAnswer{Key: q.Key, Error: "unscripted"}
	}
	if outs[q.Attempt] == judgeErr {
		return sdk.JudgeAnswer{Key: q.Key, Error: "rate limited"}
	}
	return sdk.JudgeAnswer{Key: q.Key, Text: outs[q.Attempt]}
}

// requests returns the requests seen for one item and stage.
func (s *script) requests(item, stage string) []sdk.JudgeRequest {
	var out []sdk.JudgeRequest
	for _, q := range s.seen {
		if q.ItemID == item && q.Stage == stage {
			out = append(out, q)
		}
	}
	return out
}

func loadReal(t testing.TB, profile, judge string) *Dataset {
	t.Helper()
	path := testenv.SharedPath(t, "data", "mathverse", "testmini_text_only.json")
	ds, err := New().Load(context.Background(), sdk.LoadRequest{Path: path, Profile: profile, Judge: judge})
	if err != nil {
		t.Fatal(err)
	}
	return ds.(*Dataset)
}

func itemResults(rep *sdk.Report) map[string]sdk.ItemResult {
	m := make(map[string]sdk.ItemResult, len(rep.Items))
	for _, it := range rep.Items {
		m[it.ID] = it
	}
	return m
}

// A case is one hand-written response with the judge outputs it gets and
// the result it must have.
type scoreCase struct {
	name     string
	id       string
	response sdk.Response
	extract  []string // judge outputs of the extraction stage, by attempt
	score    []string // and of the consistency stage
	hit      bool
	path     string
	reason   string // substring of the reason
}

func runCases(t *testing.T, profile, judge string, cases []scoreCase) (*sdk.Report, *script) {
	t.Helper()
	d := loadReal(t, profile, judge)
	s := &script{t: t, outs: map[string][]string{}}
	var responses []sdk.Response
	for _, c := range cases {
		r := c.response
		r.ItemID = c.id
		responses = append(responses, r)
		if c.extract != nil {
			s.outs[c.id+"/"+StageExtract] = c.extract
		}
		if c.score != nil {
			s.outs[c.id+"/"+StageScore] = c.score
		}
	}
	rep, err := bench.Drive(context.Background(), d, responses, s.judge)
	if err != nil {
		t.Fatal(err)
	}
	got := itemResults(rep)
	for _, c := range cases {
		r := got[c.id]
		if r.Hit != c.hit || r.Path != c.path || !strings.Contains(r.Reason, c.reason) {
			t.Errorf("%s (item %s): hit=%v path=%s reason=%q; want hit=%v path=%s reason containing %q",
				c.name, c.id, r.Hit, r.Path, r.Reason, c.hit, c.path, c.reason)
		}
	}
	return rep, s
}

func reply(text string) sdk.Response { return sdk.Response{Text: text} }

func TestScoreLeaderboardRules(t *testing.T) {
	cases := []scoreCase{
		{name: "prefetch exact match", id: "3425",
			response: reply("<think>The straw is the diagonal: sqrt(13^2+6^2)=sqrt(205)≈14.3, rounded down 14.</think><answer>The answer is 14 cm.</answer>"),
			extract:  []string{" 14 "}, hit: true, path: sdk.PathJudge, reason: "extraction equals the standard answer"},
		{name: "judge says 1", id: "5", response: reply("Angle CED is 140°, option D: 140°"),
			extract: []string{"D: 140°"}, score: []string{"1"}, hit: true, path: sdk.PathJudge},
		{name: "judge says 0", id: "10", response: reply("The answer is A"),
			extract: []string{"A"}, score: []string{"0"}, hit: false, path: sdk.PathJudge},
		{name: "invalid judgements then valid", id: "15", response: reply("So the answer is option A."),
			extract: []string{judgeErr, "option A"}, score: []string{"Yes", "1.", "1"}, hit: true, path: sdk.PathJudge},
		{name: "five invalid judgements", id: "20", response: reply("D"),
			extract: []string{"D."}, score: []string{"Yes", "1.", "Judgement: 1", "true", "01"},
			hit: false, path: sdk.PathJudgeFailed, reason: `no valid judgement ('0' or '1') in 5 tries (last: "01")`},
		{name: "extraction fails: scored as empty", id: "25", response: reply("I think it is A or B"),
			extract: []string{judgeErr, judgeErr, judgeErr, judgeErr, "Failed to obtain answer via API."}, score: []string{"0"},
			hit: false, path: sdk.PathJudge, reason: "extraction failed after 5 tries, scored as empty"},
		{name: "multi-letter answer", id: "2200", response: reply("<think>…</think><answer>C and D</answer>"),
			extract: []string{"C and D"}, score: []string{"1"}, hit: true, path: sdk.PathJudge},
		// VLMEvalKit sends a reply cut off while reasoning to the extractor
		// whole, and a blank one as pandas reads it back: "nan".
		{name: "cut off in think", id: "30", response: reply("<think>Let me measure the angle first, then"),
			extract: []string{""}, score: []string{"0"}, hit: false, path: sdk.PathJudge},
		{name: "model call failed", id: "35", response: sdk.Response{Failed: true, Error: "context length exceeded"},
			hit: false, path: sdk.PathUnresolved, reason: "model call failed: context length exceeded"},
		{name: "empty answer", id: "40", response: reply("<think>hmm</think><answer>   </answer>"),
			extract: []string{"nan"}, score: []string{"0"}, hit: false, path: sdk.PathJudge},
		{name: "trailing space in the standard answer", id: "1840", response: reply("The area is 777"),
			extract: []string{"777"}, hit: true, path: sdk.PathJudge},
	}
	rep, s := runCases(t, sdk.ProfileLeaderboard, "gpt-4o-mini", cases)

	// Retries follow VLMEvalKit's schedule: temperature 0.5*i, 128 tokens.
	var temps []float64
	for _, q := range s.requests("15", StageScore) {
		temps = append(temps, q.Temperature)
		if q.MaxTokens != 128 {
			t.Errorf("%s: max tokens %d", q.Key, q.MaxTokens)
		}
	}
	if diff := cmp.Diff([]float64{0, 0.5, 1}, temps); diff != "" {
		t.Errorf("temperatures (-want +got):\n%s", diff)
	}
	// The extraction prompt shows the final answer, not the reasoning, and no question.
	ext := s.requests("3425", StageExtract)[0].Prompt
	if !strings.HasSuffix(ext, "7.\nModel response: 'The answer is 14 cm.'\nExtracted Answer: ") || strings.Contains(ext, "sqrt") {
		t.Errorf("extraction prompt ends %q", ext[len(ext)-80:])
	}
	// The consistency prompt carries question_for_eval, the standard answer and the extraction.
	sc := s.requests("5", StageScore)[0].Prompt
	wantEnd := "\n    [Question]: As shown in the figure, in triangle ABC, it is known that angle A = 80.0, angle B = 60.0, point D is on AB and point E is on AC, DE parallel BC, then the size of angle CED is ()\nChoices:\nA:40°\nB:60°\nC:120°\nD:140°" +
		"\n    [Standard Answer]: D\n    [Model_answer] : D: 140°\n    Judgement:"
	if !strings.HasSuffix(sc, wantEnd) {
		t.Errorf("score prompt ends %q", sc[len(sc)-200:])
	}
	if len(s.requests("3425", StageScore)) != 0 || len(s.requests("1840", StageScore)) != 0 {
		t.Error("an exact extraction still went to the consistency judge")
	}
	if p := s.requests("40", StageExtract)[0].Prompt; !strings.HasSuffix(p, "Model response: 'nan'\nExtracted Answer: ") {
		t.Errorf("blank reply: extraction prompt ends %q", p[len(p)-60:])
	}
	if rep.Judged != 9 || rep.Rule != 0 || rep.Unresolved != Items-9 || rep.Quirks["vlmevalkit-nan-cell"] != 1 {
		t.Errorf("paths: rule %d, judged %d, unresolved %d", rep.Rule, rep.Judged, rep.Unresolved)
	}
	if want := 100 * 5.0 / Items; rep.Score != want || rep.Primary != PrimaryMetric || rep.Profile != sdk.ProfileLeaderboard || rep.Judge != "gpt-4o-mini" {
		t.Errorf("report: %s=%v profile %s judge %s; want score %v", rep.Primary, rep.Score, rep.Profile, rep.Judge, want)
	}
}

func TestScoreOfficialRules(t *testing.T) {
	long := "We drop a perpendicular from the apex and use the right triangle it makes with half of the base, " +
		"so the height squared is the slant squared minus four, which gives a height of exactly 14 units in the end"
	cases := []scoreCase{
		{name: "unstripped standard answer goes to the judge", id: "1840", response: reply("The area is 777"),
			extract: []string{"Extracted Answer: 777"}, score: []string{"Judgement: 1"}, hit: true, path: sdk.PathJudge},
		{name: "truncated to the last 30 words", id: "3425", response: reply(long),
			extract: []string{"", "14 units"}, score: []string{"2", "1"}, hit: true, path: sdk.PathJudge},
		{name: "exact extraction", id: "5", response: reply("D"), extract: []string{"D"}, hit: true, path: sdk.PathJudge},
	}
	_, s := runCases(t, sdk.ProfileOfficial, "gpt-3.5-turbo", cases)
	ext := s.requests("3425", StageExtract)[0]
	words := strings.Split(long, " ")
	wantTail := "7.\n\nModel response: '" + strings.Join(words[len(words)-30:], " ") + "'\nExtracted Answer: "
	if !strings.HasSuffix(ext.Prompt, wantTail) || ext.Temperature != 0 || ext.MaxTokens != 256 {
		t.Errorf("official extraction request: temp %v, tokens %d, prompt ends %q", ext.Temperature, ext.MaxTokens, ext.Prompt[len(ext.Prompt)-120:])
	}
	// The official [Question] of a Vision Only record is empty, and the
	// extraction had its repeated label removed.
	sc := s.requests("1840", StageScore)[0].Prompt
	if want := "\n\n[Question]: \n[Standard Answer]: 777 \n[Model_answer] : 777\nJudgement:"; !strings.HasSuffix(sc, want) {
		t.Errorf("official score prompt ends %q, want %q", sc[len(sc)-80:], want)
	}
}

func TestScoreWithoutJudge(t *testing.T) {
	for _, profile := range []string{sdk.ProfileLeaderboard, sdk.ProfileOfficial} {
		t.Run(profile, func(t *testing.T) {
			cases := []scoreCase{
				{name: "bare letter", id: "5", response: reply("<think>…</think><answer>D</answer>"), hit: true, path: sdk.PathRule},
				{name: "wrong bare letter", id: "10", response: reply("(A)"), hit: false, path: sdk.PathRule,
					reason: "option letters differ"},
				{name: "letter set", id: "2200", response: reply("C, D"), hit: true, path: sdk.PathRule},
				{name: "exact number", id: "3425", response: reply("<answer>14</answer>"), hit: true, path: sdk.PathRule},
				{name: "sentence needs a judge", id: "15", response: reply("The answer is A"), hit: false,
					path: sdk.PathNoJudge, reason: "no judge configured"},
				{name: "number with a unit needs a judge", id: "3500", response: reply("288 m^2"), hit: false,
					path: sdk.PathNoJudge, reason: "no judge configured"},
				{name: "same value", id: "3410", response: reply("69.3 cm"), hit: true, path: sdk.PathRule,
					reason: "equals the standard answer in value"},
				{name: "same value, other unit", id: "3420", response: reply("94.59 cm^2"), hit: false,
					path: sdk.PathNoJudge, reason: "no judge configured"},
				{name: "different number", id: "1840", response: reply("<answer>7</answer>"), hit: false, path: sdk.PathRule,
					reason: "different numbers"},
			}
			rep, s := runCases(t, profile, "", cases)
			if len(s.seen) != 0 {
				t.Errorf("%d judge calls without a judge", len(s.seen))
			}
			if rep.Rule != 6 || rep.Judged != 0 {
				t.Errorf("rule %d judged %d", rep.Rule, rep.Judged)
			}
		})
	}
}

func TestScoreRefusesUnknownItems(t *testing.T) {
	d := loadReal(t, "", "")
	_, err := d.Score(context.Background(), []sdk.Response{{ItemID: "1"}}, nil)
	if want := `mathverse: responses for items not in the data file: [1]`; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
}

func TestTrunkResponse(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"a b c d", 2, "c d"},
		{"a b", 5, "a b"},
		{"a  b c", 3, " b c"}, // Python's split(' ') keeps the empty word
		{"a b c", 0, "a b c"},
	}
	for _, tt := range tests {
		if got := trunkResponse(tt.in, tt.n); got != tt.want {
			t.Errorf("trunkResponse(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

func TestLetterSet(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"B", []string{"B"}}, {"(B)", []string{"B"}}, {"B.", []string{"B"}}, {"[C]", []string{"C"}},
		{"C\nD", []string{"C", "D"}}, {"D, A", []string{"A", "D"}}, {"A and C", []string{"A", "C"}},
		{"a", nil}, {"AB", nil}, {"A or B", nil}, {"", nil}, {"and", nil}, {"The answer is A", nil},
	}
	for _, tt := range tests {
		got, ok := letterSet(tt.in)
		if ok != (tt.want != nil) || !cmp.Equal(got, tt.want) {
			t.Errorf("letterSet(%q) = %v, %v; want %v", tt.in, got, ok, tt.want)
		}
	}
}
