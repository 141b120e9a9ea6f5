package mathvision

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vlmlab/harness/plugins/sdk"
)

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func readFile(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	must(t, err)
	return string(b)
}

// writeJSONL writes the mini test.jsonl with line n (1-based) replaced by
// record ("" keeps the file) into a temp dir and returns the dir.
func writeJSONL(t *testing.T, n int, record string) string {
	t.Helper()
	lines := strings.SplitAfter(readFile(t, "testdata/mini/test.jsonl"), "\n")
	if record != "" {
		lines[n-1] = record + "\n"
	}
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "test.jsonl"), []byte(strings.Join(lines, "")), 0o644))
	return dir
}

func TestLoadErrors(t *testing.T) {
	const good = `{"id": "2", "question": "Which bike?", "options": ["A", "B", "C", "D", "E"], "answer": "A", "solution": null, "level": 2, "subject": "arithmetic", "image": "images/2.jpg"}`
	tests := []struct {
		name   string
		record string
		edit   func(t *testing.T, dir string)
		req    sdk.LoadRequest
		want   string
	}{{
		name: "truncated file",
		edit: func(t *testing.T, dir string) {
			p := filepath.Join(dir, "test.jsonl")
			b := readFile(t, p)
			must(t, os.WriteFile(p, []byte(b[:len(b)-40]), 0o644))
		},
		want: "DIR/test.jsonl: line 7: the last record is incomplete (truncated file?): unexpected end of JSON input; download it again",
	}, {
		name:   "bad JSON",
		record: strings.Replace(good, `"level": 2,`, `"level": 2,,`, 1),
		want:   "DIR/test.jsonl: line 2: invalid JSON: invalid character ',' looking for beginning of object key string; each line must be one JSON object",
	}, {
		name:   "missing field",
		record: strings.Replace(good, `"answer": "A", `, ``, 1),
		want:   `DIR/test.jsonl: line 2: field "answer": missing; every record needs it`,
	}, {
		name:   "missing level",
		record: strings.Replace(good, `"level": 2, `, ``, 1),
		want:   `DIR/test.jsonl: line 2: field "level": missing; every record needs it`,
	}, {
		name:   "wrong type",
		record: strings.Replace(good, `"level": 2`, `"level": "2"`, 1),
		want:   `DIR/test.jsonl: line 2: field "level": expected int, got JSON string`,
	}, {
		name:   "options not a list",
		record: strings.Replace(good, `["A", "B", "C", "D", "E"]`, `"ABCDE"`, 1),
		want:   `DIR/test.jsonl: line 2: field "options": expected []string, got JSON string`,
	}, {
		name:   "answer names no option",
		record: strings.Replace(good, `"answer": "A"`, `"answer": "F"`, 1),
		want:   `DIR/test.jsonl: line 2: field "answer": "F" is not the letter of one of the 5 options`,
	}, {
		name:   "duplicate id",
		record: strings.Replace(good, `"id": "2"`, `"id": "1"`, 1),
		want:   `DIR/test.jsonl: line 2: id "1" already used at line 1; ids must be unique`,
	}, {
		name: "wrong count",
		req:  sdk.LoadRequest{},
		want: "DIR/test.jsonl: mathvision has 7 items, the benchmark has 3040; pass --allow-partial to score a subset (the report will say partial)",
	}, {
		name: "no data in the directory",
		edit: func(t *testing.T, dir string) { must(t, os.Remove(filepath.Join(dir, "test.jsonl"))) },
		req:  sdk.LoadRequest{AllowPartial: true},
		want: "DIR: no MathVision data found: expected test.jsonl from mathllm/MATH-V (or pass testmini.jsonl itself, with --allow-partial), or VLMEvalKit's MathVision.tsv",
	}, {
		name: "unknown profile",
		req:  sdk.LoadRequest{Profile: "lenient", AllowPartial: true},
		want: `mathvision: unknown profile "lenient"; use "leaderboard" or "official"`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeJSONL(t, 2, tt.record)
			if tt.edit != nil {
				tt.edit(t, dir)
			}
			req := tt.req
			if tt.name != "wrong count" && tt.req.Profile == "" {
				req.AllowPartial = true
			}
			req.Path = dir
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

func TestLoadItems(t *testing.T) {
	ds, err := Load(context.Background(), sdk.LoadRequest{Path: "testdata/mini/test.jsonl", AllowPartial: true})
	must(t, err)
	if info := ds.Info(); info.Count != 7 || !info.Partial || info.Expected != Items {
		t.Errorf("info %+v", info)
	}
	items := ds.Items()
	wantMC := "Hint: Please answer the question and provide the correct option letter, e.g., A, B, C, D, at the end.\n" +
		"Question: On which day was it?\nChoices:\n(A) Wednesday\n(B) Thursday\n(C) Friday\n(D) Tuesday\n(E) Sunday"
	wantFree := "Hint: Please answer the question and provide the final answer at the end.\n" +
		"Question: Which number should be written in place of the question mark?\n<image1>"
	got := []string{items[2].Prompt[1].Text, items[0].Prompt[1].Text}
	if diff := cmp.Diff([]string{wantMC, wantFree}, got); diff != "" {
		t.Errorf("prompts (-want +got):\n%s", diff)
	}
	abs, _ := filepath.Abs("testdata/mini/images/1.jpg")
	if img := items[0].Prompt[0].Image; img == nil || img.Path != abs || img.MIME != "image/jpeg" {
		t.Errorf("image part %+v, want %s", img, abs)
	}
	if diff := cmp.Diff(map[string]string{"subject": "logic", "level": "1", "question_type": "multi_choice"}, items[2].Meta); diff != "" {
		t.Errorf("meta (-want +got):\n%s", diff)
	}
}

const tsvHeader = "index\timage\tquestion\tanswer\tchoices\tcategory\n"

func TestLoadTSV(t *testing.T) {
	img := base64.StdEncoding.EncodeToString([]byte("\xff\xd8\xff\xe0fake jpeg"))
	good := "1\t" + img + "\t\"Hint: Please answer the question and provide the final answer at the end.\nQuestion: Which number?\"\t60\t[]\tarithmetic\n" +
		"2\t" + img + "\t\"Hint: Please answer the question and provide the correct option letter, e.g., A, B, C, D, at the end.\nQuestion: Which bike?\nChoices:\n(A) A\n(B) B\"\tA\t['A', 'B']\tarithmetic\n"
	tests := []struct{ name, body, want string }{
		{"good", tsvHeader + good, ""},
		{"missing column", strings.Replace(tsvHeader, "\tcategory", "", 1) + good, `DIR/MathVision.tsv: line 1: missing column "category" (have index, image, question, answer, choices)`},
		{"bad choices", tsvHeader + strings.Replace(good, "['A', 'B']", "['A', B]", 1), `DIR/MathVision.tsv: line 4: field choices: list element "B" is neither a quoted string nor a number`},
		{"answer names no option", tsvHeader + strings.Replace(good, "\tA\t['A'", "\tC\t['A'", 1), `DIR/MathVision.tsv: line 4: field "answer": "C" is not the letter of one of the 2 options`},
		{"truncated row", tsvHeader + good + "3\t" + img + "\n", "DIR/MathVision.tsv: line 9: 2 fields, the header has 6 (truncated or malformed row)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			must(t, os.WriteFile(filepath.Join(dir, "MathVision.tsv"), []byte(tt.body), 0o644))
			ds, err := Load(context.Background(), sdk.LoadRequest{Path: dir, AllowPartial: true})
			if tt.want == "" {
				must(t, err)
				p, _ := ds.Problem("2")
				if !p.IsMultiChoice() || p.AnswerText() != "A" || p.Subject != "arithmetic" || ds.Items()[1].Prompt[1].Text != p.Question {
					t.Errorf("problem %+v", p)
				}
				return
			}
			if err == nil {
				t.Fatal("loaded without error")
			}
			if got := strings.ReplaceAll(err.Error(), dir, "DIR"); got != tt.want {
				t.Errorf("error:\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestJudgePromptMatchesUpstream(t *testing.T) {
	const query = "Hint: Please answer the question and provide the final answer at the end.\nQuestion: Which number should be written in place of the question mark?\n<image1>"
	want := readFile(t, "testdata/leaderboard_prompt.golden")
	if diff := cmp.Diff(want, LeaderboardPrompt(query, "The answer is 60.")); diff != "" {
		t.Errorf("prompt (-upstream +ours):\n%s", diff)
	}
}
