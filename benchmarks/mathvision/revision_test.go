package mathvision

import (
	"context"
	"strings"
	"testing"

	"github.com/vlmlab/harness/plugins/sdk"
)

func loadRevision(t *testing.T, rev string) *Dataset {
	t.Helper()
	opts := map[string]string{}
	if rev != "" {
		opts[OptionVLMEvalKit] = rev
	}
	ds, err := Load(context.Background(), sdk.LoadRequest{Path: "testdata/mini", Profile: sdk.ProfileLeaderboard, Judge: "gpt-4o-mini",
		AllowPartial: true, Options: opts})
	must(t, err)
	return ds
}

// Issue 10 item 6: the two VLMEvalKit revisions of mathv.py, by name. The
// 2025 one (latex2sympy2, the default) evaluates the prefix its grammar
// reads and never looks inside \boxed; the 2026 one (latex2sympy2_extended)
// takes the \boxed contents of the whole response and must read all of it.
func TestRevisions(t *testing.T) {
	responses := map[string]string{
		"1":  `So the angle is \boxed{60}.`,
		"20": `\frac{25}{7}}. the answer is \frac{25}{7`,
	}
	judgeSays := map[string][]string{"1": {"60"}, "20": {"25/7"}}
	for _, tt := range []struct {
		rev  string
		want map[string]want
	}{
		{"", map[string]want{"1": {"60", sdk.PathJudge, true}, "20": {responses["20"], sdk.PathQuirk, true}}},
		{Revision2025, map[string]want{"1": {"60", sdk.PathJudge, true}, "20": {responses["20"], sdk.PathQuirk, true}}},
		{Revision2026, map[string]want{"1": {responses["1"], sdk.PathQuirk, true}, "20": {"25/7", sdk.PathJudge, true}}},
	} {
		t.Run("rev="+tt.rev, func(t *testing.T) {
			rep := runCases(t, loadRevision(t, tt.rev), &scriptedJudge{script: judgeSays}, responses, tt.want)
			wantQuirk := QuirkPartialParse
			if tt.rev == Revision2026 {
				wantQuirk = QuirkBoxed
			}
			if rep.Quirks[wantQuirk] != 1 {
				t.Errorf("quirks %v, want one %s", rep.Quirks, wantQuirk)
			}
		})
	}
	_, err := Load(context.Background(), sdk.LoadRequest{Path: "testdata/mini", Profile: sdk.ProfileLeaderboard, AllowPartial: true,
		Options: map[string]string{OptionVLMEvalKit: "latest"}})
	if err == nil || !strings.Contains(err.Error(), Revision2025) {
		t.Errorf("unknown revision: %v", err)
	}
	_, err = Load(context.Background(), sdk.LoadRequest{Path: "testdata/mini", Profile: sdk.ProfileOfficial, AllowPartial: true,
		Options: map[string]string{OptionVLMEvalKit: Revision2026}})
	if err == nil {
		t.Error("a VLMEvalKit revision accepted in the official profile")
	}
}

func TestBoxedAll(t *testing.T) {
	for in, want := range map[string]string{
		`no box`:                       `no box`,
		`x \boxed{1} y`:                `1`,
		`\boxed{1} and \boxed{2}`:      `1,2`,
		`\boxed{1}\boxed{1}`:           `1`,
		`\fbox{a} \boxed{\frac{1}{2}}`: `a,\frac{1}{2}`,
		`\boxed{3`:                     `{3`,
		`\boxed 5`:                     `5`,
	} {
		if got := boxedAll(in); got != want {
			t.Errorf("boxedAll(%q) = %q, want %q", in, got, want)
		}
	}
}
