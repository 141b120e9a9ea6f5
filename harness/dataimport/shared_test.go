package dataimport

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/vlmlab/harness/benchmarks/dynamath"
	"github.com/vlmlab/harness/internal/testenv"
)

// TestDynaMathIndexes checks the index scheme on all 5,010 rows of the real
// data (without images, so on the sheet before writing): indexes 1…5010,
// each once, and index == qid on every varid 1 row (reference §5.1).
func TestDynaMathIndexes(t *testing.T) {
	sh, err := dynamathSheet(context.Background(), testenv.SharedPath(t, "data", "dynamath"), false)
	if err != nil {
		t.Fatal(err)
	}
	if len(sh.rows) != dynamath.Items {
		t.Fatalf("%d rows, want %d", len(sh.rows), dynamath.Items)
	}
	seen := map[string]bool{}
	for _, r := range sh.rows {
		idx := r.cells["index"]
		n, err := strconv.Atoi(idx)
		if err != nil || n < 1 || n > dynamath.Items || seen[idx] {
			t.Fatalf("row %s: index %q is not a fresh number in 1..%d", r.id, idx, dynamath.Items)
		}
		seen[idx] = true
		if r.cells["varid"] == "1" && idx != r.cells["qid"] {
			t.Errorf("row %s: varid 1 with index %s, qid %s", r.id, idx, r.cells["qid"])
		}
	}
}

// TestMathVerseVisionOnlyRule backs the derived query_cot column: the rule
// that turns a text version's instruction into the Vision Only one gives,
// applied to query_wo, exactly the prompts the evaluator derives for all 788
// problems, and applied to problem 685's query_cot, the Vision Only
// query_cot of output_testmini_template.json.
func TestMathVerseVisionOnlyRule(t *testing.T) {
	dir := testenv.SharedPath(t, "data", "mathverse")
	var recs []struct {
		ProblemIndex string `json:"problem_index"`
		QueryWO      string `json:"query_wo"`
		QueryCoT     string `json:"query_cot"`
	}
	readJSON(t, filepath.Join(dir, "testmini_text_only.json"), &recs)
	byIndex := map[string]int{}
	for i, r := range recs {
		byIndex[r.ProblemIndex] = i
	}
	ds := load(t, "mathverse", filepath.Join(dir, "testmini_text_only.json"), false)
	for _, it := range ds.Items() {
		r := recs[byIndex[it.Meta["problem_index"]]]
		if got, want := visionOnlyInstruction(r.QueryWO), promptText(it); got != want {
			t.Errorf("problem %s: rule gives %q, the evaluator %q", r.ProblemIndex, got, want)
		}
	}
	var tmpl []struct {
		ProblemIndex   string `json:"problem_index"`
		ProblemVersion string `json:"problem_version"`
		QueryCoT       string `json:"query_cot"`
	}
	readJSON(t, filepath.Join(dir, "output_testmini_template.json"), &tmpl)
	found := false
	for _, v := range tmpl {
		if v.ProblemVersion != "Vision Only" {
			continue
		}
		found = true
		if got := visionOnlyInstruction(recs[byIndex[v.ProblemIndex]].QueryCoT); got != v.QueryCoT {
			t.Errorf("problem %s: derived query_cot %q, the template has %q", v.ProblemIndex, got, v.QueryCoT)
		}
	}
	if !found {
		t.Fatal("the template has no Vision Only record")
	}
}
