package reward

import (
	"fmt"

	"github.com/vlmlab/harness/benchmarks/answer"
)

// scoreMCQ gives 1 when the answer's option letter is the label's. Both sides
// go through answer.OptionLetter, so "B", "(b)", "B)", "Answer: B" and
// "B. 45°" all name option B; an answer naming no single letter scores 0.
func scoreMCQ(s Sample, ans string) (float64, string, error) {
	want, err := mcqLabel(s.Label)
	if err != nil {
		return 0, "", err
	}
	got, ok := answer.OptionLetter(ans)
	if !ok {
		return 0, "answer names no option letter: " + clip(ans), nil
	}
	if got != want {
		return 0, fmt.Sprintf("wrong option: got %s, want %s", got, want), nil
	}
	return 1, "correct option", nil
}

func mcqLabel(label string) (string, error) {
	letter, ok := answer.OptionLetter(label)
	if !ok {
		return "", fmt.Errorf("label %s is not an option letter: want A, (B), c) or similar", clip(label))
	}
	return letter, nil
}
