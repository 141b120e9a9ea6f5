package logicvista

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vlmlab/harness/internal/testenv"
	"github.com/vlmlab/harness/plugins/sdk"
)

func load(t testing.TB, req sdk.LoadRequest) (*Dataset, error) {
	t.Helper()
	ds, err := New().Load(context.Background(), req)
	if err != nil {
		return nil, err
	}
	return ds.(*Dataset), nil
}

func loadReal(t testing.TB, profile, judge string) *Dataset {
	t.Helper()
	d, err := load(t, sdk.LoadRequest{Path: testenv.SharedPath(t, "data", "logicvista", "dataset.json"), Profile: profile, Judge: judge})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestLoadRealFile(t *testing.T) {
	d := loadReal(t, "", "")
	if d.Info().Count != Items || d.Info().Partial {
		t.Fatalf("info = %+v", d.Info())
	}
	skills, answers := map[string]int{}, map[string]int{}
	for _, p := range d.problems {
		skills[p.skills]++
		answers[p.answer]++
	}
	if diff := cmp.Diff(map[string]int{"inductive": 107, "numerical": 95, "deductive": 93, "spatial": 79, "mechanical": 74}, skills); diff != "" {
		t.Errorf("skills (-want +got):\n%s", diff)
	}
	wantAnswers := map[string]int{"A": 111, "C": 110, "B": 104, "D": 83, "E": 33, "B, D": 2, "A, C": 1, "G": 1, "3": 1, "F": 1, "": 1}
	if diff := cmp.Diff(wantAnswers, answers); diff != "" {
		t.Errorf("answers (-want +got):\n%s", diff)
	}
	first := d.Items()[0]
	dir := testenv.SharedPath(t, "data", "logicvista")
	if first.ID != "v1_0" || first.Prompt[0].Image.Path != filepath.Join(dir, "images", "v1_0.png") ||
		first.Prompt[1].Text != "What choice (A, B, C, or D) should be in place of the question mark that fits the pattern?" ||
		first.Meta["broad_capability"] != "diagram" {
		t.Errorf("first item = %+v", first)
	}
	// Loading the directory finds dataset.json.
	d2, err := load(t, sdk.LoadRequest{Path: dir})
	if err != nil || d2.Info().DataHash != d.Info().DataHash {
		t.Errorf("directory load: %v, hash %s vs %s", err, d2.Info().DataHash, d.Info().DataHash)
	}
}

func TestLoadSmallFiles(t *testing.T) {
	tests := []struct {
		file    string
		ids     []string
		answers []string
		skills  []string
		data    bool
	}{
		{"small.json", []string{"v1_0", "v1_1", "v1_2"}, []string{"B", "A, C", ""}, []string{"inductive", "spatial", "numerical"}, false},
		{"small.tsv", []string{"0", "1", "382"}, []string{"B", "A, C", ""}, []string{"['inductive']", "['spatial']", "['spatial']"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			d, err := load(t, sdk.LoadRequest{Path: filepath.Join("testdata", tt.file), AllowPartial: true})
			if err != nil {
				t.Fatal(err)
			}
			var ids, answers, skills []string
			for i, p := range d.problems {
				ids, answers, skills = append(ids, p.id), append(answers, p.answer), append(skills, p.skills)
				img := d.Items()[i].Prompt[0].Image
				if img == nil || len(img.Data) > 0 || img.MIME != "image/png" {
					t.Errorf("%s: image = %+v", p.id, img)
				} else if tt.data {
					// A TSV's image is spilled to a file beside it.
					if b, err := os.ReadFile(img.Path); err != nil || !strings.HasPrefix(string(b), "\x89PNG") {
						t.Errorf("%s: image file %s: %q, %v", p.id, img.Path, b, err)
					}
				}
			}
			if diff := cmp.Diff([][]string{tt.ids, tt.answers, tt.skills}, [][]string{ids, answers, skills}); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if !d.Info().Partial {
				t.Error("a 3-item file is not marked partial")
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	td := func(name string) string { return filepath.Join("testdata", name) }
	tests := []struct {
		name string
		req  sdk.LoadRequest
		want string
	}{
		{"truncated", sdk.LoadRequest{Path: td("truncated.json")},
			`testdata/truncated.json: line 23: record "v1_1": the JSON ends before the document is complete (truncated file?); download it again`},
		{"wrong type", sdk.LoadRequest{Path: td("bad_type.json")},
			`testdata/bad_type.json: line 25: record "v1_1": field skill: expected []string, got JSON string`},
		{"missing field", sdk.LoadRequest{Path: td("missing_answer.json")},
			`testdata/missing_answer.json: line 20: record "v1_1": missing field answer`},
		{"bad answer", sdk.LoadRequest{Path: td("bad_answer.json")},
			`testdata/bad_answer.json: line 20: record "v1_1": field answer: "A,C" is not option labels joined by ", " (such as "C" or "A, C")`},
		{"duplicate id", sdk.LoadRequest{Path: td("duplicate.json")},
			`testdata/duplicate.json: line 38: record "v1_0": the id appears twice (first at line 2); remove the duplicate`},
		{"not an object", sdk.LoadRequest{Path: td("array.json")},
			`testdata/array.json: line 1: expected a JSON object of records keyed by id ("v1_0": {...}), found [`},
		{"wrong count", sdk.LoadRequest{Path: td("small.json")},
			"testdata/small.json: logicvista has 3 items, the benchmark has 448; pass --allow-partial to score a subset (the report will say partial)"},
		{"bad tsv answer", sdk.LoadRequest{Path: td("bad_answer.tsv"), AllowPartial: true},
			`testdata/bad_answer.tsv: line 3: field answer: "A and C" is not option labels joined by ", " (such as "C" or "A, C")`},
		{"profile", sdk.LoadRequest{Path: td("small.json"), AllowPartial: true, Profile: "vlmevalkit"},
			`logicvista: unknown scoring profile "vlmevalkit"; use "leaderboard" or "official"`},
		{"options", sdk.LoadRequest{Path: td("small.json"), Options: map[string]string{"judge_retries": "3"}},
			"logicvista: unknown options judge_retries; LogicVista takes none"},
		{"empty dir", sdk.LoadRequest{Path: "testdata"},
			"logicvista: directory testdata holds none of dataset.json, data/dataset.json, LogicVista.tsv"},
		{"no path", sdk.LoadRequest{},
			"logicvista: no data path given; point it at dataset.json or LogicVista.tsv"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := load(t, tt.req)
			if err == nil {
				t.Fatal("no error")
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

// Image paths cross the plugin boundary: they must be absolute even when the
// data path is relative.
func TestImagePathsAbsolute(t *testing.T) {
	d, err := load(t, sdk.LoadRequest{Path: filepath.Join("testdata", "small.json"), AllowPartial: true})
	if err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(filepath.Join("testdata", "images", "v1_0.png"))
	if got := d.Items()[0].Prompt[0].Image.Path; got != abs {
		t.Errorf("image path %s, want %s", got, abs)
	}
}
