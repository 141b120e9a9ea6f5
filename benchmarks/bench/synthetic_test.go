package bench

import (
	"os"
	"path/filepath"
	"testing"
)

func TestSynthetic(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "testmini.json")
	os.WriteFile(data, []byte("{}"), 0o644)
	if Synthetic(dir) || Synthetic(data) {
		t.Fatal("no manifest: synthetic")
	}
	os.WriteFile(filepath.Join(dir, SyntheticManifest), []byte(`{"synthetic": false}`), 0o644)
	if Synthetic(dir) {
		t.Fatal(`"synthetic": false read as synthetic`)
	}
	os.WriteFile(filepath.Join(dir, SyntheticManifest), []byte(`{"synthetic": true, "benchmark": "mathvista"}`), 0o644)
	if !Synthetic(dir) || !Synthetic(data) {
		t.Fatal("manifest present: not synthetic")
	}
	if Synthetic(filepath.Join(dir, "missing")) {
		t.Fatal("missing path: synthetic")
	}
}
