package dataimport

import (
	"context"
	"fmt"

	"github.com/vlmlab/harness/benchmarks/wemath"
)

// wemathSheet reads testmini.json through the evaluator's loader. WeMath.tsv:
// index is the record number (1-based, file order; the official records have
// no numeric id), question the question with the official answer-format
// instruction appended (as the loader builds it: VLMEvalKit's TSV questions
// are understood to end with it), one column per option letter A… up to the
// last letter any item uses (empty where an item has fewer options), answer
// the letter, ID the problem group, key the role, knowledge concept. A hint
// column is written only when some item has a hint (the official file has
// none).
func wemathSheet(ctx context.Context, src string, allowPartial bool) (*sheet, error) {
	ds, file, dir, err := openOfficial(ctx, src, allowPartial, wemath.Load, "testmini.json")
	if err != nil {
		return nil, err
	}
	items, problems := ds.Items(), ds.Problems()
	last := 'B' // the evaluators require columns A and B
	hint := false
	for _, p := range problems {
		for _, c := range p.Choices {
			// VLMEvalKit's WeMath (and the harness's TSV loader) read the
			// option columns A…H only.
			if len(c.Letter) != 1 || c.Letter[0] < 'A' || c.Letter[0] > 'H' {
				return nil, fmt.Errorf("%s: item %s: option %q: WeMath.tsv has option columns A to H only", file, p.ID, c.Letter)
			}
			last = max(last, rune(c.Letter[0]))
		}
		hint = hint || p.Hint != ""
	}
	columns := []string{"index", "image", "question"}
	if hint {
		columns = append(columns, "hint")
	}
	for l := 'A'; l <= last; l++ {
		columns = append(columns, string(l))
	}
	columns = append(columns, "answer", "ID", "key", "knowledge concept")
	sh := &sheet{columns: columns, expected: wemath.Items, dataDir: dir, synthetic: ds.Info().Synthetic}
	for i, p := range problems {
		if items[i].ID != p.ID {
			return nil, fmt.Errorf("loader order: item %d is %q, problem %q", i, items[i].ID, p.ID)
		}
		images, err := imagePaths(items[i])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		cells := map[string]string{
			"index":             itoa(i + 1),
			"question":          p.Question,
			"hint":              p.Hint,
			"answer":            p.Answer,
			"ID":                p.Group,
			"key":               p.Key,
			"knowledge concept": p.Concept,
		}
		for _, c := range p.Choices {
			cells[c.Letter] = c.Text
		}
		sh.rows = append(sh.rows, sheetRow{id: p.ID, images: images, cells: cells})
	}
	return sh, nil
}
