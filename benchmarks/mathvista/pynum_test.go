package mathvista

import (
	"testing"

	"github.com/vlmlab/harness/benchmarks/bench"
)

// Expected values are what CPython 3 prints for int(s), repr(float(s)),
// repr(round(x, n)) and repr(x).
func TestPyIntAndFloat(t *testing.T) {
	tests := []struct {
		in       string
		int, flt string // "" where Python raises ValueError
	}{
		{"14", "14", "14.0"},
		{"14.0", "", "14.0"},
		{" 7 \n", "7", "7.0"},
		{"+3", "3", "3.0"},
		{"-0", "0", "-0.0"},
		{"1_000", "1000", "1000.0"},
		{"1__0", "", ""},
		{"_1", "", ""},
		{"0012", "12", "12.0"},
		{"١٢", "12", "12.0"},
		{"１２", "12", "12.0"},
		{"1e3", "", "1000.0"},
		{"inf", "", "inf"},
		{"-Infinity", "", "-inf"},
		{"nan", "", "nan"},
		{"+-nan", "", ""},
		{"1.", "", "1.0"},
		{".5", "", "0.5"},
		{"1.5e-3", "", "0.0015"},
		{"0x10", "", ""},
		{"", "", ""},
		{"abc", "", ""},
		{"1e400", "", "inf"},
		{"14 apples", "", ""},
	}
	for _, tt := range tests {
		gotInt := ""
		if n, ok := pyInt(tt.in); ok {
			gotInt = n.String()
		}
		gotFlt := ""
		if f, ok := pyFloat(tt.in); ok {
			gotFlt = pyFloatRepr(f)
		}
		if gotInt != tt.int || gotFlt != tt.flt {
			t.Errorf("%q: int %q float %q, want %q %q", tt.in, gotInt, gotFlt, tt.int, tt.flt)
		}
	}
}

func TestPyRoundAndRepr(t *testing.T) {
	tenth, fifth := 0.1, 0.2 // variables: Go folds constant 0.1+0.2 to exactly 0.3
	rounds := []struct {
		x    float64
		n    int
		want string
	}{
		{1.25, 1, "1.2"}, // exact tie: to even
		{2.675, 2, "2.67"},
		{0.125, 2, "0.12"},
		{1.23, 1, "1.2"},
		{131253.5, 1, "131253.5"},
		{-4.25, 1, "-4.2"},
		{1e16, 1, "1e+16"},
		{0.00001, 2, "0.0"},
		{2.5, 0, "2.0"},
	}
	for _, tt := range rounds {
		if got := pyFloatRepr(pyRound(tt.x, tt.n)); got != tt.want {
			t.Errorf("round(%v, %d) = %s, want %s", tt.x, tt.n, got, tt.want)
		}
	}
	reprs := []struct {
		x    float64
		want string
	}{
		{1e16, "1e+16"},
		{1234567890123456.0, "1234567890123456.0"},
		{0.0001, "0.0001"},
		{0.00001, "1e-05"},
		{1.5e-05, "1.5e-05"},
		{100, "100.0"},
		{1e22, "1e+22"},
		{123456789012345678.0, "1.2345678901234568e+17"},
		{tenth + fifth, "0.30000000000000004"},
	}
	for _, tt := range reprs {
		if got := pyFloatRepr(tt.x); got != tt.want {
			t.Errorf("repr(%v) = %s, want %s", tt.x, got, tt.want)
		}
	}
}

func TestParsePyList(t *testing.T) {
	tests := []struct {
		in      string
		want    []string
		wantErr bool
	}{
		{`['145°', '35°']`, []string{"145°", "35°"}, false},
		{`["it's", 'a\'b', '$2 \\cdot 4$']`, []string{"it's", "a'b", `$2 \cdot 4$`}, false},
		{`[]`, nil, false},
		{`[1, 2.5]`, []string{"1", "2.5"}, false},
		{`['\u00b0', '\x41']`, []string{"°", "A"}, false},
		{`['a', 'b'`, nil, true},
		{`'a'`, nil, true},
		{`['a' 'b']`, nil, true},
		{`[foo]`, nil, true},
		{`['a'] x`, nil, true},
	}
	for _, tt := range tests {
		got, err := bench.ParsePyList(tt.in, isPyNumber)
		if (err != nil) != tt.wantErr {
			t.Errorf("%s: err %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if len(got) != len(tt.want) {
			t.Errorf("%s: %q, want %q", tt.in, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("%s: %q, want %q", tt.in, got, tt.want)
				break
			}
		}
	}
}
