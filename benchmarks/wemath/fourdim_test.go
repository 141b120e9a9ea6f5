package wemath

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const (
	R = Right
	W = Wrong
	M = Missing
)

func TestClassifyOneGroup(t *testing.T) {
	for _, c := range []struct {
		name  string
		subs  []Mark
		multi Mark
		want  FourDimensional
	}{
		{"2-step all right", []Mark{R, R}, R, FourDimensional{N: 1, CMStrict: 1, CMLoose: 1}},
		{"2-step one sub wrong, composite right", []Mark{R, W}, R, FourDimensional{N: 1, RMStrict: 1, CMLoose: 1}},
		{"2-step subs wrong, composite right", []Mark{W, W}, R, FourDimensional{N: 1, RMStrict: 1, RMLoose: 1}},
		{"2-step subs right, composite wrong", []Mark{R, R}, W, FourDimensional{N: 1, IG: 1}},
		{"2-step a sub wrong, composite wrong", []Mark{W, R}, W, FourDimensional{N: 1, IK: 1}},
		{"2-step all wrong", []Mark{W, W}, W, FourDimensional{N: 1, IK: 1}},
		{"3-step all right", []Mark{R, R, R}, R, FourDimensional{N: 1, CMStrict: 1, CMLoose: 1}},
		{"3-step two subs wrong, composite right", []Mark{W, R, W}, R, FourDimensional{N: 1, RMStrict: 1, CMLoose: 1}},
		{"3-step all subs wrong, composite right", []Mark{W, W, W}, R, FourDimensional{N: 1, RMStrict: 1, RMLoose: 1}},
		{"3-step subs right, composite wrong", []Mark{R, R, R}, W, FourDimensional{N: 1, IG: 1}},
		{"3-step last sub wrong, composite wrong", []Mark{R, R, W}, W, FourDimensional{N: 1, IK: 1}},
		// Missing marks behave as NaN in pandas: == True and == False both fail.
		{"missing composite: no category", []Mark{R, R}, M, FourDimensional{N: 1}},
		{"missing sub, other right, composite right: loose CM only", []Mark{R, M}, R, FourDimensional{N: 1, CMLoose: 1}},
		{"missing sub, other wrong, composite right: strict RM only", []Mark{W, M}, R, FourDimensional{N: 1, RMStrict: 1}},
		{"missing sub, other right, composite wrong: nothing", []Mark{R, M}, W, FourDimensional{N: 1}},
		{"missing sub, other wrong, composite wrong: IK", []Mark{W, M}, W, FourDimensional{N: 1, IK: 1}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := Classify([]GroupMarks{{Group: "g", Subs: c.subs, Multi: c.multi}})
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// A full testmini's worth of groups with a known mix of outcomes.
func TestClassifyFull(t *testing.T) {
	var groups []GroupMarks
	add := func(n int, multi Mark, subs ...Mark) {
		for i := 0; i < n; i++ {
			groups = append(groups, GroupMarks{Subs: subs, Multi: multi})
		}
	}
	add(100, R, R, R) // CM both
	add(60, R, R, W)  // RM strict, CM loose
	add(40, R, W, W)  // RM both
	add(80, W, R, R)  // IG
	add(80, W, R, W)  // IK
	add(50, R, R, R, R)
	add(30, R, R, W, W)
	add(25, R, W, W, W)
	add(30, W, R, R, R)
	add(30, W, W, R, R)
	if len(groups) != Groups {
		t.Fatalf("%d groups", len(groups))
	}
	f := Classify(groups)
	want := FourDimensional{N: 525, IK: 110, IG: 110, CMStrict: 150, RMStrict: 155, CMLoose: 240, RMLoose: 65}
	if diff := cmp.Diff(want, f); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"Score (Strict)", f.ScoreStrict(), 100 * 205.0 / 525}, // (CM + 0.5·IG)/525
		{"Score (Loose)", f.ScoreLoose(), 100 * 295.0 / 525},
		{"RM rate strict", rmRate(f.CMStrict, f.RMStrict), 100 * 155.0 / 305},
		{"RM rate loose", rmRate(f.CMLoose, f.RMLoose), 100 * 65.0 / 305},
		{"RM rate with no composite right", rmRate(0, 0), 0},
	} {
		if math.Abs(c.got-c.want) > 1e-9 {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

// A partial file is scored over the groups it has: VLMEvalKit's hard-coded
// 525 would credit every absent group as mastered (an empty file scoring 100).
func TestScoreOverGroupsPresent(t *testing.T) {
	if got := Classify(nil).ScoreStrict(); got != 0 {
		t.Errorf("no groups: Score (Strict) = %v, want 0", got)
	}
	one := Classify([]GroupMarks{{Subs: []Mark{W, W}, Multi: W}})
	if got := one.ScoreStrict(); got != 0 {
		t.Errorf("one IK group: Score (Strict) = %v, want 0", got)
	}
	two := Classify([]GroupMarks{{Subs: []Mark{W, W}, Multi: W}, {Subs: []Mark{R, R}, Multi: W}})
	if got, want := two.ScoreStrict(), 25.0; math.Abs(got-want) > 1e-9 {
		t.Errorf("IK + IG: Score (Strict) = %v, want %v", got, want)
	}
}
