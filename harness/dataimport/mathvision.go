package dataimport

import (
	"context"
	"fmt"

	"github.com/vlmlab/harness/benchmarks/mathvision"
)

// mathvisionSheet reads test.jsonl (or testmini.jsonl, which is partial)
// through the evaluator's loader. MathVision.tsv: index is the id, question
// the prompt the evaluator builds (hint line, question, choices), choices
// str() of the option list ("[]" for free-form items), category the subject;
// level is kept as an extra column so the official per-level breakdown
// survives the import.
func mathvisionSheet(ctx context.Context, src string, allowPartial bool) (*sheet, error) {
	ds, file, dir, err := openOfficial(ctx, src, allowPartial, mathvision.Load, "test.jsonl", "testmini.jsonl")
	if err != nil {
		return nil, err
	}
	sh := &sheet{
		columns:   []string{"index", "image", "question", "answer", "choices", "category", "level"},
		expected:  mathvision.Items,
		dataDir:   dir,
		synthetic: ds.Info().Synthetic,
	}
	items, problems := ds.Items(), ds.Problems()
	for i, p := range problems {
		if items[i].ID != p.ID {
			return nil, fmt.Errorf("loader order: item %d is %q, problem %q", i, items[i].ID, p.ID)
		}
		images, err := imagePaths(items[i])
		if err != nil {
			return nil, fmt.Errorf("%s: line %d: %w", file, p.Line, err)
		}
		level := ""
		if p.Level > 0 {
			level = itoa(p.Level)
		}
		sh.rows = append(sh.rows, sheetRow{id: p.ID, images: images, cells: map[string]string{
			"index":    p.ID,
			"question": p.Query,
			"answer":   p.Answer,
			"choices":  pyList(p.Options),
			"category": p.Subject,
			"level":    level,
		}})
	}
	return sh, nil
}
