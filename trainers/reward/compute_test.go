package reward

import (
	"context"
	"math"
	"strings"
	"testing"
)

// r wraps an answer in the format the system prompt asks for.
func r(answer string) string { return "<think>reasoning</think><answer>" + answer + "</answer>" }

type computeCase struct {
	name     string
	s        Sample
	want     float64
	formatOK bool
	wantErr  string // substring of the error; "" means no error
}

func runCompute(t *testing.T, cases []computeCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Compute(context.Background(), c.s)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("Compute error = %v, want one containing %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Compute: %v", err)
			}
			if math.IsNaN(got.Reward) || got.Reward < 0 || got.Reward > 1 {
				t.Fatalf("reward %v outside [0, 1]", got.Reward)
			}
			if math.Abs(got.Reward-c.want) > 1e-9 {
				t.Errorf("reward = %v, want %v (reason %q, answer %q)", got.Reward, c.want, got.Reason, got.Answer)
			}
			if got.FormatOK != c.formatOK {
				t.Errorf("FormatOK = %v, want %v (reason %q)", got.FormatOK, c.formatOK, got.Reason)
			}
			if got.Reason == "" {
				t.Errorf("empty reason")
			}
			if got.VerifierType != c.s.VerifierType {
				t.Errorf("VerifierType = %q, want %q", got.VerifierType, c.s.VerifierType)
			}
		})
	}
}

func digit(resp, label string) Sample {
	return Sample{Response: resp, Label: label, VerifierType: Digit}
}
func mcq(resp, label string) Sample { return Sample{Response: resp, Label: label, VerifierType: MCQ} }
func iou(resp, label string) Sample { return Sample{Response: resp, Label: label, VerifierType: IoU} }

func TestComputeFormatGate(t *testing.T) {
	big := strings.Repeat("Let me count the objects again. ", 1<<15) // ~1 MB
	runCompute(t, []computeCase{
		{"well formed", digit("<think>two plus one</think><answer>3</answer>", "3"), 1, true, ""},
		{"blanks around and between", digit("\n <think>x</think>\n\n<answer> 3 </answer>\n", "3"), 1, true, ""},
		{"empty reasoning", digit("<think></think><answer>3</answer>", "3"), 1, true, ""},
		{"no tags", digit("3", "3"), 0, false, ""},
		{"answer without think", digit("<answer>3</answer>", "3"), 0, false, ""},
		{"think without answer", digit("<think>3</think>", "3"), 0, false, ""},
		{"text after think, no answer tag", digit("<think>x</think>3", "3"), 0, false, ""},
		{"two answer tags", digit("<think>x</think><answer>3</answer><answer>3</answer>", "3"), 0, false, ""},
		{"two answers, second differs", digit("<think>x</think><answer>3</answer><answer>4</answer>", "3"), 0, false, ""},
		{"unclosed answer", digit("<think>x</think><answer>3", "3"), 0, false, ""},
		{"unclosed think", digit("<think>counting 3 objects", "3"), 0, false, ""},
		{"nested answer", digit("<think>x</think><answer><answer>3</answer></answer>", "3"), 0, false, ""},
		{"answer tag inside think", digit("<think>so <answer>3</answer></think><answer>3</answer>", "3"), 0, false, ""},
		{"two think blocks", digit("<think>a</think><think>b</think><answer>3</answer>", "3"), 0, false, ""},
		{"text before think", digit("Sure! <think>x</think><answer>3</answer>", "3"), 0, false, ""},
		{"text after answer", digit("<think>x</think><answer>3</answer> Hope this helps", "3"), 0, false, ""},
		{"text between think and answer", digit("<think>x</think> so <answer>3</answer>", "3"), 0, false, ""},
		{"empty answer", digit("<think>x</think><answer></answer>", "3"), 0, false, ""},
		{"blank answer", digit("<think>x</think><answer> \n\t</answer>", "3"), 0, false, ""},
		{"upper-case tags", digit("<THINK>x</THINK><ANSWER>3</ANSWER>", "3"), 0, false, ""},
		{"tags with spaces", digit("< think >x</ think ><answer>3</answer>", "3"), 0, false, ""},
		{"answer before think", digit("<answer>3</answer><think>x</think>", "3"), 0, false, ""},
		{"empty response", digit("", "3"), 0, false, ""},
		{"only blanks", digit(" \n ", "3"), 0, false, ""},
		{"1 MB reasoning, correct", digit("<think>"+big+"</think><answer>3</answer>", "3"), 1, true, ""},
		{"1 MB reasoning, wrong", digit("<think>"+big+"</think><answer>4</answer>", "3"), 0, true, ""},
		{"1 MB untagged", digit(big, "3"), 0, false, ""},
		{"1 MB of answer tags", digit(strings.Repeat("<answer>3</answer>", 1<<16), "3"), 0, false, ""},
		{"1 MB answer", digit("<think>x</think><answer>"+big+"</answer>", "3"), 0, true, ""},
		{"1 MB cut off in think", digit("<think>"+big, "3"), 0, false, ""},
		{"right count only in reasoning", digit("<think>the answer is 3</think><answer>4</answer>", "3"), 0, true, ""},
		{"mcq gated", mcq("B", "B"), 0, false, ""},
		{"iou gated", iou("[0.1, 0.2, 0.7, 0.5]", "[0.1, 0.2, 0.7, 0.5]"), 0, false, ""},
	})
}

