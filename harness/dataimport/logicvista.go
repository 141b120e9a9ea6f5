package dataimport

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/vlmlab/harness/benchmarks/logicvista"
	"github.com/vlmlab/harness/internal/textfile"
)

// logicvistaSheet builds LogicVista.tsv from dataset.json and images/. The
// evaluator's loader decides the items (ids, prompts, image paths); it does
// not expose the answers and skill lists, so those are read from the same
// file here. Columns: index (N for the official id v1_N, VLMEvalKit's
// numbering; the ids themselves when any is not of that form, as in
// synthetic suites), image, question, answer (labels joined by ", "; the
// empty record v1_382 keeps its empty question and answer, which pandas reads
// as NaN), skill (str() of the list).
func logicvistaSheet(ctx context.Context, src string, allowPartial bool) (*sheet, error) {
	ds, file, dir, err := openOfficial(ctx, src, allowPartial, logicvista.New().Load, "dataset.json", "data/dataset.json")
	if err != nil {
		return nil, err
	}
	data, err := textfile.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	var recs map[string]struct {
		Answer string   `json:"answer"`
		Skill  []string `json:"skill"`
	}
	if err := json.Unmarshal(data, &recs); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	items := ds.Items()
	numeric := true
	for _, it := range items {
		_, ok := logicvistaNumber(it.ID)
		numeric = numeric && ok
	}
	sh := &sheet{
		columns:   []string{"index", "image", "question", "answer", "skill"},
		expected:  logicvista.Items,
		dataDir:   dir,
		synthetic: ds.Info().Synthetic,
	}
	for _, it := range items {
		r, ok := recs[it.ID]
		if !ok {
			return nil, fmt.Errorf("%s: item %s: no record", file, it.ID)
		}
		images, err := imagePaths(it)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		index := it.ID
		if numeric {
			n, _ := logicvistaNumber(it.ID)
			index = itoa(n)
		}
		sh.rows = append(sh.rows, sheetRow{id: it.ID, images: images, cells: map[string]string{
			"index":    index,
			"question": promptText(it),
			"answer":   r.Answer,
			"skill":    pyList(r.Skill),
		}})
	}
	return sh, nil
}

// logicvistaNumber reads the N of an official id "v1_N".
func logicvistaNumber(id string) (int, bool) {
	s, ok := strings.CutPrefix(id, "v1_")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || itoa(n) != s {
		return 0, false
	}
	return n, true
}
