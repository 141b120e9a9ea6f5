package mathvista

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/vlmlab/harness/benchmarks/bench"
	"github.com/vlmlab/harness/plugins/sdk"
)

// Breakdown names. The leaderboard profile has VLMEvalKit's Task&Skill rows
// (split into two tables); the official profile has the keys of the official
// scores.json, spelled as there.
const (
	BreakdownTask  = "task"
	BreakdownSkill = "skill"
)

// officialKeys are the official scores.json categories in its order; the
// metadata ones exist only for the official data files.
var officialKeys = []string{"question_type", "answer_type", "language", "source", "category", "task", "context", "grade", "skills"}

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
		if d.profile == sdk.ProfileOfficial {
			d.tallyOfficial(t, p, r.Hit)
			continue
		}
		t.AddBool(BreakdownTask, p.Task, r.Hit)
		for _, s := range p.Skills {
			t.AddBool(BreakdownSkill, s, r.Hit)
		}
	}
	rep.Score = bench.Percent(float64(hits), len(results))
	rep.Metrics = []sdk.Metric{{Name: PrimaryMetric, Value: rep.Score}}
	if d.profile == sdk.ProfileLeaderboard {
		// VLMEvalKit's prefetch_rate column of the Overall row.
		rep.Metrics = append(rep.Metrics, sdk.Metric{Name: "Overall prefetch rate", Value: bench.Percent(float64(rep.Rule), len(results))})
	}
	rep.Breakdowns = t.Breakdowns(true)
	return rep
}

func (d *Dataset) tallyOfficial(t *bench.Tally, p *Problem, hit bool) {
	t.AddBool("question_type", p.QuestionType, hit)
	t.AddBool("answer_type", p.AnswerType, hit)
	for _, k := range metadataFields {
		if d.hasMeta || k == "task" {
			t.AddBool(k, p.Metadata[k], hit)
		}
	}
	for _, s := range p.Skills {
		t.AddBool("skills", s, hit)
	}
}

// Accuracy is one entry of the official scores.json.
type Accuracy struct {
	Accuracy string `json:"accuracy"`
	Correct  int    `json:"correct"`
	Total    int    `json:"total"`
}

// Scores is the official scores.json: the average and, per category
// (question_type, answer_type, metadata fields, skills), each value's accuracy.
type Scores struct {
	Average Accuracy
	Fields  map[string]map[string]Accuracy
}

// MarshalJSON writes the official layout: "average" then one object per
// category, in the official key order.
func (s Scores) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`{"average":`)
	avg, err := json.Marshal(s.Average)
	if err != nil {
		return nil, err
	}
	b.Write(avg)
	for _, k := range officialKeys {
		f, ok := s.Fields[k]
		if !ok {
			continue
		}
		v, err := json.Marshal(f)
		if err != nil {
			return nil, err
		}
		b.WriteString("," + strconv.Quote(k) + ":")
		b.Write(v)
	}
	b.WriteString("}")
	return b.Bytes(), nil
}

// OfficialScores renders a report as the official calculate_score.py writes
// scores.json: the average accuracy as str(round(acc, 2)) and each
// category's as "%.2f", both computed as correct/total*100 in that order.
// Only the breakdowns of an official-profile report are included.
func OfficialScores(rep *sdk.Report) Scores {
	correct := 0
	for _, it := range rep.Items {
		if it.Hit {
			correct++
		}
	}
	total := len(rep.Items)
	s := Scores{Fields: map[string]map[string]Accuracy{}}
	s.Average = Accuracy{Correct: correct, Total: total}
	if total > 0 {
		s.Average.Accuracy = pyFloatRepr(pyRound(float64(correct)/float64(total)*100, 2))
	}
	official := map[string]bool{}
	for _, k := range officialKeys {
		official[k] = true
	}
	for _, b := range rep.Breakdowns {
		if !official[b.Name] {
			continue
		}
		m := map[string]Accuracy{}
		for _, r := range b.Rows {
			c := int(r.Hit)
			m[r.Key] = Accuracy{
				Accuracy: strconv.FormatFloat(float64(c)/float64(r.Total)*100, 'f', 2, 64),
				Correct:  c,
				Total:    r.Total,
			}
		}
		s.Fields[b.Name] = m
	}
	return s
}
