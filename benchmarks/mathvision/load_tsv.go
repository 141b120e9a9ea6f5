package mathvision

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/vlmlab/harness/benchmarks/bench"
	"github.com/vlmlab/harness/plugins/sdk"
)

// tsvColumns are the MathVision.tsv columns VLMEvalKit's scorer reads.
var tsvColumns = []string{"index", "image", "question", "answer", "choices", "category"}

// loadTSV reads VLMEvalKit's MathVision.tsv. Its question column already is
// the full prompt (hint, question, choices); a level column is optional.
func loadTSV(ctx context.Context, path string) ([]Problem, map[string][]sdk.Part, error) {
	var problems []Problem
	images := map[string][]sdk.Part{}
	spill := bench.NewImageSpill(path)
	err := bench.ScanTSV(path, tsvColumns, func(r bench.TSVRow) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		p, err := parseTSVRow(path, r)
		if err != nil {
			return err
		}
		parts, err := spill.Parts(r)
		if err != nil {
			return err
		}
		images[p.ID] = parts
		problems = append(problems, p)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return problems, images, nil
}

func parseTSVRow(path string, r bench.TSVRow) (Problem, error) {
	fail := func(field, format string, args ...any) error {
		return fmt.Errorf("%s: line %d: field %s: %s", path, r.Line, field, fmt.Sprintf(format, args...))
	}
	p := Problem{
		ID:       strings.TrimSpace(r.Get("index")),
		Question: r.Get("question"),
		Query:    r.Get("question"),
		Answer:   r.Get("answer"),
		Subject:  r.Get("category"),
		Line:     r.Line,
	}
	if p.ID == "" {
		return p, fail("index", "empty; every row needs an id")
	}
	opts, err := bench.ParsePyList(r.Get("choices"), isNumber)
	if err != nil {
		return p, fail("choices", "%v", err)
	}
	p.Options = opts
	if lv := strings.TrimSpace(r.Get("level")); lv != "" {
		n, err := strconv.Atoi(lv)
		if err != nil {
			return p, fail("level", "%q is not an integer", lv)
		}
		p.Level = n
	}
	if err := p.checkAnswer(); err != nil {
		return p, fmt.Errorf("%s: line %d: %w", path, r.Line, err)
	}
	return p, nil
}

// isNumber says whether an unquoted choices element is a number.
func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}
