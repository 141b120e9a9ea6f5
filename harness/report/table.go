// Package report renders results for people: tables on a terminal, and the
// JSON files runs leave behind.
package report

import (
	"fmt"
	"io"

	"github.com/olekukonko/tablewriter"
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
