package datafetch

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLocate(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "MathVista_MINI.tsv"), []byte("index\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "logicvista"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		bench, want, err string
	}{
		{bench: "mathvista", want: "MathVista_MINI.tsv"},
		{bench: "MathVista_MINI", want: "MathVista_MINI.tsv"},
		{bench: "logicvista", want: "logicvista"},
		{bench: "wemath", err: "benchmark wemath: no data in " + dir + ": expected WeMath.tsv (`harness data fetch wemath --dir " + dir + "`)"},
		{bench: "mmmu", err: `unknown benchmark "mmmu"`},
	} {
		got, err := Locate(dir, tc.bench)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("Locate(%s) error = %v, want it to contain %q", tc.bench, err, tc.err)
			}
			continue
		}
		if err != nil || got != filepath.Join(dir, tc.want) {
			t.Errorf("Locate(%s) = %q, %v; want %q", tc.bench, got, err, tc.want)
		}
	}
}
