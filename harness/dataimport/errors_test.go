package dataimport

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vlmlab/harness/benchmarks/bench"
	"github.com/vlmlab/harness/plugins/sdk"
)

// fixture copies testdata/official/<bench> into a temporary folder the test
// may change, and returns it.
func fixture(t *testing.T, bench string) string {
	t.Helper()
	src := filepath.Join("testdata", "official", bench)
	dst := filepath.Join(t.TempDir(), bench)
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// entries lists a folder's names (none when it does not exist).
func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

// TestMalformedJSON: a syntax error in an official file is reported with the
// file and the line, for every benchmark, and nothing is written.
func TestMalformedJSON(t *testing.T) {
	cases := []struct {
		bench, file, content string
	}{
		{"mathvista", "testmini.json", "{\n  \"1\": {\n    \"question\": ,\n  }\n}\n"},
		{"mathvision", "test.jsonl", "{\"id\": \"1\", \"question\": \"q\", \"options\": [], \"answer\": \"1\", \"level\": 1, \"subject\": \"s\", \"image\": \"images/1.jpg\"}\n{\"id\": \"2\",\n{\"id\": \"3\"}\n"},
		{"mathverse", "testmini_text_only.json", "[\n  {\n    \"sample_index\": \"1\",\n    \"problem_index\": \"1\" \"problem_version\": \"Text Only\"\n  }\n]\n"},
		{"dynamath", "variant2.json", "{\n  \"1\": {\n    \"question\": \"q\",,\n  }\n}\n"},
		{"wemath", "testmini.json", "[\n  {\n    \"ID\": \"2steps_1\",\n    \"key\": }\n]\n"},
		{"logicvista", "dataset.json", "{\n  \"v1_0\": {\n    \"imagename\": \"v1_0.png\"\n    \"question\": \"q\"\n  }\n}\n"},
	}
	wantLine := map[string]string{"mathvista": "line 3", "mathvision": "line 2", "mathverse": "line 4", "dynamath": "line 3", "wemath": "line 4", "logicvista": "line 4"}
	for _, c := range cases {
		t.Run(c.bench, func(t *testing.T) {
			src := fixture(t, c.bench)
			file := filepath.Join(src, c.file)
			if err := os.WriteFile(file, []byte(c.content), 0o644); err != nil {
				t.Fatal(err)
			}
			dst := t.TempDir()
			_, err := Import(context.Background(), Options{Benchmark: c.bench, Src: src, Dst: dst, AllowPartial: true})
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), c.file) || !strings.Contains(err.Error(), wantLine[c.bench]) {
				t.Errorf("error %q should name %s and %s", err, c.file, wantLine[c.bench])
			}
			if names := entries(t, dst); len(names) != 0 {
				t.Errorf("destination holds %v after a failed import", names)
			}
		})
	}
}

func TestBadInputs(t *testing.T) {
	cases := []struct {
		name string
		// setup prepares the options from a fresh copy of the MathVista
		// fixture (src) and an empty destination.
		setup   func(t *testing.T, o *Options)
		wantErr string
	}{
		{"unknown benchmark", func(t *testing.T, o *Options) { o.Benchmark = "mmmu" }, `unknown benchmark "mmmu"`},
		{"missing source", func(t *testing.T, o *Options) { o.Src = filepath.Join(o.Src, "nope") }, "no such file"},
		{"source without official files", func(t *testing.T, o *Options) { o.Src = t.TempDir() }, "holds none of the official files testmini.json"},
		{"missing query.json", func(t *testing.T, o *Options) { os.Remove(filepath.Join(o.Src, "query.json")) }, "query.json"},
		{"TSV as source", func(t *testing.T, o *Options) {
			o.Src = filepath.Join("testdata", "golden", "MathVista_MINI.tsv")
		}, "already a VLMEvalKit TSV"},
		{"missing images folder", func(t *testing.T, o *Options) { o.Images = filepath.Join(o.Src, "nope") }, "images folder"},
		{"partial source without AllowPartial", func(t *testing.T, o *Options) { o.AllowPartial = false }, "has 2 items, the benchmark has 1000"},
		{"no image at all, even allowed", func(t *testing.T, o *Options) {
			os.RemoveAll(filepath.Join(o.Src, "images"))
			o.AllowMissingImages = true
		}, "none of the 2 items has its image file"},
		{"destination exists", func(t *testing.T, o *Options) {
			os.WriteFile(filepath.Join(o.Dst, "MathVista_MINI.tsv"), []byte("keep me"), 0o644)
		}, "already exists"},
		{"real data into a synthetic folder", func(t *testing.T, o *Options) {
			os.WriteFile(filepath.Join(o.Dst, bench.SyntheticManifest), []byte(`{"synthetic": true}`), 0o644)
		}, "holds a synthetic suite"},
		{"synthetic suite into a real data folder", func(t *testing.T, o *Options) {
			os.WriteFile(filepath.Join(o.Src, bench.SyntheticManifest), []byte(`{"synthetic": true}`), 0o644)
			os.WriteFile(filepath.Join(o.Dst, "LogicVista.tsv"), []byte("index\n"), 0o644)
		}, "already holds real data (LogicVista.tsv)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := Options{Benchmark: "mathvista", Src: fixture(t, "mathvista"), Dst: t.TempDir(), AllowPartial: true}
			c.setup(t, &o)
			before := entries(t, o.Dst)
			_, err := Import(context.Background(), o)
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Fatalf("error %v, want one saying %q", err, c.wantErr)
			}
			if after := entries(t, o.Dst); strings.Join(after, ",") != strings.Join(before, ",") {
				t.Errorf("destination changed from %v to %v", before, after)
			}
			if b, err := os.ReadFile(filepath.Join(o.Dst, "MathVista_MINI.tsv")); err == nil && string(b) != "keep me" {
				t.Errorf("an existing file was changed")
			}
		})
	}
}

