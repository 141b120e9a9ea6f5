package dynamath

import (
	"math"
	"testing"
)

func TestPreprocess(t *testing.T) {
	for _, c := range []struct{ in, lb, off string }{
		{`x {"a": 1} y`, `{"a": 1}`, `{"a": 1}`},
		{`{"a": "\\frac{1}{2}"}`, `{"a": "frac{1}{2}"}`, `{"a": "frac{1}{2}"}`},
		{`no braces \pi`, `no braces pi`, `no braces \pi`}, // official removes backslashes only after a cut
		{`} reversed {`, `} reversed {`, `} reversed {`},
		{`{`, `{`, `{`},
		{``, ``, ``},
		{`{"a": {"b": 1}} tail }`, `{"a": {"b": 1}} tail }`, `{"a": {"b": 1}} tail }`},
	} {
		if got := Preprocess(c.in); got != c.lb {
			t.Errorf("Preprocess(%q) = %q, want %q", c.in, got, c.lb)
		}
		if got := preprocessOfficial(c.in); got != c.off {
			t.Errorf("preprocessOfficial(%q) = %q, want %q", c.in, got, c.off)
		}
	}
}

func TestLooseJSON(t *testing.T) {
	for _, c := range []struct {
		in     string
		ok     bool
		short  any
		hasKey bool
	}{
		{`{"solution": "s", "short answer": "3.14"}`, true, "3.14", true},
		{"{\"solution\": \"line one\nline two\", \"short answer\": \"B\"}", true, "B", true}, // raw newline: strict=False
		{"{\"short answer\": \"a\tb\"}", true, "a\tb", true},
		{`{"solution": NaN, "short answer": "7"}`, true, "7", true},
		{`{"short answer": Infinity}`, true, nil, false},
		{`{"short answer": 3.5}`, true, nil, true},
		{`{"short answer": null}`, true, nil, false},
		{`{"solution": "no key"}`, true, nil, false},
		{`["short answer"]`, true, nil, false},
		{`{"short answer": "1"} extra`, false, nil, false},
		{`{"short answer": "1",}`, false, nil, false},
		{`{'short answer': '1'}`, false, nil, false},
		{`{"short answer": "x", "short answer": "y"}`, true, "y", true}, // last key wins, as in Python
		{``, false, nil, false},
	} {
		v, ok := looseJSON(c.in)
		if ok != c.ok {
			t.Errorf("looseJSON(%q) ok = %v, want %v", c.in, ok, c.ok)
			continue
		}
		sa, has := shortAnswer(v)
		if has != c.hasKey {
			t.Errorf("shortAnswer(%q) has = %v, want %v", c.in, has, c.hasKey)
		}
		if s, isString := c.short.(string); isString && sa != s {
			t.Errorf("shortAnswer(%q) = %v, want %q", c.in, sa, s)
		}
	}
}

func TestParseAnswer(t *testing.T) {
	for _, c := range []struct {
		in, typ string
		ok      bool
		text    string
		num     float64
	}{
		{"3", TypeFloat, true, "3", 3},
		{"3.142", TypeFloat, true, "3.142", 3.142},
		{"2π", TypeFloat, true, "6.283185307179586", 2 * math.Pi},
		{"0.5π rad", TypeFloat, true, "1.5707963267948966", math.Pi / 2},
		{"3π/2", TypeFloat, true, "9.42477796076938", 3 * math.Pi}, // upstream reads up to the first π only
		{"π", TypeFloat, false, "", 0},
		{"12.5 cm", TypeFloat, true, "12.5", 12.5},
		{" 12.5", TypeFloat, false, "", 0}, // split(' ')[0] is ""
		{"12.5\n", TypeFloat, true, "12.5", 12.5},
		{"1_000", TypeFloat, true, "1000", 1000},
		{"1e3", TypeFloat, true, "1000", 1000},
		{"-0.25", TypeFloat, true, "-0.25", -0.25},
		{"x = 3", TypeFloat, false, "", 0},
		{"0x10", TypeFloat, false, "", 0},
		{"", TypeFloat, false, "", 0},
		{"b", TypeChoice, true, "B", 0},
		{"1", TypeChoice, true, "1", 0},
		{"(C)", TypeChoice, true, "C", 0},
		{"Option D", TypeChoice, true, "D", 0},
		{"The answer is B", TypeChoice, false, "", 0}, // A, E and B all occur
		{"F.", TypeChoice, false, "", 0},              // only ABCDE are searched
		{"", TypeChoice, false, "", 0},
		{"Sep", TypeText, true, "Sep", 0},
		{"", TypeText, true, "", 0},
	} {
		got, ok := parseAnswer(c.in, c.typ)
		if ok != c.ok || ok && (got.Text != c.text || math.Abs(got.Num-c.num) > 1e-12) {
			t.Errorf("parseAnswer(%q, %s) = %+v, %v; want %q %v, %v", c.in, c.typ, got, ok, c.text, c.num, c.ok)
		}
	}
}

