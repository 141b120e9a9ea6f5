package bench

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLocalFilesDoNotLeak (issue 11 item 1): an image path in a data file
// must name a file inside the data folder. "..", absolute paths and symbolic
// links that leave the folder are refused with a message saying why;
// ordinary names, and links that stay inside, are accepted.
func TestLocalFilesDoNotLeak(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "data")
	outside := filepath.Join(root, "secret.txt")
	for _, d := range []string{filepath.Join(dir, "images")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{outside, filepath.Join(dir, "images", "1.png")} {
		if err := os.WriteFile(f, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(outside, filepath.Join(dir, "images", "leak.png")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(root, filepath.Join(dir, "up")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("1.png", filepath.Join(dir, "images", "alias.png")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		rel, wantErr string
	}{
		{"images/1.png", ""},
		{"images/./1.png", ""},
		{"images/../images/1.png", ""},
		{"images/alias.png", ""},   // a link that stays inside
		{"images/missing.png", ""}, // reported when read, not here
		{"../secret.txt", "leaves the data folder"},
		{"../../../secret.txt", "leaves the data folder"},
		{"images/../../secret.txt", "leaves the data folder"},
		{outside, "is absolute"},
		{"/etc/passwd", "is absolute"},
		{"images/leak.png", "symbolic link"},
		{"up/secret.txt", "symbolic link"},
		{"", "empty"},
	}
	for _, tt := range tests {
		part, err := ImageFile(dir, tt.rel)
		if tt.wantErr == "" {
			if err != nil {
				t.Errorf("%q: %v", tt.rel, err)
			} else if part.Image == nil || part.Image.Path != filepath.Join(dir, tt.rel) {
				t.Errorf("%q: part %+v", tt.rel, part.Image)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%q: error %v, want one saying %q", tt.rel, err, tt.wantErr)
		}
	}
}
