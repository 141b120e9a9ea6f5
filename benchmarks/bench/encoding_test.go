package bench

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTSVEncodings (issue 11 item 11): a TSV with a UTF-8 BOM reads like one
// without (its first column is "index", not "\ufeffindex"); a Latin-1 byte
// is refused at its line and column; a UTF-16 TSV is refused by name.
func TestTSVEncodings(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	bom := write("bom.tsv", "\xEF\xBB\xBFindex\tquestion\n1\tHow many?\n")
	rows, err := ReadTSV(bom, "index", "question")
	if err != nil || len(rows) != 1 || rows[0].Get("index") != "1" {
		t.Errorf("BOM TSV: %v %v", rows, err)
	}
	latin := write("latin.tsv", "index\tquestion\n1\tok\n2\tcaf\xE9?\n")
	_, err = ReadTSV(latin, "index", "question")
	if err == nil || !strings.Contains(err.Error(), latin+`: line 3: column "question": byte 0xE9 is not UTF-8`) || !strings.Contains(err.Error(), "iconv") {
		t.Errorf("Latin-1 TSV: %v", err)
	}
	utf16 := write("u16.tsv", "\xFF\xFEi\x00n\x00d\x00e\x00x\x00\n\x00")
	_, err = ReadTSV(utf16, "index")
	if err == nil || !strings.Contains(err.Error(), utf16+": the file is UTF-16 text; save it as UTF-8") {
		t.Errorf("UTF-16 TSV: %v", err)
	}
}
