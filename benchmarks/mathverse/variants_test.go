package mathverse

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vlmlab/harness/plugins/sdk"
)

// VLMEvalKit's other MathVerse datasets: a version of MathVerse_MINIV.tsv,
// all of them, or the cot prompt, scored with the same rules.
func TestVariants(t *testing.T) {
	tsv := filepath.Join("testdata", "vision_only.tsv")
	for _, c := range []struct {
		name     string
		opts     map[string]string
		ids      []string
		prompts  []string
		expected int
	}{
		{"default is Vision Only", nil, []string{"1", "3"}, nil, 788},
		{"text-lite", map[string]string{OptionVersion: "text-lite"}, []string{"2"}, []string{"Find L."}, 788},
		{"all versions", map[string]string{OptionVersion: "all"}, []string{"1", "2", "3"}, nil, 3940},
		{"cot prompt", map[string]string{OptionPrompt: "cot"}, []string{"1", "3"}, []string{"cot", "cot"}, 788},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, err := load(t, sdk.LoadRequest{Path: tsv, AllowPartial: true, Options: c.opts})
			if err != nil {
				t.Fatal(err)
			}
			var ids, prompts []string
			for _, it := range d.Items() {
				ids = append(ids, it.ID)
				prompts = append(prompts, it.Prompt[len(it.Prompt)-1].Text)
			}
			if diff := cmp.Diff(c.ids, ids); diff != "" {
				t.Errorf("ids (-want +got):\n%s", diff)
			}
			if c.prompts != nil {
				if diff := cmp.Diff(c.prompts, prompts); diff != "" {
					t.Errorf("prompts (-want +got):\n%s", diff)
				}
			}
			if d.Info().Expected != c.expected || !d.Info().Partial {
				t.Errorf("info %+v, want %d expected and partial", d.Info(), c.expected)
			}
		})
	}

	// All versions: the report has a breakdown per version; one version has none.
	d, err := load(t, sdk.LoadRequest{Path: tsv, AllowPartial: true, Options: map[string]string{OptionVersion: "all"}})
	if err != nil {
		t.Fatal(err)
	}
	rep := d.report([]sdk.ItemResult{{ID: "1", Hit: true}, {ID: "2"}, {ID: "3", Hit: true}})
	var got string
	for _, b := range rep.Breakdowns {
		if b.Name == ByVersion {
			for _, r := range b.Rows {
				got += r.Key + "=" + fmtFloat(r.Value) + ";"
			}
		}
	}
	if got != "Text Lite=0;Vision Only=100;" {
		t.Errorf("version breakdown %q", got)
	}
	one, _ := load(t, sdk.LoadRequest{Path: tsv, AllowPartial: true})
	for _, b := range one.report([]sdk.ItemResult{{ID: "1"}, {ID: "3"}}).Breakdowns {
		if b.Name == ByVersion {
			t.Error("a single version has a version breakdown")
		}
	}
}

func fmtFloat(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func TestVariantErrors(t *testing.T) {
	tsv := filepath.Join("testdata", "vision_only.tsv")
	for _, c := range []struct {
		name string
		req  sdk.LoadRequest
		want string
	}{
		{"unknown version", sdk.LoadRequest{Path: tsv, Options: map[string]string{OptionVersion: "vision-light"}}, `unknown version "vision-light"; use text-dominant, text-lite, vision-dominant, vision-intensive, vision-only or all`},
		{"unknown prompt", sdk.LoadRequest{Path: tsv, Options: map[string]string{OptionPrompt: "think"}}, `unknown prompt "think"`},
		{"official profile", sdk.LoadRequest{Path: tsv, Profile: sdk.ProfileOfficial, Options: map[string]string{OptionVersion: "text-lite"}}, "the official profile scores Vision Only"},
		{"JSON file", sdk.LoadRequest{Path: filepath.Join("testdata", "testmini_small.json"), Options: map[string]string{OptionPrompt: "cot"}}, "select VLMEvalKit's TSV datasets"},
		{"count of all", sdk.LoadRequest{Path: tsv, Options: map[string]string{OptionVersion: "all"}}, "3940"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := New().Load(context.Background(), c.req)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%v; want an error containing %q", err, c.want)
			}
		})
	}
}