func TestComputeDigit(t *testing.T) {
	runCompute(t, []computeCase{
		{"same digit", digit(r("3"), "3"), 1, true, ""},
		{"other digit", digit(r("4"), "3"), 0, true, ""},
		{"zero", digit(r("0"), "0"), 1, true, ""},
		{"word", digit(r("three"), "3"), 1, true, ""},
		{"capitalised word", digit(r("Three"), "3"), 1, true, ""},
		{"word label", digit(r("3"), "three"), 1, true, ""},
		{"twenty", digit(r("twenty"), "20"), 1, true, ""},
		{"compound word unsupported", digit(r("twenty-one"), "21"), 0, true, ""},
		{"full-width digit", digit(r("３"), "3"), 1, true, ""},
		{"full-width two digits", digit(r("１２"), "12"), 1, true, ""},
		{"boxed", digit(r(`\boxed{3}`), "3"), 1, true, ""},
		{"nested boxed", digit(r(`\boxed{\boxed{3}}`), "3"), 1, true, ""},
		{"last boxed wins", digit(r(`\boxed{2} no, \boxed{3}`), "3"), 1, true, ""},
		{"inline math", digit(r("$3$"), "3"), 1, true, ""},
		{"display math", digit(r(`\[3\]`), "3"), 1, true, ""},
		{"display math boxed", digit(r(`\[\boxed{3}\]`), "3"), 1, true, ""},
		{"bold", digit(r("**3**"), "3"), 1, true, ""},
		{"text wrapper", digit(r(`\text{3}`), "3"), 1, true, ""},
		{"trailing period", digit(r("3."), "3"), 1, true, ""},
		{"leading zero", digit(r("03"), "3"), 1, true, ""},
		{"plus sign", digit(r("+3"), "3"), 1, true, ""},
		{"integral decimal", digit(r("3.0"), "3"), 1, true, ""},
		{"fraction", digit(r("3.5"), "3"), 0, true, ""},
		{"negative", digit(r("-3"), "3"), 0, true, ""},
		{"unicode minus", digit(r("−3"), "-3"), 1, true, ""},
		{"sentence", digit(r("There are 3 objects"), "3"), 0, true, ""},
		{"lead-in", digit(r("Answer: 3"), "3"), 0, true, ""},
		{"unit", digit(r("3 cubes"), "3"), 0, true, ""},
		{"two numbers", digit(r("3 4"), "3"), 0, true, ""},
		{"exponent", digit(r("3e0"), "3"), 0, true, ""},
		{"overflow", digit(r("99999999999999999999999"), "3"), 0, true, ""},
		{"CJK numeral", digit(r("三"), "3"), 0, true, ""},
		{"lone dot", digit(r("."), "3"), 0, true, ""},
		{"lone sign", digit(r("-"), "3"), 0, true, ""},
		{"nan", digit(r("NaN"), "3"), 0, true, ""},
		{"braces only", digit(r("{}"), "3"), 0, true, ""},
		{"unbalanced box", digit(r(`\boxed{3`), "3"), 0, true, ""},
		{"label with blanks", digit(r("3"), " 3 "), 1, true, ""},
		{"label not a count", digit(r("3"), "many"), 0, false, "not a count"},
		{"label empty", digit(r("3"), ""), 0, false, "not a count"},
		{"label fraction", digit(r("3"), "2.5"), 0, false, "not a count"},
	})
}

