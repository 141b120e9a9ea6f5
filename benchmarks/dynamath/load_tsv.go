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
	rows, err := bench.ReadTSV(path, tsvColumns...)
	if err != nil {
		return nil, err
	}
	problems := make([]Problem, 0, len(rows))
	index := make(map[string]int, len(rows))
	for i, row := range rows {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
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
			return nil, fmt.Errorf("%s: field index: empty", where)
		}
		if prev, dup := index[p.ID]; dup {
			return nil, fmt.Errorf("%s: field index: %q already used on line %d; each row needs its own index", where, p.ID, rows[prev].Line)
		}
		index[p.ID] = i
		if p.QID, err = intField(row, "qid"); err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		if p.VarID, err = intField(row, "varid"); err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		if p.Images, err = bench.TSVImages(path, row.Line, row.Get("image")); err != nil {
			return nil, err
		}
		if err := p.validate(where); err != nil {
			return nil, err
		}
		// VLMEvalKit's worst case keys seeds by the index of their varid 1
		// row and looks them up by qid: the two must agree or it crashes.
		if p.VarID == 1 && p.ID != strconv.Itoa(p.QID) {
			return nil, fmt.Errorf("%s: qid %d varid 1 has index %q; VLMEvalKit's worst-case grouping needs index == qid on every varid 1 row (a re-indexed TSV? use the original DynaMath.tsv)", where, p.QID, p.ID)
		}
		problems = append(problems, p)
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
