package answer

import (
	"strings"
	"testing"
)

var abcd = Lettered([]string{"145°", "35°", "55°", "125°"})

type canInferCase struct {
	name     string
	rev      Revision
	response string
	choices  Choices
	want     string // "" means ok=false
}

// Expected values were cross-checked by running VLMEvalKit's matching_util.py
// (HEAD e8e78f05, and its c3371551 and bc4b28be versions) on the same inputs,
// and CanInferAs agreed with those three versions on 20,000 random responses.
var canInferCases = []canInferCase{
	{"bare letter", Latest, "B", abcd, "B"},
	{"parenthesised letter", Latest, "(C)", abcd, "C"},
	{"letter with period", Latest, "D.", abcd, "D"},
	{"letter after text", Latest, "The answer is A", abcd, "A"},
	{"letter with option text", Latest, "A. 145°", abcd, "A"},
	{"markdown bold", Latest, "**B**", abcd, "B"},
	{"lower-case letter is not a token match", Latest, "b", abcd, ""},
	{"two letters", Latest, "A or B", abcd, ""},
	{"same letter twice", Latest, "B, B", abcd, "B"},
	{"letter inside word", Latest, "Because", abcd, ""},
	{"letter in brackets", Latest, "[C]", abcd, "C"},
	{"letter in braces", Latest, `\boxed{D}`, abcd, "D"}, // tokens: \boxed, D
	{"colon split", Latest, "Answer:C", abcd, "C"},
	{"semicolon hash", Latest, "#A;", abcd, "A"},
	{"letter among last four tokens", Latest, "so we pick option C now", abcd, "C"},
	{"letter too early (2025-08 rule)", Latest, "C is wrong because the angle is obtuse here", abcd, ""},
	{"letter too early but old rule", Rev2024, "C is wrong because the angle is obtuse here", abcd, "C"},
	{"first occurrence decides", Latest, "C one two three four C", abcd, ""},
	{"exactly fifth from end fails", Latest, "x C a b c d", abcd, ""},
	{"fourth from end passes", Latest, "x y C a b c", abcd, "C"},
	{"Z token", Latest, "Z", abcd, "Z"},
	{"Z with letter prefers letter", Latest, "A Z", abcd, "A"},
	{"Z alone in sentence", Latest, "I choose Z", abcd, "Z"},
	{"refusal", Latest, "Cannot determine the answer from the figure.", abcd, "Z"},
	{"refusal beats letter", Latest, "A. Cannot determine the answer", abcd, "Z"},
	{"refusal 2", Latest, "I'm sorry, but without the image provided I cannot say.", abcd, "Z"},
	{"refusal 3", Latest, "Sorry, I can't help with images of people yet.", abcd, "Z"},
	{"refusal 4", Latest, "I can't process this file.", abcd, "Z"},
	{"fail message blocks letter", Latest, "Failed to obtain answer via API. A", abcd, ""},
	{"fail message still matches text", Latest, "Failed to obtain answer via API 35°", Lettered([]string{"145°", "35°", "Failed to obtain answer via API 35° and more text here"}), "B"},
	{"verbose regex", Latest, "The correct answer is **B**. Here is why: the angles of a triangle sum to 180 so it must be that value", abcd, "B"},
	{"verbose regex before 2026-06", Rev20250804, "The correct answer is **B**. Here is why: the angles of a triangle sum to 180 so it must be that value", abcd, ""},
	{"verbose regex lower case", Latest, "the answer is b, since the two lines are parallel and alternate angles match up", abcd, "B"},
	{"verbose regex catches article", Latest, "I think the answer is a triangle with sides of equal length and so on and on", abcd, "A"},
	{"verbose regex letter not an option", Latest, "The answer is D and that is that, no more to say about this one", Lettered([]string{"1", "2", "3"}), ""},
	{"verbose regex only A-D", Latest, "The answer is E because the area is largest in the last picture shown", Lettered([]string{"1", "2", "3", "4", "5"}), ""},
	{"verbose regex with newline whitespace", Latest, "answer\nis\tC and the rest of the response keeps talking for a while longer", abcd, "C"},
	{"verbose regex with no-break space", Latest, "answer\u00a0is C and the rest of the response keeps talking for a while longer", abcd, "C"},
	{"verbose regex Python case folding", Latest, "ANſWER ıS c and the rest of the response keeps talking for a while longer", abcd, "C"},
	{"verbose regex first match wins", Latest, "The answer is A. No wait, the answer is B. Final.", abcd, "A"},
	{"text match", Latest, "35°", abcd, "B"},
	{"text match case-insensitive", Latest, "BLUE", Lettered([]string{"red", "blue", "green"}), "B"},
	{"text match longest only", Latest, "125°", abcd, "D"},
	{"text match ambiguous", Latest, "5°", Lettered([]string{"5°", "45°", "15°"}), "A"},
	{"text match overlapping options", Latest, "45°", Lettered([]string{"5°", "45°", "15°"}), ""},
	{"text match two options", Latest, "red and blue", Lettered([]string{"red", "blue", "green"}), ""},
	{"text substring of longer text", Latest, "145° degrees", abcd, "A"},
	{"text too long (2025-08 guard)", Latest, "it is definitely 35° and nothing else", abcd, ""},
	{"text too long but old rule", Rev2024, "it is definitely 35° and nothing else", abcd, "B"},
	{"text exactly at guard", Latest, strings.Repeat("x", 12) + "35°", Lettered([]string{"35°", "abcd"}), ""},
	{"text one under guard", Latest, strings.Repeat("x", 11) + "35°", Lettered([]string{"35°", "abcd"}), "A"},
	{"empty option text matches anything", Latest, "hello", Lettered([]string{"", "blue"}), "A"},
	{"empty response", Latest, "", abcd, ""},
	{"only punctuation", Latest, ".,;:!", abcd, ""},
	{"no choices", Latest, "A", nil, ""},
	{"no choices Z", Latest, "Z", nil, "Z"},
	{"full-width letter is not folded", Latest, "Ａ", abcd, ""},
	{"unicode whitespace splits tokens", Latest, "answer\u3000C", abcd, "C"},
	{"U+001C splits tokens as in Python", Latest, "x\x1cC", abcd, "C"},
	{"Python lower-casing lengthens İ", Latest, "İs", Lettered([]string{"", "x"}), ""},
	{"letters E-H", Latest, "G", Lettered([]string{"1", "2", "3", "4", "5", "6", "7", "8"}), "G"},
	{"letter not in choices", Latest, "E", abcd, ""},
	{"quote not split", Latest, "'A'", abcd, ""},
	{"angle brackets not split (WeMath template)", Latest, "<Answer>: <<B>>", abcd, ""},
	{"slash not split", Latest, "A/B", abcd, ""},
}

