package wemath

import (
	"strings"
	"unicode/utf8"
)

// OfficialRule is the We-Math answer rule (evaluation/four_dimensional_metrics.py,
// also VLMEvalKit's load_and_process_data when no judge ran): the text after
// the last "Answer", stripped, without the characters > < : and ., stripped
// again; its first character when that is a letter A–H.
func OfficialRule(response string) (letter string, ok bool) {
	if i := strings.LastIndex(response, "Answer"); i >= 0 {
		response = response[i+len("Answer"):]
	}
	s := strings.TrimFunc(response, pyIsSpace)
	s = strings.Map(func(r rune) rune {
		switch r {
		case '>', '<', ':', '.':
			return -1
		}
		return r
	}, s)
	s = strings.TrimFunc(s, pyIsSpace)
	r, _ := utf8.DecodeRuneInString(s)
	if r >= 'A' && r <= 'H' {
		return string(r), true
	}
	return "", false
}

// pyIsSpace reports whether Python's str.isspace() is true for r (what
// str.strip() removes).
func pyIsSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0x1c, 0x1d, 0x1e, 0x1f, 0x85, 0xa0,
		0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000:
		return true
	}
	return r >= 0x2000 && r <= 0x200a
}