func TestMissingImage(t *testing.T) {
	src := fixture(t, "mathvista")
	os.Remove(filepath.Join(src, "images", "2.png"))
	dst := t.TempDir()
	_, err := Import(context.Background(), Options{Benchmark: "mathvista", Src: src, Dst: dst, AllowPartial: true})
	var missing *MissingImagesError
	if !errors.As(err, &missing) {
		t.Fatalf("error %v, want a *MissingImagesError", err)
	}
	want := filepath.Join(src, "images", "2.png")
	if len(missing.Missing) != 1 || missing.Missing[0] != (MissingImage{ID: "2", Path: want}) || missing.Total != 2 {
		t.Errorf("missing %+v of %d, want item 2 at %s of 2", missing.Missing, missing.Total, want)
	}
	if msg := err.Error(); !strings.Contains(msg, "item 2: "+want) {
		t.Errorf("message %q should name the item and the file", msg)
	}
	if names := entries(t, dst); len(names) != 0 {
		t.Errorf("destination holds %v", names)
	}

	// Allowed: the item is left out and counted; the file is partial.
	res, err := Import(context.Background(), Options{Benchmark: "mathvista", Src: src, Dst: dst, AllowPartial: true, AllowMissingImages: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 1 || res.MissingImages != 1 || res.Skipped[0].ID != "2" || !res.Partial() {
		t.Errorf("result %+v, want 1 row and item 2 skipped", res)
	}
	ds := load(t, "mathvista", res.Path, true)
	if items := ds.Items(); len(items) != 1 || items[0].ID != "1" {
		t.Errorf("TSV holds %d items, want only item 1", len(items))
	}
}

// TestImagesFolder: images kept apart from the annotations are found by
// their path relative to the source folder.
func TestImagesFolder(t *testing.T) {
	src := fixture(t, "logicvista")
	images := t.TempDir()
	if err := os.Rename(filepath.Join(src, "images"), filepath.Join(images, "images")); err != nil {
		t.Fatal(err)
	}
	res, err := Import(context.Background(), Options{Benchmark: "LogicVista", Src: filepath.Join(src, "dataset.json"), Dst: t.TempDir(), Images: images, AllowPartial: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 3 || res.Benchmark != "logicvista" {
		t.Errorf("result %+v", res)
	}
}

func TestOverwrite(t *testing.T) {
	src, dst := fixture(t, "mathvision"), t.TempDir()
	old := filepath.Join(dst, "MathVision.tsv")
	os.WriteFile(old, []byte("an older file"), 0o644)
	res, err := Import(context.Background(), Options{Benchmark: "mathvision", Src: src, Dst: dst, AllowPartial: true, Overwrite: true})
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(old); res.Path != old || !strings.HasPrefix(string(b), "index\timage\t") {
		t.Errorf("%s was not replaced: %q", old, b)
	}
	if names := entries(t, dst); len(names) != 2 || names[1] != "MathVision.tsv.import.json" {
		t.Errorf("destination holds %v, want the TSV and its import marker only", names)
	}
}

// TestCancel: a cancelled import leaves nothing behind, not even the
// temporary file, and an existing file is kept.
func TestCancel(t *testing.T) {
	src, dst := fixture(t, "dynamath"), t.TempDir()
	old := filepath.Join(dst, "DynaMath.tsv")
	os.WriteFile(old, []byte("an older file"), 0o644)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := Import(ctx, Options{Benchmark: "dynamath", Src: src, Dst: dst, AllowPartial: true, Overwrite: true,
		Progress: func(done, total int) {
			if done == 1 {
				cancel()
			}
		}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	if names := entries(t, dst); len(names) != 1 {
		t.Errorf("destination holds %v, want only the older file", names)
	}
	if b, _ := os.ReadFile(old); string(b) != "an older file" {
		t.Errorf("the older file was changed: %q", b)
	}
}

// TestSynthetic: a synthetic suite stays marked after the import, so reports
// on the TSV still say synthetic.
func TestSynthetic(t *testing.T) {
	src, dst := fixture(t, "wemath"), t.TempDir()
	manifest := []byte(`{"synthetic": true, "note": "toy world"}`)
	os.WriteFile(filepath.Join(src, bench.SyntheticManifest), manifest, 0o644)
	res, err := Import(context.Background(), Options{Benchmark: "wemath", Src: src, Dst: dst, AllowPartial: true})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Synthetic {
		t.Error("result not marked synthetic")
	}
	if b, _ := os.ReadFile(filepath.Join(dst, bench.SyntheticManifest)); string(b) != string(manifest) {
		t.Errorf("manifest not copied: %q", b)
	}
	ds, err := loaders["wemath"](context.Background(), sdk.LoadRequest{Path: res.Path, AllowPartial: true})
	if err != nil {
		t.Fatal(err)
	}
	if !ds.Info().Synthetic {
		t.Error("the imported TSV does not load as synthetic")
	}
}
