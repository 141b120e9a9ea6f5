package evaluate

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vlmlab/harness/harness/report"
	"github.com/vlmlab/harness/plugins/sdk"
)

// echoDataset scores every response as a hit and reports one item each, as
// an evaluator does; it knows nothing of truncation.
type echoDataset struct{ items []sdk.Item }

func (d echoDataset) Info() sdk.DatasetInfo { return sdk.DatasetInfo{Count: len(d.items)} }
func (d echoDataset) Items() []sdk.Item     { return d.items }
func (d echoDataset) Score(_ context.Context, rs []sdk.Response, _ []sdk.JudgeAnswer) (*sdk.ScoreResult, error) {
	rep := &sdk.Report{Benchmark: "echo"}
	for _, r := range rs {
		rep.Items = append(rep.Items, sdk.ItemResult{ID: r.ItemID, Response: r.Text, Hit: !r.Failed})
	}
	return &sdk.ScoreResult{Report: rep}, nil
}

func TestTruncationReachesTheReport(t *testing.T) {
	ds := echoDataset{items: []sdk.Item{{ID: "a", Prompt: []sdk.Part{{Text: "qa"}}}, {ID: "b", Prompt: []sdk.Part{{Text: "qb"}}}, {ID: "c", Prompt: []sdk.Part{{Text: "qc"}}}}}
	gen := GeneratorFunc(func(_ context.Context, ps []sdk.Prompt, _ sdk.GenerateParams, emit func(sdk.Generation) error) error {
		for _, p := range ps {
			g := sdk.Generation{PromptID: p.ID, Text: "<think>\nreasoning"}
			switch p.ID {
			case "a":
				g.Truncated, g.ReasoningField = true, "reasoning"
			case "b":
				g.Text = "<think>r</think><answer>1</answer>"
			case "c":
				g.Truncated = true
			}
			if err := emit(g); err != nil {
				return err
			}
		}
		return nil
	})
	rep, err := Run(context.Background(), ds, gen, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Truncated != 2 {
		t.Errorf("report counts %d truncated, want 2", rep.Truncated)
	}
	dir := t.TempDir()
	jsonPath, itemsPath, err := report.WriteFiles(dir, "echo", rep)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(itemsPath)
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	want := []string{`"truncated":true,"reasoning_field":"reasoning"}`, `"truncated":false}`, `"truncated":true}`}
	for i, w := range want {
		if !strings.HasSuffix(lines[i], w) {
			t.Errorf("items.jsonl line %d = %s, want it to end %s", i+1, lines[i], w)
		}
	}
	var summary map[string]any
	b, _ := os.ReadFile(jsonPath)
	if err := json.Unmarshal(b, &summary); err != nil || summary["truncated"] != 2.0 {
		t.Errorf("%s: truncated = %v (%v)", filepath.Base(jsonPath), summary["truncated"], err)
	}
	var out bytes.Buffer
	if err := report.Summary(&out, rep); err != nil || !strings.Contains(out.String(), "truncated at the token limit: 2 of 3 (66.7%)") {
		t.Errorf("summary does not report truncation: %v\n%s", err, out.String())
	}

	// A re-score from items.jsonl keeps the count.
	responses, err := ReadPredictions(itemsPath)
	if err != nil {
		t.Fatal(err)
	}
	rep2, err := Score(context.Background(), ds, responses, nil, 1)
	if err != nil || rep2.Truncated != 2 {
		t.Errorf("re-scored report: %d truncated, %v; want 2", rep2.Truncated, err)
	}
}
