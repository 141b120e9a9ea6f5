package mathverse

import (
	"fmt"

	"github.com/vlmlab/harness/plugins/sdk"
)

// Question types of MathVerse records.
const (
	MultiChoice = "multi-choice"
	FreeForm    = "free-form"
)

// VisionOnly is the problem_version the leaderboard scores.
const VisionOnly = "Vision Only"

// problem is one Vision Only item as this package scores it, whichever file it
// came from.
type problem struct {
	id           string
	problemIndex string
	questionType string // MultiChoice, FreeForm, or "" when a TSV lacks the column
	answer       string // the standard answer, verbatim (may carry spaces)
	// questionForEval is the [Question] of the leaderboard's scoring prompt:
	// the TSV column question_for_eval (the question text with its choices).
	questionForEval string
	// question is the [Question] of the official scoring prompt:
	// inst['question'], which is "" for every Vision Only record.
	question string
	subject  string
	subfield string
	// version is the problem_version ("Vision Only", …), "" when unknown.
	version string
	prompt  []sdk.Part
}

// multiChoice reports whether rules may treat the answer as option letters.
// TSVs without question_type fall back to the shape of the answer.
func (p *problem) multiChoice() bool {
	if p.questionType != "" {
		return p.questionType == MultiChoice
	}
	_, ok := letterSet(p.answer)
	return ok
}

func (p *problem) item() sdk.Item {
	meta := map[string]string{
		"problem_index": p.problemIndex,
		"subject":       p.subject,
		"subfield":      p.subfield,
	}
	if p.questionType != "" {
		meta["question_type"] = p.questionType
	}
	if p.version != "" {
		meta["problem_version"] = p.version
	}
	return sdk.Item{ID: p.id, Prompt: p.prompt, Meta: meta}
}

// checkQuestionType validates a question_type value.
func checkQuestionType(v string) error {
	if v != MultiChoice && v != FreeForm {
		return fmt.Errorf("field question_type: %q is neither %q nor %q", v, MultiChoice, FreeForm)
	}
	return nil
}
