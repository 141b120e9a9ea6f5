package reward

import (
	"strings"
	"testing"
)

func mathS(resp, label string) Sample {
	return Sample{Response: resp, Label: label, VerifierType: Math}
}

func TestComputeMath(t *testing.T) {
	runCompute(t, []computeCase{
		{"same integer", mathS(r("12"), "12"), 1, true, ""},
		{"other integer", mathS(r("13"), "12"), 0, true, ""},
		{"fraction vs decimal", mathS(r(`\frac{1}{2}`), "0.5"), 1, true, ""},
		{"slash fraction", mathS(r("1/2"), `\frac{1}{2}`), 1, true, ""},
		{"dfrac", mathS(r(`\dfrac{3}{4}`), "0.75"), 1, true, ""},
		{"short frac", mathS(r(`\frac12`), "0.5"), 1, true, ""},
		{"boxed", mathS(r(`\boxed{\frac{1}{2}}`), "1/2"), 1, true, ""},
		{"boxed in display math", mathS(r(`\[\boxed{\frac{1}{2}}\]`), "0.5"), 1, true, ""},
		{"display math", mathS(r(`\[ 2\sqrt{3} \]`), `\sqrt{12}`), 1, true, ""},
		{"inline math", mathS(r(`$\sqrt{2}$`), `\sqrt{2}`), 1, true, ""},
		{"radical value", mathS(r(`\sqrt{2}`), "1.41421356"), 1, true, ""},
		{"radical wrong", mathS(r(`\sqrt{3}`), `\sqrt{2}`), 0, true, ""},
		{"pi", mathS(r(`2\pi`), `\pi \cdot 2`), 1, true, ""},
		{"pi vs 3.14", mathS(r("3.14"), `\pi`), 0, true, ""},
		{"cone volume", mathS(r(`\frac{1}{3}\pi r^2 h`), `\frac{\pi r^{2} h}{3}`), 1, true, ""},
		{"power", mathS(r("2^{10}"), "1024"), 1, true, ""},
		{"function expression", mathS(r("y = 2x + 1"), "y=1+2x"), 1, true, ""},
		{"function expression, value only", mathS(r("2x+1"), "y=2x+1"), 1, true, ""},
		{"function expression wrong", mathS(r("y = 2x - 1"), "y=2x+1"), 0, true, ""},
		{"expanded polynomial", mathS(r("(x+1)^2"), "x^2+2x+1"), 1, true, ""},
		{"wrong polynomial", mathS(r("(x+1)^2"), "x^2+1"), 0, true, ""},
		{"interval", mathS(r("[1, 3)"), "[1,3)"), 1, true, ""},
		{"interval open/closed differs", mathS(r("(1, 3)"), "[1,3)"), 0, true, ""},
		{"degrees", mathS(r(`30^\circ`), "30"), 1, true, ""},
		{"unicode minus", mathS(r("−5"), "-5"), 1, true, ""},
		{"full-width digits", mathS(r("１２"), "12"), 1, true, ""},
		{"trailing period", mathS(r("12."), "12"), 1, true, ""},
		{"nested braces", mathS(r(`\frac{\frac{1}{2}}{\frac{1}{4}}`), "2"), 1, true, ""},
		{"unbalanced braces", mathS(r(`\frac{1}{2`), "0.5"), 0, true, ""},
		{"garbage", mathS(r("I am not sure"), "12"), 0, true, ""},
		{"division by zero", mathS(r("1/0"), "12"), 0, true, ""},
		{"huge power", mathS(r("2^{2^{2^{2^{2^{2}}}}}"), "12"), 0, true, ""},
		{"deep nesting", mathS(r(strings.Repeat("(", 5000)+"1"+strings.Repeat(")", 5000)), "1"), 0, true, ""},
		{"long answer", mathS(r(strings.Repeat("1+", 5000)+"1"), "5001"), 0, true, ""},
		{"1 MB reasoning", mathS("<think>"+strings.Repeat("x = 2y; ", 1<<17)+"</think><answer>7</answer>", "7"), 1, true, ""},
		{"NaN text", mathS(r("NaN"), "12"), 0, true, ""},
		{"unparseable label, identical answer", mathS(r(`\pm 3`), `\pm 3`), 1, true, ""},
		{"empty label", mathS(r("3"), ""), 0, false, "label is empty"},
	})
}

func TestCheckLabelMath(t *testing.T) {
	for _, c := range []struct {
		label   string
		wantErr bool
	}{
		{`\frac{1}{2}`, false}, {"y = 2x + 1", false}, {`\boxed{3}`, false}, {"[1, 3)", false},
		{"", true}, {`\frac{1}{`, true}, {"  ", true},
	} {
		err := CheckLabel(Sample{VerifierType: Math, Label: c.label})
		if (err != nil) != c.wantErr {
			t.Errorf("CheckLabel(math %q) = %v, want error=%v", c.label, err, c.wantErr)
		}
	}
}