func TestCanInfer(t *testing.T) {
	for _, c := range canInferCases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := CanInferAs(c.rev, c.response, c.choices)
			if ok != (c.want != "") || got != c.want {
				t.Errorf("CanInferAs(%v, %q) = %q, %v; want %q", c.rev, c.response, got, ok, c.want)
			}
		})
	}
}

func TestCanInferLatestIsDefault(t *testing.T) {
	for _, c := range canInferCases {
		if c.rev != Latest {
			continue
		}
		got, ok := CanInfer(c.response, c.choices)
		want, wantOK := CanInferAs(Latest, c.response, c.choices)
		if got != want || ok != wantOK {
			t.Errorf("%s: CanInfer = %q,%v; CanInferAs(Latest) = %q,%v", c.name, got, ok, want, wantOK)
		}
	}
}

func TestChoicesFromMap(t *testing.T) {
	cs, err := FromMap(map[string]string{"B": "two", "A": "one"})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 || cs[0].Letter != "A" || cs[1].Letter != "B" {
		t.Errorf("FromMap sorted = %+v", cs)
	}
	for _, bad := range []map[string]string{{"a": "x"}, {"AB": "x"}, {"": "x"}, {"1": "x"}, {"Ä": "x"}} {
		if _, err := FromMap(bad); err == nil {
			t.Errorf("FromMap(%v): want error", bad)
		}
	}
	if err := (Choices{{"A", "x"}, {"A", "y"}}).Validate(); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("duplicate letter: err = %v", err)
	}
}

func TestLettered(t *testing.T) {
	cs := Lettered(make([]string, 30))
	if len(cs) != 26 || cs[25].Letter != "Z" || cs[2].Letter != "C" {
		t.Errorf("Lettered(30) = %d choices, last %q", len(cs), cs[len(cs)-1].Letter)
	}
	if err := cs.Validate(); err != nil {
		t.Error(err)
	}
}

func FuzzCanInfer(f *testing.F) {
	for _, c := range canInferCases {
		f.Add(c.response, "145°", "35°")
	}
	f.Fuzz(func(t *testing.T, response, a, b string) {
		cs := Choices{{"A", a}, {"B", b}, {"C", "x"}}
		for rev := Rev2024; rev <= Latest; rev++ {
			l, ok := CanInferAs(rev, response, cs)
			if ok && l != "Z" && !cs.has(l) {
				t.Fatalf("CanInferAs(%q) = %q, not an option letter", response, l)
			}
			if !ok && l != "" {
				t.Fatalf("ok=false with letter %q", l)
			}
		}
	})
}
