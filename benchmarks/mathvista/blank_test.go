package mathvista

import (
	"testing"

	"github.com/vlmlab/harness/benchmarks/bench"
	"github.com/vlmlab/harness/benchmarks/postprocess"
	"github.com/vlmlab/harness/plugins/sdk"
)

// Issue 10 item 8: VLMEvalKit reads a blank prediction back from its table
// as NaN, str() makes it "nan", and can_infer then matches an option whose
// text is in "nan" ("A" here, lower-cased "a"): a blank can score. A blank
// free-form answer is "nan", which is no number.
func TestLeaderboardBlankIsNaN(t *testing.T) {
	d := &Dataset{profile: sdk.ProfileLeaderboard, post: postprocess.Default}
	mc := &Problem{PID: "1", QuestionType: MultiChoice, AnswerType: AnswerText, Choices: []string{"A", "B"}, Answer: "A", AnswerOption: "A"}
	free := &Problem{PID: "2", QuestionType: FreeForm, AnswerType: AnswerInteger, Answer: "0"}
	for _, tt := range []struct {
		p         *Problem
		text      string
		extracted string
		path      string
		hit       bool
	}{
		{mc, "", "A", sdk.PathRule, true},
		{mc, "None", "A", sdk.PathRule, true},
		{free, "", "", sdk.PathNoJudge, false},
	} {
		res := d.scoreItem(bench.NewRounds("", nil), tt.p, sdk.Response{ItemID: tt.p.PID, Text: tt.text}, true)
		if res.Extracted != tt.extracted || res.Path != tt.path || res.Hit != tt.hit || res.Quirk != bench.QuirkNaN {
			t.Errorf("pid %s, response %q: %+v", tt.p.PID, tt.text, res)
		}
	}
}