func TestLeaderboardRules(t *testing.T) {
	float := &Problem{AnswerType: TypeFloat, Answer: "6.2832", gold: 6.2832}
	choice := &Problem{AnswerType: TypeChoice, Answer: "B"}
	text := &Problem{AnswerType: TypeText, Answer: "(0, 6)"}
	for _, c := range []struct {
		name string
		p    *Problem
		resp string
		ok   bool // rules found a short answer
		hit  bool
	}{
		{"json float", float, `{"solution": "...", "short answer": "6.283"}`, true, true},
		{"json float off by more than 0.001", float, `{"short answer": "6.285"}`, true, false},
		{"json float pi", float, `{"short answer": "2π"}`, true, true},
		{"latex pi loses its backslash and needs the judge", float, `{"short answer": "2\pi"}`, false, false},
		{"json number value goes to fallback", float, `{"short answer": 6.2832}`, false, false},
		{"json float in code fence", float, "```json\n{\"solution\": \"x\",\n \"short answer\": \"6.283\"}\n```", true, true},
		{"no json, whole text is a number", float, `6.2832`, true, true},
		{"no json, prose", float, `The period is 6.283`, false, false},
		{"json choice", choice, `{"short answer": "B"}`, true, true},
		{"json choice lower case", choice, `{"short answer": "b"}`, true, true},
		{"json choice wrong", choice, `{"short answer": "C"}`, true, false},
		{"json choice two letters falls back", choice, `{"short answer": "B or C"}`, false, false},
		{"text substring of gold", text, `{"short answer": "0, 6"}`, true, true},
		{"text equal", text, `{"short answer": "(0, 6)"}`, true, true},
		{"text gold inside longer prediction is wrong", text, `{"short answer": "The point is (0, 6)"}`, true, false},
		{"text empty short answer is right (VLMEvalKit quirk)", text, `{"short answer": ""}`, true, true},
		{"text without json: whole response must be in the gold", text, `(0, 6)`, true, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, ans, ok := leaderboardRule(c.resp, c.p.AnswerType)
			if ok != c.ok {
				t.Fatalf("rule ok = %v (answer %+v), want %v", ok, ans, c.ok)
			}
			if ok && leaderboardHit(c.p, ans) != c.hit {
				t.Errorf("hit = %v, want %v (answer %+v)", !c.hit, c.hit, ans)
			}
		})
	}
}

func TestLeaderboardUnparsedHit(t *testing.T) {
	p := &Problem{AnswerType: TypeChoice, Answer: "B"}
	for _, c := range []struct {
		pred string
		hit  bool
	}{
		{"b) because the line rises", true},
		{"(B) is it", true},
		{"The answer is B", false},
		{"", false},
	} {
		if got := leaderboardUnparsedHit(p, c.pred); got != c.hit {
			t.Errorf("leaderboardUnparsedHit(%q) = %v, want %v", c.pred, got, c.hit)
		}
	}
	if leaderboardUnparsedHit(&Problem{AnswerType: TypeFloat, Answer: "1", gold: 1}, "1") {
		t.Error("a float item is never right without a parsed answer")
	}
}

func TestOfficialRules(t *testing.T) {
	float := &Problem{AnswerType: TypeFloat, Answer: "4.75", gold: 4.75}
	choice := &Problem{AnswerType: TypeChoice, Answer: "B"}
	text := &Problem{AnswerType: TypeText, Answer: "Sep"}
	for _, c := range []struct {
		name     string
		p        *Problem
		resp     string
		resolved bool
		hit      bool
		ext      string
	}{
		{"float", float, `{"short answer": "4.750"}`, true, true, "4.750"},
		{"float json number", float, `{"short answer": 4.75}`, true, true, "4.75"},
		{"float wrong", float, `{"short answer": "4.76"}`, true, false, "4.76"},
		{"float words", float, `{"short answer": "about 4.75"}`, false, false, "about 4.75"},
		{"float with unit", float, `{"short answer": "4.75 m"}`, true, true, "4.75 m"},
		{"no json", float, `The mean is 4.75.`, false, false, ""},
		{"no key", float, `{"answer": "4.75"}`, false, false, ""},
		{"choice letter", choice, `{"short answer": "B"}`, true, true, "B"},
		{"choice lower case letter is wrong", choice, `{"short answer": "b"}`, true, false, "b"},
		{"choice in first 3 characters", choice, `{"short answer": "(B) yes"}`, true, true, "(B) yes"},
		{"choice later is wrong", choice, `{"short answer": "The answer is B"}`, true, false, "The answer is B"},
		{"text gold in prediction", text, `{"short answer": "September (Sep)"}`, true, true, "September (Sep)"},
		{"text prediction in gold is wrong", text, `{"short answer": "Se"}`, true, false, "Se"},
		{"text case matters", text, `{"short answer": "sep"}`, true, false, "sep"},
		{"text empty is wrong", text, `{"short answer": ""}`, true, false, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := official(c.p, c.resp)
			if got.Resolved != c.resolved || got.Hit != c.hit || got.Extracted != c.ext {
				t.Errorf("official = %+v, want resolved %v hit %v extracted %q", got, c.resolved, c.hit, c.ext)
			}
		})
	}
}

func TestPyFloat(t *testing.T) {
	for _, c := range []struct {
		in string
		ok bool
		v  float64
	}{
		{"1.5", true, 1.5}, {" 2 ", true, 2}, {"+.5", true, 0.5}, {"5.", true, 5}, {"1e-3", true, 0.001},
		{"1_0", true, 10}, {"1__0", false, 0}, {"_1", false, 0}, {"1e400", true, math.Inf(1)},
		{"-inf", true, math.Inf(-1)}, {"Infinity", true, math.Inf(1)}, {"+-1", false, 0}, {"--inf", false, 0},
		{"", false, 0}, {".", false, 0}, {"1,5", false, 0}, {"0x1p3", false, 0},
	} {
		v, ok := pyFloat(c.in)
		if ok != c.ok || ok && v != c.v {
			t.Errorf("pyFloat(%q) = %v, %v; want %v, %v", c.in, v, ok, c.v, c.ok)
		}
	}
	if v, ok := pyFloat("nan"); !ok || !math.IsNaN(v) {
		t.Errorf("pyFloat(nan) = %v, %v", v, ok)
	}
}
