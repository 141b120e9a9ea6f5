package dataimport

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLocalFilesDoNotLeak (issue 11 item 1): an official record whose image
// names a file outside the data folder ("..", an absolute path, a symbolic
// link out of it) is refused with the file, the item and the field, and
// nothing is written: the secret never lands in a TSV bound for a server.
func TestLocalFilesDoNotLeak(t *testing.T) {
	cases := []struct {
		bench, file, old, field string
	}{
		{"mathvista", "testmini.json", `"image": "images/1.png"`, "field image"},
		{"mathvision", "test.jsonl", `"image": "images/1.jpg"`, "field image"},
		{"dynamath", "variant1.json", `"image": "image/image1.png"`, "field image"},
		{"wemath", "testmini.json", `"image_path": "2steps/image/1-1.png"`, `field "image_path"`},
		{"logicvista", "dataset.json", `"imagename": "v1_0.png"`, "field imagename"},
	}
	for _, c := range cases {
		key := c.old[:strings.Index(c.old, ":")]
		for _, bad := range []struct{ name, value, want string }{
			{"dotdot", "../../../secret.txt", "leaves the data folder"},
			{"absolute", "SECRET", "is absolute"},
			{"symlink", "LINK", "symbolic link"},
		} {
			t.Run(c.bench+"/"+bad.name, func(t *testing.T) {
				src := fixture(t, c.bench)
				secret := filepath.Join(t.TempDir(), "secret.txt")
				if err := os.WriteFile(secret, []byte("password=hunter2"), 0o600); err != nil {
					t.Fatal(err)
				}
				value := bad.value
				switch value {
				case "SECRET":
					value = secret
				case "LINK":
					// A link beside the record's image, pointing out.
					dir := src
					if c.bench == "logicvista" {
						dir = filepath.Join(src, "images")
					} else if c.bench == "dynamath" {
						dir = filepath.Join(src, "variant1")
					}
					if err := os.Symlink(secret, filepath.Join(dir, "link.png")); err != nil {
						t.Fatal(err)
					}
					value = "link.png"
				}
				file := filepath.Join(src, c.file)
				b, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				s := strings.Replace(string(b), c.old, key+`: "`+value+`"`, 1)
				if s == string(b) {
					t.Fatalf("%s has no %s", c.file, c.old)
				}
				if err := os.WriteFile(file, []byte(s), 0o644); err != nil {
					t.Fatal(err)
				}
				dst := t.TempDir()
				_, err = Import(context.Background(), Options{Benchmark: c.bench, Src: src, Dst: dst, AllowPartial: true, AllowMissingImages: true})
				if err == nil {
					t.Fatal("imported a record whose image leaves the data folder")
				}
				for _, want := range []string{c.file, c.field, bad.want} {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("error %q should say %q", err, want)
					}
				}
				if names := entries(t, dst); len(names) != 0 {
					t.Errorf("destination holds %v after a refused import", names)
				}
			})
		}
	}
}
