package evaluate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPredictionsEncodingsAndLongLines (issue 11 item 11): a predictions
// line longer than any scanner buffer (70 MB) is read; a BOM is accepted;
// UTF-16 and Latin-1 files are refused naming the file and line.
func TestPredictionsEncodingsAndLongLines(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	long := strings.Repeat("x", 70<<20)
	p := write("long.jsonl", "\xEF\xBB\xBF"+`{"id": "a", "response": "short"}`+"\n"+`{"id": "b", "response": "`+long+`"}`+"\n")
	rs, err := ReadPredictions(p)
	if err != nil || len(rs) != 2 || rs[0].ItemID != "a" || len(rs[1].Text) != len(long) {
		t.Fatalf("long line: %d responses, %v", len(rs), err)
	}
	p = write("u16.jsonl", "\xFF\xFE{\x00\"\x00")
	if _, err := ReadPredictions(p); err == nil || !strings.Contains(err.Error(), p+": the file is UTF-16 text") {
		t.Errorf("UTF-16: %v", err)
	}
	p = write("latin.jsonl", `{"id": "a", "response": "ok"}`+"\n"+`{"id": "b", "response": "caf`+"\xE9"+`"}`+"\n")
	if _, err := ReadPredictions(p); err == nil || !strings.Contains(err.Error(), p+": line 2: column 29: byte 0xE9 is not UTF-8") {
		t.Errorf("Latin-1: %v", err)
	}
}
