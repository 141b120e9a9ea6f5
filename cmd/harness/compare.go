package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/vlmlab/harness/harness/report"
	record "github.com/vlmlab/harness/harness/result"
	"github.com/vlmlab/harness/leaderboard"
	"github.com/vlmlab/harness/submissions"
)

// publishedEntry finds a published result built into the binary.
func publishedEntry(id string) (*leaderboard.Entry, error) {
	if id == "" {
		return nil, nil
	}
	entries, err := leaderboard.LoadFS(submissions.FS)
	if err != nil {
		return nil, fmt.Errorf("published entries: %w", err)
	}
	e, err := leaderboard.Lookup(entries, id)
	if err != nil {
		return nil, fmt.Errorf("--compare: %w", err)
	}
	return &e, nil
}

// withCompare adds the published number and the difference (measured −
// published) to each row of the eval table (the last row is the average),
// after saying what they are compared with.
func withCompare(out io.Writer, header []string, rows [][]string, res *record.Eval, e *leaderboard.Entry) ([]string, [][]string, error) {
	var refs []string
	for _, s := range e.Sources {
		refs = append(refs, s.Ref)
	}
	fmt.Fprintf(out, "compared with %s (%s, %s; %s profile; %s)\n", e.ID, e.Model, e.Organisation, e.Profile, strings.Join(refs, "; "))
	for _, o := range res.Benchmarks {
		if o.Profile != e.Profile {
			fmt.Fprintf(out, "note: %s was scored with the %s profile, the published numbers with %s\n", o.Benchmark, o.Profile, e.Profile)
		}
	}
	cmp := map[string]leaderboard.Row{}
	for _, r := range leaderboard.Compare(*e, res.Scores()) {
		cmp[r.Benchmark] = r
	}
	names := make([]string, 0, len(rows))
	for _, o := range res.Benchmarks {
		names = append(names, o.Benchmark)
	}
	names = append(names, leaderboard.AverageName)
	if len(names) != len(rows) {
		return nil, nil, fmt.Errorf("compare: %d rows for %d benchmarks and the average", len(rows), len(names))
	}
	out2 := make([][]string, len(rows))
	for i, row := range rows {
		r, ok := cmp[names[i]]
		pub, delta := "-", "-"
		partialAvg := names[i] == leaderboard.AverageName && len(res.Benchmarks) != len(leaderboard.Benchmarks())
		if ok && r.HasPublished && !partialAvg {
			pub = report.Pct(r.Published)
			if r.HasMeasured {
				delta = fmt.Sprintf("%+.1f", r.Delta)
			}
		}
		out2[i] = append(append([]string(nil), row...), pub, delta)
	}
	return append(append([]string(nil), header...), "published", "Δ"), out2, nil
}

// printCompareNotes says, under the table, what the published source itself
// gets wrong or leaves out.
func printCompareNotes(out io.Writer, e *leaderboard.Entry) {
	if e.ReportedAvgMismatch {
		fmt.Fprintf(out, "note: the source prints an average of %.1f, which its own six numbers do not give\n", e.ReportedAvg)
	}
	for _, n := range e.Notes {
		fmt.Fprintf(out, "note: %s\n", n)
	}
}
