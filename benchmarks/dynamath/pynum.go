package dynamath

import (
	"math"
	"regexp"
	"strconv"
	"strings"
)

// DynaMath's rules read numbers with Python's float() and str.isdigit(); these
// helpers reproduce what those rules depend on for ASCII text, so that
// " 3.5\n", "1_000" or "1e3" count as they count there.

// pyFloatSyntax is Python's float() grammar for finite decimals, after
// surrounding whitespace is stripped.
var pyFloatSyntax = regexp.MustCompile(`^[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?$`)

// pyFloat parses s as Python's float(s) does; ok is false where Python raises
// ValueError. Digits of other scripts, which Python also accepts, are not
// numbers here.
func pyFloat(s string) (float64, bool) {
	s = strings.TrimFunc(s, pyIsSpace)
	unsigned := strings.TrimLeft(s, "+-")
	if len(s)-len(unsigned) <= 1 {
		switch strings.ToLower(unsigned) {
		case "inf", "infinity":
			if strings.HasPrefix(s, "-") {
				return math.Inf(-1), true
			}
			return math.Inf(1), true
		case "nan":
			return math.NaN(), true
		}
	}
	if !pyFloatSyntax.MatchString(s) {
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64)
	if err != nil {
		// Out of range: Python gives ±inf or 0 where Go reports ErrRange
		// along with the same value.
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return f, true
		}
		return 0, false
	}
	return f, true
}

// pyIsDigit is Python's str.isdigit() for ASCII text: non-empty, digits only.
func pyIsDigit(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// pyIsSpace reports whether Python's str.isspace() is true for r.
func pyIsSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0x1c, 0x1d, 0x1e, 0x1f, 0x85, 0xa0,
		0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000:
		return true
	}
	return r >= 0x2000 && r <= 0x200a
}

// transfer is DynaMath's transfer(): a number, or a number followed by π
// (anything after the first π is ignored, so "3π/2" reads as 3π — upstream's
// behaviour, kept).
func transfer(s string) (float64, bool) {
	if before, _, found := strings.Cut(s, "π"); found {
		v, ok := pyFloat(before)
		return v * math.Pi, ok
	}
	return pyFloat(s)
}
