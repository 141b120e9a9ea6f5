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
	if summary["Items"] != nil || summary["Score"] != 37.5 {
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
