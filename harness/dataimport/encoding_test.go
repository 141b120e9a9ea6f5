package dataimport

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOfficialFileEncodings (issue 11 item 11): official JSON files with a
// UTF-8 BOM import as without one; a UTF-16 file is refused naming it.
func TestOfficialFileEncodings(t *testing.T) {
	for _, c := range []struct{ bench, file string }{
		{"mathvista", "testmini.json"}, {"mathvision", "test.jsonl"}, {"logicvista", "dataset.json"},
		{"wemath", "testmini.json"}, {"dynamath", "variant1.json"}, {"mathverse", "testmini_text_only.json"},
	} {
		t.Run(c.bench, func(t *testing.T) {
			src := fixture(t, c.bench)
			file := filepath.Join(src, c.file)
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(file, append([]byte("\xEF\xBB\xBF"), b...), 0o644)
			if _, err := Import(context.Background(), Options{Benchmark: c.bench, Src: src, Dst: t.TempDir(), AllowPartial: true}); err != nil {
				t.Errorf("with a BOM: %v", err)
			}
			u16 := []byte{0xFF, 0xFE}
			for _, r := range string(b[:min(len(b), 200)]) {
				u16 = append(u16, byte(r), 0)
			}
			os.WriteFile(file, u16, 0o644)
			_, err = Import(context.Background(), Options{Benchmark: c.bench, Src: src, Dst: t.TempDir(), AllowPartial: true})
			if err == nil || !strings.Contains(err.Error(), c.file+": the file is UTF-16 text") {
				t.Errorf("UTF-16: %v", err)
			}
		})
	}
}
