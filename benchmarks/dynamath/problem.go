package dynamath

import (
	"fmt"
	"strconv"

	"github.com/vlmlab/harness/benchmarks/bench"
	"github.com/vlmlab/harness/plugins/sdk"
)

// Answer types. VLMEvalKit treats every type other than float and multiple
// choice as text; the data has exactly these three.
const (
	TypeFloat  = "float"
	TypeChoice = "multiple choice"
	TypeText   = "text"
)

// Problem is one variant of one seed question.
type Problem struct {
	ID         string // item id
	QID        int    // seed question, 1..501
	VarID      int    // variant, 1..10
	Question   string
	Answer     string
	AnswerType string // TypeFloat, TypeChoice or TypeText
	Subject    string
	Level      string // knowledge level: elementary school, high school, undergraduate
	Images     []sdk.Part

	gold float64 // Answer as a number, for float items
}

// validate checks the fields scoring depends on; where names the record for
// errors ("variant3.json: line 40: qid 12").
func (p *Problem) validate(where string) error {
	switch p.AnswerType {
	case TypeFloat:
		v, ok := pyFloat(p.Answer)
		if !ok {
			return fmt.Errorf("%s: field answer: %q is not a number, but answer_type is float", where, p.Answer)
		}
		p.gold = v
	case TypeChoice:
		if len(p.Answer) != 1 || p.Answer[0] < 'A' || p.Answer[0] > 'Z' {
			return fmt.Errorf("%s: field answer: %q is not an option letter, but answer_type is multiple choice", where, p.Answer)
		}
	case TypeText:
		if p.Answer == "" {
			return fmt.Errorf("%s: field answer: empty", where)
		}
	default:
		return fmt.Errorf("%s: field answer_type: %q is not one of %q, %q, %q", where, p.AnswerType, TypeFloat, TypeChoice, TypeText)
	}
	if p.Question == "" {
		return fmt.Errorf("%s: field question: empty", where)
	}
	if p.VarID < 1 || p.VarID > Variants {
		return fmt.Errorf("%s: field varid: %d is not in 1..%d", where, p.VarID, Variants)
	}
	if p.QID < 1 {
		return fmt.Errorf("%s: field qid: %d is not a positive seed number", where, p.QID)
	}
	return nil
}

// item is the prompt of a problem: its image(s), then the text.
func (p *Problem) item() sdk.Item {
	parts := make([]sdk.Part, 0, len(p.Images)+1)
	parts = append(parts, p.Images...)
	parts = append(parts, sdk.Part{Text: Prompt(p.Question, p.AnswerType)})
	return sdk.Item{
		ID:     p.ID,
		Prompt: parts,
		Meta: map[string]string{
			"qid":         strconv.Itoa(p.QID),
			"varid":       strconv.Itoa(p.VarID),
			"answer_type": p.AnswerType,
			"subject":     p.Subject,
			"level":       p.Level,
		},
	}
}

// checkComplete refuses duplicate (qid, varid) pairs and, unless partial data
// is allowed, seeds that lack some variant.
func checkComplete(path string, problems []Problem, allowPartial bool) error {
	seen := make(map[[2]int]string, len(problems))
	variants := map[int]int{}
	for _, p := range problems {
		k := [2]int{p.QID, p.VarID}
		if prev, dup := seen[k]; dup {
			return fmt.Errorf("%s: qid %d varid %d appears twice (items %s and %s)", path, p.QID, p.VarID, prev, p.ID)
		}
		seen[k] = p.ID
		variants[p.QID]++
	}
	if allowPartial {
		return nil
	}
	for _, p := range problems {
		if n := variants[p.QID]; n != Variants {
			return fmt.Errorf("%s: seed qid %d has %d of its %d variants; a worst-case score needs all of them (pass --allow-partial to score the seeds as they are)", path, p.QID, n, Variants)
		}
	}
	return nil
}

func newDataset(req sdk.LoadRequest, problems []Problem, files []string) (*Dataset, error) {
	partial, err := bench.CheckCount(Name, req.Path, len(problems), Items, req.AllowPartial)
	if err != nil {
		return nil, fmt.Errorf("dynamath: %w", err)
	}
	if err := checkComplete(req.Path, problems, req.AllowPartial); err != nil {
		return nil, fmt.Errorf("dynamath: %w", err)
	}
	hash, err := bench.HashFiles(files...)
	if err != nil {
		return nil, fmt.Errorf("dynamath: %w", err)
	}
	d := &Dataset{
		profile:  req.Profile,
		judge:    req.Judge,
		problems: problems,
		items:    make([]sdk.Item, len(problems)),
		info: sdk.DatasetInfo{
			Benchmark: Name, Path: req.Path, DataHash: hash,
			Count: len(problems), Expected: Items, Partial: partial, Synthetic: bench.Synthetic(req.Path),
		},
	}
	for i := range problems {
		d.items[i] = problems[i].item()
	}
	return d, nil
}
