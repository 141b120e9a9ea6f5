package dataimport

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/vlmlab/harness/benchmarks/mathverse"
	"github.com/vlmlab/harness/internal/textfile"
)

// mathverseSheet builds MathVerse_MINIVOnly.tsv (VLMEvalKit's
// MathVerse_MINI_Vision_Only) from testmini.json (its Vision Only records)
// or testmini_text_only.json (the Vision Only items derived from it). The
// evaluator's loader decides the items: ids (the Vision Only sample_index),
// prompts (query_wo) and image paths; it does not expose the answers, so the
// few fields it keeps to itself are read from the same file here
// (mathverseExtras).
//
// Columns: index, image, question (query_wo, the prompt), answer,
// question_for_eval (the question with its choices, as the loader gives the
// judge), metadata (str() of the record's metadata dict), problem_version
// ("Vision Only"), problem_index, question_type, query_cot.
func mathverseSheet(ctx context.Context, src string, allowPartial bool) (*sheet, error) {
	ds, file, dir, err := openOfficial(ctx, src, allowPartial, mathverse.New().Load, "testmini.json", "testmini_text_only.json")
	if err != nil {
		return nil, err
	}
	extras, err := mathverseExtras(file)
	if err != nil {
		return nil, err
	}
	sh := &sheet{
		columns: []string{"index", "image", "question", "answer", "question_for_eval", "metadata",
			"problem_version", "problem_index", "question_type", "query_cot"},
		expected:  mathverse.Items,
		dataDir:   dir,
		synthetic: ds.Info().Synthetic,
	}
	for _, it := range ds.Items() {
		pi := it.Meta["problem_index"]
		x, ok := extras[pi]
		if !ok {
			return nil, fmt.Errorf("%s: item %s: no record with problem_index %q", file, it.ID, pi)
		}
		images, err := imagePaths(it)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		sh.rows = append(sh.rows, sheetRow{id: it.ID, images: images, cells: map[string]string{
			"index":             it.ID,
			"question":          promptText(it),
			"answer":            x.answer,
			"question_for_eval": x.questionForEval,
			"metadata":          x.metadata,
			"problem_version":   mathverse.VisionOnly,
			"problem_index":     pi,
			"question_type":     it.Meta["question_type"],
			"query_cot":         x.queryCoT,
		}})
	}
	return sh, nil
}

// mathverseExtra is what the TSV needs of a problem beyond the loader's item.
type mathverseExtra struct {
	answer          string
	questionForEval string
	metadata        string // str() of the metadata dict
	queryCoT        string
}

// mathverseRecord is the part of an official record read here. The loader
// has already validated the file, so only the shape is checked.
type mathverseRecord struct {
	ProblemIndex   string          `json:"problem_index"`
	ProblemVersion string          `json:"problem_version"`
	Question       string          `json:"question"`
	Answer         string          `json:"answer"`
	Metadata       json.RawMessage `json:"metadata"`
	QueryCoT       string          `json:"query_cot"`
}

// Prefixes of the Vision Only prompt sentences: they are the text versions'
// first line with "Please" turned into this lead-in (the Vision Only query_wo
// of output_testmini_template.json and the evaluator's derived prompts).
const (
	textOnlyLead   = "Please "
	visionOnlyLead = "According to the question shown in the image, please "
)

// mathverseExtras reads the answers, judge questions, metadata and CoT
// prompts of the Vision Only problems, keyed by problem_index, the way the
// loader pairs them: from testmini.json, the Vision Only record with the
// Text Dominant record's question as question_for_eval; from
// testmini_text_only.json, the text-only record, whose question is
// question_for_eval and whose query_cot's instruction line becomes the
// Vision Only one (inferred, like the loader's Vision Only query_wo).
func mathverseExtras(file string) (map[string]mathverseExtra, error) {
	data, err := textfile.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	var recs []mathverseRecord
	if err := json.Unmarshal(data, &recs); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	hasVision := false
	for _, r := range recs {
		hasVision = hasVision || r.ProblemVersion == mathverse.VisionOnly
	}
	dominant := map[string]string{}
	out := map[string]mathverseExtra{}
	for _, r := range recs {
		switch {
		case hasVision && r.ProblemVersion == "Text Dominant":
			dominant[r.ProblemIndex] = r.Question
			continue
		case hasVision && r.ProblemVersion != mathverse.VisionOnly:
			continue
		}
		meta, err := pyDictJSON(r.Metadata)
		if err != nil {
			return nil, fmt.Errorf("%s: problem_index %s: field metadata: %w", file, r.ProblemIndex, err)
		}
		x := mathverseExtra{answer: r.Answer, metadata: meta, queryCoT: r.QueryCoT}
		if !hasVision {
			x.questionForEval = r.Question
			x.queryCoT = visionOnlyInstruction(r.QueryCoT)
		}
		out[r.ProblemIndex] = x
	}
	if hasVision {
		for pi, x := range out {
			x.questionForEval = dominant[pi]
			out[pi] = x
		}
	}
	return out, nil
}

// visionOnlyInstruction turns a text version's prompt into the Vision Only
// one: its first line (the instruction; the question follows it) with the
// Vision Only lead-in. "" when the prompt does not have that shape.
func visionOnlyInstruction(query string) string {
	first, _, _ := strings.Cut(query, "\n")
	rest, ok := strings.CutPrefix(first, textOnlyLead)
	if !ok {
		return ""
	}
	return visionOnlyLead + rest
}

// pyDictJSON is str() of a JSON object after json.load, keys in file order.
func pyDictJSON(raw json.RawMessage) (string, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return "", fmt.Errorf("expected an object, got %s", clip(string(raw)))
	}
	var keys []string
	var values []pyValue
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return "", err
		}
		v, err := dec.Token()
		if err != nil {
			return "", err
		}
		var pv pyValue
		switch v := v.(type) {
		case string:
			pv.str = &v
		case json.Number:
			pv.other = v.String()
		case bool:
			pv.other = map[bool]string{true: "True", false: "False"}[v]
		case nil:
			pv.other = "None"
		default:
			return "", fmt.Errorf("member %q: nested values are not supported", k)
		}
		keys = append(keys, k.(string))
		values = append(values, pv)
	}
	return pyDict(keys, values), nil
}

// clip shortens text for messages.
func clip(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:57]) + "..."
	}
	return s
}
