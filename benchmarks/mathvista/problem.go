package mathvista

// Question and answer types as the MathVista files spell them.
const (
	MultiChoice = "multi_choice"
	FreeForm    = "free_form"

	AnswerText    = "text"
	AnswerInteger = "integer"
	AnswerFloat   = "float"
	AnswerList    = "list"
)

// metadataFields are the metadata keys the official scorer breaks accuracy
// down by (besides question_type, answer_type and skills), in its order.
var metadataFields = []string{"language", "source", "category", "task", "context", "grade"}

// Problem is one MathVista question with everything its two scorers need.
type Problem struct {
	PID string
	// Query is the prompt text: hint line, question and choices, as
	// query.json (or the TSV question column) gives it.
	Query string
	// Image is the image file relative to the data directory (official
	// files), or empty when the image travels inline (TSV).
	Image        string
	Choices      []string // option texts, nil for free-form questions
	Answer       string   // option text for multiple choice
	AnswerOption string   // letter of the correct option, "" for free-form
	// Precision is the number of decimals of a float answer.
	Precision    int
	QuestionType string // MultiChoice or FreeForm
	AnswerType   string // AnswerText, AnswerInteger, AnswerFloat or AnswerList
	Task         string
	Skills       []string
	// Metadata holds the official breakdown fields (language, source,
	// category, task, context, grade); the TSV has only task.
	Metadata map[string]string
	Line     int // line of the record in its file, for messages
}

// IsMultiChoice reports whether the problem is a multiple-choice question.
func (p *Problem) IsMultiChoice() bool { return p.QuestionType == MultiChoice }

// choiceMap is the letter → option text map can_infer matches against.
func (p *Problem) choiceMap() map[string]string {
	m := make(map[string]string, len(p.Choices))
	for i, c := range p.Choices {
		m[string(rune('A'+i))] = c
	}
	return m
}

// answerLetter returns the letter of the first option equal to the answer:
// three testmini items (587, 740, 781) repeat an option text, and the first
// occurrence is the one the official letter→text mapping reaches first.
func answerLetter(choices []string, answer string) string {
	for i, c := range choices {
		if c == answer {
			return string(rune('A' + i))
		}
	}
	return ""
}
