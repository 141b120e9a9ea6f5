package toyworld_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/vlmlab/harness/internal/testenv"
)

// Records are compared as generic JSON: key sets and JSON kinds.
type record = map[string]any

func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "bool"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

func keysOf(r record) string {
	keys := make([]string, 0, len(r))
	for k := range r {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ",")
}

// dictRecords reads a JSON object of records in key order.
func dictRecords(t *testing.T, path string) (keys []string, recs []record) {
	t.Helper()
	var m map[string]record
	readJSON(t, path, &m)
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		recs = append(recs, m[k])
	}
	return keys, recs
}

func listRecords(t *testing.T, path string) []record {
	t.Helper()
	var recs []record
	readJSON(t, path, &recs)
	return recs
}

func jsonlRecords(t *testing.T, path string) []record {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var recs []record
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for line := 1; sc.Scan(); line++ {
		var r record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("%s line %d: %v", path, line, err)
		}
		recs = append(recs, r)
	}
	return recs
}

// sameShape checks that every generated record has the key set most real
// records have, and that each field has a JSON kind some real record uses
// for it (precision is a number or null, …). Nested objects named in
// nested are compared the same way.
func sameShape(t *testing.T, what string, real, gen []record, nested ...string) {
	t.Helper()
	if len(real) == 0 || len(gen) == 0 {
		t.Fatalf("%s: %d real and %d generated records", what, len(real), len(gen))
	}
	sets := map[string]int{}
	kinds := map[string]map[string]bool{}
	for _, r := range real {
		sets[keysOf(r)]++
		for k, v := range r {
			if kinds[k] == nil {
				kinds[k] = map[string]bool{}
			}
			kinds[k][kindOf(v)] = true
		}
	}
	common, best := "", 0
	for s, n := range sets {
		if n > best || (n == best && s < common) {
			common, best = s, n
		}
	}
	for i, g := range gen {
		if got := keysOf(g); got != common {
			t.Fatalf("%s record %d has keys %s; the official records have %s", what, i, got, common)
		}
		for k, v := range g {
			if !kinds[k][kindOf(v)] {
				t.Errorf("%s record %d: %s is %s, officially one of %v", what, i, k, kindOf(v), kinds[k])
			}
		}
	}
	for _, k := range nested {
		var rs, gs []record
		for _, r := range real {
			rs = append(rs, r[k].(record))
		}
		for _, g := range gen {
			gs = append(gs, g[k].(record))
		}
		sameShape(t, what+"."+k, rs, gs)
	}
}

// The suites' records look exactly like the official files' records.
func TestSuitesMatchOfficialLayouts(t *testing.T) {
	shared := testenv.SharedPath(t, "data")
	eval := filepath.Join(tinyDir, "eval")
	t.Run("mathvista", func(t *testing.T) {
		_, real := dictRecords(t, filepath.Join(shared, "mathvista", "testmini.json"))
		keys, gen := dictRecords(t, filepath.Join(eval, "mathvista", "testmini.json"))
		sameShape(t, "testmini.json", real, gen, "metadata")
		var queries map[string]string
		readJSON(t, filepath.Join(eval, "mathvista", "query.json"), &queries)
		for _, k := range keys {
			if queries[k] == "" {
				t.Errorf("query.json has no prompt for pid %s", k)
			}
		}
	})
	t.Run("mathvision", func(t *testing.T) {
		sameShape(t, "test.jsonl", jsonlRecords(t, filepath.Join(shared, "mathvision", "test.jsonl")),
			jsonlRecords(t, filepath.Join(eval, "mathvision", "test.jsonl")))
	})
	t.Run("mathverse", func(t *testing.T) {
		template := listRecords(t, filepath.Join(shared, "mathverse", "output_testmini_template.json"))
		for _, r := range template {
			delete(r, "model_answer") // a model output, not part of the data
		}
		sameShape(t, "testmini.json", template, listRecords(t, filepath.Join(eval, "mathverse", "testmini.json")), "metadata")
		sameShape(t, "testmini_text_only.json", listRecords(t, filepath.Join(shared, "mathverse", "testmini_text_only.json")),
			listRecords(t, filepath.Join(eval, "mathverse", "testmini_text_only.json")), "metadata")
	})
	t.Run("dynamath", func(t *testing.T) {
		for _, name := range []string{"seeds.json", "variant1.json", "variant10.json"} {
			_, real := dictRecords(t, filepath.Join(shared, "dynamath", name))
			_, gen := dictRecords(t, filepath.Join(eval, "dynamath", name))
			sameShape(t, name, real, gen)
		}
	})
	t.Run("wemath", func(t *testing.T) {
		sameShape(t, "testmini.json", listRecords(t, filepath.Join(shared, "wemath", "testmini.json")),
			listRecords(t, filepath.Join(eval, "wemath", "testmini.json")))
	})
	t.Run("logicvista", func(t *testing.T) {
		_, real := dictRecords(t, filepath.Join(shared, "logicvista", "dataset.json"))
		_, gen := dictRecords(t, filepath.Join(eval, "logicvista", "dataset.json"))
		sameShape(t, "dataset.json", real, gen)
	})
}

