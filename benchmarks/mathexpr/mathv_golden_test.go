package mathexpr

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"testing"

	"github.com/vlmlab/harness/benchmarks/answer"
	"github.com/vlmlab/harness/internal/testenv"
)

// TestMathVOfficialGoldens re-scores four official MATH-V output files from
// the raw responses: answer.MathVRule extracts, MathVOfficial compares with
// the gold answer and with the gold option's text, as evaluate.py does. The
// per-item verdicts must match the official "correct" field except for two
// known items where latex2sympy reads a prefix of a garbled answer.
func TestMathVOfficialGoldens(t *testing.T) {
	type gold struct {
		Answer  string   `json:"answer"`
		Options []string `json:"options"`
	}
	golds := map[string]gold{}
	readJSONL(t, testenv.SharedPath(t, "data", "mathvision", "test.jsonl"), func(line []byte) error {
		var g struct {
			ID string `json:"id"`
			gold
		}
		err := json.Unmarshal(line, &g)
		golds[g.ID] = g.gold
		return err
	})
	knownDiff := map[string]bool{
		"gpt4-cot-text-only/197":  true, // "2\sqrt{3}}.so,theansweris\fbox{a": latex2sympy reads 2√3
		"gpt4-cot-text-only/1577": true, // "5.so,evenwithout…": latex2sympy reads 5
	}
	var diffs []string
	for _, model := range []string{"gemini-pro-cot", "gpt4-cot-text-only", "llava-v1.5-7b", "random-chance"} {
		dir := testenv.SharedPath(t, "goldens", "mathvision", model)
		hits, rows := 0, 0
		readJSONL(t, dir+"/output.jsonl", func(line []byte) error {
			var r struct {
				ID       string `json:"id"`
				Response string `json:"response"`
				Correct  bool   `json:"correct"`
			}
			if err := json.Unmarshal(line, &r); err != nil {
				return err
			}
			g, ok := golds[r.ID]
			if !ok {
				return fmt.Errorf("id %s not in test.jsonl", r.ID)
			}
			optionText := ""
			if len(g.Options) > 0 && len(g.Answer) == 1 && int(g.Answer[0]-'A') < len(g.Options) {
				optionText = g.Options[g.Answer[0]-'A']
			}
			extracted := answer.MathVRule(r.Response)
			byLetter, _ := Equal(g.Answer, extracted, MathVOfficial())
			byText, _ := Equal(optionText, extracted, MathVOfficial())
			correct := byLetter || byText
			rows++
			if correct {
				hits++
			}
			if key := model + "/" + r.ID; correct != r.Correct && !knownDiff[key] {
				diffs = append(diffs, fmt.Sprintf("%s: gold %q / %q, extracted %q: ours %v, official %v",
					key, g.Answer, optionText, extracted, correct, r.Correct))
			}
			return nil
		})
		official := officialAll(t, dir+"/result.json")
		t.Logf("%s: %d/%d correct, official %d/%d", model, hits, rows, official, rows)
		if d := hits - official; d < -2 || d > 2 {
			t.Errorf("%s: %d correct, official %d", model, hits, official)
		}
	}
	sort.Strings(diffs)
	for _, d := range diffs {
		t.Error(d)
	}
}

func readJSONL(t *testing.T, path string, each func([]byte) error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for line := 1; sc.Scan(); line++ {
		if err := each(sc.Bytes()); err != nil {
			t.Fatalf("%s:%d: %v", path, line, err)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// officialAll reads the numerator of "-all": "436/3040=14.34%".
func officialAll(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var res map[string]string
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	m := regexp.MustCompile(`^(\d+)/\d+=`).FindStringSubmatch(res["-all"])
	if m == nil {
		t.Fatalf("%s: -all is %q, want N/M=P%%", path, res["-all"])
	}
	n, _ := strconv.Atoi(m[1])
	return n
}
