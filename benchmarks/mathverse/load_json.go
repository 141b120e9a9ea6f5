package mathverse

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/vlmlab/harness/benchmarks/bench"
	"github.com/vlmlab/harness/internal/jsonpos"
	"github.com/vlmlab/harness/internal/textfile"
	"github.com/vlmlab/harness/plugins/sdk"
)

// Versions of a MathVerse problem in the official files.
const (
	textDominant = "Text Dominant"
	textOnly     = "Text Only"
)

// The Vision Only query_wo sentences. Vision Only puts the whole question in
// the image, so its prompt is one generic instruction per question type
// (output_testmini_template.json shows the free-form one; the reference quotes
// the multi-choice one).
const (
	visionOnlyFreeForm    = "According to the question shown in the image, please directly answer the question and provide the final value, e.g., 1, 2.5, 300."
	visionOnlyMultiChoice = "According to the question shown in the image, please directly answer the question and provide the correct option letter, e.g., A, B, C, D."
)

// record is one element of testmini.json or testmini_text_only.json. Pointers
// tell a missing field from an empty one.
type record struct {
	SampleIndex    *string `json:"sample_index"`
	ProblemIndex   *string `json:"problem_index"`
	ProblemVersion *string `json:"problem_version"`
	Question       *string `json:"question"`
	Image          *string `json:"image"`
	Answer         *string `json:"answer"`
	QuestionType   *string `json:"question_type"`
	Metadata       *struct {
		Subject  *string `json:"subject"`
		Subfield *string `json:"subfield"`
	} `json:"metadata"`
	QueryWO *string `json:"query_wo"`
}

// positioned is a decoded record with where it was found.
type positioned struct {
	rec  record
	line int
	n    int // 1-based record number
}

// testmini is how errors name testmini.json and testmini_text_only.json.
var testmini = jsonpos.Doc{
	Want:        "a JSON array of MathVerse records",
	After:       "data after the top-level array; the file must hold one JSON array",
	Refetch:     "download it again",
	NameRecords: true,
}

// readArray reads testmini.json's records with their lines.
var readArray = testmini.ReadArray

// loadJSON reads the official testmini.json (all five versions; the Vision
// Only records are kept) or testmini_text_only.json (Vision Only items are
// derived from it, see deriveVisionOnly).
func loadJSON(path string) ([]problem, error) {
	data, err := textfile.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	entries, err := readArray(path, data)
	if err != nil {
		return nil, err
	}
	var vision, text []positioned
	dominant := map[string]string{} // problem_index -> Text Dominant question
	versions := map[string]int{}
	for i, e := range entries {
		var r record
		if err := json.Unmarshal(e.Value, &r); err != nil {
			return nil, jsonpos.FieldError(path, data, e, err)
		}
		p := positioned{rec: r, line: e.Line, n: i + 1}
		if err := p.require(field{"problem_index", r.ProblemIndex}, field{"problem_version", r.ProblemVersion}); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		v := *r.ProblemVersion
		versions[v]++
		switch v {
		case VisionOnly:
			vision = append(vision, p)
		case textOnly:
			text = append(text, p)
		case textDominant:
			if r.Question != nil {
				dominant[*r.ProblemIndex] = *r.Question
			}
		}
	}
	// Image paths cross the plugin boundary, so they are absolute.
	dir, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	switch {
	case len(vision) > 0:
		return visionOnlyProblems(path, dir, vision, dominant)
	case len(text) > 0 && len(text) == len(entries):
		return deriveVisionOnly(path, dir, text)
	case len(entries) == 0:
		return nil, fmt.Errorf("%s: the JSON array is empty; expected MathVerse testmini records", path)
	}
	return nil, fmt.Errorf("%s: no %q records (versions found: %s); use testmini.json, testmini_text_only.json or the VLMEvalKit TSV", path, VisionOnly, versionList(versions))
}

