package answer

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Python string semantics that the faithful rules depend on. Python's
// str.split(), str.strip() and regex \s use str.isspace, which differs from
// Go's unicode.IsSpace (it also counts U+001C..U+001F).

// pyIsSpace reports whether Python's str.isspace() is true for r.
func pyIsSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0x1c, 0x1d, 0x1e, 0x1f, 0x85, 0xa0,
		0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000:
		return true
	}
	return r >= 0x2000 && r <= 0x200a
}

// pyStrip is Python's s.strip() with no argument.
func pyStrip(s string) string { return strings.TrimFunc(s, pyIsSpace) }

// PyStrip is Python's str.strip() with no argument.
func PyStrip(s string) string { return pyStrip(s) }

// pyFields is Python's s.split() with no argument.
func pyFields(s string) []string { return strings.FieldsFunc(s, pyIsSpace) }

// pyLower is Python's str.lower(): Go's strings.ToLower plus the two
// places where Python's full case mapping differs: U+0130 (İ) lowers to
// "i\u0307", and a capital sigma at the end of a word lowers to final ς.
func pyLower(s string) string {
	if !strings.ContainsRune(s, 'İ') && !strings.ContainsRune(s, 'Σ') {
		return strings.ToLower(s)
	}
	var b strings.Builder
	prevLetter := false
	for i, r := range s {
		switch r {
		case 'İ':
			b.WriteString("i\u0307")
		case 'Σ':
			next, _ := utf8.DecodeRuneInString(s[i+len("Σ"):])
			if prevLetter && !unicode.IsLetter(next) {
				b.WriteRune('ς')
			} else {
				b.WriteRune('σ')
			}
		default:
			b.WriteRune(unicode.ToLower(r))
		}
		prevLetter = unicode.IsLetter(r)
	}
	return b.String()
}

// pyIsFloat reports whether Python's float(s) would succeed: surrounding
// whitespace, any Unicode decimal digits, underscores between digits, an
// optional sign, decimal point and exponent, or inf/infinity/nan.
func pyIsFloat(s string) bool {
	// float() first maps Unicode decimals to ASCII digits and spaces to ' '.
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			b.WriteRune(r)
		case pyIsSpace(r):
			b.WriteByte(' ')
		case unicode.IsDigit(r): // only validity matters here, not the value
			b.WriteByte('0')
		default:
			return false
		}
	}
	t := strings.Trim(b.String(), " \t\n\v\f\r\x1c\x1d\x1e\x1f")
	if t == "" {
		return false
	}
	if t[0] == '+' || t[0] == '-' {
		t = t[1:]
	}
	switch strings.ToLower(t) {
	case "inf", "infinity", "nan":
		return true
	}
	i := 0
	digits := func() int { // digits with single underscores between them
		n := 0
		for i < len(t) {
			c := t[i]
			if c >= '0' && c <= '9' {
				n++
				i++
				continue
			}
			if c == '_' && n > 0 && i+1 < len(t) && t[i+1] >= '0' && t[i+1] <= '9' {
				i++
				continue
			}
			break
		}
		return n
	}
	mant := digits()
	if i < len(t) && t[i] == '.' {
		i++
		mant += digits()
	}
	if mant == 0 {
		return false
	}
	if i < len(t) && (t[i] == 'e' || t[i] == 'E') {
		i++
		if i < len(t) && (t[i] == '+' || t[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(t)
}
