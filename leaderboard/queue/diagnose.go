package queue

import (
	"regexp"
	"strings"

	"github.com/vlmlab/harness/leaderboard/store"
	"github.com/vlmlab/harness/plugins/sdk"
)

// ahaWords are the reflection markers the VLAA-Thinker paper counts as
// "aha moments" (wait, re-check, ...), as whole words.
var ahaWords = regexp.MustCompile(`(?i)\b(wait|aha|hmm|re-?check|double[- ]check|re-?evaluate|reconsider|let me verify)\b`)

// thinkFormat is the R1 format: reasoning in <think>…</think>, then an answer.
var thinkFormat = regexp.MustCompile(`(?s)^\s*<think>.*?</think>\s*\S`)

// Diagnose measures the reasoning of a set of responses: mean length, the
// share with a reflection word, the share in the <think> format.
func Diagnose(responses []sdk.Response) store.Diagnostics {
	if len(responses) == 0 {
		return store.Diagnostics{}
	}
	var chars, aha, format int
	for _, r := range responses {
		chars += len([]rune(r.Text))
		if ahaWords.MatchString(r.Text) {
			aha++
		}
		if thinkFormat.MatchString(r.Text) && strings.Count(r.Text, "<think>") == 1 {
			format++
		}
	}
	n := float64(len(responses))
	return store.Diagnostics{MeanChars: float64(chars) / n, AhaRate: 100 * float64(aha) / n, FormatRate: 100 * float64(format) / n}
}
