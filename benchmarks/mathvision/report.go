package mathvision

import (
	"fmt"
	"strconv"

	"github.com/vlmlab/harness/benchmarks/bench"
	"github.com/vlmlab/harness/plugins/sdk"
)

// Breakdown names: VLMEvalKit's Subject rows, and the official per-level
// accuracy (levels are in the official files only).
const (
	BreakdownSubject = "subject"
	BreakdownLevel   = "level"
)

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
	for i, r := range results {
		p := &d.problems[i]
		if r.Hit {
			hits++
		}
		t.AddBool(BreakdownSubject, p.Subject, r.Hit)
		if p.Level > 0 {
			t.AddBool(BreakdownLevel, strconv.Itoa(p.Level), r.Hit)
		}
	}
	rep.Score = bench.Percent(float64(hits), len(results))
	rep.Metrics = []sdk.Metric{{Name: PrimaryMetric, Value: rep.Score}}
	if d.profile == sdk.ProfileLeaderboard {
		rep.Metrics = append(rep.Metrics, sdk.Metric{Name: "Overall prefetch rate", Value: bench.Percent(float64(rep.Rule), len(results))})
	}
	rep.Breakdowns = t.Breakdowns(true)
	return rep
}

// OfficialResult renders a report of this dataset as MATH-V's
// math_level_subject_acc writes result.json: keys "-all", "-level<n>",
// "<subject>", "<subject>_level<n>" and "-level<n>_<subject>", values
// "<correct>/<total>=<round(acc, 2)>%".
func (d *Dataset) OfficialResult(rep *sdk.Report) map[string]string {
	type count struct{ hit, total int }
	counts := map[string]*count{}
	add := func(key string, hit bool) {
		c, ok := counts[key]
		if !ok {
			c = &count{}
			counts[key] = c
		}
		c.total++
		if hit {
			c.hit++
		}
	}
	for _, it := range rep.Items {
		p, ok := d.Problem(it.ID)
		if !ok {
			continue
		}
		lv := fmt.Sprintf("level%d", p.Level)
		for _, k := range []string{"-all", "-" + lv, p.Subject, p.Subject + "_" + lv, "-" + lv + "_" + p.Subject} {
			add(k, it.Hit)
		}
	}
	out := make(map[string]string, len(counts))
	for k, c := range counts {
		out[k] = fmt.Sprintf("%d/%d=%s%%", c.hit, c.total, pyRound2(float64(c.hit)/float64(c.total)*100))
	}
	return out
}

// pyRound2 is Python's str(round(x, 2)) for the finite, non-negative
// percentages above: the shortest text of the rounded value, at least one
// decimal ("0.0", "22.36", "100.0").
func pyRound2(x float64) string {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'f', 2, 64), 64)
	s := strconv.FormatFloat(r, 'f', -1, 64)
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			return s
		}
	}
	return s + ".0"
}
