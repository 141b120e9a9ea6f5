package dynamath

import (
	"context"
	"encoding/base64"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/vlmlab/harness/benchmarks/bench"
	"github.com/vlmlab/harness/internal/testenv"
	"github.com/vlmlab/harness/plugins/sdk"
)

// modelAnswer writes the right answer to p as a model following the prompt
// would: a JSON object, floats with three decimals (or as a multiple of π),
// sometimes after a reasoning block.
func modelAnswer(p *Problem) string {
	short := p.Answer
	if p.AnswerType == TypeFloat {
		short = strconv.FormatFloat(p.gold, 'f', 3, 64)
		if k := math.Round(p.gold / math.Pi); k >= 1 && k <= 12 && math.Abs(k*math.Pi-p.gold) < 1e-4 {
			short = fmt.Sprintf("%gπ", k)
		}
	}
	body := fmt.Sprintf("{\n    \"solution\": \"Reading the figure for question %d.\",\n    \"short answer\": %q\n}", p.QID, short)
	if p.VarID%2 == 0 {
		return "<think>Let me look at the image carefully.</think>\n" + body
	}
	return body
}

// wrongAnswer is a well-formed answer that no rule accepts.
func wrongAnswer(p *Problem) string {
	short := "zzzz"
	switch p.AnswerType {
	case TypeFloat:
		short = strconv.FormatFloat(p.gold+1, 'f', 3, 64)
	case TypeChoice:
		short = "A"
		if p.Answer == "A" {
			short = "B"
		}
	}
	return fmt.Sprintf(`{"solution": "A guess.", "short answer": %q}`, short)
}

func responsesFor(d *Dataset, answer func(*Problem) string) []sdk.Response {
	rs := make([]sdk.Response, len(d.Problems()))
	for i := range d.Problems() {
		p := &d.Problems()[i]
		rs[i] = sdk.Response{ItemID: p.ID, Text: answer(p)}
	}
	return rs
}

// On the real files, right answers score 100% in both settings and both
// profiles, all by rule; wrong answers score 0. No item is unreachable.
func TestRealFilesRightAndWrong(t *testing.T) {
	dir := testenv.SharedPath(t, "data", "dynamath")
	ctx := context.Background()
	loaded, err := Load(ctx, sdk.LoadRequest{Path: dir})
	if err != nil {
		t.Fatal(err)
	}
	pis := 0
	for _, profile := range []string{sdk.ProfileLeaderboard, sdk.ProfileOfficial} {
		d := *loaded // loading once keeps the test fast under -race
		d.profile = profile
		for _, c := range []struct {
			name   string
			answer func(*Problem) string
			want   float64
		}{{"right", modelAnswer, 100}, {"wrong", wrongAnswer, 0}} {
			rep, err := bench.Drive(ctx, &d, responsesFor(&d, c.answer), nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range rep.Metrics {
				if m.Value != c.want {
					t.Errorf("%s %s: %s = %v, want %v", profile, c.name, m.Name, m.Value, c.want)
				}
			}
			if rep.Rule != Items {
				t.Errorf("%s %s: %d items by rule, want all", profile, c.name, rep.Rule)
			}
			if c.want == 100 {
				for _, it := range rep.Items {
					if !it.Hit {
						t.Errorf("%s: %s not hit: %+v", profile, it.ID, it)
						break
					}
				}
			}
		}
		for _, p := range d.Problems() {
			if strings.Contains(modelAnswer(&p), "π") {
				pis++
			}
		}
	}
	if pis == 0 {
		t.Error("no answer was written as a multiple of π; the transfer rule went untested")
	}
}

// The real annotations written as VLMEvalKit's TSV load alike, with the index
// of a varid 1 row equal to its qid.
func TestRealFilesAsTSV(t *testing.T) {
	dir := testenv.SharedPath(t, "data", "dynamath")
	ctx := context.Background()
	ref, err := Load(ctx, sdk.LoadRequest{Path: dir})
	if err != nil {
		t.Fatal(err)
	}
	img := base64.StdEncoding.EncodeToString([]byte("\x89PNG\r\n\x1a\n"))
	var b strings.Builder
	b.WriteString(strings.Join(tsvColumns, "\t") + "\n")
	for _, p := range ref.Problems() {
		q := strings.ReplaceAll(p.Question, `"`, `""`)
		fmt.Fprintf(&b, "%d\t%s\t\"%s\"\t%s\t%s\t%s\t%s\t%d\t%d\n",
			(p.VarID-1)*Seeds+p.QID, img, q, p.Answer, p.AnswerType, p.Subject, p.Level, p.QID, p.VarID)
	}
	path := filepath.Join(t.TempDir(), "DynaMath.tsv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := Load(ctx, sdk.LoadRequest{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range d.Problems() {
		r := ref.Problems()[i]
		if p.Question != r.Question || p.Answer != r.Answer || p.QID != r.QID || p.VarID != r.VarID || d.Items()[i].Prompt[1].Text != ref.Items()[i].Prompt[1].Text {
			t.Fatalf("row %d: %+v\nwant %+v", i, p, r)
		}
	}
	rep, err := bench.Drive(ctx, d, responsesFor(d, modelAnswer), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Score != 100 {
		t.Errorf("TSV score %v, want 100", rep.Score)
	}
}

// BenchmarkLoadAndScore loads the 10 real variant files and scores 5,010
// right answers with the leaderboard rules (no judge call is needed).
func BenchmarkLoadAndScore(b *testing.B) {
	dir := testenv.SharedPath(b, "data", "dynamath")
	ctx := context.Background()
	d, err := Load(ctx, sdk.LoadRequest{Path: dir})
	if err != nil {
		b.Fatal(err)
	}
	responses := responsesFor(d, modelAnswer)
	b.ResetTimer()
	for b.Loop() {
		d, err := Load(ctx, sdk.LoadRequest{Path: dir})
		if err != nil {
			b.Fatal(err)
		}
		res, err := d.Score(ctx, responses, nil)
		if err != nil || res.Report == nil || res.Report.Score != 100 {
			b.Fatalf("score: %v %v", err, res)
		}
	}
}
