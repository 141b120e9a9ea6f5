package answer

import (
	"bufio"
	"encoding/json"
	"os"
	"testing"

	"github.com/vlmlab/harness/internal/testenv"
)

// TestMathVRuleGoldens recomputes MATH-V's official model_answer from the raw
// response of every item of four official output files (4 × 3,040 rows).
func TestMathVRuleGoldens(t *testing.T) {
	for _, model := range []string{"gemini-pro-cot", "gpt4-cot-text-only", "llava-v1.5-7b", "random-chance"} {
		t.Run(model, func(t *testing.T) {
			path := testenv.SharedPath(t, "goldens", "mathvision", model, "output.jsonl")
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			sc := bufio.NewScanner(f)
			sc.Buffer(make([]byte, 1<<20), 16<<20)
			rows, bad := 0, 0
			for line := 1; sc.Scan(); line++ {
				var row struct {
					ID          string `json:"id"`
					Response    string `json:"response"`
					ModelAnswer string `json:"model_answer"`
				}
				if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
					t.Fatalf("%s:%d: %v", path, line, err)
				}
				rows++
				if got := MathVRule(row.Response); got != row.ModelAnswer {
					bad++
					if bad <= 10 {
						t.Errorf("%s:%d id %s: MathVRule = %q, official %q\nresponse: %q", path, line, row.ID, got, row.ModelAnswer, row.Response)
					}
				}
			}
			if err := sc.Err(); err != nil {
				t.Fatal(err)
			}
			if rows != 3040 {
				t.Errorf("%s: %d rows, want 3040", path, rows)
			}
			if bad > 0 {
				t.Errorf("%d of %d official extractions differ", bad, rows)
			}
		})
	}
}
