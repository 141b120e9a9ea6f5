package dynamath

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/vlmlab/harness/benchmarks/bench"
)

// tsvColumns are the DynaMath.tsv columns VLMEvalKit reads.
var tsvColumns = []string{"index", "image", "question", "answer", "answer_type", "subject", "knowledge_level", "qid", "varid"}

// loadTSV reads VLMEvalKit's DynaMath.tsv.
func loadTSV(ctx context.Context, path string) ([]Problem, error) {
	var problems []Problem
	lineOf := map[string]int{}
	spill := bench.NewImageSpill(path)
	i := 0
	err := bench.ScanTSV(path, tsvColumns, func(row bench.TSVRow) (err error) {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		i++
		where := fmt.Sprintf("%s: line %d", path, row.Line)
		p := Problem{
			ID:         strings.TrimSpace(row.Get("index")),
			Question:   row.Get("question"),
			Answer:     row.Get("answer"),
			AnswerType: row.Get("answer_type"),
			Subject:    row.Get("subject"),
			Level:      row.Get("knowledge_level"),
		}
		if p.ID == "" {
			return fmt.Errorf("%s: field index: empty", where)
		}
		if prev, dup := lineOf[p.ID]; dup {
			return fmt.Errorf("%s: field index: %q already used on line %d; each row needs its own index", where, p.ID, prev)
		}
		lineOf[p.ID] = row.Line
		if p.QID, err = intField(row, "qid"); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		if p.VarID, err = intField(row, "varid"); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		if p.Images, err = spill.Parts(row); err != nil {
			return err
		}
		if err := p.validate(where); err != nil {
			return err
		}
		// VLMEvalKit's worst case keys seeds by the index of their varid 1
		// row and looks them up by qid: the two must agree or it crashes.
		if p.VarID == 1 && p.ID != strconv.Itoa(p.QID) {
			return fmt.Errorf("%s: qid %d varid 1 has index %q; VLMEvalKit's worst-case grouping needs index == qid on every varid 1 row (a re-indexed TSV? use the original DynaMath.tsv)", where, p.QID, p.ID)
		}
		problems = append(problems, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return problems, nil
}

// intField parses an integer column (pandas may write 3 as "3.0" after NaN
// handling; both are accepted).
func intField(row bench.TSVRow, col string) (int, error) {
	s := strings.TrimSpace(row.Get(col))
	if n, err := strconv.Atoi(s); err == nil {
		return n, nil
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && f == float64(int(f)) {
		return int(f), nil
	}
	return 0, fmt.Errorf("field %s: %q is not an integer", col, s)
}
