package mathverse

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

func load(t *testing.T, req sdk.LoadRequest) (*Dataset, error) {
	t.Helper()
	ds, err := New().Load(context.Background(), req)
	if err != nil {
		return nil, err
	}
	return ds.(*Dataset), nil
}

func TestLoadTextOnlyRealFile(t *testing.T) {
	path := testenv.SharedPath(t, "data", "mathverse", "testmini_text_only.json")
	d, err := load(t, sdk.LoadRequest{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	info := d.Info()
	if info.Count != Items || info.Partial || !strings.HasPrefix(info.DataHash, "sha256:") {
		t.Fatalf("info = %+v", info)
	}
	subjects, mc := map[string]int{}, 0
	for i := range d.problems {
		subjects[d.problems[i].subject]++
		if d.problems[i].questionType == MultiChoice {
			mc++
		}
	}
	if diff := cmp.Diff(map[string]int{"Plane Geometry": 510, "Functions": 159, "Solid Geometry": 119}, subjects); diff != "" {
		t.Errorf("subjects (-want +got):\n%s", diff)
	}
	if mc != 436 {
		t.Errorf("multi-choice items = %d, want 436", mc)
	}
	// Problem 685 is sample 3425 in output_testmini_template.json.
	var p *problem
	for i := range d.problems {
		if d.problems[i].problemIndex == "685" {
			p = &d.problems[i]
		}
	}
	if p == nil {
		t.Fatal("problem 685 not loaded")
	}
	got := struct{ ID, Answer, Image, Prompt, Question string }{
		p.id, p.answer, filepath.ToSlash(p.prompt[0].Image.Path), p.prompt[1].Text, p.question,
	}
	want := struct{ ID, Answer, Image, Prompt, Question string }{
		"3425", "14", filepath.ToSlash(filepath.Join(filepath.Dir(path), "images_version_6/image_685.png")), visionOnlyFreeForm, "",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problem 685 (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(p.questionForEval, "A soft drink can has a height of 13 cm") {
		t.Errorf("question_for_eval = %q", p.questionForEval)
	}
}

// The template has one Vision Only record among five versions.
func TestLoadTemplateIsPartial(t *testing.T) {
	path := testenv.SharedPath(t, "data", "mathverse", "output_testmini_template.json")
	_, err := load(t, sdk.LoadRequest{Path: path})
	want := path + ": mathverse has 1 items, the benchmark has 788; pass --allow-partial to score a subset (the report will say partial)"
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v\nwant %s", err, want)
	}
	d, err := load(t, sdk.LoadRequest{Path: path, AllowPartial: true})
	if err != nil {
		t.Fatal(err)
	}
	it := d.Items()[0]
	if it.ID != "3425" || !d.Info().Partial || it.Prompt[1].Text != visionOnlyFreeForm {
		t.Fatalf("item = %+v, info = %+v", it, d.Info())
	}
	// The template has a Text Dominant record: its question is question_for_eval.
	if !strings.HasPrefix(d.problems[0].questionForEval, "A soft drink can") {
		t.Errorf("question_for_eval = %q", d.problems[0].questionForEval)
	}
}

func TestLoadSmallFiles(t *testing.T) {
	tests := []struct {
		file      string
		ids       []string
		forEval   []string
		prompts   []string
		imageData bool
	}{
		{"testmini_small.json", []string{"5", "10"},
			[]string{"In the triangle shown, angle A = 50 and angle B = 60. What is angle C?\nChoices:\nA:60°\nB:70°\nC:80°\nD:90°", "A box is 3 cm by 4 cm. How long is its diagonal?"},
			[]string{visionOnlyMultiChoice, visionOnlyFreeForm}, false},
		{"text_only_small.json", []string{"5", "10"},
			[]string{"In the triangle shown, angle A = 50 and angle B = 60. What is angle C?\nChoices:\nA:60°\nB:70°\nC:80°\nD:90°", "A box is 3 cm by 4 cm. How long is its diagonal?"},
			[]string{visionOnlyMultiChoice, visionOnlyFreeForm}, false},
		// The Text Lite row is skipped.
		{"vision_only.tsv", []string{"1", "3"},
			[]string{"the size of angle CED is ()\nChoices:\nA:40°\nB:60°\nC:120°\nD:140°", "Find L, the length of the longest straw."},
			[]string{visionOnlyMultiChoice, visionOnlyFreeForm}, true},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			d, err := load(t, sdk.LoadRequest{Path: filepath.Join("testdata", tt.file), AllowPartial: true})
			if err != nil {
				t.Fatal(err)
			}
			var ids, forEval, prompts []string
			for i, p := range d.problems {
				ids = append(ids, p.id)
				forEval = append(forEval, p.questionForEval)
				prompts = append(prompts, d.Items()[i].Prompt[1].Text)
				img := d.Items()[i].Prompt[0].Image
				if img == nil || len(img.Data) > 0 || img.MIME != "image/png" {
					t.Errorf("item %s: image part = %+v", p.id, img)
				} else if tt.imageData {
					// A TSV's image is spilled to a file beside it.
					if b, err := os.ReadFile(img.Path); err != nil || !strings.HasPrefix(string(b), "\x89PNG") {
						t.Errorf("item %s: image file %s: %q, %v", p.id, img.Path, b, err)
					}
				}
				if p.question != "" {
					t.Errorf("item %s: official question = %q, want empty for Vision Only", p.id, p.question)
				}
			}
			if diff := cmp.Diff([][]string{tt.ids, tt.forEval, tt.prompts}, [][]string{ids, forEval, prompts}); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadDirectory(t *testing.T) {
	dir := testenv.SharedPath(t, "data", "mathverse")
	d, err := load(t, sdk.LoadRequest{Path: dir})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := d.Info().Path, filepath.Join(dir, "testmini_text_only.json"); got != want {
		t.Errorf("path = %s, want %s", got, want)
	}
}

func TestLoadErrors(t *testing.T) {
	td := func(name string) string { return filepath.Join("testdata", name) }
	tests := []struct {
		name string
		req  sdk.LoadRequest
		want string
	}{
		{"truncated json", sdk.LoadRequest{Path: td("truncated.json")},
			"testdata/truncated.json: line 42: record 3: the JSON ends before the document is complete (truncated file?); download it again"},
		{"syntax", sdk.LoadRequest{Path: td("syntax.json")},
			"testdata/syntax.json: line 42: record 3: invalid JSON: invalid character ',' looking for beginning of object key string"},
		{"wrong type", sdk.LoadRequest{Path: td("bad_type.json")},
			"testdata/bad_type.json: line 55: record 4: field problem_index: expected string, got JSON number"},
		{"missing answer", sdk.LoadRequest{Path: td("missing_answer.json")},
			"testdata/missing_answer.json: line 53: record 4: missing field answer"},
		{"bad question type", sdk.LoadRequest{Path: td("bad_question_type.json")},
			`testdata/bad_question_type.json: line 19: record 2: field question_type: "open" is neither "multi-choice" nor "free-form"`},
		{"no vision only", sdk.LoadRequest{Path: td("no_vision_only.json")},
			`testdata/no_vision_only.json: no "Vision Only" records (versions found: "Text Dominant" ×2, "Vision Dominant" ×2); use testmini.json, testmini_text_only.json or the VLMEvalKit TSV`},
		{"wrong count", sdk.LoadRequest{Path: td("testmini_small.json")},
			"testdata/testmini_small.json: mathverse has 2 items, the benchmark has 788; pass --allow-partial to score a subset (the report will say partial)"},
		{"truncated tsv", sdk.LoadRequest{Path: td("truncated.tsv"), AllowPartial: true},
			"testdata/truncated.tsv: line 8: 4 fields, the header has 10 (truncated or malformed row)"},
		{"bad metadata", sdk.LoadRequest{Path: td("bad_metadata.tsv"), AllowPartial: true},
			"testdata/bad_metadata.tsv: line 9: field metadata: needs string keys 'subject' and 'subfield', got {'subject': 'Solid Geometry'}"},
		{"bad question type tsv", sdk.LoadRequest{Path: td("bad_question_type.tsv"), AllowPartial: true},
			`testdata/bad_question_type.tsv: line 2: field question_type: "multiple-choice" is neither "multi-choice" nor "free-form"`},
		{"bad image", sdk.LoadRequest{Path: td("bad_image.tsv"), AllowPartial: true},
			"testdata/bad_image.tsv: line 9: field image (#1): not base64: illegal base64 data at input byte 3"},
		{"unknown extension", sdk.LoadRequest{Path: "load_test.go"},
			"load_test.go: unknown data file type; give testmini.json, testmini_text_only.json or a VLMEvalKit .tsv"},
		{"missing file", sdk.LoadRequest{Path: td("nope.json")},
			"mathverse: data path: stat testdata/nope.json: no such file or directory"},
		{"empty directory", sdk.LoadRequest{Path: "."},
			"mathverse: directory . holds none of testmini.json, MathVerse_MINIVOnly.tsv, MathVerse_MINI_Vision_Only.tsv, testmini_text_only.json"},
		{"profile", sdk.LoadRequest{Path: td("testmini_small.json"), Profile: "strict"},
			`mathverse: unknown scoring profile "strict"; use "leaderboard" or "official"`},
		{"option", sdk.LoadRequest{Path: td("testmini_small.json"), Options: map[string]string{"trunk": "30"}},
			`mathverse: unknown option "trunk"; it takes trunk_response, version and prompt`},
		{"option value", sdk.LoadRequest{Path: td("testmini_small.json"), Options: map[string]string{OptionTrunkResponse: "all"}},
			`mathverse: option trunk_response: "all" is not an integer (words kept from the end of a response; 0 keeps all)`},
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
	for _, file := range []string{"testmini_small.json", "text_only_small.json"} {
		d, err := load(t, sdk.LoadRequest{Path: filepath.Join("testdata", file), AllowPartial: true})
		if err != nil {
			t.Fatal(err)
		}
		abs, _ := filepath.Abs(filepath.Join("testdata", "images_version_6", "image_1.png"))
		if got := d.Items()[0].Prompt[0].Image.Path; got != abs {
			t.Errorf("%s: image path %s, want %s", file, got, abs)
		}
	}
}
