package reward

import "testing"

func TestParseCount(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"3", 3, true}, {"0", 0, true}, {"10", 10, true}, {"007", 7, true}, {"+4", 4, true},
		{"-2", -2, true}, {"5.", 5, true}, {"5.000", 5, true}, {" 6 ", 6, true},
		{"seven", 7, true}, {"ZERO", 0, true}, {"nineteen", 19, true}, {"$8$", 8, true},
		{`\boxed{9}`, 9, true}, {"**2**", 2, true}, {"８", 8, true}, {"−1", -1, true},
		{"", 0, false}, {"5.5", 0, false}, {"five apples", 0, false}, {"1,000", 0, false},
		{"1e3", 0, false}, {"0x10", 0, false}, {"--3", 0, false}, {"3-", 0, false},
		{"hundred", 0, false}, {"9223372036854775808", 0, false}, {"٣", 0, false},
	} {
		got, ok := ParseCount(c.in)
		if ok != c.ok || got != c.want {
			t.Errorf("ParseCount(%q) = %d, %v; want %d, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}
