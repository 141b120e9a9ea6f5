package wemath

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vlmlab/harness/benchmarks/answer"
	"github.com/vlmlab/harness/internal/testenv"
)

func TestParseOptions(t *testing.T) {
	ch := func(pairs ...string) answer.Choices {
		var cs answer.Choices
		for i := 0; i < len(pairs); i += 2 {
			cs = append(cs, answer.Choice{Letter: pairs[i], Text: pairs[i+1]})
		}
		return cs
	}
	// The irregular strings are real testmini.json records.
	for _, c := range []struct {
		name, in string
		want     answer.Choices
	}{
		{"plain", "A. 300, 400;B. 400, 300;C. 3000, 4000;D. 4000, 3000; E. No correct answer",
			ch("A", "300, 400", "B", "400, 300", "C", "3000, 4000", "D", "4000, 3000", "E", "No correct answer")},
		{"semicolons inside options", "A. ①; ③;B. ②; ③;C. ②; ④;D. ①; ④; E. No correct answer",
			ch("A", "①; ③", "B", "②; ③", "C", "②; ④", "D", "①; ④", "E", "No correct answer")},
		{"markers after spaces", "A. 45° B. 60° ;C. 120°; D. No correct answer",
			ch("A", "45°", "B", "60°", "C", "120°", "D", "No correct answer")},
		{"full-width period", "A. ①;B．②;C. ③; D. Cannot be determined; E. No correct answer",
			ch("A", "①", "B", "②", "C", "③", "D", "Cannot be determined", "E", "No correct answer")},
		{"figure labels that look like markers", "A. First head northeast to B, then north to ;C.  ;B. First head northwest to B, then west to ;C.  ;C. First head southeast to B, then west to ;C. ;D. No correct answer",
			ch("A", "First head northeast to B, then north to ;C.", "B", "First head northwest to B, then west to ;C.", "C", "First head southeast to B, then west to ;C.", "D", "No correct answer")},
		{"label ending a sentence", "A. There is an obtuse angle ∠AB;E.; B. There is an obtuse angle ∠AB;C.; C. There is no obtuse angle.; D. It cannot be determined.; E. No correct answer",
			ch("A", "There is an obtuse angle ∠AB;E.", "B", "There is an obtuse angle ∠AB;C.", "C", "There is no obtuse angle.", "D", "It cannot be determined.", "E", "No correct answer")},
		{"skipped letters", "A. Yes, A needs to be rotated 90 degrees clockwise around point ;O.;B. Yes, A needs to be rotated 45 degrees counterclockwise around point ;O.;C. No.; F. No correct answer",
			ch("A", "Yes, A needs to be rotated 90 degrees clockwise around point ;O.", "B", "Yes, A needs to be rotated 45 degrees counterclockwise around point ;O.", "C", "No.", "F", "No correct answer")},
		{"empty segments", "A. Yes, A needs to be translated 5dm to the right;  ; B. Yes, A needs to be translated 5dm to the left;  ; C. No.  ; D. No correct answer",
			ch("A", "Yes, A needs to be translated 5dm to the right", "B", "Yes, A needs to be translated 5dm to the left", "C", "No.", "D", "No correct answer")},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseOptions(c.in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	for _, bad := range []string{"", "300, 400", "A. only one", "B. 1;C. 2"} {
		if _, err := ParseOptions(bad); err == nil || !strings.Contains(err.Error(), "expected at least 2") {
			t.Errorf("ParseOptions(%q): err = %v", bad, err)
		}
	}
}

// Every real option string parses, gives the answer letter an option and
// keeps letters in order.
func TestParseOptionsRealFile(t *testing.T) {
	data, err := os.ReadFile(testenv.SharedPath(t, "data", "wemath", "testmini.json"))
	if err != nil {
		t.Fatal(err)
	}
	var recs []struct{ ID, Key, Option, Answer string }
	if err := json.Unmarshal(data, &recs); err != nil {
		t.Fatal(err)
	}
	sizes := map[int]int{}
	for _, r := range recs {
		cs, err := ParseOptions(r.Option)
		if err != nil {
			t.Fatalf("%s %s: %v", r.ID, r.Key, err)
		}
		sizes[len(cs)]++
		found := false
		for i, c := range cs {
			found = found || c.Letter == r.Answer
			if c.Text == "" || i > 0 && c.Letter <= cs[i-1].Letter {
				t.Errorf("%s %s: options %v", r.ID, r.Key, cs)
			}
		}
		if !found {
			t.Errorf("%s %s: answer %s not among %v", r.ID, r.Key, r.Answer, cs)
		}
	}
	if diff := cmp.Diff(map[int]int{4: 560, 5: 1175, 6: 3, 7: 2}, sizes); diff != "" {
		t.Errorf("option counts (-want +got):\n%s", diff)
	}
}
