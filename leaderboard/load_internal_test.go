package leaderboard

import "testing"

// Ids equal file names, so one folder cannot hold a duplicate; two files of
// the same name from different places can, and crossCheck must say so.
func TestCrossCheckDuplicateID(t *testing.T) {
	var files []parsed
	for _, name := range []string{"a/x-model.yaml", "b/x-model.yaml"} {
		f, ps := parse(name, []byte(`id: x-model
model: X
organisation: Example Lab
kind: model
scale: 4B
method: Example recipe
profile: leaderboard
sources: [{ref: Example paper}]
scores: {mathvista: 61.0, mathvision: 24.4, mathverse: 36.4, dynamath: 18.2, wemath: 33.8, logicvista: 38.5}
reported_avg: 35.4
`))
		if len(ps) > 0 {
			t.Fatalf("parse %s: %v", name, errorOf(ps))
		}
		files = append(files, f)
	}
	err := errorOf(crossCheck(files, nil))
	want := `b/x-model.yaml:1: id: "x-model" is also the id of a/x-model.yaml; ids must be unique, rename one`
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}