func str(t *testing.T, r record, key string) string {
	t.Helper()
	s, ok := r[key].(string)
	if !ok {
		t.Fatalf("field %s of %v is not a string", key, r)
	}
	return s
}

func letterIndex(letter string) int { return int(letter[0] - 'A') }

// optionValues splits a WeMath option string into letter -> option text.
func optionValues(t *testing.T, option string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, part := range strings.Split(option, "; ") {
		letter, text, ok := strings.Cut(part, ". ")
		if !ok {
			t.Fatalf("option %q is not \"X. text\"", part)
		}
		out[letter] = text
	}
	return out
}

// The records of each suite say what their benchmark's scoring expects.
func TestSuiteRecordsAreConsistent(t *testing.T) {
	eval := filepath.Join(tinyDir, "eval")
	image := func(t *testing.T, dir, rel string) {
		t.Helper()
		decodePNG(t, filepath.Join(dir, rel))
	}
	t.Run("mathvista", func(t *testing.T) {
		dir := filepath.Join(eval, "mathvista")
		keys, recs := dictRecords(t, filepath.Join(dir, "testmini.json"))
		var queries map[string]string
		readJSON(t, filepath.Join(dir, "query.json"), &queries)
		forms := map[string]int{}
		for i, r := range recs {
			pid := str(t, r, "pid")
			if pid != keys[i] || !strings.HasPrefix(pid, "synth-") {
				t.Errorf("pid %q under key %q", pid, keys[i])
			}
			image(t, dir, str(t, r, "image"))
			answer, query := str(t, r, "answer"), queries[pid]
			form := str(t, r, "question_type") + "/" + str(t, r, "answer_type")
			forms[form]++
			switch form {
			case "multi_choice/text":
				choices := r["choices"].([]any)
				found := 0
				for j, c := range choices {
					if c == answer {
						found++
					}
					if !strings.Contains(query, fmt.Sprintf("(%c) %s", 'A'+j, c)) {
						t.Errorf("%s: query lacks choice %c", pid, 'A'+j)
					}
				}
				if found != 1 {
					t.Errorf("%s: answer %q is %d of the choices %v", pid, answer, found, choices)
				}
			case "free_form/integer":
				if _, err := strconv.Atoi(answer); err != nil || !strings.Contains(query, "requiring an integer answer") {
					t.Errorf("%s: integer answer %q, query %q", pid, answer, query)
				}
			case "free_form/float":
				p := int(r["precision"].(float64))
				if !regexp.MustCompile(fmt.Sprintf(`^\d+\.\d{%d}$`, p)).MatchString(answer) {
					t.Errorf("%s: float answer %q with precision %d", pid, answer, p)
				}
			default:
				t.Errorf("%s: unexpected form %s", pid, form)
			}
		}
		if len(forms) != 3 {
			t.Errorf("answer forms %v, want multiple choice, integer and float", forms)
		}
	})
	t.Run("mathvision", func(t *testing.T) {
		dir := filepath.Join(eval, "mathvision")
		for _, r := range jsonlRecords(t, filepath.Join(dir, "test.jsonl")) {
			image(t, dir, str(t, r, "image"))
			opts := r["options"].([]any)
			answer := str(t, r, "answer")
			if len(opts) != 0 && (len(opts) != 5 || !regexp.MustCompile(`^[A-E]$`).MatchString(answer)) {
				t.Errorf("%s: options %v answer %q", r["id"], opts, answer)
			}
			if !strings.HasSuffix(str(t, r, "question"), "\n<image1>") {
				t.Errorf("%s: question does not end with <image1>", r["id"])
			}
		}
	})
	t.Run("mathverse", func(t *testing.T) {
		dir := filepath.Join(eval, "mathverse")
		vision := listRecords(t, filepath.Join(dir, "testmini.json"))
		text := listRecords(t, filepath.Join(dir, "testmini_text_only.json"))
		if len(vision) != len(text) {
			t.Fatalf("%d Vision Only and %d Text Only records", len(vision), len(text))
		}
		for i, v := range vision {
			x := text[i]
			if str(t, v, "problem_version") != "Vision Only" || str(t, v, "question") != "" || str(t, x, "problem_version") != "Text Only" {
				t.Errorf("record %d: versions %v / %v", i, v["problem_version"], x["problem_version"])
			}
			if v["problem_index"] != x["problem_index"] || v["answer"] != x["answer"] || v["question_type"] != x["question_type"] {
				t.Errorf("record %d: Vision Only and Text Only disagree", i)
			}
			img := decodePNG(t, filepath.Join(dir, str(t, v, "image")))
			if img.Bounds().Dy() <= img.Bounds().Dx() {
				t.Errorf("record %d: the Vision Only image has no question printed under the figure", i)
			}
			if str(t, v, "question_type") == "multi-choice" && !strings.Contains(str(t, x, "question"), "\nChoices:\nA:") {
				t.Errorf("record %d: multiple choice without choices", i)
			}
		}
	})
	t.Run("dynamath", func(t *testing.T) {
		dir := filepath.Join(eval, "dynamath")
		seedKeys, seeds := dictRecords(t, filepath.Join(dir, "seeds.json"))
		answers := map[string]map[string]bool{}
		for k := 1; k <= 10; k++ {
			keys, recs := dictRecords(t, filepath.Join(dir, fmt.Sprintf("variant%d.json", k)))
			if strings.Join(keys, ",") != strings.Join(seedKeys, ",") {
				t.Fatalf("variant%d.json has qids %v, seeds.json %v", k, keys, seedKeys)
			}
			for i, r := range recs {
				image(t, filepath.Join(dir, fmt.Sprintf("variant%d", k)), str(t, r, "image"))
				for _, f := range []string{"answer_type", "subject", "level"} {
					if r[f] != seeds[i][f] {
						t.Errorf("qid %s variant %d: %s %v, seed has %v", keys[i], k, f, r[f], seeds[i][f])
					}
				}
				if answers[keys[i]] == nil {
					answers[keys[i]] = map[string]bool{}
				}
				answers[keys[i]][str(t, r, "answer")] = true
			}
		}
		for qid, a := range answers {
			if len(a) < 2 {
				t.Errorf("qid %s: all 10 variants have the same answer %v", qid, a)
			}
		}
	})
	t.Run("wemath", func(t *testing.T) {
		dir := filepath.Join(eval, "wemath")
		recs := listRecords(t, filepath.Join(dir, "testmini.json"))
		groups := map[string]map[string]record{}
		for i, r := range recs {
			image(t, dir, str(t, r, "image_path"))
			if int(r["question number"].(float64)) != i+1 {
				t.Errorf("record %d has question number %v", i, r["question number"])
			}
			id := str(t, r, "ID")
			if groups[id] == nil {
				groups[id] = map[string]record{}
			}
			groups[id][str(t, r, "key")] = r
		}
		steps := map[string]int{}
		for id, g := range groups {
			n := 2
			if strings.Contains(id, "3steps") {
				n = 3
			}
			steps[fmt.Sprint(n)]++
			prefix := fmt.Sprintf("%dsteps_", n)
			if len(g) != n+1 || g[prefix+"multi"] == nil {
				t.Fatalf("group %s has roles %v", id, g)
			}
			// The composite's answer is the last sub-problem's answer: it
			// needs every step before it.
			value := func(r record) string {
				v := optionValues(t, str(t, r, "option"))[str(t, r, "answer")]
				if v == "" || v == "No correct answer" {
					t.Fatalf("group %s: answer %v has no value in %q", id, r["answer"], r["option"])
				}
				return v
			}
			if last, multi := value(g[prefix+strconv.Itoa(n)]), value(g[prefix+"multi"]); last != multi {
				t.Errorf("group %s: composite answers %s, last step %s", id, multi, last)
			}
		}
		if steps["2"] == 0 || steps["3"] == 0 {
			t.Errorf("groups by steps: %v", steps)
		}
	})
	t.Run("logicvista", func(t *testing.T) {
		dir := filepath.Join(eval, "logicvista")
		keys, recs := dictRecords(t, filepath.Join(dir, "dataset.json"))
		for i, r := range recs {
			if str(t, r, "imagename") != keys[i]+".png" || !strings.HasPrefix(keys[i], "synth-") {
				t.Errorf("key %s, image %v", keys[i], r["imagename"])
			}
			image(t, filepath.Join(dir, "images"), str(t, r, "imagename"))
			if !regexp.MustCompile(`^[A-D](, [A-D])*$`).MatchString(str(t, r, "answer")) {
				t.Errorf("%s: answer %q", keys[i], r["answer"])
			}
		}
	})
}
