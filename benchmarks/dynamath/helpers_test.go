package dynamath

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// record is one entry of a variant file.
type record struct {
	Question   string `json:"question"`
	Answer     string `json:"answer"`
	Image      string `json:"image"`
	AnswerType string `json:"answer_type"`
	Subject    string `json:"subject"`
	Level      string `json:"level"`
}

// seedSpec describes a synthetic seed: its answer in variant k is answer(k).
type seedSpec struct {
	qid        int
	answerType string
	subject    string
	level      string
	answer     func(varid int) string
}

// writeVariants writes variant1.json … variantN.json of the given seeds into
// a new directory and returns it.
func writeVariants(t *testing.T, seeds []seedSpec, variants int) string {
	t.Helper()
	dir := t.TempDir()
	for k := 1; k <= variants; k++ {
		var b []byte
		b = append(b, "{\n"...)
		for i, s := range seeds {
			rec, err := json.MarshalIndent(record{
				Question:   fmt.Sprintf("Question %d, variant %d?", s.qid, k),
				Answer:     s.answer(k),
				Image:      fmt.Sprintf("image/image%d.png", s.qid),
				AnswerType: s.answerType,
				Subject:    s.subject,
				Level:      s.level,
			}, "    ", "    ")
			if err != nil {
				t.Fatal(err)
			}
			b = append(b, fmt.Sprintf("    %q: %s", fmt.Sprint(s.qid), rec)...)
			if i < len(seeds)-1 {
				b = append(b, ',')
			}
			b = append(b, '\n')
		}
		b = append(b, "}\n"...)
		writeFile(t, filepath.Join(dir, fmt.Sprintf("variant%d.json", k)), string(b))
	}
	return dir
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func constant(s string) func(int) string { return func(int) string { return s } }
