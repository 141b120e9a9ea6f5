package answer

import "strings"

// AhaWords are the self-reflection cues the VLAA-Thinking authors matched to
// decide whether a distilled answer has an "aha moment" (paper App. A.2), in
// their order. The match is a substring test on the lower-cased text, so
// "check" also fires on "double-check" and "checked", as it did for them.
var AhaWords = []string{"wait", "again", "double-check", "hmm", "mistake", "alternatively", "check", "i should confirm"}

// HasAha reports whether text contains any of AhaWords, the paper's binary
// per-response flag. It is the one definition used by training metrics and by
// evaluation diagnostics, so an aha-word rate means the same thing in both.
func HasAha(text string) bool {
	lower := strings.ToLower(text)
	for _, w := range AhaWords {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
}
