package answer

import (
	"strings"
	"testing"
)

var inspectCases = []struct {
	name     string
	response string
	want     string
	status   Status
}{
	{"think then answer tag", "<think>2+2</think><answer>4</answer>", "4", AnswerTag},
	{"whitespace around", "  <think>x</think>\n\n<answer> 4 </answer>\n", "4", AnswerTag},
	{"answer tag without think", "<answer>B</answer>", "B", AnswerTag},
	{"text after think", "<think>hmm</think> The answer is 7.", "The answer is 7.", AfterThink},
	{"untagged", "  42 ", "42", Untagged},
	{"cut off in think", "<think>let me see, first", "", CutOffInThink},
	{"reopened think cut off", "<think>a</think><think>b", "", CutOffInThink},
	{"two think blocks take the last", "<think>a</think>x<think>b</think><answer>5</answer>", "5", AnswerTag},
	{"answer tag inside think ignored", "<think><answer>1</answer></think><answer>2</answer>", "2", AnswerTag},
	{"answer only inside think", "<think><answer>1</answer></think>", "", Empty},
	{"two answer tags", "<think>x</think><answer>1</answer><answer>2</answer>", "", MultipleAnswers},
	{"answer then open answer", "<answer>1</answer><answer>2", "", MultipleAnswers},
	{"unclosed answer", "<think>x</think><answer>12", "", CutOffInAnswer},
	{"nested answer open", "<answer><answer>3</answer>", "<answer>3", AnswerTag},
	{"empty answer tag", "<think>x</think><answer>  </answer>", "", Empty},
	{"empty response", "", "", Empty},
	{"blank after think", "<think>x</think>\n", "", Empty},
	{"stray close answer removed", "<think>x</think>5</answer>", "5", AfterThink},
	{"closing think only", "reasoning</think>C", "C", AfterThink},
	{"unicode normalised", "<answer>−３</answer>", "-3", AnswerTag},
	{"upper-case tags are text", "<THINK>x</THINK>", "<THINK>x</THINK>", Untagged},
	{"multiline answer", "<think>a</think><answer>line1\nline2</answer>", "line1\nline2", AnswerTag},
}

func TestInspect(t *testing.T) {
	for _, c := range inspectCases {
		t.Run(c.name, func(t *testing.T) {
			got := Inspect(c.response)
			if got.Final != c.want || got.Status != c.status {
				t.Errorf("Inspect(%q) = %q, %v; want %q, %v", c.response, got.Final, got.Status, c.want, c.status)
			}
			final, ok := Split(c.response)
			if final != c.want || ok != c.status.OK() {
				t.Errorf("Split(%q) = %q, %v", c.response, final, ok)
			}
		})
	}
}

var strictCases = []struct {
	name     string
	response string
	want     string // "" means ok=false
}{
	{"canonical", "<think>2+2=4</think><answer>4</answer>", "4"},
	{"spaces between", "<think> r </think>\n <answer> 4 </answer>", "4"},
	{"outer whitespace", "\n<think>r</think><answer>4</answer>\n\n", "4"},
	{"empty reasoning allowed", "<think></think><answer>4</answer>", "4"},
	{"empty answer", "<think>r</think><answer> </answer>", ""},
	{"no think", "<answer>4</answer>", ""},
	{"no answer", "<think>r</think>4", ""},
	{"text before think", "Sure! <think>r</think><answer>4</answer>", ""},
	{"text after answer", "<think>r</think><answer>4</answer> done", ""},
	{"text between", "<think>r</think> so <answer>4</answer>", ""},
	{"two answers", "<think>r</think><answer>4</answer><answer>5</answer>", ""},
	{"nested answer", "<think>r</think><answer><answer>4</answer></answer>", ""},
	{"answer in think", "<think><answer>3</answer></think><answer>4</answer>", ""},
	{"nested think", "<think><think>r</think></think><answer>4</answer>", ""},
	{"two thinks", "<think>a</think><think>b</think><answer>4</answer>", ""},
	{"unclosed think", "<think>r<answer>4</answer>", ""},
	{"unclosed answer", "<think>r</think><answer>4", ""},
	{"think tag in answer", "<think>r</think><answer>4</think></answer>", ""},
	{"swapped order", "<answer>4</answer><think>r</think>", ""},
	{"upper-case tags", "<THINK>r</THINK><ANSWER>4</ANSWER>", ""},
	{"normalised", "<think>r</think><answer>（A）</answer>", "(A)"},
}

func TestSplitStrict(t *testing.T) {
	for _, c := range strictCases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := SplitStrict(c.response)
			if got != c.want || ok != (c.want != "") {
				t.Errorf("SplitStrict(%q) = %q, %v; want %q", c.response, got, ok, c.want)
			}
		})
	}
}

