// Package chance is the random-chance baseline model: the "Random chance" row
// MathVista and MATH-V publish. It needs no checkpoint and no network, so the
// default run can exercise every evaluator end to end; any trained model
// should beat it.
package chance

import (
	"context"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"regexp"
	"strings"

	"github.com/vlmlab/harness/plugins/sdk"
)

// Model guesses: a uniformly random option letter when the prompt offers
// options, otherwise a random integer in [0, 10]. Each guess is a pure
// function of the seed, the prompt id and the sample index.
type Model struct {
	Seed int64
}

var (
	// "(A) text", "A. text", "A: text" at the start of a line.
	optionLine = regexp.MustCompile(`(?m)^\s*\(?([A-H])[\).:]\s`)
	// "Select from A-E", "choose A–D".
	optionRange = regexp.MustCompile(`\b([A-H])\s*[-–~]\s*([A-H])\b`)
)

// Options returns the option letters a prompt offers, in order.
func Options(text string) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range optionLine.FindAllStringSubmatch(text, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			out = append(out, m[1])
		}
	}
	if len(out) >= 2 {
		return out
	}
	if m := optionRange.FindStringSubmatch(text); m != nil && m[1][0] < m[2][0] {
		out = out[:0]
		for c := m[1][0]; c <= m[2][0]; c++ {
			out = append(out, string(c))
		}
		return out
	}
	return nil
}

// Guess returns the model's answer text for one prompt and sample.
func (m Model) Guess(p sdk.Prompt, sample int) string {
	var text strings.Builder
	for _, part := range p.Parts {
		text.WriteString(part.Text)
		text.WriteByte('\n')
	}
	h := fnv.New64a()
	fmt.Fprintf(h, "%d\x00%s\x00%d", m.Seed, p.ID, sample)
	rng := rand.New(rand.NewPCG(h.Sum64(), uint64(m.Seed)))
	if opts := Options(text.String()); len(opts) > 0 {
		return fmt.Sprintf("<think>I guess at random.</think><answer>%s</answer>", opts[rng.IntN(len(opts))])
	}
	return fmt.Sprintf("<think>I guess at random.</think><answer>%d</answer>", rng.IntN(11))
}

// Generate answers every prompt, params.N samples each.
func (m Model) Generate(ctx context.Context, _ *sdk.Checkpoint, prompts []sdk.Prompt, params sdk.GenerateParams, emit func(sdk.Generation) error) error {
	n := max(params.N, 1)
	for _, p := range prompts {
		for s := range n {
			if err := ctx.Err(); err != nil {
				return err
			}
			text := m.Guess(p, s)
			if err := emit(sdk.Generation{PromptID: p.ID, Sample: s, Text: text, Tokens: len(strings.Fields(text))}); err != nil {
				return err
			}
		}
	}
	return nil
}
