package mathvision

import "testing"

func TestPyEvalEqual(t *testing.T) {
	tests := []struct {
		gold, answer string
		want         bool
	}{
		{"446", "44_6", true}, // digit underscores
		{"12", "a", true},     // the local variable a holds eval(gold)
		{"3.5", "a", true},
		{"a", "a", false},  // gold "a" does not evaluate: a is not yet assigned
		{"1", "2^3", true}, // ^ is XOR: 2 ^ 3 == 1
		{"8", "2**3", true},
		{"-4", "-2**2", true},
		{"0.5", "1/2", true},
		{"2", "7//3", true},
		{"-2", "-7%3", false}, // Python: -7 % 3 == 2
		{"2", "-7%3", true},
		{"5", "05", false}, // leading zero: SyntaxError
		{"0", "00", true},
		{"1.0", "1.", true},
		{"100", "1e2", true},
		{"1", "(1,)", false},
		{"1", "1, 2", false},
		{"6", "6°", false},
		{"12", "12 cm", false},
		{"4", "４", false},
		{"1", "b", false},
		{"2", "1/0", false},
		{"3", "1.0000001+2", true},
	}
	for _, tt := range tests {
		if got := pyEvalEqual(tt.gold, tt.answer); got != tt.want {
			t.Errorf("pyEvalEqual(%q, %q) = %v, want %v", tt.gold, tt.answer, got, tt.want)
		}
	}
}
