package answer

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// Choice is one option of a multiple-choice item: its letter ("A") and text.
type Choice struct {
	Letter string
	Text   string
}

// Choices lists options in order; letters must be distinct single upper-case
// ASCII letters (see [Choices.Validate]).
type Choices []Choice

// Lettered gives options the letters A, B, C, … in order, as VLMEvalKit's
// list_to_dict does for MathVista's and MathVision's choice lists.
func Lettered(texts []string) Choices {
	cs := make(Choices, 0, len(texts))
	for i, t := range texts {
		if i >= 26 {
			break // no letter left; VLMEvalKit items have at most 8 options
		}
		cs = append(cs, Choice{Letter: string(rune('A' + i)), Text: t})
	}
	return cs
}

// FromMap turns a letter→text map (VLMEvalKit's choices dict, or the option
// columns A…H of a TSV row) into Choices sorted by letter, checking letters.
func FromMap(m map[string]string) (Choices, error) {
	cs := make(Choices, 0, len(m))
	for l, t := range m {
		cs = append(cs, Choice{Letter: l, Text: t})
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].Letter < cs[j].Letter })
	return cs, cs.Validate()
}

// Validate reports the first letter that is not a single upper-case ASCII
// letter or that repeats (VLMEvalKit asserts the same and would crash).
func (cs Choices) Validate() error {
	seen := make(map[string]bool, len(cs))
	for i, c := range cs {
		if len(c.Letter) != 1 || c.Letter[0] < 'A' || c.Letter[0] > 'Z' {
			return fmt.Errorf("choice %d: letter %q is not a single upper-case letter A-Z", i+1, c.Letter)
		}
		if seen[c.Letter] {
			return fmt.Errorf("choice %d: letter %q appears twice; give each option its own letter", i+1, c.Letter)
		}
		seen[c.Letter] = true
	}
	return nil
}

func (cs Choices) has(letter string) bool {
	for _, c := range cs {
		if c.Letter == letter {
			return true
		}
	}
	return false
}

// Revision pins the dated variant of VLMEvalKit's can_infer
// (vlmeval/utils/matching_util.py). Leaderboard entries scored at different
// dates used different variants, so a reproduction must name one.
type Revision int

const (
	// Rev2024: the rule from 2024-01 (bc4b28be) until 2025-08-04: any single
	// standalone option letter anywhere; option text matched at any length.
	Rev2024 Revision = iota
	// Rev20250804 (c3371551): the letter's first occurrence must be among the
	// last 4 tokens, and can_infer_text refuses answers longer than twice the
	// total option text.
	Rev20250804
	// Rev20260617 (a67ace50, still at HEAD e8e78f05 of 2026-08-18): adds the
	// fallback regex (?i)(?:correct\s+)?answer\s+is\s+\**([ABCD])\**.
	Rev20260617

	// Latest is the variant at the VLMEvalKit commit the reference was read at.
	Latest = Rev20260617
)

// FailMsg is VLMEvalKit's marker for a failed API call. A response holding
// it never yields a letter from can_infer_option (it may still match text).
const FailMsg = "Failed to obtain answer via API"

// Refusals are the strings VLMEvalKit's can_infer_option maps to "Z" (a
// refusal, never a correct option), verbatim from matching_util.py.
var refusals = [...]string{
	"Sorry, I can't help with images of people yet.",
	"I can't process this file.",
	"I'm sorry, but without the image provided",
	"Cannot determine the answer",
}

// pyWS is Python's regex \s on str patterns (Go's \s is ASCII-only).
const pyWS = `[\t\n\v\f\r \x{1c}-\x{1f}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]`

// verboseAnswer is the 2026-06 fallback. Note (?i) also lets a lower-case
// letter match: "the answer is a triangle" yields "A", as upstream. Python's
// case folding also matches the dotless ı and dotted İ to "i", Go's does not,
// hence [iıİ].
var verboseAnswer = regexp.MustCompile(`(?i)(?:correct` + pyWS + `+)?answer` + pyWS + `+[iıİ]s` + pyWS + `+\**([ABCD])\**`)

// CanInfer is VLMEvalKit's can_infer at the [Latest] revision: an option
// letter, "Z" for a refusal, or ok=false. See [CanInferAs].
func CanInfer(response string, choices Choices) (letter string, ok bool) {
	return CanInferAs(Latest, response, choices)
}

