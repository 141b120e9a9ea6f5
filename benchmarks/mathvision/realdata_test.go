package mathvision

import (
	"context"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vlmlab/harness/internal/testenv"
	"github.com/vlmlab/harness/plugins/sdk"
)

func loadReal(t testing.TB, profile string) *Dataset {
	t.Helper()
	ds, err := Load(context.Background(), sdk.LoadRequest{Path: testenv.SharedPath(t, "data", "mathvision"), Profile: profile})
	must(t, err)
	return ds
}

// modelAnswer is the gold answer as a model would write it: id 2830's gold
// lost the "\f" of "\frac" to a form feed, a model writes \frac.
func modelAnswer(p *Problem) string {
	return strings.ReplaceAll(p.Answer, "\x0c", `\f`)
}

// correctResponses answers every item right: the option letter, or the
// gold answer, in the answer tag of a reasoning response.
func correctResponses(ds *Dataset) []sdk.Response {
	var rs []sdk.Response
	for _, p := range ds.Problems() {
		final := modelAnswer(&p)
		if p.IsMultiChoice() {
			final = "(" + p.Answer + ")"
		}
		rs = append(rs, sdk.Response{ItemID: p.ID, Text: "<think>Working it out.</think><answer>" + final + "</answer>"})
	}
	return rs
}

// wrongResponses answers every item wrong: another letter, or a number no
// gold answer equals.
func wrongResponses(ds *Dataset) []sdk.Response {
	var rs []sdk.Response
	for _, p := range ds.Problems() {
		final := "987654321"
		if p.IsMultiChoice() {
			final = "(A)"
			if p.Answer == "A" {
				final = "(B)"
			}
		}
		rs = append(rs, sdk.Response{ItemID: p.ID, Text: "<think>Guessing.</think><answer>" + final + "</answer>"})
	}
	return rs
}

func missed(rep *sdk.Report, hit bool) []string {
	var out []string
	for _, it := range rep.Items {
		if it.Hit == hit {
			out = append(out, it.ID)
		}
	}
	sort.Strings(out)
	return out
}

func TestRealDataCorrectAndWrong(t *testing.T) {
	tests := []struct {
		profile    string
		wantMisses []string
	}{
		{sdk.ProfileLeaderboard, leaderboardUnreachable},
		{sdk.ProfileOfficial, officialUnreachable},
	}
	for _, tt := range tests {
		t.Run(tt.profile, func(t *testing.T) {
			ds := loadReal(t, tt.profile)
			res, err := ds.Score(context.Background(), correctResponses(ds), nil)
			must(t, err)
			if res.Report == nil {
				t.Fatalf("%d items need the judge", len(res.Pending))
			}
			if diff := cmp.Diff(tt.wantMisses, missed(res.Report, false)); diff != "" {
				t.Errorf("missed items (-want +got):\n%s", diff)
			}
			res, err = ds.Score(context.Background(), wrongResponses(ds), nil)
			must(t, err)
			if res.Report == nil || res.Report.Score != 0 {
				t.Errorf("wrong answers hit %v", missed(res.Report, true))
			}
		})
	}
}

// testmini.jsonl (304 items, a subset of test) is refused as the benchmark
// and loads as a partial run when asked; its images are on disk.
func TestRealTestmini(t *testing.T) {
	path := testenv.SharedPath(t, "data", "mathvision", "testmini.jsonl")
	_, err := Load(context.Background(), sdk.LoadRequest{Path: path})
	if want := path + ": mathvision has 304 items, the benchmark has 3040; pass --allow-partial to score a subset (the report will say partial)"; err == nil || err.Error() != want {
		t.Fatalf("error %v, want %s", err, want)
	}
	ds, err := Load(context.Background(), sdk.LoadRequest{Path: path, AllowPartial: true, Profile: sdk.ProfileOfficial})
	must(t, err)
	if info := ds.Info(); !info.Partial || info.Count != 304 {
		t.Errorf("info %+v", info)
	}
	for _, it := range ds.Items() {
		if _, err := os.Stat(it.Prompt[0].Image.Path); err != nil {
			t.Errorf("item %s: %v", it.ID, err)
			break
		}
	}
	res, err := ds.Score(context.Background(), correctResponses(ds), nil)
	must(t, err)
	if r := res.Report; !r.Dataset.Partial || r.Score != 100 {
		t.Errorf("partial %v, score %v", r.Dataset.Partial, r.Score)
	}
}

// Option subset=mini scores testmini (VLMEvalKit's MathVision_MINI) as the
// whole of what it is, not as a partial test set.
func TestRealTestminiSubset(t *testing.T) {
	path := testenv.SharedPath(t, "data", "mathvision", "testmini.jsonl")
	ds, err := Load(context.Background(), sdk.LoadRequest{Path: path, Options: map[string]string{OptionSubset: "mini"}})
	must(t, err)
	if info := ds.Info(); info.Partial || info.Count != MiniItems || info.Expected != MiniItems {
		t.Errorf("info %+v", info)
	}
	if _, err := Load(context.Background(), sdk.LoadRequest{Path: path, Options: map[string]string{OptionSubset: "tiny"}}); err == nil || !strings.Contains(err.Error(), `"tiny" is not "test"`) {
		t.Errorf("bad subset: %v", err)
	}
	test := testenv.SharedPath(t, "data", "mathvision", "test.jsonl")
	if _, err := Load(context.Background(), sdk.LoadRequest{Path: test, Options: map[string]string{OptionSubset: "mini"}}); err == nil || !strings.Contains(err.Error(), "3040 items, the benchmark has 304") {
		t.Errorf("the full test set as mini: %v", err)
	}
}
