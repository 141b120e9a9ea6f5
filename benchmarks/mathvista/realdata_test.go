package mathvista

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vlmlab/harness/benchmarks/bench"
	"github.com/vlmlab/harness/internal/testenv"
	"github.com/vlmlab/harness/plugins/sdk"
)

// Items no correct response can win, and why:
var (
	// listItems never hit in VLMEvalKit: it compares str(None) with the
	// answer (issue #1679).
	listItems = []string{"225", "506"}
	// zeroItems have the answer 0 (or 0.0). VLMEvalKit's prefetch returns the
	// parsed number and Python reads 0 as "prefetch failed", so even a bare
	// "0" needs the judge; without one they stay unresolved.
	// parenItems have options written "(a)" … "(e)" and the answer "(b)".
	// The official normaliser reads "(b)" as the letter B and maps it to the
	// second option, "(a)": answering the option text itself is scored wrong,
	// only the letter of "(b)" (E for 168, D for 849) would count.
	parenItems = []string{"168", "849"}
	zeroItems  = []string{"106", "13", "130", "184", "210", "22", "230", "327", "354", "38", "384", "420", "49", "524", "525", "611", "631", "652", "676", "699", "710", "835", "893", "936", "942", "97"}
)

func loadReal(t testing.TB, profile, judge string) *Dataset {
	t.Helper()
	ds, err := Load(context.Background(), sdk.LoadRequest{Path: testenv.SharedPath(t, "data", "mathvista"), Profile: profile, Judge: judge})
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// correctResponses answers every item right, the way a reasoning model
// writes it: the option letter (leaderboard) or option text (official, which
// has no letter rule without a judge) in the answer tag, a bare number, and
// a list in the official quick-extract sentence.
func correctResponses(ds *Dataset, profile string) []sdk.Response {
	var rs []sdk.Response
	for _, p := range ds.Problems() {
		final := p.Answer
		switch {
		case p.IsMultiChoice() && profile == sdk.ProfileLeaderboard:
			final = "(" + p.AnswerOption + ")"
		case p.AnswerType == AnswerList:
			final = `The answer is "` + p.Answer + `".`
		}
		rs = append(rs, sdk.Response{ItemID: p.PID, Text: "<think>Reading the figure carefully.</think><answer>" + final + "</answer>"})
	}
	return rs
}

// wrongResponses answers every item wrong: another option, or the answer
// plus one.
func wrongResponses(ds *Dataset) []sdk.Response {
	var rs []sdk.Response
	for _, p := range ds.Problems() {
		var final string
		switch {
		case p.IsMultiChoice():
			for i, c := range p.Choices {
				if c != p.Answer {
					final = fmt.Sprintf("(%c) %s", 'A'+i, c)
					break
				}
			}
		case p.AnswerType == AnswerList:
			final = "[1999]"
		default:
			f, _ := strconv.ParseFloat(p.Answer, 64)
			final = strconv.FormatFloat(f+1, 'f', -1, 64)
		}
		rs = append(rs, sdk.Response{ItemID: p.PID, Text: "<think>Guessing.</think><answer>" + final + "</answer>"})
	}
	return rs
}

// echoJudge extracts the final answer the way a perfect judge would: it
// returns what the model answered.
func echoJudge(ds *Dataset, responses []sdk.Response) bench.JudgeFunc {
	final := map[string]string{}
	for _, r := range responses {
		final[r.ItemID], _ = bench.FinalText(ds.post, r, true)
	}
	return func(q sdk.JudgeRequest) sdk.JudgeAnswer {
		return sdk.JudgeAnswer{Key: q.Key, Text: final[q.ItemID]}
	}
}

func misses(rep *sdk.Report) []string {
	var out []string
	for _, it := range rep.Items {
		if !it.Hit {
			out = append(out, it.ID)
		}
	}
	sort.Strings(out)
	return out
}

func sorted(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	sort.Strings(out)
	return out
}

func TestRealDataCorrectAndWrong(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name, profile, judge string
		wantMisses           []string
	}{
		{"leaderboard rules only", sdk.ProfileLeaderboard, "", sorted(listItems, zeroItems)},
		{"leaderboard with judge", sdk.ProfileLeaderboard, "scripted", sorted(listItems)},
		// Without --quick_extract the list answers need the GPT extractor.
		{"official rules only", sdk.ProfileOfficial, "", sorted(parenItems, listItems)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds := loadReal(t, tt.profile, tt.judge)
			rs := correctResponses(ds, tt.profile)
			rep, err := bench.Drive(ctx, ds, rs, echoJudge(ds, rs))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantMisses, misses(rep)); diff != "" {
				t.Errorf("missed items (-want +got):\n%s", diff)
			}
			want := 100 * float64(Items-len(tt.wantMisses)) / Items
			if rep.Score != want || rep.Metrics[0].Value != want {
				t.Errorf("score %v, want %v", rep.Score, want)
			}

			ws := wrongResponses(ds)
			rep, err = bench.Drive(ctx, ds, ws, echoJudge(ds, ws))
			if err != nil {
				t.Fatal(err)
			}
			if rep.Score != 0 {
				t.Errorf("wrong answers score %v, hits %v", rep.Score, sorted(hitsOf(rep)))
			}
		})
	}
}

func hitsOf(rep *sdk.Report) []string {
	var out []string
	for _, it := range rep.Items {
		if it.Hit {
			out = append(out, it.ID)
		}
	}
	return out
}

// The leaderboard report has VLMEvalKit's rows: tasks and skills with their
// item counts from the data (skills are multi-label).
func TestRealDataBreakdowns(t *testing.T) {
	ds := loadReal(t, sdk.ProfileLeaderboard, "")
	rep, err := ds.ScoreExtractions(nil)
	if err != nil {
		t.Fatal(err)
	}
	totals := map[string]map[string]int{}
	for _, b := range rep.Breakdowns {
		totals[b.Name] = map[string]int{}
		for _, r := range b.Rows {
			totals[b.Name][r.Key] = r.Total
		}
	}
	want := map[string]map[string]int{
		BreakdownTask: {"figure question answering": 269, "geometry problem solving": 208, "math word problem": 186,
			"visual question answering": 179, "textbook question answering": 158},
		BreakdownSkill: {"arithmetic reasoning": 353, "statistical reasoning": 301, "algebraic reasoning": 281,
			"geometry reasoning": 239, "numeric commonsense": 144, "scientific reasoning": 122, "logical reasoning": 37},
	}
	if diff := cmp.Diff(want, totals); diff != "" {
		t.Errorf("breakdown totals (-want +got):\n%s", diff)
	}
}
