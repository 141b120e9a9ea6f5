package mathvista

import (
	"fmt"
	"strings"

	"github.com/vlmlab/harness/benchmarks/bench"
	"github.com/vlmlab/harness/plugins/sdk"
)

// buildItem makes the prompt VLMEvalKit sends (and the official pipeline
// too): the image, then the query with its hint line. images are the inline
// TSV images; official files name an image file relative to dir instead.
func buildItem(dir string, p *Problem, images []sdk.Part) (sdk.Item, error) {
	prompt := make([]sdk.Part, 0, len(images)+2)
	switch {
	case len(images) > 0:
		prompt = append(prompt, images...)
	case p.Image != "":
		img, err := bench.ImageFile(dir, p.Image)
		if err != nil {
			return sdk.Item{}, fmt.Errorf("line %d: item %q: field image: %w", p.Line, p.PID, err)
		}
		prompt = append(prompt, img)
	}
	prompt = append(prompt, sdk.Part{Text: p.Query})
	meta := map[string]string{
		"question_type": p.QuestionType,
		"answer_type":   p.AnswerType,
		"task":          p.Task,
		"skills":        strings.Join(p.Skills, ", "),
	}
	for k, v := range p.Metadata {
		if v != "" {
			meta[k] = v
		}
	}
	return sdk.Item{ID: p.PID, Prompt: prompt, Meta: meta}, nil
}
