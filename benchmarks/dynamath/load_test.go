package dynamath

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vlmlab/harness/internal/testenv"
	"github.com/vlmlab/harness/plugins/sdk"
)

var threeSeeds = []seedSpec{
	{1, TypeFloat, "algebra", "high school", func(k int) string { return fmt.Sprint(k) }},
	{2, TypeChoice, "statistics", "elementary school", constant("B")},
	{3, TypeText, "algebra", "undergraduate", constant("(0, 6)")},
}

func TestLoadRealDirectory(t *testing.T) {
	dir := testenv.SharedPath(t, "data", "dynamath")
	d, err := Load(context.Background(), sdk.LoadRequest{Path: dir, Profile: sdk.ProfileLeaderboard})
	if err != nil {
		t.Fatal(err)
	}
	info := d.Info()
	if info.Count != Items || info.Partial || !strings.HasPrefix(info.DataHash, "sha256:") {
		t.Fatalf("info = %+v", info)
	}
	types := map[string]int{}
	seeds := map[int]bool{}
	for _, p := range d.Problems() {
		types[p.AnswerType]++
		seeds[p.QID] = true
	}
	// Reference §5.1: per variant 296 float, 174 multiple choice, 31 text.
	want := map[string]int{TypeFloat: 2960, TypeChoice: 1740, TypeText: 310}
	for k, v := range want {
		if types[k] != v {
			t.Errorf("%s items = %d, want %d", k, types[k], v)
		}
	}
	if len(seeds) != Seeds {
		t.Errorf("seeds = %d, want %d", len(seeds), Seeds)
	}
	it := d.Items()[Seeds+11] // variant 2, qid 12
	if it.ID != "12-v2" || it.Meta["varid"] != "2" || it.Meta["qid"] != "12" {
		t.Errorf("item = %s %v", it.ID, it.Meta)
	}
	if img := it.Prompt[0].Image; img == nil || img.Path != filepath.Join(dir, "variant2", "image", "image12.png") {
		t.Errorf("image part = %+v", it.Prompt[0])
	}
}

func TestPrompt(t *testing.T) {
	want := "## Question\n What is 1+1?\n## Answer Instruction Please provide an answer to the question outlined above. " +
		"Your response should adhere to the following JSON format, which includes two keys: 'solution' and 'short answer'. " +
		"The 'solution' key can contain detailed steps needed to solve the question, and the 'short answer' key should provide " +
		"a concise response. Format the answer as a three-digit floating-point number and provide it in the 'short answer' key.\n\n" +
		"Example of expected JSON response format:\n\n{\n    \"solution\": \"[Detailed step-by-step explanation]\",\n" +
		"    \"short answer\": \"[Concise Answer]\"\n}"
	if got := Prompt("What is 1+1?", TypeFloat); got != want {
		t.Errorf("Prompt =\n%q\nwant\n%q", got, want)
	}
	for typ, inst := range map[string]string{
		TypeChoice: "Provide the corresponing choice option in the 'short answer' key, such as 'A', 'B', 'C', or 'D'.\n\n",
		TypeText:   "Float numbers in the answer should be formatted as three-digit floating-point numbers.\n\n",
	} {
		if got := Prompt("Q", typ); !strings.Contains(got, "concise response. "+inst) {
			t.Errorf("Prompt(%s) lacks %q", typ, inst)
		}
	}
}

func TestLoadTSV(t *testing.T) {
	path := filepath.Join("testdata", "small.tsv")
	d, err := Load(context.Background(), sdk.LoadRequest{Path: path, AllowPartial: true})
	if err != nil {
		t.Fatal(err)
	}
	if !d.Info().Partial || d.Info().Count != 5 {
		t.Fatalf("info = %+v", d.Info())
	}
	p := d.Problems()[4]
	if p.ID != "3" || p.QID != 3 || p.VarID != 1 || p.Question != "Which month is the hottest?\nAnswer with the month." || p.Answer != "Sep" {
		t.Errorf("problem = %+v", p)
	}
	it := d.Items()[2]
	if it.ID != "502" || len(it.Prompt) != 2 || it.Prompt[0].Image == nil || it.Prompt[0].Image.MIME != "image/png" {
		t.Errorf("item = %+v", it)
	}
	if _, err := Load(context.Background(), sdk.LoadRequest{Path: path}); err == nil || !strings.Contains(err.Error(), "has 5 items, the benchmark has 5010") {
		t.Errorf("without AllowPartial: err = %v", err)
	}
}

