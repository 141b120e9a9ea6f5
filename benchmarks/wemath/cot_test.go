package wemath

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vlmlab/harness/plugins/sdk"
)

// withRequirement copies testdata/small.tsv with a requirement column added.
func withRequirement(t *testing.T, requirement func(row int) string) string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "small.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma, r.FieldsPerRecord, r.LazyQuotes = '\t', -1, true
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "WeMath.tsv")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(out)
	w.Comma = '\t'
	for i, rec := range recs {
		v := "requirement"
		if i > 0 {
			v = requirement(i)
		}
		w.Write(append(rec, v))
	}
	w.Flush()
	if err := out.Close(); err != nil || w.Error() != nil {
		t.Fatal(err, w.Error())
	}
	return path
}

// WeMath_COT: the same file and scoring, each prompt followed by a blank
// line and the row's requirement.
func TestCOTPrompt(t *testing.T) {
	path := withRequirement(t, func(row int) string {
		if row == 2 {
			return "" // an empty cell adds nothing
		}
		return "Think step by step, then give the option letter."
	})
	plain, err := Load(context.Background(), sdk.LoadRequest{Path: path, AllowPartial: true})
	if err != nil {
		t.Fatal(err)
	}
	cot, err := Load(context.Background(), sdk.LoadRequest{Path: path, AllowPartial: true, Options: map[string]string{OptionPrompt: "cot"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(plain.Items()) != len(cot.Items()) || len(cot.Items()) < 2 {
		t.Fatalf("%d and %d items", len(plain.Items()), len(cot.Items()))
	}
	for i := range cot.Items() {
		pt := plain.Items()[i].Prompt
		ct := cot.Items()[i].Prompt
		p, c := pt[len(pt)-1].Text, ct[len(ct)-1].Text
		want := p + "\nThink step by step, then give the option letter."
		if i == 1 {
			want = p
		}
		if c != want {
			t.Errorf("item %d: cot prompt %q, want %q", i, c, want)
		}
		if strings.Contains(p, "Think step") {
			t.Errorf("item %d: the default prompt carries the requirement", i)
		}
	}
}

func TestCOTPromptErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		req  sdk.LoadRequest
		want string
	}{
		{"no requirement column", sdk.LoadRequest{Path: filepath.Join("testdata", "small.tsv"), AllowPartial: true, Options: map[string]string{OptionPrompt: "cot"}}, `missing column "requirement"`},
		{"official JSON", sdk.LoadRequest{Path: filepath.Join("testdata", "testmini_small.json"), AllowPartial: true, Options: map[string]string{OptionPrompt: "cot"}}, "give the TSV"},
		{"unknown prompt", sdk.LoadRequest{Path: filepath.Join("testdata", "small.tsv"), Options: map[string]string{OptionPrompt: "think"}}, `"think" is not "cot" or "default"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load(context.Background(), c.req)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%v; want an error containing %q", err, c.want)
			}
		})
	}
}
