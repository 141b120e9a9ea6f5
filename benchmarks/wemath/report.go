package wemath

import (
	"github.com/vlmlab/harness/benchmarks/bench"
	"github.com/vlmlab/harness/plugins/sdk"
)

// Breakdown names.
const (
	BreakdownStrict = "Four-dimensional (Strict)"
	BreakdownLoose  = "Four-dimensional (Loose)"
	BreakdownSteps  = "Steps"
	// BreakdownDomain is the per-domain accuracy (root2 of the knowledge
	// tree): the mean over the domain's knowledge concepts of each concept's
	// accuracy on one-step sub-problems. Present only when the knowledge tree
	// was loaded.
	BreakdownDomain = "Domain"
)

// Four-dimensional metric names, as VLMEvalKit's score.csv columns; the
// values are rates in percent (IK, IG, CM over 525 groups; RM over CM+RM).
var (
	metricIK = [2]string{"InsufficientKnowledge (Strict)", "InsufficientKnowledge (Loose)"}
	metricIG = [2]string{"InadequateGeneralization (Strict)", "InadequateGeneralization (Loose)"}
	metricCM = [2]string{"CompleteMastery (Strict)", "CompleteMastery (Loose)"}
	metricRM = [2]string{"RoteMemorization (Strict)", "RoteMemorization (Loose)"}
)

// ratio counts right items among those present.
type ratio struct{ hit, total int }

func (r *ratio) add(m Mark) {
	if m == Missing {
		return
	}
	r.total++
	if m == Right {
		r.hit++
	}
}

func (r ratio) row(key string) sdk.Row {
	return sdk.Row{Key: key, Total: r.total, Hit: float64(r.hit), Value: bench.Percent(float64(r.hit), r.total)}
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
	groups, steps, concepts := d.marks(results)
	f := Classify(groups)
	rep.Score = f.ScoreStrict()
	rep.Metrics = []sdk.Metric{
		{Name: MetricScoreStrict, Value: f.ScoreStrict()},
		{Name: metricIK[0], Value: bench.Percent(float64(f.IK), f.N)},
		{Name: metricIG[0], Value: bench.Percent(float64(f.IG), f.N)},
		{Name: metricCM[0], Value: bench.Percent(float64(f.CMStrict), f.N)},
		{Name: metricRM[0], Value: rmRate(f.CMStrict, f.RMStrict)},
		{Name: MetricScoreLoose, Value: f.ScoreLoose()},
		{Name: metricIK[1], Value: bench.Percent(float64(f.IK), f.N)},
		{Name: metricIG[1], Value: bench.Percent(float64(f.IG), f.N)},
		{Name: metricCM[1], Value: bench.Percent(float64(f.CMLoose), f.N)},
		{Name: metricRM[1], Value: rmRate(f.CMLoose, f.RMLoose)},
		{Name: MetricS1, Value: steps[0].row("").Value},
		{Name: MetricS2, Value: steps[1].row("").Value},
		{Name: MetricS3, Value: steps[2].row("").Value},
	}
	dims := func(name string, cm, rm int) sdk.Breakdown {
		return sdk.Breakdown{Name: name, Rows: []sdk.Row{
			{Key: "IK", Total: f.N, Hit: float64(f.IK), Value: bench.Percent(float64(f.IK), f.N)},
			{Key: "IG", Total: f.N, Hit: float64(f.IG), Value: bench.Percent(float64(f.IG), f.N)},
			{Key: "CM", Total: f.N, Hit: float64(cm), Value: bench.Percent(float64(cm), f.N)},
			{Key: "RM", Total: cm + rm, Hit: float64(rm), Value: rmRate(cm, rm)},
		}}
	}
	rep.Breakdowns = []sdk.Breakdown{
		dims(BreakdownStrict, f.CMStrict, f.RMStrict),
		dims(BreakdownLoose, f.CMLoose, f.RMLoose),
		{Name: BreakdownSteps, Rows: []sdk.Row{steps[0].row(MetricS1), steps[1].row(MetricS2), steps[2].row(MetricS3)}},
	}
	if d.nodes != nil {
		rep.Breakdowns = append(rep.Breakdowns, domainBreakdown(d.nodes, concepts))
	}
	return rep
}

// marks joins items into groups as VLMEvalKit's left merge on the step-1
// rows does: a group whose step-1 item is absent is left out entirely, other
// absent members are Missing. It also returns the step accuracies (S1 over
// the sub-problems of the joined groups, S2 and S3 over their composites)
// and each knowledge concept's accuracy on those sub-problems.
func (d *Dataset) marks(results []sdk.ItemResult) ([]GroupMarks, [3]ratio, map[string]*ratio) {
	byGroup := map[string]*GroupMarks{}
	var order []string
	type sub struct {
		group, concept string
		mark           Mark
	}
	var subs []sub
	for i, r := range results {
		p := &d.problems[i]
		g, ok := byGroup[p.Group]
		if !ok {
			g = &GroupMarks{Group: p.Group, Subs: make([]Mark, p.Steps)}
			byGroup[p.Group] = g
			order = append(order, p.Group)
		}
		m := Wrong
		if r.Hit {
			m = Right
		}
		if p.Composite() {
			g.Multi = m
		} else {
			g.Subs[p.Step-1] = m
			subs = append(subs, sub{p.Group, p.Concept, m})
		}
	}
	var groups []GroupMarks
	var steps [3]ratio
	for _, id := range order {
		g := byGroup[id]
		if g.Subs[0] == Missing {
			continue
		}
		groups = append(groups, *g)
		steps[len(g.Subs)-1].add(g.Multi)
	}
	concepts := map[string]*ratio{}
	for _, s := range subs {
		if byGroup[s.group].Subs[0] == Missing {
			continue
		}
		steps[0].add(s.mark)
		c, ok := concepts[s.concept]
		if !ok {
			c = &ratio{}
			concepts[s.concept] = c
		}
		c.add(s.mark)
	}
	return groups, steps, concepts
}

// domainBreakdown averages concept accuracies per domain, in the order the
// domains first appear in the knowledge tree; concepts and domains without
// sub-problems are left out (VLMEvalKit's mean skips their NaN). Hit is the
// sum of concept accuracies and Total the number of concepts, so Value is
// their mean in percent.
func domainBreakdown(nodes []Node, concepts map[string]*ratio) sdk.Breakdown {
	type acc struct {
		sum float64
		n   int
	}
	perDomain := map[string]*acc{}
	var order []string
	for _, n := range nodes {
		c, ok := concepts[n.Concept]
		if !ok || c.total == 0 {
			continue
		}
		a, ok := perDomain[n.Domain]
		if !ok {
			a = &acc{}
			perDomain[n.Domain] = a
			order = append(order, n.Domain)
		}
		a.sum += float64(c.hit) / float64(c.total)
		a.n++
	}
	b := sdk.Breakdown{Name: BreakdownDomain}
	for _, dom := range order {
		a := perDomain[dom]
		b.Rows = append(b.Rows, sdk.Row{Key: dom, Total: a.n, Hit: a.sum, Value: 100 * a.sum / float64(a.n)})
	}
	return b
}
