package wemath

import (
	"context"
	"fmt"
	"strings"

	"github.com/vlmlab/harness/benchmarks/answer"
	"github.com/vlmlab/harness/benchmarks/bench"
)

// optionLetters are the option columns VLMEvalKit reads (build_choices).
const optionLetters = "ABCDEFGH"

// loadTSV reads VLMEvalKit's WeMath.tsv: columns index, image, question,
// answer, ID, key, option columns A…H (an empty cell is no option), and
// optionally hint and knowledge concept.
func loadTSV(ctx context.Context, path string, cot bool) ([]Problem, error) {
	var problems []Problem
	lineOf := map[string]int{}
	spill := bench.NewImageSpill(path)
	i := 0
	required := []string{"index", "image", "question", "answer", "ID", "key", "A", "B"}
	if cot {
		required = append(required, "requirement")
	}
	err := bench.ScanTSV(path, required, func(row bench.TSVRow) (err error) {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		i++
		where := fmt.Sprintf("%s: line %d", path, row.Line)
		p := Problem{
			ID:       strings.TrimSpace(row.Get("index")),
			Group:    row.Get("ID"),
			Key:      row.Get("key"),
			Question: row.Get("question"),
			Hint:     row.Get("hint"),
			Answer:   row.Get("answer"),
			Concept:  row.Get("knowledge concept"),
		}
		if cot {
			p.Requirement = row.Get("requirement")
		}
		if p.ID == "" {
			return fmt.Errorf("%s: field index: empty", where)
		}
		if prev, dup := lineOf[p.ID]; dup {
			return fmt.Errorf("%s: field index: %q already used on line %d; each row needs its own index", where, p.ID, prev)
		}
		lineOf[p.ID] = row.Line
		for _, l := range optionLetters {
			if text := row.Get(string(l)); text != "" {
				p.Choices = append(p.Choices, answer.Choice{Letter: string(l), Text: text})
			}
		}
		if len(p.Choices) < 2 {
			return fmt.Errorf("%s: option columns A…H: %d filled, expected at least 2", where, len(p.Choices))
		}
		if p.Images, err = spill.Parts(row); err != nil {
			return err
		}
		if err := p.validate(where); err != nil {
			return err
		}
		problems = append(problems, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return problems, nil
}
