package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/vlmlab/harness/plugins/sdk"
)

// itemLine is one line of the per-item JSONL.
type itemLine struct {
	ID        string `json:"id"`
	Response  string `json:"response"`
	Extracted string `json:"extracted"`
	Path      string `json:"path"`
	Hit       bool   `json:"hit"`
	Reason    string `json:"reason,omitempty"`
	// Quirk names the reproduced reference quirk that decided or changed
	// the item (see the benchmark's README).
	Quirk string `json:"quirk,omitempty"`
	// Truncated is always written: a reader must not take a missing field
	// for "not cut".
	Truncated      bool   `json:"truncated"`
	ReasoningField string `json:"reasoning_field,omitempty"`
}

// WriteFiles writes rep as dir/NAME.json (the report without items) and
// dir/NAME.items.jsonl (one line per item), and returns both paths.
func WriteFiles(dir, name string, rep *sdk.Report) (string, string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", fmt.Errorf("write report: %w", err)
	}
	summary := *rep
	summary.Items = nil
	jsonPath := filepath.Join(dir, name+".json")
	b, err := json.MarshalIndent(summary, "", "  ")
	if err != nil {
		return "", "", err
	}
	if err := os.WriteFile(jsonPath, append(b, '\n'), 0o644); err != nil {
		return "", "", fmt.Errorf("write report: %w", err)
	}
	itemsPath := filepath.Join(dir, name+".items.jsonl")
	f, err := os.Create(itemsPath)
	if err != nil {
		return "", "", fmt.Errorf("write items: %w", err)
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	for _, it := range rep.Items {
		if err := enc.Encode(itemLine{ID: it.ID, Response: it.Response, Extracted: it.Extracted, Path: it.Path, Hit: it.Hit, Reason: it.Reason, Quirk: it.Quirk,
			Truncated: it.Truncated, ReasoningField: it.ReasoningField}); err != nil {
			f.Close()
			return "", "", fmt.Errorf("write items: %w", err)
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return "", "", fmt.Errorf("write items: %w", err)
	}
	return jsonPath, itemsPath, f.Close()
}

// Summary renders a report's metrics and breakdowns as tables.
func Summary(w io.Writer, rep *sdk.Report) error {
	judge := rep.Judge
	if judge == "" {
		judge = "none"
	}
	fmt.Fprintf(w, "%s (%s profile, judge %s) on %s\n", rep.Benchmark, rep.Profile, judge, rep.Dataset.Path)
	fmt.Fprintf(w, "data %s, %d items", rep.Dataset.DataHash, rep.Dataset.Count)
	switch {
	case rep.Missing > 0:
		fmt.Fprintf(w, " (PARTIAL: %d have no response, scored wrong)", rep.Missing)
	case rep.Dataset.Partial:
		fmt.Fprintf(w, " (PARTIAL: the benchmark has %d)", rep.Dataset.Expected)
	}
	if rep.Dataset.Synthetic {
		fmt.Fprint(w, " (SYNTHETIC)")
	}
	fmt.Fprintf(w, "\nextraction: %d rule, %d judge, %d unresolved\n", rep.Rule, rep.Judged, rep.Unresolved)
	if rep.Postprocess != "" {
		fmt.Fprintf(w, "response post-processing: %s\n", rep.Postprocess)
	}
	if len(rep.Quirks) > 0 {
		names := make([]string, 0, len(rep.Quirks))
		for q := range rep.Quirks {
			names = append(names, q)
		}
		sort.Strings(names)
		for i, q := range names {
			names[i] = fmt.Sprintf("%s %d", q, rep.Quirks[q])
		}
		fmt.Fprintf(w, "reproduced quirks: %s\n", strings.Join(names, ", "))
	}
	if rep.Truncated > 0 && len(rep.Items) > 0 {
		fmt.Fprintf(w, "truncated at the token limit: %d of %d (%.1f%%)\n", rep.Truncated, len(rep.Items), 100*float64(rep.Truncated)/float64(len(rep.Items)))
	}
	rows := make([][]string, 0, len(rep.Metrics))
	for _, m := range rep.Metrics {
		name := m.Name
		if m.Name == rep.Primary {
			// The headline number of the profile in use.
			name += "  (" + rep.Profile + ")"
		}
		rows = append(rows, []string{name, fmt.Sprintf("%.2f", m.Value)})
	}
	if err := Table(w, []string{"metric", "value"}, rows); err != nil {
		return err
	}
	for _, b := range rep.Breakdowns {
		rows = rows[:0]
		for _, r := range b.Rows {
			rows = append(rows, []string{r.Key, fmt.Sprint(r.Total), fmt.Sprintf("%g", r.Hit), fmt.Sprintf("%.2f", r.Value)})
		}
		if err := Table(w, []string{b.Name, "total", "hit", "acc"}, rows); err != nil {
			return err
		}
	}
	return nil
}
