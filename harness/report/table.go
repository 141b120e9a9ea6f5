// Package report renders results for people: tables on a terminal, and the
// JSON files runs leave behind.
package report

import (
	"fmt"
	"io"

	"github.com/olekukonko/tablewriter"

	"github.com/vlmlab/harness/harness/result"
)

// Table writes rows under a header as a box-drawn table.
func Table(w io.Writer, header []string, rows [][]string) error {
	t := tablewriter.NewWriter(w)
	h := make([]any, len(header))
	for i, s := range header {
		h[i] = s
	}
	t.Header(h...)
	for _, r := range rows {
		if err := t.Append(r); err != nil {
			return fmt.Errorf("table row: %w", err)
		}
	}
	return t.Render()
}

// Pct formats a percentage with one decimal, as leaderboards show them.
func Pct(v float64) string { return fmt.Sprintf("%.1f", v) }

// DiagnosticsHeader names the columns DiagnosticsCells fills: the paper's
// measures of how a model answers, shown alike by `harness run`'s summary
// and `harness eval`'s table so the two read the same.
func DiagnosticsHeader() []string {
	return []string{"resp chars", "aha-word", "in format", "truncated"}
}

// DiagnosticsCells formats d for the columns of DiagnosticsHeader.
func DiagnosticsCells(d result.Diagnostics) []string {
	return []string{fmt.Sprintf("%.0f", d.MeanResponseChars), Pct(100 * d.AhaRate), Pct(100 * d.FormatRate), Pct(100 * d.TruncationRate)}
}

// DiagnosticsLegend says what the columns of DiagnosticsHeader measure.
const DiagnosticsLegend = "resp chars: mean response length in characters; aha-word: % of responses with an aha word (paper App. A.2); in format: % exactly <think>…</think><answer>…</answer>; truncated: % cut at max_tokens."
