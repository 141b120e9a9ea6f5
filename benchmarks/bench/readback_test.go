package bench

import "testing"

func TestReadBack(t *testing.T) {
	for _, tt := range []struct {
		in, out string
		quirk   bool
	}{
		{"", "nan", true}, {"None", "nan", true}, {"NA", "nan", true}, {"null", "nan", true},
		{"nan", "nan", false}, {" ", " ", false}, {"A", "A", false}, {"none", "none", false},
	} {
		if out, q := ReadBack(tt.in); out != tt.out || q != tt.quirk {
			t.Errorf("ReadBack(%q) = %q, %v; want %q, %v", tt.in, out, q, tt.out, tt.quirk)
		}
	}
}