// CanInferAs is VLMEvalKit's can_infer(answer, choices) at revision rev:
//
// can_infer_option:
//   - FailMsg in the response: no letter (text matching still runs).
//   - one of the refusal strings: "Z".
//   - replace each of .()[],:;!*#{} by a space and split on whitespace; if
//     exactly one option letter is a whole token, return it (from
//     Rev20250804: only if its first occurrence is among the last 4 tokens);
//     if none is and "Z" is a token, return "Z".
//   - from Rev20260617: otherwise the first "answer is X" match (X in A-D,
//     any case, upper-cased) if X is an option letter.
//
// can_infer_text, when no letter came out:
//   - lower-case the response; from Rev20250804 give up when it has more
//     than twice as many characters as all option texts together;
//   - return the one option whose lower-cased text is a substring, if
//     exactly one is (an empty option text is a substring of anything).
//
// Not reproduced: the VERBOSE-only branch that rejects a standalone "A" in
// long answers (off by default upstream). Lower-casing follows Python's
// str.lower() (full case mapping: İ becomes two characters, a word-final Σ
// becomes ς).
func CanInferAs(rev Revision, response string, choices Choices) (letter string, ok bool) {
	if l, ok := canInferOption(rev, response, choices); ok {
		return l, true
	}
	return canInferText(rev, response, choices)
}

// eachToken calls f for each token of Python's
// answer.replace(c, ' ') for c in '.()[],:;!*#{}' followed by .split(),
// without building the intermediate strings.
func eachToken(s string, f func(string)) {
	start := -1
	for i, r := range s {
		sep := pyIsSpace(r)
		switch r {
		case '.', '(', ')', '[', ']', ',', ':', ';', '!', '*', '#', '{', '}':
			sep = true
		}
		if sep {
			if start >= 0 {
				f(s[start:i])
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		f(s[start:])
	}
}

// findVerboseAnswer runs the verbose-answer regex only when "wer" occurs in
// any case (a cheap necessary condition: "answer" may be spelled with a long
// s, ſ, which (?i) folds onto s): the regex engine is linear but slow on
// megabyte inputs.
func findVerboseAnswer(s string) []string {
	if !containsFoldASCII(s, "wer") {
		return nil
	}
	return verboseAnswer.FindStringSubmatch(s)
}

// containsFoldASCII reports whether s contains the lower-case ASCII letters
// w in any letter case.
func containsFoldASCII(s, w string) bool {
	for i := 0; i+len(w) <= len(s); i++ {
		j := 0
		for j < len(w) && s[i+j]|0x20 == w[j] {
			j++
		}
		if j == len(w) {
			return true
		}
	}
	return false
}

func canInferOption(rev Revision, response string, choices Choices) (string, bool) {
	if strings.Contains(response, FailMsg) {
		return "", false
	}
	for _, r := range refusals {
		if strings.Contains(response, r) {
			return "Z", true
		}
	}
	// Token positions, as Python's splits list would index them; only the
	// first occurrence of an option letter or "Z" matters.
	first := make(map[string]int, len(choices)+1)
	ntok := 0
	eachToken(response, func(tok string) {
		if _, seen := first[tok]; !seen && (tok == "Z" || choices.has(tok)) {
			first[tok] = ntok
		}
		ntok++
	})
	count := 0
	for _, c := range choices {
		if _, in := first[c.Letter]; in {
			count++
		}
	}
	switch {
	case count == 1:
		for _, c := range choices {
			i, in := first[c.Letter]
			if in && (rev < Rev20250804 || i > ntok-5) {
				return c.Letter, true
			}
		}
	case count == 0:
		if _, in := first["Z"]; in {
			return "Z", true
		}
	}
	if rev >= Rev20260617 {
		if m := findVerboseAnswer(response); m != nil {
			if l := strings.ToUpper(m[1]); choices.has(l) {
				return l, true
			}
		}
	}
	return "", false
}

func canInferText(rev Revision, response string, choices Choices) (string, bool) {
	lower := pyLower(response)
	if rev >= Rev20250804 {
		total := 0
		for _, c := range choices {
			total += utf8.RuneCountInString(c.Text)
		}
		if utf8.RuneCountInString(lower) > 2*total {
			return "", false
		}
	}
	found := ""
	for _, c := range choices {
		if strings.Contains(lower, pyLower(c.Text)) {
			if found != "" {
				return "", false
			}
			found = c.Letter
		}
	}
	return found, found != ""
}
