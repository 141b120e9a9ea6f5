package logicvista

import (
	"slices"
	"strings"

	"github.com/vlmlab/harness/benchmarks/bench"
	"github.com/vlmlab/harness/plugins/sdk"
)

// Breakdown names of the report.
const (
	BySkill      = "skill"
	ByCapability = "broad capability"
)

// Skills are VLMEvalKit's skill rows, in its order.
var Skills = []string{"inductive", "deductive", "numerical", "spatial", "mechanical"}

// report tallies item results: Overall acc over all loaded items (v1_382
// included, as upstream divides by the row count), acc per skill (an item
// counts for every skill whose name occurs in its skill list, VLMEvalKit's
// str.contains) and per broad capability (official JSON only).
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
	for i, res := range results {
		p := &d.problems[i]
		for _, s := range Skills {
			if strings.Contains(p.skills, s) {
				t.AddBool(BySkill, s, res.Hit)
			}
		}
		if p.capability != "" {
			t.AddBool(ByCapability, p.capability, res.Hit)
		}
		if res.Hit {
			hits++
		}
	}
	rep.Score = bench.Percent(float64(hits), len(results))
	rep.Metrics = []sdk.Metric{{Name: PrimaryMetric, Value: rep.Score}}
	for _, b := range t.Breakdowns(true) {
		if b.Name == BySkill {
			slices.SortStableFunc(b.Rows, func(x, y sdk.Row) int {
				return slices.Index(Skills, x.Key) - slices.Index(Skills, y.Key)
			})
		}
		rep.Breakdowns = append(rep.Breakdowns, b)
	}
	return rep
}
