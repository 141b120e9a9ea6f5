package answer

import (
	"strings"
	"unicode/utf8"
)

// Normalize folds characters that models (and some gold answers) write in
// place of plain ASCII, so that lenient matching sees "−３.５" as "-3.5":
//
//   - full-width ASCII forms U+FF01..U+FF5E become their ASCII twins;
//   - minus-like signs U+2212 (minus), U+2796 (heavy minus), U+FE63 (small
//     hyphen-minus), U+2010 and U+2011 (hyphens) become '-'. En and em dashes
//     are kept: they often mark ranges, not negative numbers;
//   - no-break and other fixed-width spaces (U+00A0, U+1680, U+2000..U+200A,
//     U+202F, U+205F, U+3000) become ' ';
//   - zero-width characters (U+200B..U+200D, U+2060, U+FEFF) are removed.
//
// ASCII input is returned as is, without allocating.
func Normalize(s string) string {
	i := 0
	for i < len(s) && s[i] < utf8.RuneSelf {
		i++
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for _, r := range s[i:] {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			b.WriteByte(byte(r - 0xFEE0))
		case r == 0x2212 || r == 0x2796 || r == 0xFE63 || r == 0x2010 || r == 0x2011:
			b.WriteByte('-')
		case r == 0xA0 || r == 0x1680 || r >= 0x2000 && r <= 0x200A || r == 0x202F || r == 0x205F || r == 0x3000:
			b.WriteByte(' ')
		case r >= 0x200B && r <= 0x200D || r == 0x2060 || r == 0xFEFF:
			// dropped
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