func TestVLAAThinker(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"<think>x</think><answer> B </answer>", "B"},
		{"<answer>1</answer><answer>2</answer>", "<answer>1</answer><answer>2</answer>"},
		{"<think>x</think> 7", "<think>x</think> 7"},
		{"<answer>\n3\n</answer>", "3"},
		{"<answer>open", "<answer>open"},
	} {
		if got := VLAAThinker(c.in); got != c.want {
			t.Errorf("VLAAThinker(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestStatusString(t *testing.T) {
	if CutOffInThink.String() != "cut-off-in-think" || Status(99).String() != "unknown" {
		t.Errorf("Status names: %v %v", CutOffInThink, Status(99))
	}
}

// hostileInputs are adversarial responses of about n bytes: unbalanced and
// repeated tags and boxes that a quadratic scanner would choke on.
func hostileInputs(n int) map[string]string {
	return map[string]string{
		"answer opens":  strings.Repeat("<answer>", n/8),
		"think opens":   strings.Repeat("<think>", n/7),
		"think closes":  "<think>" + strings.Repeat("</think><answer>", n/16),
		"answer blocks": strings.Repeat("<answer>1</answer>", n/18),
		"box opens":     strings.Repeat(`\boxed{`, n/7),
		"letters":       strings.Repeat("A ", n/2),
		"answer is":     strings.Repeat("answer is ", n/10),
		"oxed is":       strings.Repeat("oxed{is ", n/8),
	}
}

// TestHostileInputs checks the outcome on 128 KB adversarial responses; the
// linear-time claim is measured by BenchmarkHostile on 1 MB.
func TestHostileInputs(t *testing.T) {
	in := hostileInputs(128 << 10)
	for name, want := range map[string]Status{
		"answer opens": CutOffInAnswer, "think opens": CutOffInThink, "think closes": CutOffInAnswer,
		"answer blocks": MultipleAnswers, "box opens": Untagged, "letters": Untagged,
	} {
		if got := Inspect(in[name]).Status; got != want {
			t.Errorf("Inspect(%s) status %v, want %v", name, got, want)
		}
	}
	for name, s := range in {
		if _, ok := SplitStrict(s); ok {
			t.Errorf("SplitStrict(%s) found an answer", name)
		}
		if _, ok := LastBoxed(s); ok {
			t.Errorf("LastBoxed(%s) found a box", name)
		}
		// "answer is answer is …" matches the 2026-06 regex through the "a"
		// of the next "answer", as upstream does.
		wantLetter := map[string]string{"answer is": "A"}[name] // "A A A …": first A is not among the last 4 tokens
		if l, _ := CanInfer(s, abcd); l != wantLetter {
			t.Errorf("CanInfer(%s) = %q, want %q", name, l, wantLetter)
		}
		OptionLetter(s)
		MathVRule(s)
		VLAAThinker(s)
	}
}

func BenchmarkHostile(b *testing.B) {
	in := hostileInputs(1 << 20)
	for name, s := range in {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(s)))
			for b.Loop() {
				Inspect(s)
				SplitStrict(s)
				LastBoxed(s)
				CanInfer(s, abcd)
				OptionLetter(s)
				MathVRule(s)
			}
		})
	}
}

func FuzzSplit(f *testing.F) {
	for _, c := range inspectCases {
		f.Add(c.response)
	}
	for _, c := range strictCases {
		f.Add(c.response)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tg := Inspect(s)
		if tg.Status.OK() != (tg.Final != "") {
			t.Fatalf("Inspect(%q) = %+v: ok and final disagree", s, tg)
		}
		if final, ok := SplitStrict(s); ok {
			if hasTag(final) {
				t.Fatalf("SplitStrict(%q) = %q holds a tag", s, final)
			}
			if l, ok2 := Split(s); !ok2 || l != final {
				t.Fatalf("strict answer %q but lenient %q, %v", final, l, ok2)
			}
		}
		VLAAThinker(s)
		LastBoxed(s)
		OptionLetter(s)
		MathVRule(s)
	})
}

// typicalResponse is a ~1 KB GRPO rollout in the trained format.
var typicalResponse = "<think>" + strings.Repeat("The triangle has sides 3, 4 and 5, so it is a right triangle. ", 15) +
	"</think>\n<answer>\\frac{3}{4}</answer>"

// BenchmarkSplitStrict is the format gate of every rule-based GRPO reward;
// with mathexpr.Equal it must stay far below 20 µs per ~1 KB response.
func BenchmarkSplitStrict(b *testing.B) {
	b.SetBytes(int64(len(typicalResponse)))
	for b.Loop() {
		if _, ok := SplitStrict(typicalResponse); !ok {
			b.Fatal("no answer")
		}
	}
}

func BenchmarkInspect(b *testing.B) {
	b.SetBytes(int64(len(typicalResponse)))
	for b.Loop() {
		Inspect(typicalResponse)
	}
}

func BenchmarkCanInfer(b *testing.B) {
	resp := strings.Repeat("The angle is the supplement of the one shown. ", 20) + "So the answer is (B)."
	for b.Loop() {
		CanInfer(resp, abcd)
	}
}
