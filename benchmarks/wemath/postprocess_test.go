package wemath

import (
	"context"
	"testing"

	"github.com/vlmlab/harness/benchmarks/bench"
	"github.com/vlmlab/harness/internal/testenv"
	"github.com/vlmlab/harness/plugins/sdk"
)

// Issue 10 item 7: VLMEvalKit's matchers never strip tags. Item 826 of
// WeMath.tsv (2steps_106, the composite) has options A = "B", B = "C" and
// gold B: with no post-processing, can_infer finds no standalone letter in
// "<answer>B</answer>" and matches the option text "b" instead, so A; the
// VLAA-Thinker step (the default) hands over "B".
func TestTaggedAnswerFollowsPostprocessStep(t *testing.T) {
	dir := testenv.SharedPath(t, "data", "wemath")
	for _, tt := range []struct {
		step, letter string
		hit          bool
	}{{"none", "A", false}, {"split-think", "A", false}, {"vlaa-thinker", "B", true}} {
		d, err := Load(context.Background(), sdk.LoadRequest{Path: dir, Profile: sdk.ProfileLeaderboard, Judge: "gpt-4o-mini",
			Options: map[string]string{"postprocess": tt.step}})
		if err != nil {
			t.Fatal(err)
		}
		var id string
		for _, p := range d.Problems() {
			if p.Group == "2steps_106" && p.Key == "2steps_multi" {
				id = p.ID
			}
		}
		rep, err := bench.Drive(context.Background(), d, []sdk.Response{{ItemID: id, Text: "<answer>B</answer>"}}, nil)
		if err != nil {
			t.Fatalf("%s: %v", tt.step, err)
		}
		if rep.Postprocess != tt.step {
			t.Errorf("report postprocess %q, want %q", rep.Postprocess, tt.step)
		}
		for _, it := range rep.Items {
			if it.ID == id && (it.Extracted != tt.letter || it.Hit != tt.hit || it.Path != sdk.PathRule) {
				t.Errorf("%s: %+v, want letter %s hit %v by rule", tt.step, it, tt.letter, tt.hit)
			}
		}
	}
}
