package mathverse

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/vlmlab/harness/benchmarks/bench"
	"github.com/vlmlab/harness/plugins/sdk"
)

// tsvColumns are the columns VLMEvalKit's MathVerse code reads.
var tsvColumns = []string{"index", "image", "question", "answer", "question_for_eval", "metadata", "problem_version"}

// loadTSV reads VLMEvalKit's MathVerse_MINIVOnly.tsv (dataset name
// MathVerse_MINI_Vision_Only), or another of its MathVerse TSVs with v naming
// the version (MathVerse_MINIV.tsv holds all five). Its question column is
// query_wo, which is the prompt, or query_cot for the cot prompt. Rows of
// other versions are skipped. Optional columns problem_index and
// question_type are used when present.
func loadTSV(path string, v variant) ([]problem, error) {
	var out []problem
	seen := map[string]int{}
	spill := bench.NewImageSpill(path)
	required := tsvColumns
	if v.cot {
		required = append(append([]string(nil), tsvColumns...), "query_cot")
	}
	err := bench.ScanTSV(path, required, func(row bench.TSVRow) error {
		if v.version != "" && row.Get("problem_version") != v.version {
			return nil
		}
		p, err := tsvProblem(path, row, spill, v.cot)
		if err != nil {
			return err
		}
		if first, dup := seen[p.id]; dup {
			return fmt.Errorf("%s: line %d: field index: %q appears twice (first at line %d); remove the duplicate row", path, row.Line, p.id, first)
		}
		seen[p.id] = row.Line
		out = append(out, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func tsvProblem(path string, row bench.TSVRow, spill *bench.ImageSpill, cot bool) (problem, error) {
	where := fmt.Sprintf("%s: line %d", path, row.Line)
	p := problem{
		id:              strings.TrimSpace(row.Get("index")),
		problemIndex:    strings.TrimSpace(row.Get("problem_index")),
		questionType:    strings.TrimSpace(row.Get("question_type")),
		answer:          row.Get("answer"),
		questionForEval: row.Get("question_for_eval"),
		// The official [Question] of a Vision Only record is empty; other
		// versions are scored with the leaderboard profile only.
		question: "",
		version:  strings.TrimSpace(row.Get("problem_version")),
	}
	if p.id == "" {
		return p, fmt.Errorf("%s: field index: empty; every row needs an index", where)
	}
	if p.problemIndex == "" {
		p.problemIndex = p.id
	}
	if strings.TrimSpace(p.answer) == "" {
		return p, fmt.Errorf("%s: field answer: empty; every MathVerse problem has a standard answer", where)
	}
	if p.questionType != "" {
		if err := checkQuestionType(p.questionType); err != nil {
			return p, fmt.Errorf("%s: %w", where, err)
		}
	}
	question := row.Get("question")
	if cot {
		question = row.Get("query_cot")
		if strings.TrimSpace(question) == "" {
			return p, fmt.Errorf("%s: field query_cot: empty; option %s=cot asks each item with it", where, OptionPrompt)
		}
	}
	if strings.TrimSpace(question) == "" {
		return p, fmt.Errorf("%s: field question: empty; it is the prompt (query_wo) the model is asked", where)
	}
	var err error
	if p.subject, p.subfield, err = parseMetadata(row.Get("metadata")); err != nil {
		return p, fmt.Errorf("%s: field metadata: %w", where, err)
	}
	images, err := spill.Parts(row)
	if err != nil {
		return p, err
	}
	p.prompt = append(images, sdk.Part{Text: question})
	return p, nil
}

// parseMetadata reads the metadata cell, a Python dict literal, the way
// VLMEvalKit does: single quotes become double quotes, then JSON. Like
// upstream, a value containing an apostrophe cannot be read.
func parseMetadata(cell string) (subject, subfield string, err error) {
	var m map[string]any
	if err := json.Unmarshal([]byte(strings.ReplaceAll(cell, "'", `"`)), &m); err != nil {
		return "", "", fmt.Errorf("not a dict literal such as {'subject': ..., 'subfield': ...}: %v", err)
	}
	subject, _ = m["subject"].(string)
	subfield, _ = m["subfield"].(string)
	if subject == "" || subfield == "" {
		return "", "", fmt.Errorf("needs string keys 'subject' and 'subfield', got %s", cell)
	}
	return subject, subfield, nil
}
