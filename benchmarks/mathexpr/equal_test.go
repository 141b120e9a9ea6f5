package mathexpr

import (
	"errors"
	"strings"
	"testing"
)

type equalCase struct {
	a, b string
	opts Options
	want bool
	err  error // when set, Equal must fail with this kind (and want is false)
}

var (
	exactOpts = Options{}
	reward    = Reward()
	vlmeval   = VLMEvalKit()
	mathv     = MathVOfficial()
	dyna      = DynaMath()
)

var equalCases = []equalCase{
	// numbers and fractions, exact
	{"2", "2", exactOpts, true, nil},
	{"2", "2.0", exactOpts, true, nil},
	{"0.5", `\frac{1}{2}`, exactOpts, true, nil},
	{"0.5", "1/2", exactOpts, true, nil},
	{`\dfrac{3}{4}`, `\tfrac34`, exactOpts, true, nil},
	{`\frac12`, "0.5", exactOpts, true, nil},
	{`\frac{1}{3}`, "0.333", exactOpts, false, nil},
	{`\frac{1}{3}`, "0.3333333333", exactOpts, false, nil},
	{`\frac{1}{3}`, "0.3333333", reward, true, nil},
	{`\frac{1}{3}`, "0.333", reward, false, nil},
	{"-3", "−3", exactOpts, true, nil},
	{"-3", "－３", exactOpts, true, nil},
	{"+3", "3", exactOpts, true, nil},
	{"3", "-3", exactOpts, false, nil},
	{".5", "0.5", exactOpts, true, nil},
	{"5.", "5", exactOpts, true, nil},
	{"1e3", "1000", exactOpts, true, nil},
	{"2.5e-3", "0.0025", exactOpts, true, nil},
	{"1,000", "1000", exactOpts, true, nil},
	{"12,345.5", "12345.5", exactOpts, true, nil},
	{"1{,}000", "1000", exactOpts, true, nil},
	{"1\\,000", "1000", exactOpts, false, ErrSyntax}, // \, is spacing: "1 000" is two numbers
	{"0.1+0.2", "0.3", exactOpts, true, nil},
	{"2^{10}", "1024", exactOpts, true, nil},
	{"2^10", "1024", exactOpts, true, nil},
	{"2**10", "1024", exactOpts, true, nil},
	{"2^{-2}", "0.25", exactOpts, true, nil},
	{"(-2)^3", "-8", exactOpts, true, nil},
	{"-2^2", "-4", exactOpts, true, nil},
	{"3!", "6", exactOpts, true, nil},
	{`\binom{5}{2}`, "10", exactOpts, true, nil},
	{"10 \\div 4", "2.5", exactOpts, true, nil},
	{"3 \\times 4", "12", exactOpts, true, nil},
	{"3 \\cdot 4", "12", exactOpts, true, nil},
	{"3×4", "12", exactOpts, true, nil},
	{"2(3+1)", "8", exactOpts, true, nil},
	{"\\left(1+2\\right)^2", "9", exactOpts, true, nil},
	{"|-3|", "3", exactOpts, true, nil},
	{"\\left|-3\\right|", "3", exactOpts, true, nil},
	{"$5$", "5", exactOpts, true, nil},
	{"$$5$$", "5", exactOpts, true, nil},
	{"\\(5\\)", "5", exactOpts, true, nil},
	{"\\boxed{5}", "5", exactOpts, true, nil},
	{"$\\boxed{\\frac{3}{4}}$", "0.75", exactOpts, true, nil},
	{"5.", "5", exactOpts, true, nil},
	{"\\$5", "5", exactOpts, true, nil},

	// radicals, π, e, functions (float)
	{`\sqrt{2}`, "1.41421356", reward, true, nil},
	{`\sqrt{2}`, "1.414", reward, false, nil},
	{`\sqrt{2}`, "1.414", mathv, true, nil},
	{`\sqrt{4}`, "2", exactOpts, true, nil},
	{`\sqrt{\frac{9}{4}}`, "1.5", exactOpts, true, nil},
	{`\sqrt[3]{27}`, "3", exactOpts, true, nil},
	{`\sqrt[3]{-8}`, "-2", exactOpts, true, nil},
	{`2\sqrt{2}`, `\sqrt{8}`, exactOpts, true, nil},
	{`\frac{\sqrt{6}}{6}`, `\frac{1}{\sqrt{6}}`, exactOpts, true, nil},
	{`3\sqrt{2}`, `\sqrt{18}`, exactOpts, true, nil},
	{`\sqrt2`, `\sqrt{2}`, exactOpts, true, nil},
	{`√2`, `\sqrt{2}`, exactOpts, true, nil},
	{`4-2\sqrt{3}`, `(\sqrt3-1)^2`, exactOpts, true, nil},
	{`2\pi`, "6.28318530718", reward, true, nil},
	{`2\pi`, "6.28", reward, false, nil},
	{`2\pi`, "6.28", mathv, true, nil},
	{`2π`, `2\pi`, exactOpts, true, nil},
	{"2pi", `2\pi`, exactOpts, true, nil},
	{`\frac{3}{4}\pi`, `\frac{3\pi}{4}`, exactOpts, true, nil},
	{`25\pi`, `\pi \cdot 25`, exactOpts, true, nil},
	{"e", "2.718281828", reward, true, nil},
	{"e^2", "7.389056099", reward, true, nil},
	{`\mathrm{e}^{2}`, "e^2", exactOpts, true, nil},
	{`\ln e`, "1", exactOpts, true, nil},
	{`\log_2 8`, "3", exactOpts, true, nil},
	{`\log_{10} 1000`, "3", exactOpts, true, nil},
	{`\sin\frac{\pi}{6}`, "0.5", exactOpts, true, nil},
	{`\sin(\pi/6)`, "1/2", exactOpts, true, nil},
	{`\cos^2 x + \sin^2 x`, "1", reward, true, nil},
	{`\tan^{-1}(1)`, `\frac{\pi}{4}`, exactOpts, true, nil},
	{`\arctan 1`, `\pi/4`, exactOpts, true, nil},
	{`\pi-\tan^{-1}\left(\frac{1}{d}\right)`, `\pi - \arctan(1/d)`, reward, true, nil},
	{`\frac{3^{1008}-1}{3^{1009}}`, `\frac{1}{3}-\frac{1}{3^{1009}}`, exactOpts, true, nil},
	{`\frac{7^3}{2^{12} 13^2}`, `\frac{343}{692224}`, exactOpts, true, nil},

	// percent and degrees
	{"50\\%", "50", exactOpts, true, nil},
	{"50%", "0.5", exactOpts, false, nil},
	{"50%", "0.5", reward, true, nil},
	{"50%", "50", reward, true, nil},
	{"30^\\circ", "30", exactOpts, true, nil},
	{"30^{\\circ}", "30", exactOpts, true, nil},
	{"30°", "30", exactOpts, true, nil},
	{"30 degrees", "30", exactOpts, true, nil},
	{"69{degrees}", "69", exactOpts, true, nil},
	{"30°", `\frac{\pi}{6}`, exactOpts, false, nil},
	{"30°", `\frac{\pi}{6}`, reward, true, nil},
	{`\frac{90}{23}^{\circ}`, "3.91", Options{RoundDecimals: 2}, true, nil},
	{`\frac{90}{23}^{\circ}`, "3.91", mathv, false, ErrUnsupported}, // latex2sympy cannot read the gold
	{"5 cm", "5", mathv, false, ErrUnsupported},
	{"1, 2", "2, 1", mathv, false, ErrUnsupported},
	{"a + 2b", "a+2b", mathv, false, nil}, // strict: spaces inside count, symbols never evaluate
	{"1:4:9", "$1: 4: 9$", mathv, true, nil},
	{"1:4:9", "2:8:18", exactOpts, true, nil},
	{"1:4:9", "1:4", exactOpts, false, nil},
	{"0:1", "0:2", exactOpts, false, nil},
	{"0:1", "0:1.0", exactOpts, true, nil},

	// units
	{"5 cm", "5", exactOpts, true, nil},
	{"5cm", "5", exactOpts, true, nil},
	{`5\text{ cm}`, "5", exactOpts, true, nil},
	{`5 \mathrm{cm}^2`, "5", exactOpts, true, nil},
	{"12 m^2", "12", exactOpts, false, nil}, // one-letter m is a variable
	{`12\,\mathrm{m}^2`, "12", exactOpts, true, nil},
	{`3\text{ s}`, "3", exactOpts, true, nil},
	{`\text{A}`, "A", exactOpts, true, nil},
	{"x+1", "(x)+1", exactOpts, true, nil},
	{"x+1", "1+x", exactOpts, false, nil},
	{"60 km/h", "60", exactOpts, true, nil},
	{`8\sqrt{3}{squareinches}`, `8\sqrt{3}`, exactOpts, true, nil},
	{`\frac{3}{4}\pi{inches}`, `0.75\pi`, exactOpts, true, nil},
	{"5 square units", "5", exactOpts, true, nil},
	{"cm 5", "5", exactOpts, false, ErrUnsupported},

	// expressions with variables
	{"2x+1", "1+2x", reward, true, nil},
	{"2x+1", "2x+2", reward, false, nil},
	{"2x+1", "1+2x", mathv, false, nil}, // official MATH-V cannot evaluate symbols
	{"x^2-1", "(x-1)(x+1)", reward, true, nil},
	{"(x+1)^2", "x^2+2x+1", reward, true, nil},
	{"(x+1)^2", "x^2+x+1", reward, false, nil},
	{"xy", "yx", reward, true, nil},
	{"2xy", "2 \\cdot x \\cdot y", reward, true, nil},
	{`\frac{x}{2}`, "0.5x", reward, true, nil},
	{`\sqrt{x^2}`, "|x|", reward, true, nil},
	{`\sqrt{x^2}`, "x", reward, false, nil},
	{"a_1 + a_2", "a_2 + a_1", reward, true, nil},
	{"a_{10}", "a_{10}", reward, true, nil},
	{"a_1", "a_2", reward, false, nil},
	{`\alpha + \beta`, `β + α`, reward, true, nil},
	{`2\theta`, `\theta + \theta`, reward, true, nil},
	{"x", "X", reward, false, nil},
	{"x", "X", vlmeval, true, nil},
	{"e^{x}", `\exp(x)`, reward, true, nil},
	{`\ln(x^2)`, `2\ln x`, reward, true, nil},
	{`\sqrt{x-10}`, `\sqrt{x-10}+0`, reward, true, nil},
	{`\log(x)`, `\ln(x)`, reward, true, nil},
	{"sec(x)", `\frac{1}{\cos x}`, reward, true, nil},

	// equations
	{"y = 2x+1", "y=1+2x", reward, true, nil},
	{"y = 2x+1", "2x+1", reward, true, nil},
	{"2x+1", "y = 2x+1", reward, true, nil},
	{"f(x) = 2x+1", "y = 1+2x", reward, true, nil},
	{"y = 2x+1", "y = 2x-1", reward, false, nil},
	{"x = 2", "2", exactOpts, true, nil},
	{"x = 2", "3", exactOpts, false, nil},
	{"2x = 4", "x = 2", reward, true, nil},
	{"x^2 + y^2 = 1", "y^2 = 1 - x^2", reward, true, nil},
	{"x^2 + y^2 = 1", "x^2 + y^2 = 2", reward, false, nil},
	{"2x - y + 1 = 0", "y = 2x + 1", reward, true, nil},
	{"x = 1+1 = 2", "2", exactOpts, true, nil},
	{"x \\approx 2.3", "2.3", exactOpts, true, nil},
	{"x \\in [1,2]", "[1,2]", exactOpts, true, nil},
	{"x = 2", "y = 2", exactOpts, true, nil}, // name = value: the value decides

	// inequalities
	{"x > 2", "2 < x", reward, true, nil},
	{"x > 2", "2x > 4", reward, true, nil},
	{"x > 2", "x \\ge 2", reward, false, nil},
	{"x > 2", "x < 2", reward, false, nil},
	{"x \\le 3", "3 \\geq x", reward, true, nil},
	{"x \\neq 0", "0 \\ne x", reward, true, nil},
	{"1 < x < 3", "(1,3)", exactOpts, true, nil},
	{"1 \\le x < 3", "[1,3)", exactOpts, true, nil},
	{"3 > x \\ge 1", "[1,3)", exactOpts, true, nil},

	// tuples, points, intervals
	{"(3,-4)", "(3, -4)", exactOpts, true, nil},
	{"(3,-4)", "(-4,3)", exactOpts, false, nil},
	{"(3,-4)", "(3,-4,0)", exactOpts, false, nil},
	{`\left(\frac{1}{2}, 3\right)`, "(0.5, 3)", exactOpts, true, nil},
	{"(-2.777, -1.136)", "(-2.7772, -1.1361)", dyna, true, nil},
	{"(1.234, 5.678)", "(1.23, 5.68)", mathv, true, nil},
	{"[1,2)", "[1, 2)", exactOpts, true, nil},
	{"[1,2)", "(1,2]", exactOpts, false, nil},
	{"[1,2]", "(1,2)", exactOpts, false, nil},
	{`(-\infty, 3]`, "(-∞,3]", exactOpts, true, nil},
	{`(-\infty, 3]`, "(-inf, 3]", exactOpts, true, nil},
	{`(-\infty, 3]`, `(\infty, 3]`, exactOpts, false, nil},
	{`[0,1) \cup (2,3]`, `(2,3] \cup [0,1)`, exactOpts, true, nil},
	{`[0,1) \cup (2,3]`, `[0,1)`, exactOpts, false, nil},
	{"((1,2),(3,4))", "((1,2),(3,4))", exactOpts, true, nil},
	{"((1,2),(3,4))", "((1,2),(3,5))", exactOpts, false, nil},

	// sets and lists
	{`\{1,2\}`, `\{2,1\}`, exactOpts, true, nil},
	{`\{1,2\}`, "{2, 1}", exactOpts, true, nil},
	{`\{1,2\}`, `\{1,2,2\}`, exactOpts, true, nil},
	{`\{1,2\}`, `\{1,3\}`, exactOpts, false, nil},
	{"1, 2", "2, 1", exactOpts, true, nil},
	{"1, 2", `\{1, 2\}`, exactOpts, true, nil},
	{"1, 2", "(1, 2)", exactOpts, false, nil},
	{"x = 1 or x = 2", "x=2, x=1", exactOpts, true, nil},
	{"x = 1 \\text{ or } x = 2", "x=2 and x=1", exactOpts, true, nil},
	{"1,2", "12", exactOpts, false, nil},
	{"(1,000)", "1000", exactOpts, false, nil},

	// ratios
	{"1:2", "2:4", exactOpts, true, nil},
	{"1:2", "1/2", exactOpts, true, nil},
	{"1:2", "0.5", exactOpts, true, nil},
	{"1:2", "2:1", exactOpts, false, nil},

	// case, letters, words
	{"C", "C", exactOpts, true, nil},
	{"C", "c", exactOpts, false, nil},
	{"C", "c", mathv, true, nil},
	{"A", "B", exactOpts, false, nil},
	{"Sep", "Sep", exactOpts, true, nil},
	{"Sep", "Spe", exactOpts, false, nil},
	{"Tuesday", "5", exactOpts, false, ErrUnsupported},

	// hostile and malformed input
	{"", "1", exactOpts, false, ErrSyntax},
	{"  ", "  ", exactOpts, false, ErrSyntax},
	{"1/0", "1", exactOpts, false, ErrUndefined},
	{"0^{-1}", "1", exactOpts, false, ErrUndefined},
	{`\sqrt{-1}`, "1", exactOpts, false, ErrUndefined},
	{`\ln 0`, "1", exactOpts, false, ErrUndefined},
	{"NaN", "1", exactOpts, false, ErrUndefined},
	{"nan", "nan", exactOpts, true, nil}, // identical strings need no parse
	{"inf", "\\infty", exactOpts, true, nil},
	{"inf", "-inf", exactOpts, false, nil},
	{"2^99999999", "3^99999999", exactOpts, false, ErrRange},
	{"2^{2^{2^{2^{2^{2}}}}}", "1", exactOpts, false, ErrRange},
	{"10^{400}", "10^{400}+1", exactOpts, false, nil},
	{"1e99999", "1", exactOpts, false, ErrRange},
	{"1001!", "1", exactOpts, false, ErrRange},
	{"2.5!", "1", exactOpts, false, ErrUndefined},
	{"(1+2", "3", exactOpts, false, ErrSyntax},
	{"1+", "1", exactOpts, false, ErrSyntax},
	{`\frac{1}`, "1", exactOpts, false, ErrSyntax},
	{"{1", "1", exactOpts, false, ErrSyntax},
	{`\foo{1}`, "1", exactOpts, false, ErrUnsupported},
	{`1 \pm 2`, "3", exactOpts, false, ErrUnsupported},
	{"2 3", "6", exactOpts, false, ErrSyntax},
	{"1 @ 2", "1", exactOpts, false, ErrUnsupported},
	{`\sqrt{x}`, `\sqrt{x}+0`, Options{Symbolic: true}, true, nil},
	{`\sqrt{-x^2-1}`, `\sqrt{-x^2-1}+0`, reward, false, ErrUndefined},
	{strings.Repeat("{", 1000) + "1" + strings.Repeat("}", 1000), "1", exactOpts, false, ErrTooDeep},
	{strings.Repeat("(", 1000) + "1" + strings.Repeat(")", 1000), "1", exactOpts, false, ErrTooDeep},
	{strings.Repeat("-", 1000) + "1", "1", exactOpts, false, ErrTooDeep},
	{strings.Repeat(`\text{`, 300) + "1" + strings.Repeat("}", 300), "1", exactOpts, false, ErrTooDeep},
	{strings.Repeat("1+", 3000) + "1", "3001", exactOpts, false, ErrTooLong},
	{strings.Repeat("1+", 1000) + "1", "1001", exactOpts, true, nil},
	{strings.Repeat("1000!*", 600) + "1", "1", exactOpts, false, ErrRange},   // exact results are capped
	{strings.Repeat("a,", 300) + "a", "a", exactOpts, false, ErrUnsupported}, // more than MaxElems items
}

func TestEqual(t *testing.T) {
	for _, c := range equalCases {
		name := c.a + " vs " + c.b
		if len(name) > 60 {
			name = name[:60]
		}
		t.Run(name, func(t *testing.T) {
			got, err := Equal(c.a, c.b, c.opts)
			if c.err != nil {
				if !errors.Is(err, c.err) || got {
					t.Errorf("Equal(%q, %q) = %v, %v; want false, error wrapping %v", c.a, c.b, got, err, c.err)
				}
				return
			}
			if got != c.want || (c.want && err != nil) {
				t.Errorf("Equal(%q, %q) = %v, %v; want %v", c.a, c.b, got, err, c.want)
			}
			// equality is symmetric
			if back, _ := Equal(c.b, c.a, c.opts); back != got {
				t.Errorf("Equal(%q, %q) = %v but the reverse is %v", c.a, c.b, got, back)
			}
		})
	}
}
