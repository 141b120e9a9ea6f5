package bench

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ParsePyList reads a Python list literal of strings and numbers, as
// VLMEvalKit stores choices and skills in its TSVs (str(list) of Python
// values): "['145°', '35°']". Numbers are kept as written; isNumber decides
// which unquoted elements count as numbers (each benchmark follows its own
// upstream's float()).
func ParsePyList(s string, isNumber func(string) bool) ([]string, error) {
	p := &pyLexer{s: strings.TrimSpace(s), isNumber: isNumber}
	if !p.eat('[') {
		return nil, fmt.Errorf("expected a Python list such as ['a', 'b'], got %q", Clip(s))
	}
	var out []string
	for {
		p.space()
		if p.eat(']') {
			break
		}
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		p.space()
		if p.eat(',') {
			continue
		}
		if p.eat(']') {
			break
		}
		return nil, fmt.Errorf("expected ',' or ']' at offset %d of %q", p.i, Clip(s))
	}
	p.space()
	if p.i != len(p.s) {
		return nil, fmt.Errorf("unexpected text after the list in %q", Clip(s))
	}
	return out, nil
}

type pyLexer struct {
	s        string
	i        int
	isNumber func(string) bool
}

func (p *pyLexer) space() {
	for p.i < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.i]) >= 0 {
		p.i++
	}
}

func (p *pyLexer) eat(c byte) bool {
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *pyLexer) value() (string, error) {
	if p.i >= len(p.s) {
		return "", fmt.Errorf("list ends early in %q", Clip(p.s))
	}
	switch c := p.s[p.i]; c {
	case '\'', '"':
		return p.str(c)
	}
	start := p.i
	for p.i < len(p.s) && strings.IndexByte(",] \t\r\n", p.s[p.i]) < 0 {
		p.i++
	}
	lit := p.s[start:p.i]
	if !p.isNumber(lit) {
		return "", fmt.Errorf("list element %q is neither a quoted string nor a number", lit)
	}
	return lit, nil
}

// str reads a single- or double-quoted Python string with its escapes.
func (p *pyLexer) str(q byte) (string, error) {
	p.i++ // opening quote
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == q:
			p.i++
			return b.String(), nil
		case c == '\\' && p.i+1 < len(p.s):
			n, err := p.escape(&b)
			if err != nil {
				return "", err
			}
			p.i += n
		default:
			r, size := utf8.DecodeRuneInString(p.s[p.i:])
			b.WriteRune(r)
			p.i += size
		}
	}
	return "", fmt.Errorf("unterminated string in %q", Clip(p.s))
}

// escape writes the value of the escape sequence at p.i and returns its length.
func (p *pyLexer) escape(b *strings.Builder) (int, error) {
	e := p.s[p.i+1]
	simple := map[byte]string{'\\': `\`, '\'': "'", '"': `"`, 'n': "\n", 't': "\t", 'r': "\r", 'a': "\a", 'b': "\b", 'f': "\f", 'v': "\v", '\n': ""}
	if v, ok := simple[e]; ok {
		b.WriteString(v)
		return 2, nil
	}
	width := map[byte]int{'x': 2, 'u': 4, 'U': 8}[e]
	if width == 0 {
		// Python keeps unknown escapes as written.
		b.WriteByte('\\')
		return 1, nil
	}
	if p.i+2+width > len(p.s) {
		return 0, fmt.Errorf("short \\%c escape in %q", e, Clip(p.s))
	}
	n, err := strconv.ParseUint(p.s[p.i+2:p.i+2+width], 16, 32)
	if err != nil {
		return 0, fmt.Errorf("bad \\%c escape in %q", e, Clip(p.s))
	}
	b.WriteRune(rune(n))
	return 2 + width, nil
}

// Clip shortens long text for error messages: at most 80 runes.
func Clip(s string) string {
	r := []rune(s)
	if len(r) > 80 {
		return string(r[:77]) + "..."
	}
	return s
}
