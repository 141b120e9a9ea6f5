package mathvista

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vlmlab/harness/plugins/sdk"
)

const goodRecord = `{
    "question": "How many cubes?",
    "image": "images/2.jpg",
    "choices": null,
    "unit": null,
    "precision": null,
    "answer": "14",
    "question_type": "free_form",
    "answer_type": "integer",
    "pid": "2",
    "metadata": {"language": "english", "source": "x", "category": "c", "task": "math word problem", "context": "synthetic scene", "grade": "elementary school", "skills": ["arithmetic reasoning"]}
}`

// writeData writes testmini.json (one record under pid "2", after an
// unchanged pid "1") and query.json into a temp dir and returns it.
func writeData(t *testing.T, record string) string {
	t.Helper()
	dir := t.TempDir()
	first := strings.Replace(strings.Replace(goodRecord, `"pid": "2"`, `"pid": "1"`, 1), "images/2.jpg", "images/1.jpg", 1)
	data := "{\n\"1\": " + first + ",\n\"2\": " + record + "\n}\n"
	must(t, os.WriteFile(filepath.Join(dir, "testmini.json"), []byte(data), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "query.json"), []byte(`{"1": "Hint: x\nQuestion: How many cubes?", "2": "Hint: x\nQuestion: How many cubes?"}`), 0o644))
	return dir
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name   string
		record string // replaces pid "2"; "" keeps it
		edit   func(t *testing.T, dir string)
		req    sdk.LoadRequest
		want   string // error text with the data dir as DIR
	}{{
		name: "truncated file",
		edit: func(t *testing.T, dir string) { truncate(t, filepath.Join(dir, "testmini.json"), 400) },
		want: "DIR/testmini.json: line 12: the JSON ends before the document is complete (truncated file?); download it again",
	}, {
		name:   "bad JSON",
		record: strings.Replace(goodRecord, `"answer": "14",`, `"answer": "14",,`, 1),
		want:   "DIR/testmini.json: line 20: invalid JSON: invalid character ',' looking for beginning of object key string",
	}, {
		name:   "missing field",
		record: strings.Replace(goodRecord, `"answer": "14",`, ``, 1),
		want:   `DIR/testmini.json: line 14: pid "2": field "answer": missing; every record needs it`,
	}, {
		name:   "wrong type",
		record: strings.Replace(goodRecord, `"precision": null`, `"precision": "1"`, 1),
		want:   `DIR/testmini.json: line 14: pid "2": field "precision": expected an integer, got "1"`,
	}, {
		name:   "list of the wrong type",
		record: strings.Replace(goodRecord, `"skills": ["arithmetic reasoning"]`, `"skills": "arithmetic reasoning"`, 1),
		want:   `DIR/testmini.json: line 14: pid "2" metadata: field "skills": expected a list of strings, got a string`,
	}, {
		name:   "record is not an object",
		record: `["14"]`,
		want:   `DIR/testmini.json: line 14: pid "2": expected a JSON object, got a list`,
	}, {
		name:   "pid mismatch",
		record: strings.Replace(goodRecord, `"pid": "2"`, `"pid": "3"`, 1),
		want:   `DIR/testmini.json: line 14: pid "2": field "pid": is "3" but the record is keyed "2"`,
	}, {
		name:   "answer not a choice",
		record: strings.Replace(strings.Replace(goodRecord, `"choices": null`, `"choices": ["13", "15"]`, 1), `"free_form"`, `"multi_choice"`, 1),
		want:   `DIR/testmini.json: line 14: pid "2": field "answer": "14" is not one of the choices ["13" "15"]`,
	}, {
		name:   "float without precision",
		record: strings.Replace(goodRecord, `"integer"`, `"float"`, 1),
		want:   `DIR/testmini.json: line 14: pid "2": field "precision": a float answer needs the number of decimals`,
	}, {
		name:   "unknown answer type",
		record: strings.Replace(goodRecord, `"integer"`, `"number"`, 1),
		want:   `DIR/testmini.json: line 14: pid "2": field "answer_type": "number", expected text, integer, float or list`,
	}, {
		name: "no prompt for a pid",
		edit: func(t *testing.T, dir string) {
			must(t, os.WriteFile(filepath.Join(dir, "query.json"), []byte(`{"1": "q"}`), 0o644))
		},
		want: `DIR/query.json: no prompt for pid "2" (record at DIR/testmini.json line 14); use the query.json that ships with testmini.json`,
	}, {
		name: "query.json missing",
		edit: func(t *testing.T, dir string) { must(t, os.Remove(filepath.Join(dir, "query.json"))) },
		want: "read mathvista prompts (query.json holds the prompt of each pid and must sit beside the data file): open DIR/query.json: no such file or directory",
	}, {
		name: "wrong count",
		req:  sdk.LoadRequest{AllowPartial: false},
		want: "DIR/testmini.json: mathvista has 2 items, the benchmark has 1000; pass --allow-partial to score a subset (the report will say partial)",
	}, {
		name: "no data in the directory",
		edit: func(t *testing.T, dir string) { must(t, os.Remove(filepath.Join(dir, "testmini.json"))) },
		want: "DIR: no MathVista data found: expected testmini.json (with query.json) from lupantech/MathVista, or VLMEvalKit's MathVista_MINI.tsv",
	}, {
		name: "unknown profile",
		req:  sdk.LoadRequest{Profile: "strict", AllowPartial: true},
		want: `mathvista: unknown profile "strict"; use "leaderboard" or "official"`,
	}, {
		name: "unknown option",
		req:  sdk.LoadRequest{Options: map[string]string{"judge_rounds": "3"}, AllowPartial: true},
		want: "mathvista: unknown option \"judge_rounds\"; it takes quick_extract and postprocess",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			record := tt.record
			if record == "" {
				record = goodRecord
			}
			dir := writeData(t, record)
			if tt.edit != nil {
				tt.edit(t, dir)
			}
			req := tt.req
			req.Path = dir
			if tt.req.Profile == "" && tt.req.Options == nil && tt.name != "wrong count" {
				req.AllowPartial = true
			}
			_, err := Load(context.Background(), req)
			if err == nil {
				t.Fatal("loaded without error")
			}
			if got := strings.ReplaceAll(err.Error(), dir, "DIR"); got != tt.want {
				t.Errorf("error:\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

func truncate(t *testing.T, path string, n int) {
	t.Helper()
	b, err := os.ReadFile(path)
	must(t, err)
	must(t, os.WriteFile(path, b[:n], 0o644))
}

func TestLoadGood(t *testing.T) {
	dir := writeData(t, goodRecord)
	ds, err := Load(context.Background(), sdk.LoadRequest{Path: filepath.Join(dir, "testmini.json"), AllowPartial: true})
	must(t, err)
	info := ds.Info()
	if info.Count != 2 || !info.Partial || info.Expected != Items || !strings.HasPrefix(info.DataHash, "sha256:") {
		t.Errorf("info %+v", info)
	}
	it := ds.Items()[1]
	if it.ID != "2" || len(it.Prompt) != 2 || it.Prompt[0].Image == nil || it.Prompt[0].Image.Path != filepath.Join(dir, "images/2.jpg") ||
		it.Prompt[1].Text != "Hint: x\nQuestion: How many cubes?" || it.Meta["task"] != "math word problem" {
		t.Errorf("item %+v", it)
	}
}

// tsvRow builds one MathVista_MINI.tsv line from its cells.
func tsvRow(cells ...string) string { return strings.Join(cells, "\t") + "\n" }

const tsvHeader = "index\timage\tquestion\tanswer\tanswer_option\tchoices\tquestion_type\tanswer_type\ttask\tskills\n"

func TestLoadTSV(t *testing.T) {
	img := base64.StdEncoding.EncodeToString([]byte("\x89PNG\r\n\x1a\nfake"))
	good := tsvRow("1", img, `"Hint: Please answer the question and provide the correct option letter, e.g., A, B, C, D, at the end.
Question: Which is blue?
Choices:
(A) 3/11
(B) 8/11"`, "8/11", "B", `['3/11', '8/11']`, "multi_choice", "text", "geometry problem solving", `['geometry reasoning']`) +
		tsvRow("2", img, `"Hint: Please answer the question requiring a floating-point number with two decimal places and provide the final value, e.g., 1.23, 1.34, 1.45, at the end.
Question: Ratio?"`, "0.25", "", "", "free_form", "float", "figure question answering", "statistical reasoning")
	tests := []struct {
		name, body, want string
	}{
		{"good", good, ""},
		{"missing column", strings.Replace(tsvHeader, "\tanswer_option", "", 1) + good, `DIR/MathVista_MINI.tsv: line 1: missing column "answer_option"`},
		{"bad choices", tsvHeader + strings.Replace(good, `['3/11', '8/11']`, `['3/11', '8/11'`, 1), `DIR/MathVista_MINI.tsv: line 2: field choices: expected ',' or ']' at offset 15 of "['3/11', '8/11'"`},
		{"letter out of range", tsvHeader + strings.Replace(good, "\tB\t", "\tE\t", 1), `DIR/MathVista_MINI.tsv: line 2: field answer_option: "E" is not a letter of the 2 choices`},
		{"truncated row", tsvHeader + good + "3\t" + img + "\n", "DIR/MathVista_MINI.tsv: line 9: 2 fields, the header has 10 (truncated or malformed row)"},
		{"bad image", tsvHeader + strings.Replace(good, img, "not base64!", 1), "DIR/MathVista_MINI.tsv: line 2: field image (#1): not base64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			body := tt.body
			if !strings.HasPrefix(body, "index") {
				body = tsvHeader + body
			}
			must(t, os.WriteFile(filepath.Join(dir, "MathVista_MINI.tsv"), []byte(body), 0o644))
			ds, err := Load(context.Background(), sdk.LoadRequest{Path: dir, AllowPartial: true, Profile: sdk.ProfileOfficial})
			if tt.want == "" {
				must(t, err)
				p, _ := ds.Problem("2")
				if p.Precision != 2 || p.Skills[0] != "statistical reasoning" || ds.Problems()[0].AnswerOption != "B" {
					t.Errorf("problems %+v", ds.Problems())
				}
				// The TSV's images are spilled to files the items point at.
				if got, err := os.ReadFile(ds.Items()[0].Prompt[0].Image.Path); err != nil || string(got) != "\x89PNG\r\n\x1a\nfake" {
					t.Errorf("image file: %q, %v", got, err)
				}
				return
			}
			if err == nil {
				t.Fatal("loaded without error")
			}
			if got := strings.ReplaceAll(err.Error(), dir, "DIR"); !strings.HasPrefix(got, tt.want) {
				t.Errorf("error:\n got %s\nwant %s…", got, tt.want)
			}
		})
	}
}
