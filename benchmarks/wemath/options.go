package wemath

import (
	"fmt"
	"strings"

	"github.com/vlmlab/harness/benchmarks/answer"
)

// ParseOptions splits the official file's option string, e.g.
// "A. 300, 400;B. 400, 300;C. 3000, 4000; E. No correct answer", into
// lettered choices.
//
// The strings are hand-written and irregular, so a plain split on ';' is
// wrong for a dozen records: option texts contain ';' ("A. ①; ③;B. ②"), some
// markers follow a space instead of ';' ("A. 45° B. 60° ;C. 120°"), one uses
// a full-width period ("B．②"), figure labels look like markers
// ("… to get Shape ;C.; B. …") and one record skips letters ("C. No.; F. No
// correct answer"). A marker is a letter A–H followed by '.' or '．' at the
// start or after ';' or white space, with some text before the next ';'. Markers
// are taken in order from A: the next letter of the alphabet anywhere, or a
// later letter right after a ';'. Option texts are trimmed of spaces and ';'.
//
// On the 1,740 records of testmini.json this gives every answer letter an
// option (4 options for 560 items, 5 for 1,175, 6 for 3, 7 for 2).
func ParseOptions(s string) (answer.Choices, error) {
	type marker struct {
		letter     byte
		start, end int // the marker's bytes; the text starts at end
	}
	var cands []marker
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 'A' || c > 'H' {
			continue
		}
		end := 0
		switch {
		case strings.HasPrefix(s[i+1:], "."):
			end = i + 2
		case strings.HasPrefix(s[i+1:], "．"):
			end = i + 1 + len("．")
		default:
			continue
		}
		if i > 0 && !isMarkerGap(s[i-1]) {
			continue
		}
		text, _, _ := strings.Cut(s[end:], ";")
		if strings.TrimSpace(text) == "" {
			continue // a figure label such as "Shape ;C.;"
		}
		cands = append(cands, marker{c, i, end})
	}
	var picked []marker
	next := byte('A')
	for _, m := range cands {
		if m.letter == next || len(picked) > 0 && m.letter > next && afterSemicolon(s, m.start) {
			picked = append(picked, m)
			next = m.letter + 1
		}
	}
	if len(picked) < 2 {
		return nil, fmt.Errorf("option string %q: found %d options, expected at least 2 written as \"A. …;B. …\"", clip(s), len(picked))
	}
	cs := make(answer.Choices, len(picked))
	for k, m := range picked {
		end := len(s)
		if k+1 < len(picked) {
			end = picked[k+1].start
		}
		cs[k] = answer.Choice{Letter: string(m.letter), Text: strings.Trim(s[m.end:end], " \t\r\n;")}
	}
	return cs, nil
}

func isMarkerGap(c byte) bool { return c == ';' || c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// afterSemicolon reports whether only spaces separate position i from a
// preceding ';' (or the start of s).
func afterSemicolon(s string, i int) bool {
	j := i - 1
	for j >= 0 && (s[j] == ' ' || s[j] == '\t') {
		j--
	}
	return j < 0 || s[j] == ';'
}

// clip shortens s for error messages and reports.
func clip(s string) string {
	const max = 80
	n := 0
	for i := range s {
		if n == max {
			return s[:i] + "…"
		}
		n++
	}
	return s
}
