package leaderboard_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/vlmlab/harness/leaderboard"
)

// TestLoadCrossFileProblems covers the rules that need several files: derived
// scores recomputed from their base, a derivation naming no entry, and a .yml
// file that the binary would not embed. Other files are ignored.
func TestLoadCrossFileProblems(t *testing.T) {
	_, err := leaderboard.LoadFS(os.DirFS("testdata/load/cross"))
	if err == nil {
		t.Fatal("LoadFS accepted the bad set")
	}
	checkGolden(t, "testdata/load/cross.golden", err.Error()+"\n")
}

func TestLoadNamesFilesUnderDir(t *testing.T) {
	dir := filepath.Join("testdata", "load", "cross")
	_, err := leaderboard.Load(dir)
	var le *leaderboard.Error
	if !errors.As(err, &le) {
		t.Fatalf("error %v, want *leaderboard.Error", err)
	}
	for _, p := range le.Problems {
		if !strings.HasPrefix(p.File, dir+string(filepath.Separator)) {
			t.Errorf("problem file %q is not under %s", p.File, dir)
		}
	}
}

func TestLoadEmpty(t *testing.T) {
	for _, tc := range []struct {
		name string
		load func() ([]leaderboard.Entry, error)
		want string
	}{
		{"empty dir", func() ([]leaderboard.Entry, error) { return leaderboard.Load(t.TempDir()) }, "no entries (*.yaml files) in "},
		{"only other files", func() ([]leaderboard.Entry, error) {
			return leaderboard.LoadFS(fstest.MapFS{"README.md": {Data: []byte("# hi")}})
		}, "no entries (*.yaml files) in the embedded entries"},
		{"missing dir", func() ([]leaderboard.Entry, error) { return leaderboard.Load(filepath.Join(t.TempDir(), "nope")) }, "list entries in "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			es, err := tc.load()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %d entries, error %v; want error containing %q", len(es), err, tc.want)
			}
		})
	}
}

func TestLoadSortsByID(t *testing.T) {
	fsys := fstest.MapFS{}
	for _, id := range []string{"b-model", "a-model", "c-model"} {
		fsys[id+".yaml"] = &fstest.MapFile{Data: []byte(strings.ReplaceAll(exampleEntry, "ID", id))}
	}
	es, err := leaderboard.LoadFS(fsys)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range es {
		ids = append(ids, e.ID)
	}
	if diff := cmp.Diff([]string{"a-model", "b-model", "c-model"}, ids); diff != "" {
		t.Error(diff)
	}
}

const exampleEntry = `id: ID
model: ID
organisation: Example Lab
kind: model
scale: 4B
method: Example recipe
profile: leaderboard
sources:
  - ref: Example paper, Table 1
scores:
  mathvista: 61.0
  mathvision: 24.4
  mathverse: 36.4
  dynamath: 18.2
  wemath: 33.8
  logicvista: 38.5
reported_avg: 35.4
`
