package mathvista

import (
	"context"
	"fmt"
	"strings"

	"github.com/vlmlab/harness/benchmarks/bench"
	"github.com/vlmlab/harness/plugins/sdk"
)

// tsvColumns are the MathVista_MINI.tsv columns VLMEvalKit's scorer reads.
var tsvColumns = []string{"index", "image", "question", "answer", "answer_option", "choices", "question_type", "answer_type", "task", "skills"}

// loadTSV reads VLMEvalKit's MathVista_MINI.tsv. The TSV has no metadata
// beyond task and skills, and no precision: a float answer's precision is
// read from the hint line of the question, as the official prompt states it.
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
		images[p.PID] = parts
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
		PID:          strings.TrimSpace(r.Get("index")),
		Query:        r.Get("question"),
		Answer:       r.Get("answer"),
		AnswerOption: strings.TrimSpace(r.Get("answer_option")),
		QuestionType: strings.TrimSpace(r.Get("question_type")),
		AnswerType:   strings.TrimSpace(r.Get("answer_type")),
		Task:         r.Get("task"),
		Line:         r.Line,
	}
	if p.PID == "" {
		return p, fail("index", "empty; every row needs an id")
	}
	p.Metadata = map[string]string{"task": p.Task}
	skills, err := bench.ParsePyList(r.Get("skills"), isPyNumber)
	if err != nil {
		// VLMEvalKit treats a skills cell that is not a list as one skill.
		skills = []string{r.Get("skills")}
	}
	p.Skills = skills
	if p.QuestionType == MultiChoice {
		p.Choices, err = bench.ParsePyList(r.Get("choices"), isPyNumber)
		if err != nil {
			return p, fail("choices", "%v", err)
		}
	}
	if p.AnswerType == AnswerFloat {
		p.Precision = precisionFromHint(p.Query, p.Answer)
	}
	want := p.AnswerOption
	if err := p.check(true); err != nil {
		return p, fmt.Errorf("%s: line %d: %w", path, r.Line, err)
	}
	if want != "" && p.IsMultiChoice() {
		// Trust the file's letter (it decides VLMEvalKit's hit) once it is a
		// valid option letter.
		if len(want) != 1 || want[0] < 'A' || int(want[0]-'A') >= len(p.Choices) {
			return p, fail("answer_option", "%q is not a letter of the %d choices", want, len(p.Choices))
		}
		p.AnswerOption = want
	}
	return p, nil
}

// precisionFromHint reads the decimals a float question asks for from its
// hint line ("... with one decimal place ..."), falling back to the decimals
// of the answer itself.
func precisionFromHint(query, answer string) int {
	hint, _, _ := strings.Cut(query, "\n")
	switch {
	case strings.Contains(hint, "one decimal place"):
		return 1
	case strings.Contains(hint, "two decimal places"):
		return 2
	case strings.Contains(hint, "three decimal places"):
		return 3
	}
	if _, frac, ok := strings.Cut(strings.TrimSpace(answer), "."); ok {
		return len(frac)
	}
	return 0
}
