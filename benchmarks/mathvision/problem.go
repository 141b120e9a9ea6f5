package mathvision

// Problem is one MATH-V question with what its two scorers need.
type Problem struct {
	ID string
	// Question is the question text as the data file has it (official files:
	// with "<image1>" markers; TSV: the full prompt with hint and choices).
	Question string
	// Query is the prompt text: hint line, question and choices.
	Query   string
	Options []string // option texts, nil for free-form questions
	Answer  string   // a letter for multiple choice
	Level   int      // 1-5; 0 when the file does not say (TSV)
	Subject string
	// Image is the image file relative to the data directory, or empty when
	// the image travels inline (TSV).
	Image string
	Line  int // line of the record in its file, for messages
}

// IsMultiChoice reports whether the item has options (VLMEvalKit tests
// len(choices) > 0; two free-form items have letter answers, ids 59 and 434).
func (p *Problem) IsMultiChoice() bool { return len(p.Options) > 0 }

// AnswerText is the text of the gold option, "" for free-form items (the
// official scorer's gt_answer_value).
func (p *Problem) AnswerText() string {
	if len(p.Answer) != 1 {
		return ""
	}
	i := int(p.Answer[0]) - 'A'
	if i < 0 || i >= len(p.Options) {
		return ""
	}
	return p.Options[i]
}
