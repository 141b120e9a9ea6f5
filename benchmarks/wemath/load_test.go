package wemath

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vlmlab/harness/benchmarks/answer"
	"github.com/vlmlab/harness/internal/testenv"
	"github.com/vlmlab/harness/plugins/sdk"
)

func TestLoadRealFile(t *testing.T) {
	dir := testenv.SharedPath(t, "data", "wemath")
	d, err := Load(context.Background(), sdk.LoadRequest{Path: dir})
	if err != nil {
		t.Fatal(err)
	}
	if info := d.Info(); info.Count != Items || info.Partial || info.Path != filepath.Join(dir, "testmini.json") {
		t.Fatalf("info = %+v", info)
	}
	groups := map[string]int{}
	keys := map[string]int{}
	answers := map[string]int{}
	for _, p := range d.Problems() {
		groups[p.Group]++
		keys[p.Key]++
		answers[p.Answer]++
	}
	if len(groups) != Groups {
		t.Errorf("%d groups, want %d", len(groups), Groups)
	}
	wantKeys := map[string]int{"2steps_1": 360, "2steps_2": 360, "2steps_multi": 360, "3steps_1": 165, "3steps_2": 165, "3steps_3": 165, "3steps_multi": 165}
	if diff := cmp.Diff(wantKeys, keys); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]int{"A": 585, "B": 507, "C": 454, "D": 193, "E": 1}, answers); diff != "" {
		t.Errorf("answers (-want +got):\n%s", diff)
	}
	if len(d.nodes) != 67 {
		t.Errorf("%d knowledge nodes loaded from beside the data, want 67", len(d.nodes))
	}
	it := d.Items()[0]
	want := "Question: According to the diagram and the length information provided: OA = ( ) m, AB = ( ) m\n" + FormatTemplate + "\n" +
		"Options:\nA. 300, 400\nB. 400, 300\nC. 3000, 4000\nD. 4000, 3000\nE. No correct answer\n"
	if it.ID != "2steps_1.1" || it.Prompt[1].Text != want || it.Prompt[0].Image.Path != filepath.Join(dir, "2steps", "image", "1-1.png") {
		t.Errorf("item = %s %q %+v", it.ID, it.Prompt[1].Text, it.Prompt[0].Image)
	}
	off, err := Load(context.Background(), sdk.LoadRequest{Path: dir, Options: map[string]string{OptionFormatTemplate: "off"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := off.Items()[0].Prompt[1].Text; strings.Contains(got, "Regarding the format") {
		t.Errorf("format_template off: %q", got)
	}
	if off.Info().DataHash != d.Info().DataHash {
		t.Error("the option changed the data hash")
	}
}

func TestPrompt(t *testing.T) {
	cs := answer.Choices{{Letter: "A", Text: "3"}, {Letter: "B", Text: "4"}}
	if got, want := Prompt("Look at the ruler.", "How long?", cs), "Hint: Look at the ruler.\nQuestion: How long?\nOptions:\nA. 3\nB. 4\n"; got != want {
		t.Errorf("Prompt = %q, want %q", got, want)
	}
	if got, want := Prompt("", "How long?", cs), "Question: How long?\nOptions:\nA. 3\nB. 4\n"; got != want {
		t.Errorf("Prompt = %q, want %q", got, want)
	}
}

func TestLoadTSV(t *testing.T) {
	d, err := Load(context.Background(), sdk.LoadRequest{Path: filepath.Join("testdata", "small.tsv"), AllowPartial: true})
	if err != nil {
		t.Fatal(err)
	}
	if info := d.Info(); !info.Partial || info.Count != 3 {
		t.Fatalf("info = %+v", info)
	}
	p := d.Problems()[1]
	if p.ID != "11" || p.Group != "2steps_1" || p.Step != 2 || p.Hint != "Read the ruler." || len(p.Choices) != 2 || p.Concept != "Angles" {
		t.Errorf("problem = %+v", p)
	}
	want := "Hint: Read the ruler.\nQuestion: a = ( ) m\n" + FormatTemplate + "\nOptions:\nA. 3, 5, 4\nB. 3, 50, 40\n"
	if got := d.Items()[1].Prompt[1].Text; got != want {
		t.Errorf("prompt = %q\nwant %q", got, want)
	}
	// Official-template answers need no judge in the official profile.
	off, err := Load(context.Background(), sdk.LoadRequest{Path: filepath.Join("testdata", "small.tsv"), AllowPartial: true, Profile: sdk.ProfileOfficial})
	if err != nil {
		t.Fatal(err)
	}
	res, err := off.Score(context.Background(), []sdk.Response{
		{ItemID: "10", Text: thought + "C>>"}, {ItemID: "11", Text: thought + "A>>"}, {ItemID: "12", Text: thought + "B>>"},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Report == nil || res.Report.Metrics[len(res.Report.Metrics)-3].Value != 100 {
		t.Errorf("report = %+v", res.Report)
	}
}

func TestLoadErrors(t *testing.T) {
	small, err := os.ReadFile(filepath.Join("testdata", "testmini_small.json"))
	if err != nil {
		t.Fatal(err)
	}
	tsv, err := os.ReadFile(filepath.Join("testdata", "small.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	// file writes data to a new folder (without a knowledge tree) and
	// returns the path.
	file := func(name, data string) string {
		p := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	json := func(old, new string) string {
		return file("testmini.json", strings.Replace(string(small), old, new, 1))
	}
	tsvWith := func(old, new string) string {
		return file("WeMath.tsv", strings.Replace(string(tsv), old, new, 1))
	}
	partial := func(path string) sdk.LoadRequest { return sdk.LoadRequest{Path: path, AllowPartial: true} }
	for _, c := range []struct {
		name    string
		req     sdk.LoadRequest
		wantErr string
	}{
		{"wrong count", sdk.LoadRequest{Path: json("", "")}, "has 17 items, the benchmark has 1740; pass --allow-partial"},
		{"truncated", partial(file("testmini.json", string(small[:len(small)/2]))), "the JSON ends before the document is complete"},
		{"syntax error", partial(json(`"answer": "C"`, `"answer": C`)), "testmini.json: line 20: invalid JSON"},
		{"not a list", partial(file("testmini.json", `{"ID": "2steps_1"}`)), "line 1: expected a JSON list of WeMath records"},
		{"record not an object", partial(file("testmini.json", `[1]`)), "line 1: record 1: expected a record object"},
		{"missing field", partial(json(`"key": "2steps_2",`, ``)), `line 14: record 2: field "key": missing`},
		{"field not a string", partial(json(`"answer": "C"`, `"answer": 3`)), `line 14: record 2: field "answer": expected a string, got 3`},
		{"bad key", partial(json(`"key": "2steps_2"`, `"key": "2steps_two"`)), `record 2 (ID 2steps_1, key 2steps_two): field key: "2steps_two" is not a role`},
		{"step beyond group size", partial(json(`"key": "2steps_2"`, `"key": "2steps_3"`)), `field key: "2steps_3" names step 3 of a 2-step group`},
		{"empty ID", partial(json(`"ID": "2steps_1"`, `"ID": ""`)), "record 1 (ID , key 2steps_1): field ID: empty"},
		{"bad option string", partial(json(`"option": "A. 2 cm;B. 3 cm; C. 4 cm;D. 5 cm; E. No correct answer"`, `"option": "2 cm, 3 cm"`)), `record 2 (ID 2steps_1, key 2steps_2): field "option": option string "2 cm, 3 cm": found 0 options`},
		{"answer not an option", partial(json(`"answer": "C"`, `"answer": "G"`)), `record 2 (ID 2steps_1, key 2steps_2): field answer: "G" is not one of the options A, B, C, D, E`},
		{"empty image", partial(json(`"image_path": "2steps/image/1-1.png"`, `"image_path": ""`)), `field "image_path": empty`},
		{"duplicate role", partial(json(`"key": "2steps_2"`, `"key": "2steps_1"`)), "group 2steps_1 has two 2steps_1 items (2steps_1.1 and 2steps_1.1)"},
		{"group mixes step counts", partial(json(`"key": "2steps_2"`, `"key": "3steps_2"`)), "group 2steps_1 mixes 2-step and 3-step roles"},
		{"unknown option", sdk.LoadRequest{Path: json("", ""), Options: map[string]string{"judge": "x"}}, `unknown option "judge"`},
		{"bad option value", sdk.LoadRequest{Path: json("", ""), Options: map[string]string{OptionFormatTemplate: "yes"}}, `option format_template: "yes" is not "on" or "off"`},
		{"unknown profile", sdk.LoadRequest{Path: json("", ""), Profile: "vlmevalkit"}, `unknown profile "vlmevalkit"`},
		{"unknown file type", partial(file("testmini.csv", "")), "expected testmini.json, a folder holding it, or VLMEvalKit's WeMath.tsv"},
		{"folder without testmini.json", partial(t.TempDir()), "testmini.json: no such file"},
		{"bad knowledge tree", sdk.LoadRequest{Path: json("", ""), AllowPartial: true, Options: map[string]string{OptionKnowledgeNodes: file("nodes.json", `[{"root2": "Units"}]`)}}, `nodes.json: line 1: node 1: field "full node": missing`},
		{"knowledge tree not found", sdk.LoadRequest{Path: json("", ""), AllowPartial: true, Options: map[string]string{OptionKnowledgeNodes: "/nonexistent/nodes.json"}}, "no such file"},
		{"tsv duplicate index", partial(tsvWith("\n11\t", "\n10\t")), `line 5: field index: "10" already used on line 2`},
		{"tsv one option", partial(tsvWith("\t3, 50, 40\t", "\t\t")), "option columns A…H: 1 filled, expected at least 2"},
		{"tsv answer not an option", partial(tsvWith("\tA\t2steps_1\t2steps_2", "\tC\t2steps_1\t2steps_2")), `field answer: "C" is not one of the options A, B`},
		{"tsv missing column", partial(tsvWith("\tkey\t", "\trole\t")), `line 1: missing column "key"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load(context.Background(), c.req)
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("err = %v\nwant it to contain %q", err, c.wantErr)
			}
		})
	}
}

// A group that lacks its composite problem is refused, naming the group;
// with AllowPartial it is scored as VLMEvalKit's merge would.
func TestLoadIncompleteGroup(t *testing.T) {
	// Move the first record of group 3steps_165 (its 3steps_1) to a new
	// group: the count stays 1,740, but two groups are incomplete.
	real, err := os.ReadFile(testenv.SharedPath(t, "data", "wemath", "testmini.json"))
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(real), `"ID": "3steps_165",
        "split": "testmini",`, `"ID": "3steps_999",
        "split": "testmini",`, 1)
	if s == string(real) {
		t.Fatal("substitution did not apply")
	}
	p := filepath.Join(t.TempDir(), "testmini.json")
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Load(context.Background(), sdk.LoadRequest{Path: p})
	if err == nil || !strings.Contains(err.Error(), "group 3steps_999 lacks 3steps_2, 3steps_3, 3steps_multi (the composite problem)") {
		t.Errorf("err = %v", err)
	}
	if _, err := Load(context.Background(), sdk.LoadRequest{Path: p, AllowPartial: true}); err != nil {
		t.Errorf("AllowPartial: %v", err)
	}
}
