package dataimport

import (
	"context"
	"fmt"

	"github.com/vlmlab/harness/benchmarks/mathvista"
)

// mathvistaSheet reads testmini.json (+ query.json beside it) through the
// evaluator's loader. MathVista_MINI.tsv: index is the pid, question the
// query (hint, question, choices), answer the official answer (the option
// text for multiple choice), answer_option its letter, choices and skills
// str() of Python lists (choices empty for free-form items).
func mathvistaSheet(ctx context.Context, src string, allowPartial bool) (*sheet, error) {
	ds, file, dir, err := openOfficial(ctx, src, allowPartial, mathvista.Load, "testmini.json")
	if err != nil {
		return nil, err
	}
	sh := &sheet{
		columns:   []string{"index", "image", "question", "answer", "answer_option", "choices", "question_type", "answer_type", "task", "skills"},
		expected:  mathvista.Items,
		dataDir:   dir,
		synthetic: ds.Info().Synthetic,
	}
	items, problems := ds.Items(), ds.Problems()
	for i, p := range problems {
		if items[i].ID != p.PID {
			return nil, fmt.Errorf("loader order: item %d is %q, problem %q", i, items[i].ID, p.PID)
		}
		images, err := imagePaths(items[i])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		choices := ""
		if p.IsMultiChoice() {
			choices = pyList(p.Choices)
		}
		sh.rows = append(sh.rows, sheetRow{id: p.PID, images: images, cells: map[string]string{
			"index":         p.PID,
			"question":      p.Query,
			"answer":        p.Answer,
			"answer_option": p.AnswerOption,
			"choices":       choices,
			"question_type": p.QuestionType,
			"answer_type":   p.AnswerType,
			"task":          p.Task,
			"skills":        pyList(p.Skills),
		}})
	}
	return sh, nil
}
