package mathvision

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/vlmlab/harness/benchmarks/bench"
	"github.com/vlmlab/harness/plugins/sdk"
)

// The hint lines of VLMEvalKit's MathVision questions. The TSV is not public
// here; the two lines are the ones VLMEvalKit model wrappers test for
// (vlmeval/vlm/valley/valley3.py), and the layout around them follows the
// MathVista queries the same TSVs were built like (inferred).
const (
	hintChoice = "Hint: Please answer the question and provide the correct option letter, e.g., A, B, C, D, at the end."
	hintFree   = "Hint: Please answer the question and provide the final answer at the end."
)

// Query makes the prompt text of an official record (the toy world poses
// its training items in MathVision's style with it):
//
//	Hint: …
//	Question: <question>
//	Choices:
//	(A) <option>
//	…
func Query(question string, options []string) string {
	var b strings.Builder
	if len(options) > 0 {
		b.WriteString(hintChoice)
	} else {
		b.WriteString(hintFree)
	}
	b.WriteString("\nQuestion: ")
	b.WriteString(question)
	if len(options) > 0 {
		b.WriteString("\nChoices:")
		for i, o := range options {
			b.WriteString("\n(" + string(rune('A'+i)) + ") " + o)
		}
	}
	return b.String()
}

// buildItem makes the prompt [image, query]. images are the inline TSV
// images; official files name an image file relative to dir instead (it may
// be absent on disk: the host reports a missing image when it generates).
func buildItem(dir string, p *Problem, images []sdk.Part) (sdk.Item, error) {
	prompt := make([]sdk.Part, 0, len(images)+2)
	switch {
	case len(images) > 0:
		prompt = append(prompt, images...)
	case p.Image != "":
		img, err := bench.ImageFile(dir, p.Image)
		if err != nil {
			return sdk.Item{}, fmt.Errorf("line %d: item %q: field image: %w", p.Line, p.ID, err)
		}
		prompt = append(prompt, img)
	}
	prompt = append(prompt, sdk.Part{Text: p.Query})
	meta := map[string]string{"subject": p.Subject}
	if p.Level > 0 {
		meta["level"] = strconv.Itoa(p.Level)
	}
	if p.IsMultiChoice() {
		meta["question_type"] = "multi_choice"
	} else {
		meta["question_type"] = "free_form"
	}
	return sdk.Item{ID: p.ID, Prompt: prompt, Meta: meta}, nil
}
