package reward

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/vlmlab/harness/benchmarks/answer"
)

// numberWords are the English words for the counts a counting question can
// have in CLEVR-Math-like scenes. "three" and "3" are the same count: the
// digit verifier checks the count, not its spelling, so a model is not pushed
// towards one spelling by the reward. Larger counts must be written in digits.
var numberWords = map[string]int{
	"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
	"seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
	"thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
	"seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
}

// ParseCount reads a counting answer: an integer in digits ("3", "03", "+3",
// "3.0", full-width "３") or an English number word up to twenty ("three"),
// once wrappers such as \boxed{…}, $…$ and a trailing period are removed. A
// sentence ("There are 3 balls") is not a count: the verifier is an exact
// match, as the paper's digit reward is.
func ParseCount(text string) (int64, bool) {
	s := strings.ToLower(unwrapFinal(answer.Normalize(text)))
	if n, ok := numberWords[s]; ok {
		return int64(n), true
	}
	if whole, frac, ok := strings.Cut(s, "."); ok {
		if strings.Trim(frac, "0") != "" || frac == "" && whole == "" {
			return 0, false
		}
		s = whole
	}
	if s == "" || s == "+" || s == "-" {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) && !(i == 0 && (s[i] == '+' || s[i] == '-')) {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(strings.TrimPrefix(s, "+"), 10, 64)
	if err != nil {
		return 0, false
	}
	return n, true
}

// scoreDigit gives 1 when the answer is the label's count, else 0.
func scoreDigit(s Sample, answer string) (float64, string, error) {
	want, err := digitLabel(s.Label)
	if err != nil {
		return 0, "", err
	}
	got, ok := ParseCount(answer)
	if !ok {
		return 0, "answer is not a count: " + clip(answer), nil
	}
	if got != want {
		return 0, fmt.Sprintf("wrong count: got %d, want %d", got, want), nil
	}
	return 1, "correct count", nil
}

func digitLabel(label string) (int64, error) {
	n, ok := ParseCount(label)
	if !ok {
		return 0, fmt.Errorf("label %s is not a count: want an integer such as 3", clip(label))
	}
	return n, nil
}
