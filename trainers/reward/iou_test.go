package reward

import (
	"math"
	"testing"
)

func TestIoUOf(t *testing.T) {
	unit := Box{0, 0, 1, 1}
	nan := math.NaN()
	inf := math.Inf(1)
	for _, c := range []struct {
		name string
		a, b Box
		want float64
	}{
		{"identical", unit, unit, 1},
		{"half", Box{0, 0, 0.5, 1}, unit, 0.5},
		{"symmetric", unit, Box{0, 0, 0.5, 1}, 0.5},
		{"disjoint", Box{0, 0, 1, 1}, Box{2, 2, 3, 3}, 0},
		{"corner touch", Box{0, 0, 1, 1}, Box{1, 1, 2, 2}, 0},
		{"cross", Box{0, 1, 3, 2}, Box{1, 0, 2, 3}, 1.0 / 5},
		{"degenerate a", Box{0, 0, 0, 1}, unit, 0},
		{"degenerate b", unit, Box{0, 0, 1, 0}, 0},
		{"swapped a", Box{1, 1, 0, 0}, unit, 0},
		{"NaN", Box{nan, 0, 1, 1}, unit, 0},
		{"NaN everywhere", Box{nan, nan, nan, nan}, Box{nan, nan, nan, nan}, 0},
		{"Inf", Box{0, 0, inf, 1}, unit, 0},
		{"-Inf", Box{-inf, 0, 1, 1}, unit, 0},
		{"huge identical", Box{0, 0, 1e308, 1e308}, Box{0, 0, 1e308, 1e308}, 1},
		{"huge half", Box{0, 0, 5e307, 1e308}, Box{0, 0, 1e308, 1e308}, 0.5},
		{"tiny identical", Box{0, 0, 1e-300, 1e-300}, Box{0, 0, 1e-300, 1e-300}, 1},
		{"negative coordinates", Box{-2, -2, 0, 0}, Box{-1, -1, 1, 1}, 1.0 / 7},
	} {
		got := IoUOf(c.a, c.b)
		if math.IsNaN(got) || math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%s: IoUOf(%v, %v) = %v, want %v", c.name, c.a, c.b, got, c.want)
		}
	}
}

func TestParseBox(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Box
		ok   bool
	}{
		{"[0.1, 0.2, 0.7, 0.5]", Box{0.1, 0.2, 0.7, 0.5}, true},
		{"[0.1,0.2,0.7,0.5]", Box{0.1, 0.2, 0.7, 0.5}, true},
		{"(1, 2, 3, 4)", Box{1, 2, 3, 4}, true},
		{"1 2 3 4", Box{1, 2, 3, 4}, true},
		{"[+1, -2, 3., 4e0]", Box{1, -2, 3, 4}, true},
		{"box: [1, 2, 3, 4] (pixels)", Box{1, 2, 3, 4}, true},
		{"[[1, 2], [3, 4]]", Box{1, 2, 3, 4}, true}, // no group of four: the only four numbers
		{"[1, 2, 3, 4] [5, 6, 7, 8]", Box{1, 2, 3, 4}, true},
		{"(x1, y1, x2, y2) = (1, 2, 3, 4)", Box{1, 2, 3, 4}, true},
		{"[1, 2, 3]", Box{}, false},
		{"[1, 2, 3, 4, 5]", Box{}, false},
		{"", Box{}, false},
		{"[a, b, c, d]", Box{}, false},
		{"v1.2.3.4", Box{}, false},
		{"1.2.3.4", Box{}, false},
		{"[1-2-3-4]", Box{1, 2, 3, 4}, true}, // a dash between numbers separates them
		{"([)]", Box{}, false},
		{"[", Box{}, false},
		{"((((((((((", Box{}, false},
		{"[１，２，３，４]", Box{1, 2, 3, 4}, true},
		{"[−1, −2, 3, 4]", Box{-1, -2, 3, 4}, true},
	} {
		got, err := ParseBox(c.in)
		if (err == nil) != c.ok || c.ok && got != c.want {
			t.Errorf("ParseBox(%q) = %v, %v; want %v, ok=%v", c.in, got, err, c.want, c.ok)
		}
	}
}

func TestBoxNormalised(t *testing.T) {
	for _, c := range []struct {
		b    Box
		want bool
	}{
		{Box{0, 0, 1, 1}, true}, {Box{0.1, 0.2, 0.7, 0.5}, true}, {Box{0, 0, 1.01, 1}, false},
		{Box{-0.1, 0, 1, 1}, false}, {Box{10, 20, 30, 40}, false},
	} {
		if got := c.b.Normalised(); got != c.want {
			t.Errorf("%v.Normalised() = %v, want %v", c.b, got, c.want)
		}
	}
}
