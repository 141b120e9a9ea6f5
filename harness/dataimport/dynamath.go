package dataimport

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/vlmlab/harness/benchmarks/dynamath"
	"github.com/vlmlab/harness/plugins/sdk"
)

// dynamathSheet reads variant1.json … variant10.json (or the repository's
// trialN/dataset.json) through the evaluator's loader; seeds.json is not part
// of DynaMath.tsv. Rows go variant by variant; index is
// (varid-1)*S + qid with S the highest qid (501), so every varid 1 row has
// index == qid, which VLMEvalKit's worst-case grouping requires (reference
// §5.1), and all 5,010 indexes are distinct.
func dynamathSheet(ctx context.Context, src string, allowPartial bool) (*sheet, error) {
	st, err := os.Stat(src)
	if err != nil {
		return nil, fmt.Errorf("source: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("source %s: DynaMath's official data is a folder holding variant1.json … variant10.json; give that folder", src)
	}
	ds, err := dynamath.Load(ctx, sdk.LoadRequest{Path: src, AllowPartial: allowPartial})
	if err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(src)
	if err != nil {
		return nil, err
	}
	sh := &sheet{
		columns:   []string{"index", "image", "question", "answer", "answer_type", "subject", "knowledge_level", "qid", "varid"},
		expected:  dynamath.Items,
		dataDir:   dir,
		synthetic: ds.Info().Synthetic,
	}
	items, problems := ds.Items(), ds.Problems()
	seeds := 0
	for _, p := range problems {
		seeds = max(seeds, p.QID)
	}
	for i, p := range problems {
		if items[i].ID != p.ID {
			return nil, fmt.Errorf("loader order: item %d is %q, problem %q", i, items[i].ID, p.ID)
		}
		images, err := imagePaths(items[i])
		if err != nil {
			return nil, err
		}
		sh.rows = append(sh.rows, sheetRow{id: p.ID, images: images, cells: map[string]string{
			"index":           itoa((p.VarID-1)*seeds + p.QID),
			"question":        p.Question,
			"answer":          p.Answer,
			"answer_type":     p.AnswerType,
			"subject":         p.Subject,
			"knowledge_level": p.Level,
			"qid":             itoa(p.QID),
			"varid":           itoa(p.VarID),
		}})
	}
	return sh, nil
}
