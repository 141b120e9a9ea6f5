package mathverse

import (
	"github.com/vlmlab/harness/benchmarks/bench"
	"github.com/vlmlab/harness/plugins/sdk"
)

// Breakdown names of the report.
const (
	BySubject  = "subject"
	BySubfield = "subfield"
)

// report tallies item results: Overall accuracy over all loaded items (an item
// with no response counts as wrong), and accuracy per subject and subfield
// from each problem's metadata.
func (d *Dataset) report(results []sdk.ItemResult) *sdk.Report {
	rep := &sdk.Report{
		Benchmark:   Name,
		Profile:     d.profile,
		Judge:       d.judge,
		Postprocess: string(d.post),
		Dataset:     d.info,
		Primary:     PrimaryMetric,
		Items:       results,
	}
	bench.CountPaths(rep)
	t := bench.NewTally()
	hits := 0
	several := false
	for i := range d.problems {
		several = several || d.problems[i].version != d.problems[0].version
	}
	for i, res := range results {
		p := &d.problems[i]
		if several {
			t.AddBool(ByVersion, p.version, res.Hit)
		}
		t.AddBool(BySubject, p.subject, res.Hit)
		t.AddBool(BySubfield, p.subfield, res.Hit)
		if res.Hit {
			hits++
		}
	}
	rep.Score = bench.Percent(float64(hits), len(results))
	rep.Metrics = []sdk.Metric{{Name: PrimaryMetric, Value: rep.Score}}
	rep.Breakdowns = t.Breakdowns(true)
	return rep
}