func TestLoadErrors(t *testing.T) {
	ctx := context.Background()
	good := writeVariants(t, threeSeeds, Variants)
	small, err := os.ReadFile(filepath.Join("testdata", "small.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	// tsv writes a variant of small.tsv with one substitution on its data lines.
	tsv := func(old, new string) string {
		p := filepath.Join(t.TempDir(), "DynaMath.tsv")
		writeFile(t, p, strings.Replace(string(small), old, new, 1))
		return p
	}
	// dirWith writes the three-seed variant files, replacing variant1.json.
	dirWith := func(variant1 string) string {
		dir := writeVariants(t, threeSeeds, Variants)
		writeFile(t, filepath.Join(dir, "variant1.json"), variant1)
		return dir
	}
	v1, err := os.ReadFile(filepath.Join(good, "variant1.json"))
	if err != nil {
		t.Fatal(err)
	}
	variant1 := string(v1)
	missing := writeVariants(t, threeSeeds, Variants)
	if err := os.Remove(filepath.Join(missing, "variant5.json")); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name    string
		req     sdk.LoadRequest
		wantErr string
	}{
		{"wrong count", sdk.LoadRequest{Path: good}, "has 30 items, the benchmark has 5010; pass --allow-partial"},
		{"missing variant file", sdk.LoadRequest{Path: missing}, "missing variant5.json"},
		{"empty directory", sdk.LoadRequest{Path: t.TempDir()}, "no variant1.json"},
		{"not a directory or tsv", sdk.LoadRequest{Path: filepath.Join(good, "variant1.json")}, "expected a directory holding variant1.json"},
		{"no such path", sdk.LoadRequest{Path: filepath.Join(good, "nope")}, "no such file"},
		{"unknown profile", sdk.LoadRequest{Path: good, Profile: "strict"}, `unknown profile "strict"`},
		{"unknown option", sdk.LoadRequest{Path: good, Options: map[string]string{"x": "1"}}, "unknown options [x]"},
		{"truncated json", sdk.LoadRequest{Path: dirWith(variant1[:len(variant1)/2]), AllowPartial: true}, "the JSON ends before the document is complete"},
		{"syntax error", sdk.LoadRequest{Path: dirWith(strings.Replace(variant1, `"answer": "B"`, `"answer": B`, 1)), AllowPartial: true}, "variant1.json: line 12: invalid JSON"},
		{"top-level array", sdk.LoadRequest{Path: dirWith("[]"), AllowPartial: true}, "line 1: expected a JSON object of records keyed by qid"},
		{"bad qid", sdk.LoadRequest{Path: dirWith(strings.Replace(variant1, `"2": {`, `"two": {`, 1)), AllowPartial: true}, `line 10: qid "two": the key is not a seed number`},
		{"record not an object", sdk.LoadRequest{Path: dirWith(`{"1": "x"}`), AllowPartial: true}, `line 1: qid "1": expected a record object`},
		{"bad answer type", sdk.LoadRequest{Path: dirWith(strings.Replace(variant1, `"multiple choice"`, `"choice"`, 1)), AllowPartial: true}, `line 10: qid "2": field answer_type: "choice" is not one of`},
		{"float answer not a number", sdk.LoadRequest{Path: dirWith(strings.Replace(variant1, `"answer": "1"`, `"answer": "one"`, 1)), AllowPartial: true}, `line 2: qid "1": field answer: "one" is not a number`},
		{"choice answer not a letter", sdk.LoadRequest{Path: dirWith(strings.Replace(variant1, `"answer": "B"`, `"answer": "yes"`, 1)), AllowPartial: true}, `field answer: "yes" is not an option letter`},
		{"field not a string", sdk.LoadRequest{Path: dirWith(strings.Replace(variant1, `"subject": "statistics"`, `"subject": 7`, 1)), AllowPartial: true}, `line 10: qid "2": field subject: expected a string, got 7`},
		{"field missing", sdk.LoadRequest{Path: dirWith(strings.Replace(variant1, `"level": "undergraduate"`, `"grade": "undergraduate"`, 1)), AllowPartial: true}, `qid "3": field level: missing`},
		{"empty image", sdk.LoadRequest{Path: dirWith(strings.Replace(variant1, `"image/image1.png"`, `""`, 1)), AllowPartial: true}, "field image: empty"},
		{"tsv index is not qid on varid 1", sdk.LoadRequest{Path: tsv("\n2\t", "\n77\t"), AllowPartial: true}, "line 3: qid 2 varid 1 has index \"77\"; VLMEvalKit's worst-case grouping needs index == qid"},
		{"tsv duplicate index", sdk.LoadRequest{Path: tsv("\n503\t", "\n502\t"), AllowPartial: true}, `line 5: field index: "502" already used on line 4`},
		{"tsv duplicate qid and varid", sdk.LoadRequest{Path: tsv("\tstatistics\telementary school\t2\t2\n", "\tstatistics\telementary school\t1\t2\n"), AllowPartial: true}, "qid 1 varid 2 appears twice (items 502 and 503)"},
		{"tsv varid out of range", sdk.LoadRequest{Path: tsv("\t1\t2\n", "\t1\t11\n"), AllowPartial: true}, "line 4: field varid: 11 is not in 1..10"},
		{"tsv varid not a number", sdk.LoadRequest{Path: tsv("\t1\t2\n", "\t1\tx\n"), AllowPartial: true}, `line 4: field varid: "x" is not an integer`},
		{"tsv missing column", sdk.LoadRequest{Path: tsv("knowledge_level", "level"), AllowPartial: true}, `line 1: missing column "knowledge_level"`},
		{"tsv bad image", sdk.LoadRequest{Path: tsv("\tiVBOR", "\t!!!"), AllowPartial: true}, "line 2: field image (#1): not base64"},
		{"tsv truncated row", sdk.LoadRequest{Path: tsv("\telementary school\t3\t1", ""), AllowPartial: true}, "line 6: 6 fields, the header has 9"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load(ctx, c.req)
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("err = %v\nwant it to contain %q", err, c.wantErr)
			}
		})
	}
}

