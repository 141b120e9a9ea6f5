package wemath

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/vlmlab/harness/benchmarks/bench"
	"github.com/vlmlab/harness/internal/testenv"
	"github.com/vlmlab/harness/plugins/sdk"
)

// modelAnswer answers p with letter as a reasoning model would: in the
// official template for every other item, else in an <answer> block after
// its reasoning.
func modelAnswer(p *Problem, i int, letter string) string {
	if i%2 == 0 {
		return "<Thought process>: <<I measure the figure and compare the options.>> <Answer>: <<" + letter + ">>"
	}
	return "<think>Measuring the figure, option " + letter + " fits.</think><answer>" + letter + "</answer>"
}

func wrongLetter(p *Problem) string {
	for _, c := range p.Choices {
		if c.Letter != p.Answer {
			return c.Letter
		}
	}
	return ""
}

func responses(d *Dataset, right bool) []sdk.Response {
	rs := make([]sdk.Response, len(d.Problems()))
	for i := range d.Problems() {
		p := &d.Problems()[i]
		letter := p.Answer
		if !right {
			letter = wrongLetter(p)
		}
		rs[i] = sdk.Response{ItemID: p.ID, Text: modelAnswer(p, i, letter)}
	}
	return rs
}

// On the real file, right answers score 100 in every metric of both
// profiles (the template answers go to the judge in the leaderboard
// profile), wrong answers 0. No item is unreachable.
func TestRealFileRightAndWrong(t *testing.T) {
	dir := testenv.SharedPath(t, "data", "wemath")
	ctx := context.Background()
	loaded, err := Load(ctx, sdk.LoadRequest{Path: dir, Judge: "gpt-4o-mini"})
	if err != nil {
		t.Fatal(err)
	}
	for _, profile := range []string{sdk.ProfileLeaderboard, sdk.ProfileOfficial} {
		d := *loaded // loading once keeps the test fast under -race
		d.profile = profile
		for _, right := range []bool{true, false} {
			rep, err := bench.Drive(ctx, &d, responses(&d, right), scriptedJudge)
			if err != nil {
				t.Fatal(err)
			}
			want := map[bool]float64{true: 100, false: 0}[right]
			for _, m := range rep.Metrics {
				switch {
				case strings.HasPrefix(m.Name, "Score"), strings.HasPrefix(m.Name, "One-step"), strings.HasPrefix(m.Name, "Two-step"), strings.HasPrefix(m.Name, "Three-step"):
					if m.Value != want {
						t.Errorf("%s right=%v: %s = %v, want %v", profile, right, m.Name, m.Value, want)
					}
				case strings.HasPrefix(m.Name, "CompleteMastery"), strings.HasPrefix(m.Name, "InsufficientKnowledge"):
					// all groups are CM when right, IK when wrong
					is := strings.HasPrefix(m.Name, "CompleteMastery") == right
					if (m.Value == 100) != is {
						t.Errorf("%s right=%v: %s = %v", profile, right, m.Name, m.Value)
					}
				}
			}
			if rep.Unresolved != 0 {
				t.Errorf("%s right=%v: %d unresolved", profile, right, rep.Unresolved)
			}
			dom := rep.Breakdowns[len(rep.Breakdowns)-1]
			if dom.Name != BreakdownDomain || len(dom.Rows) != 12 {
				t.Fatalf("%s: domain breakdown %+v", profile, dom)
			}
			for _, r := range dom.Rows {
				if r.Value != want {
					t.Errorf("%s right=%v: domain %s = %v", profile, right, r.Key, r.Value)
				}
			}
		}
	}
}

// The real annotations written as VLMEvalKit's TSV (question with the format
// template, option columns) load to the same prompts.
func TestRealFileAsTSV(t *testing.T) {
	dir := testenv.SharedPath(t, "data", "wemath")
	ctx := context.Background()
	ref, err := Load(ctx, sdk.LoadRequest{Path: dir})
	if err != nil {
		t.Fatal(err)
	}
	img := base64.StdEncoding.EncodeToString([]byte("\x89PNG\r\n\x1a\n"))
	var b strings.Builder
	b.WriteString("index\timage\tquestion\tA\tB\tC\tD\tE\tF\tG\tH\tanswer\tID\tkey\tknowledge concept\n")
	quote := func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
	for i, p := range ref.Problems() {
		cells := []string{strconv.Itoa(i + 1), img, quote(p.Question)}
		opts := map[string]string{}
		for _, c := range p.Choices {
			opts[c.Letter] = c.Text
		}
		for _, l := range optionLetters {
			cells = append(cells, quote(opts[string(l)]))
		}
		cells = append(cells, p.Answer, p.Group, p.Key, quote(p.Concept))
		b.WriteString(strings.Join(cells, "\t") + "\n")
	}
	tsvDir := t.TempDir()
	path := filepath.Join(tsvDir, "WeMath.tsv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := Load(ctx, sdk.LoadRequest{Path: path, Judge: "gpt-4o-mini", Options: map[string]string{OptionKnowledgeNodes: filepath.Join(dir, KnowledgeNodesFile)}})
	if err != nil {
		t.Fatal(err)
	}
	for i, it := range d.Items() {
		if it.Prompt[1].Text != ref.Items()[i].Prompt[1].Text {
			t.Fatalf("row %d prompt:\n%q\nwant\n%q", i, it.Prompt[1].Text, ref.Items()[i].Prompt[1].Text)
		}
	}
	rep, err := bench.Drive(ctx, d, responses(d, true), scriptedJudge)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Score != 100 || rep.Judged != Items/2 {
		t.Errorf("TSV: score %v, %d judged", rep.Score, rep.Judged)
	}
}

// BenchmarkLoadAndScore loads the real testmini.json and scores 1,740 right
// answers with rules only (can_infer on <answer> blocks, no judge call).
func BenchmarkLoadAndScore(b *testing.B) {
	dir := testenv.SharedPath(b, "data", "wemath")
	ctx := context.Background()
	d, err := Load(ctx, sdk.LoadRequest{Path: dir})
	if err != nil {
		b.Fatal(err)
	}
	rs := make([]sdk.Response, len(d.Problems()))
	for i, p := range d.Problems() {
		rs[i] = sdk.Response{ItemID: p.ID, Text: modelAnswer(&p, 1, p.Answer)}
	}
	b.ResetTimer()
	for b.Loop() {
		d, err := Load(ctx, sdk.LoadRequest{Path: dir})
		if err != nil {
			b.Fatal(err)
		}
		res, err := d.Score(ctx, rs, nil)
		if err != nil || res.Report == nil || res.Report.Score != 100 {
			b.Fatalf("score: %v %+v", err, res)
		}
	}
}