func TestComputeMCQ(t *testing.T) {
	runCompute(t, []computeCase{
		{"letter", mcq(r("B"), "B"), 1, true, ""},
		{"wrong letter", mcq(r("C"), "B"), 0, true, ""},
		{"lower case", mcq(r("b"), "B"), 1, true, ""},
		{"parenthesised", mcq(r("(B)"), "B"), 1, true, ""},
		{"parenthesised lower", mcq(r("(b)"), "B"), 1, true, ""},
		{"closing paren", mcq(r("B)"), "B"), 1, true, ""},
		{"with period", mcq(r("B."), "B"), 1, true, ""},
		{"answer lead-in", mcq(r("Answer: B"), "B"), 1, true, ""},
		{"the answer is", mcq(r("The answer is B"), "B"), 1, true, ""},
		{"letter and text", mcq(r("B. 45°"), "B"), 1, true, ""},
		{"boxed", mcq(r(`\boxed{B}`), "B"), 1, true, ""},
		{"boxed in math", mcq(r(`$\boxed{B}$`), "B"), 1, true, ""},
		{"bold", mcq(r("**B**"), "B"), 1, true, ""},
		{"full-width", mcq(r("Ｂ"), "B"), 1, true, ""},
		{"label parenthesised", mcq(r("C"), "(C)"), 1, true, ""},
		{"label lower", mcq(r("C"), "c"), 1, true, ""},
		{"label with paren", mcq(r("(a)"), "A)"), 1, true, ""},
		{"hedge", mcq(r("B or C"), "B"), 0, true, ""},
		{"word", mcq(r("Apple"), "A"), 0, true, ""},
		{"option text only", mcq(r("45°"), "B"), 0, true, ""},
		{"digit", mcq(r("2"), "B"), 0, true, ""},
		{"label not a letter", mcq(r("B"), "45°"), 0, false, "not an option letter"},
		{"label empty", mcq(r("B"), ""), 0, false, "not an option letter"},
	})
}

func TestComputeIoU(t *testing.T) {
	sized := func(resp, label string, w, h int) Sample {
		s := iou(resp, label)
		s.ImageWidth, s.ImageHeight = w, h
		return s
	}
	runCompute(t, []computeCase{
		{"exact normalised", iou(r("[0.1, 0.2, 0.7, 0.5]"), "[0.1, 0.2, 0.7, 0.5]"), 1, true, ""},
		{"exact pixels", iou(r("[10, 20, 110, 220]"), "[10, 20, 110, 220]"), 1, true, ""},
		{"half width", iou(r("[0, 0, 0.5, 1]"), "[0, 0, 1, 1]"), 0.5, true, ""},
		{"quarter", iou(r("[0, 0, 0.5, 0.5]"), "[0, 0, 1, 1]"), 0.25, true, ""},
		{"shifted", iou(r("[0.5, 0, 1.5, 1]"), "[0, 0, 1, 1]"), 0, true, ""}, // 1.5 makes it a pixel box: spaces differ, no size
		{"shifted pixels", iou(r("[50, 0, 150, 100]"), "[0, 0, 100, 100]"), 1.0 / 3, true, ""},
		{"disjoint", iou(r("[0, 0, 0.2, 0.2]"), "[0.5, 0.5, 1, 1]"), 0, true, ""},
		{"touching edge", iou(r("[0, 0, 0.5, 1]"), "[0.5, 0, 1, 1]"), 0, true, ""},
		{"contained", iou(r("[0.25, 0.25, 0.75, 0.75]"), "[0, 0, 1, 1]"), 0.25, true, ""},
		{"parentheses", iou(r("(0.1, 0.2, 0.7, 0.5)"), "[0.1, 0.2, 0.7, 0.5]"), 1, true, ""},
		{"double brackets", iou(r("[[0.1, 0.2, 0.7, 0.5]]"), "[0.1, 0.2, 0.7, 0.5]"), 1, true, ""},
		{"two corner points", iou(r("(0.1, 0.2), (0.7, 0.5)"), "[0.1, 0.2, 0.7, 0.5]"), 1, true, ""},
		{"named coordinates", iou(r("x1=0.1, y1=0.2, x2=0.7, y2=0.5"), "[0.1, 0.2, 0.7, 0.5]"), 1, true, ""},
		{"sentence around box", iou(r("The elephant is at [0.1, 0.2, 0.7, 0.5]."), "[0.1,0.2,0.7,0.5]"), 1, true, ""},
		{"first of two boxes", iou(r("[0.1, 0.2, 0.7, 0.5] or [0, 0, 1, 1]"), "[0.1, 0.2, 0.7, 0.5]"), 1, true, ""},
		{"full-width", iou(r("［０．１，０．２，０．７，０．５］"), "[0.1, 0.2, 0.7, 0.5]"), 1, true, ""},
		{"unicode minus pixels", iou(r("[−10, −10, 10, 10]"), "[-10, -10, 10, 10]"), 1, true, ""},
		{"exponent notation", iou(r("[1e-1, 2e-1, 7e-1, 5e-1]"), "[0.1, 0.2, 0.7, 0.5]"), 1, true, ""},
		{"leading-dot decimals", iou(r("[.1, .2, .7, .5]"), "[0.1, 0.2, 0.7, 0.5]"), 1, true, ""},
		{"boxed", iou(r(`\boxed{[0.1, 0.2, 0.7, 0.5]}`), "[0.1, 0.2, 0.7, 0.5]"), 1, true, ""},
		{"swapped corners", iou(r("[0.7, 0.5, 0.1, 0.2]"), "[0.1, 0.2, 0.7, 0.5]"), 0, true, ""},
		{"negative width", iou(r("[0.5, 0.2, 0.4, 0.5]"), "[0.1, 0.2, 0.7, 0.5]"), 0, true, ""},
		{"zero width", iou(r("[0.3, 0.2, 0.3, 0.5]"), "[0.1, 0.2, 0.7, 0.5]"), 0, true, ""},
		{"point", iou(r("[0.3, 0.3, 0.3, 0.3]"), "[0.1, 0.2, 0.7, 0.5]"), 0, true, ""},
		{"NaN coordinate", iou(r("[NaN, 0.2, 0.7, 0.5]"), "[0.1, 0.2, 0.7, 0.5]"), 0, true, ""},
		{"infinite coordinate", iou(r("[0, 0, 1e999, 1e999]"), "[0, 0, 10, 10]"), 0, true, ""},
		{"huge coordinates", iou(r("[0, 0, 1e300, 1e300]"), "[0, 0, 1e300, 1e300]"), 1, true, ""},
		{"three numbers", iou(r("[0.1, 0.2, 0.7]"), "[0.1, 0.2, 0.7, 0.5]"), 0, true, ""},
		{"five numbers", iou(r("0.1 0.2 0.7 0.5 0.9"), "[0.1, 0.2, 0.7, 0.5]"), 0, true, ""},
		{"no numbers", iou(r("the left elephant"), "[0.1, 0.2, 0.7, 0.5]"), 0, true, ""},
		{"nested braces", iou(r("{{{[0.1, 0.2, 0.7, 0.5]}}}"), "[0.1, 0.2, 0.7, 0.5]"), 1, true, ""},
		{"unclosed bracket", iou(r("[0.1, 0.2, 0.7, 0.5"), "[0.1, 0.2, 0.7, 0.5]"), 1, true, ""},
		{"pixel answer, size known", sized(r("[64, 96, 448, 240]"), "[0.1, 0.2, 0.7, 0.5]", 640, 480), 1, true, ""},
		{"normalised answer, pixel label, size known", sized(r("[0.1, 0.2, 0.7, 0.5]"), "[64, 96, 448, 240]", 640, 480), 1, true, ""},
		{"pixel answer, size unknown", iou(r("[64, 96, 448, 240]"), "[0.1, 0.2, 0.7, 0.5]"), 0, true, ""},
		{"label degenerate", iou(r("[0.1, 0.2, 0.7, 0.5]"), "[0.7, 0.2, 0.1, 0.5]"), 0, false, "degenerate"},
		{"label not a box", iou(r("[0.1, 0.2, 0.7, 0.5]"), "elephant"), 0, false, "no box"},
		{"label infinite", iou(r("[0.1, 0.2, 0.7, 0.5]"), "[0, 0, 1e999, 1]"), 0, false, "degenerate"},
	})
}

