package toyworld

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

func itoa(n int) string { return strconv.Itoa(n) }

// nearInts lists up to 10 integers in [lo, hi] other than n, nearest first
// (the most plausible wrong answers come first).
func nearInts(n, lo, hi int) []string {
	var out []string
	for d := 1; len(out) < 10 && (n-d >= lo || n+d <= hi); d++ {
		if n+d <= hi {
			out = append(out, itoa(n+d))
		}
		if n-d >= lo && len(out) < 10 {
			out = append(out, itoa(n-d))
		}
	}
	return out
}

// nearValues lists count wrong answers v ± step, v ± 2 step, … written by
// format with prec decimals, skipping any written like the answer; nearest first.
func nearValues(v, step float64, prec, count int, nonNegative bool, format func(float64, int) string) []string {
	seen := map[string]bool{format(v, prec): true}
	var out []string
	for d := 1; len(out) < count && d < 100; d++ {
		for _, c := range []float64{v + float64(d)*step, v - float64(d)*step} {
			if nonNegative && c < 0 {
				continue
			}
			if s := format(c, prec); !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	return out
}

// formatFloat writes v with prec decimals ("17.50"); prec 0 gives an integer.
func formatFloat(v float64, prec int) string {
	return strconv.FormatFloat(round(v, prec), 'f', prec, 64)
}

// formatNumber writes v as an integer when it is one, else with up to prec
// decimals and no trailing zeros ("17.5").
func formatNumber(v float64, prec int) string {
	s := strconv.FormatFloat(round(v, prec), 'f', prec, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

func round(v float64, prec int) float64 {
	p := math.Pow10(prec)
	return math.Round(v*p) / p
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return abs(a)
}

// fracLatex writes k/n in lowest terms as LaTeX, or as an integer when it is one.
func fracLatex(k, n int) string {
	g := gcd(k, n)
	if g == 0 {
		return "0"
	}
	k, n = k/g, n/g
	if n == 1 {
		return itoa(k)
	}
	return fmt.Sprintf("\\frac{%d}{%d}", k, n)
}

// fracDistractors are wrong fractions near k/n, none equal in value to it or
// to each other.
func fracDistractors(k, n int) []string {
	cands := [][2]int{{k + 1, n}, {k - 1, n}, {k, n + 1}, {n - k, n}, {k, n - 1}, {k + 2, n}, {k + 1, n + 1}, {1, n}, {k - 2, n}, {k + 3, n}}
	seen := map[float64]bool{float64(k) / float64(n): true}
	var out []string
	for _, c := range cands {
		if c[0] < 0 || c[1] <= 0 || c[0] > c[1] {
			continue
		}
		v := float64(c[0]) / float64(c[1])
		if seen[v] {
			continue
		}
		seen[v] = true
		out = append(out, fracLatex(c[0], c[1]))
	}
	return out
}

// sqrtLatex writes the square root of n simplified: 25 -> "5", 8 -> "2\sqrt{2}".
func sqrtLatex(n int) string {
	outside, inside := 1, n
	for f := 2; f*f <= inside; {
		if inside%(f*f) == 0 {
			outside *= f
			inside /= f * f
			continue
		}
		f++
	}
	switch {
	case inside == 1:
		return itoa(outside)
	case outside == 1:
		return fmt.Sprintf("\\sqrt{%d}", inside)
	}
	return fmt.Sprintf("%d\\sqrt{%d}", outside, inside)
}

func without(xs []string, drop string) []string {
	var out []string
	for _, x := range xs {
		if x != drop {
			out = append(out, x)
		}
	}
	return out
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

func article(word string) string {
	if word != "" && strings.ContainsRune("aeiou", rune(word[0])) {
		return "an"
	}
	return "a"
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func numberWord(n int) string {
	words := []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"}
	if n >= 0 && n < len(words) {
		return words[n]
	}
	return itoa(n)
}

// option is a candidate wrong answer with its value.
type option struct {
	v float64
	s string
}

// distinctOptions keeps the positive candidates whose values differ from the
// answer's and from each other, in order.
func distinctOptions(answer float64, cands []option) []string {
	seen := []float64{answer}
	var out []string
next:
	for _, c := range cands {
		if c.v <= 0 {
			continue
		}
		for _, v := range seen {
			if math.Abs(v-c.v) < 1e-9 {
				continue next
			}
		}
		seen = append(seen, c.v)
		out = append(out, c.s)
	}
	return out
}
