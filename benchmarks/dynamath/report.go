package dynamath

import (
	"github.com/vlmlab/harness/benchmarks/bench"
	"github.com/vlmlab/harness/plugins/sdk"
)

// Breakdown names: VLMEvalKit's Subject-* and Level-* columns of the two
// score.csv rows, as percentages.
const (
	BreakdownWorstSubject   = "Worst Case Subject"
	BreakdownWorstLevel     = "Worst Case Level"
	BreakdownAverageSubject = "Average Subject"
	BreakdownAverageLevel   = "Average Level"
)

// seed is one seed question in the worst-case computation.
type seed struct {
	subject, level string // of the seed's first-loaded variant (varid 1 when present)
	varid          int
	allRight       bool
}

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
	avg := bench.NewTally()
	seeds := map[int]*seed{}
	var order []int
	hits := 0
	for i, r := range results {
		p := &d.problems[i]
		if r.Hit {
			hits++
		}
		avg.AddBool(BreakdownAverageSubject, p.Subject, r.Hit)
		avg.AddBool(BreakdownAverageLevel, p.Level, r.Hit)
		s, ok := seeds[p.QID]
		if !ok {
			s = &seed{subject: p.Subject, level: p.Level, varid: p.VarID, allRight: true}
			seeds[p.QID] = s
			order = append(order, p.QID)
		}
		// VLMEvalKit takes subject and level from the varid 1 row.
		if p.VarID < s.varid {
			s.subject, s.level, s.varid = p.Subject, p.Level, p.VarID
		}
		s.allRight = s.allRight && r.Hit
	}
	worst := bench.NewTally()
	worstHits := 0
	for _, q := range order {
		s := seeds[q]
		if s.allRight {
			worstHits++
		}
		worst.AddBool(BreakdownWorstSubject, s.subject, s.allRight)
		worst.AddBool(BreakdownWorstLevel, s.level, s.allRight)
	}
	rep.Score = bench.Percent(float64(worstHits), len(order))
	rep.Metrics = []sdk.Metric{
		{Name: MetricWorstCase, Value: rep.Score},
		{Name: MetricAverage, Value: bench.Percent(float64(hits), len(results))},
	}
	rep.Breakdowns = append(worst.Breakdowns(true), avg.Breakdowns(true)...)
	return rep
}
