package mathvista

import (
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// Both MathVista scorers decide numbers with Python's int(), float(), round()
// and str(); these helpers reproduce exactly the behaviour those rules depend
// on, so that "14.0", "1_000", " 7 " or "1e3" count the way they count there.

// pyFloatSyntax is Python's float() grammar for finite decimals (after
// whitespace is stripped and non-ASCII digits are mapped to ASCII).
var pyFloatSyntax = regexp.MustCompile(`^[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?$`)

// pyIntSyntax is Python's int() grammar in base 10.
var pyIntSyntax = regexp.MustCompile(`^[+-]?\d(?:_?\d)*$`)

// pyFloat parses s as Python's float(s) does; ok is false where Python raises
// ValueError.
func pyFloat(s string) (float64, bool) {
	s = pyNormalizeNumber(s)
	unsigned := s
	if strings.HasPrefix(s, "+") || strings.HasPrefix(s, "-") {
		unsigned = s[1:]
	}
	switch strings.ToLower(unsigned) {
	case "inf", "infinity":
		if strings.HasPrefix(s, "-") {
			return math.Inf(-1), true
		}
		return math.Inf(1), true
	case "nan":
		return math.NaN(), true
	}
	if !pyFloatSyntax.MatchString(s) {
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64)
	if err != nil {
		// Out of range: Python returns ±inf or 0 where Go reports ErrRange
		// along with the same value.
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return f, true
		}
		return 0, false
	}
	return f, true
}

// isPyNumber says whether Python's float() accepts s.
func isPyNumber(s string) bool {
	_, ok := pyFloat(s)
	return ok
}

// pyInt parses s as Python's int(s) does (base 10, any size).
func pyInt(s string) (*big.Int, bool) {
	s = pyNormalizeNumber(s)
	if !pyIntSyntax.MatchString(s) {
		return nil, false
	}
	n, ok := new(big.Int).SetString(strings.TrimPrefix(strings.ReplaceAll(s, "_", ""), "+"), 10)
	return n, ok
}

// pyNormalizeNumber strips the whitespace Python's int() and float() ignore and
// maps Unicode decimal digits (e.g. Arabic-Indic) to ASCII, as both accept them.
func pyNormalizeNumber(s string) string {
	s = strings.TrimSpace(s)
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if r >= 0x80 && unicode.Is(unicode.Nd, r) {
			r = '0' + rune(decimalValue(r))
		}
		b.WriteRune(r)
	}
	return b.String()
}

// decimalValue is the digit value of a Unicode decimal digit: Nd code points
// come in aligned runs of ten starting at zero.
func decimalValue(r rune) int {
	for _, rg := range unicode.Nd.R16 {
		if rune(rg.Lo) <= r && r <= rune(rg.Hi) {
			return int(r-rune(rg.Lo)) % 10
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if rune(rg.Lo) <= r && r <= rune(rg.Hi) {
			return int(r-rune(rg.Lo)) % 10
		}
	}
	return 0
}

// pyIntOfFloat is Python's int(f): truncation toward zero; ok is false for
// inf and nan, where Python raises.
func pyIntOfFloat(f float64) (*big.Int, bool) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return nil, false
	}
	n, _ := big.NewFloat(math.Trunc(f)).Int(nil)
	return n, true
}

// pyRound is Python's round(f, ndigits) for a float: the value nearest to the
// correctly rounded decimal (ties to even on the exact binary value).
func pyRound(f float64, ndigits int) float64 {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return f
	}
	r, err := strconv.ParseFloat(strconv.FormatFloat(f, 'f', ndigits, 64), 64)
	if err != nil {
		return f
	}
	return r
}

// pyFloatRepr is Python's str(f) / repr(f): the shortest round-tripping
// digits, fixed notation with at least one decimal for 1e-4 <= |f| < 1e16,
// scientific notation otherwise.
func pyFloatRepr(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // e.g. "-1.2345e+02"
	sign := ""
	if strings.HasPrefix(e, "-") {
		sign, e = "-", e[1:]
	}
	mant, expText, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(expText)
	digits := strings.Replace(mant, ".", "", 1)
	decpt := exp + 1 // value = 0.digits × 10^decpt
	if decpt <= -4 || decpt > 16 {
		m := digits[:1]
		if len(digits) > 1 {
			m += "." + digits[1:]
		}
		es := "+"
		if exp < 0 {
			es, exp = "-", -exp
		}
		return sign + m + "e" + es + leftPad2(strconv.Itoa(exp))
	}
	switch {
	case decpt <= 0:
		return sign + "0." + strings.Repeat("0", -decpt) + digits
	case decpt >= len(digits):
		return sign + digits + strings.Repeat("0", decpt-len(digits)) + ".0"
	default:
		return sign + digits[:decpt] + "." + digits[decpt:]
	}
}

func leftPad2(s string) string {
	if len(s) < 2 {
		return "0" + s
	}
	return s
}