func TestComputeBadSample(t *testing.T) {
	runCompute(t, []computeCase{
		{"unknown verifier", Sample{Response: r("3"), Label: "3", VerifierType: "count"}, 0, false, "unknown verifier_type"},
		{"empty verifier", Sample{Response: r("3"), Label: "3"}, 0, false, "unknown verifier_type"},
		{"non-canonical case", Sample{Response: r("3"), Label: "3", VerifierType: "DIGIT"}, 0, false, "unknown verifier_type"},
		{"open-ended needs Mixed", Sample{Response: r("x"), Label: "x", VerifierType: OpenEnded}, 0, false, "reward model"},
	})
}

func TestComputeCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Compute(ctx, digit(r("3"), "3")); err == nil {
		t.Fatal("Compute with a cancelled context: want an error")
	}
}

func TestParseVerifierType(t *testing.T) {
	for _, c := range []struct {
		in   string
		want VerifierType
		ok   bool
	}{
		{"digit", Digit, true}, {"mcq", MCQ, true}, {"math", Math, true}, {"iou", IoU, true},
		{"open_ended", OpenEnded, true}, {" MCQ ", MCQ, true}, {"IoU", IoU, true},
		{"", "", false}, {"open-ended", "", false}, {"choice", "", false},
	} {
		got, err := ParseVerifierType(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParseVerifierType(%q) = %q, %v; want %q, ok=%v", c.in, got, err, c.want, c.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "open_ended") {
			t.Errorf("error %q does not list the known types", err)
		}
	}
}