// visionOnlyProblems builds items from the Vision Only records of testmini.json.
// The leaderboard's [Question] (question_for_eval) is not in the official file;
// it is taken from the Text Dominant record of the same problem, which carries
// the full question text and choices, else left empty.
func visionOnlyProblems(path, dir string, recs []positioned, dominant map[string]string) ([]problem, error) {
	out := make([]problem, 0, len(recs))
	seen := map[string]int{}
	for _, p := range recs {
		r := p.rec
		if err := p.require(field{"sample_index", r.SampleIndex}, field{"question", r.Question}, field{"image", r.Image}, field{"query_wo", r.QueryWO}); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if *r.Image == "" || *r.QueryWO == "" {
			return nil, fmt.Errorf("%s: %s: a Vision Only record needs a non-empty image and query_wo", path, p.where())
		}
		pr, err := p.common()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if first, dup := seen[pr.problemIndex]; dup {
			return nil, fmt.Errorf("%s: %s: problem_index %s appears twice in Vision Only (first at line %d); remove the duplicate", path, p.where(), pr.problemIndex, first)
		}
		seen[pr.problemIndex] = p.line
		pr.id = *r.SampleIndex
		pr.question = *r.Question
		pr.questionForEval = dominant[pr.problemIndex]
		img, err := bench.ImageFile(dir, *r.Image)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: field image: %w", path, p.where(), err)
		}
		pr.prompt = []sdk.Part{img, {Text: *r.QueryWO}}
		out = append(out, pr)
	}
	return out, nil
}

// deriveVisionOnly builds the Vision Only items from testmini_text_only.json,
// the only official annotation file of the 788 problems in the shared data.
// Both versions hold the same problems with the same answers (matched by
// problem_index); what Vision Only changes is what the model sees:
//
//   - prompt: the generic Vision Only query_wo sentence for the question type,
//     since the question is drawn in the image;
//   - image: images_version_6/image_<problem_index>.png beside the file;
//   - id: the Vision Only sample_index, 5*(problem_index-1)+5, the numbering
//     of output_testmini_template.json (problem 685 is sample 3425);
//   - question_for_eval (leaderboard [Question]): the text-only question;
//   - question (official [Question]): "", as in the Vision Only records.
func deriveVisionOnly(path, dir string, recs []positioned) ([]problem, error) {
	out := make([]problem, 0, len(recs))
	seen := map[string]int{}
	for _, p := range recs {
		r := p.rec
		if err := p.require(field{"question", r.Question}); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		pr, err := p.common()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		n, err := strconv.Atoi(pr.problemIndex)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%s: %s: field problem_index: %q is not a positive integer", path, p.where(), pr.problemIndex)
		}
		if first, dup := seen[pr.problemIndex]; dup {
			return nil, fmt.Errorf("%s: %s: problem_index %s appears twice (first at line %d); remove the duplicate", path, p.where(), pr.problemIndex, first)
		}
		seen[pr.problemIndex] = p.line
		pr.id = strconv.Itoa(5*(n-1) + 5)
		pr.questionForEval = *r.Question
		query := visionOnlyFreeForm
		if pr.questionType == MultiChoice {
			query = visionOnlyMultiChoice
		}
		img := fmt.Sprintf("images_version_6/image_%d.png", n)
		part, err := bench.ImageFile(dir, img)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", path, p.where(), err)
		}
		pr.prompt = []sdk.Part{part, {Text: query}}
		out = append(out, pr)
	}
	return out, nil
}

// common checks and copies the fields every version has.
func (p positioned) common() (problem, error) {
	r := p.rec
	if err := p.require(field{"answer", r.Answer}, field{"question_type", r.QuestionType}); err != nil {
		return problem{}, err
	}
	if r.Metadata == nil {
		return problem{}, fmt.Errorf("%s: missing field metadata (a dict with subject and subfield)", p.where())
	}
	if err := p.require(field{"metadata.subject", r.Metadata.Subject}, field{"metadata.subfield", r.Metadata.Subfield}); err != nil {
		return problem{}, err
	}
	if strings.TrimSpace(*r.Answer) == "" {
		return problem{}, fmt.Errorf("%s: field answer: empty; every MathVerse problem has a standard answer", p.where())
	}
	if err := checkQuestionType(*r.QuestionType); err != nil {
		return problem{}, fmt.Errorf("%s: %w", p.where(), err)
	}
	return problem{
		problemIndex: *r.ProblemIndex,
		questionType: *r.QuestionType,
		answer:       *r.Answer,
		subject:      *r.Metadata.Subject,
		subfield:     *r.Metadata.Subfield,
	}, nil
}

// field is a named string field of a record, nil when missing.
type field struct {
	name  string
	value *string
}

// require checks that the fields are present.
func (p positioned) require(fields ...field) error {
	for _, f := range fields {
		if f.value == nil {
			return fmt.Errorf("%s: missing field %s", p.where(), f.name)
		}
	}
	return nil
}

func (p positioned) where() string {
	return fmt.Sprintf("line %d: record %d", p.line, p.n)
}

func versionList(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, fmt.Sprintf("%q ×%d", k, m[k]))
	}
	sort.Strings(keys)
	if len(keys) == 0 {
		return "none"
	}
	return strings.Join(keys, ", ")
}