func TestLoadPartialDirectory(t *testing.T) {
	dir := writeVariants(t, threeSeeds, 4)
	d, err := Load(context.Background(), sdk.LoadRequest{Path: dir, AllowPartial: true})
	if err != nil {
		t.Fatal(err)
	}
	if info := d.Info(); !info.Partial || info.Count != 12 {
		t.Errorf("info = %+v", info)
	}
}

// A full-size directory in which one seed lacks a variant (and another has an
// extra one) is refused even though the item count is right.
func TestLoadIncompleteSeed(t *testing.T) {
	src := testenv.SharedPath(t, "data", "dynamath")
	dir := t.TempDir()
	for k := 1; k <= Variants; k++ {
		name := fmt.Sprintf("variant%d.json", k)
		b, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		if k == Variants {
			s = strings.Replace(s, `"501": {`, `"502": {`, 1)
		}
		writeFile(t, filepath.Join(dir, name), s)
	}
	_, err := Load(context.Background(), sdk.LoadRequest{Path: dir})
	if err == nil || !strings.Contains(err.Error(), "seed qid 501 has 9 of its 10 variants") {
		t.Errorf("err = %v", err)
	}
}

func TestLoadTrialLayout(t *testing.T) {
	flat := writeVariants(t, threeSeeds, Variants)
	dir := t.TempDir()
	for k := 1; k <= Variants; k++ {
		sub := filepath.Join(dir, fmt.Sprintf("trial%d", k))
		if err := os.Mkdir(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(flat, fmt.Sprintf("variant%d.json", k)))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(sub, "dataset.json"), string(b))
	}
	d, err := Load(context.Background(), sdk.LoadRequest{Path: dir, AllowPartial: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Items()[3].Prompt[0].Image.Path; got != filepath.Join(dir, "trial2", "image", "image1.png") {
		t.Errorf("image path = %s", got)
	}
}
