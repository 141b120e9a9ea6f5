package suggest

import "testing"

func TestDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "", 3}, {"", "ab", 2}, {"mathvist", "mathvista", 1},
		{"kitten", "sitting", 3}, {"benchmark", "benchmarks", 1}, {"ab", "ba", 2},
	} {
		if got := Distance(tc.a, tc.b); got != tc.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestClosest(t *testing.T) {
	names := []string{"wemath", "mathvista", "mathvision", "mathverse"}
	for _, tc := range []struct {
		s    string
		max  int
		want string
	}{
		{"mathvist", 2, "mathvista"},
		{"mathvisio", 2, "mathvision"},
		{"mathvers", 2, "mathverse"},
		{"dynamath", 2, ""},
		{"mathvis", 2, "mathvista"}, // tie: first in sort order
		{"wemaht", 1, ""},
	} {
		if got := Closest(tc.s, names, tc.max); got != tc.want {
			t.Errorf("Closest(%q, %d) = %q, want %q", tc.s, tc.max, got, tc.want)
		}
	}
}
