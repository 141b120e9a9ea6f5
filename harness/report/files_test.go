package report_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/vlmlab/harness/harness/report"
	"github.com/vlmlab/harness/plugins/sdk"
)

func sample() *sdk.Report {
	return &sdk.Report{Benchmark: "wemath", Profile: "leaderboard", Primary: "Score (Strict)", Score: 37.5,
		Dataset:    sdk.DatasetInfo{Path: "/data/wemath", DataHash: "sha256:ab", Count: 2, Expected: 1740, Partial: true, Synthetic: true},
		Metrics:    []sdk.Metric{{Name: "Score (Strict)", Value: 37.5}, {Name: "Score (Loose)", Value: 50}},
		Breakdowns: []sdk.Breakdown{{Name: "knowledge", Rows: []sdk.Row{{Key: "Plane Figures", Total: 2, Hit: 1, Value: 50}}}},
		Items: []sdk.ItemResult{{ID: "1", Response: "<answer>A</answer>", Extracted: "A", Path: sdk.PathRule, Hit: true, Truncated: true},
			{ID: "2", Response: "", Path: sdk.PathUnresolved, Reason: "no response"}},
		Rule: 1, Unresolved: 1, Truncated: 1}
}

func TestWriteFiles(t *testing.T) {
	dir := t.TempDir()
	jsonPath, itemsPath, err := report.WriteFiles(dir, "wemath", sample())
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(jsonPath)
	var summary map[string]any
	if err := json.Unmarshal(raw, &summary); err != nil {
		t.Fatal(err)
	}
	if summary["items"] != nil || summary["score"] != 37.5 {
		t.Errorf("summary: %s", raw)
	}
	f, _ := os.Open(itemsPath)
	defer f.Close()
	var lines []map[string]any
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, m)
	}
	if len(lines) != 2 || lines[0]["truncated"] != true || lines[1]["truncated"] != false || lines[1]["reason"] != "no response" {
		t.Errorf("items: %v", lines)
	}
}

func TestSummary(t *testing.T) {
	var b bytes.Buffer
	if err := report.Summary(&b, sample()); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"wemath (leaderboard profile, judge none)", "PARTIAL: the benchmark has 1740", "SYNTHETIC", "1 rule, 0 judge, 1 unresolved",
		"truncated at the token limit: 1 of 2 (50.0%)", "(leaderboard)", "Plane Figures"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, b.String())
		}
	}
}

// TestReportJSONSnakeCase (issue 11 item 14): every key of the report file
// is snake_case, none CamelCase (DataHash, MaxTokens) beside snake_case ones.
func TestReportJSONSnakeCase(t *testing.T) {
	rep := sample()
	rep.Missing, rep.Judge, rep.Quirks = 3, "gpt-4o-mini", map[string]int{"q": 1}
	jsonPath, _, err := report.WriteFiles(t.TempDir(), "wemath", rep)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(jsonPath)
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if path == ".quirks" {
					continue // keys are quirk names, not fields
				}
				if k != strings.ToLower(k) || strings.ContainsAny(k, " -") {
					t.Errorf("key %s%s is not snake_case", path, "."+k)
				}
				walk(path+"."+k, e)
			}
		case []any:
			for _, e := range x {
				walk(path+"[]", e)
			}
		}
	}
	walk("", v)
	for _, want := range []string{`"data_hash"`, `"missing": 3`, `"unresolved"`} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("report lacks %s:\n%s", want, raw)
		}
	}
}
