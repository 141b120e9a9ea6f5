package logicvista

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/vlmlab/harness/plugins/sdk"
)

// problem is one LogicVista item as this package scores it.
type problem struct {
	id       string
	line     int
	question string
	// answer is the standard answer as stored: option labels joined by ", "
	// ("C", "A, C", "3"), or "" for the empty record v1_382.
	answer string
	// skills is the skill list as text; a skill is counted when its name is
	// a substring, as VLMEvalKit's str.contains on the TSV's list string.
	skills string
	// capability is the broad_capability list joined by ", " (official JSON
	// only; the TSV has no such column).
	capability string
	prompt     []sdk.Part
}

func (p *problem) item() sdk.Item {
	meta := map[string]string{"skill": p.skills}
	if p.capability != "" {
		meta["broad_capability"] = p.capability
	}
	return sdk.Item{ID: p.id, Prompt: p.prompt, Meta: meta}
}

// goldLabels is answer.split(", ") with each label lower-cased and the list
// sorted: what both scorers compare against.
func (p *problem) goldLabels() []string {
	return sortedLower(strings.Split(p.answer, ", "))
}

// lettersOnly reports whether every label of the standard answer is made of
// letters; the leaderboard judge can only ever match those.
func (p *problem) lettersOnly() bool {
	for _, r := range p.answer {
		if r != ',' && r != ' ' && !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

// checkAnswer validates a standard answer: empty, or labels of letters or
// digits joined by ", ".
func checkAnswer(a string) error {
	if a == "" {
		return nil
	}
	for _, l := range strings.Split(a, ", ") {
		if l == "" || strings.IndexFunc(l, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) >= 0 {
			return fmt.Errorf("field answer: %q is not option labels joined by \", \" (such as \"C\" or \"A, C\")", a)
		}
	}
	return nil
}
