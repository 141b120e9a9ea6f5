package dataimport

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vlmlab/harness/internal/testenv"
	"github.com/vlmlab/harness/plugins/sdk"
)

// Issue 10 item 10: annotations only. The shared MathVista data has no
// images, yet --no-images writes all 1,000 rows, the evaluator loads them
// with text-only prompts, and stored responses can be re-scored.
func TestImportNoImages(t *testing.T) {
	dst := t.TempDir()
	src := testenv.SharedPath(t, "data", "mathvista")
	if _, err := Import(context.Background(), Options{Benchmark: "mathvista", Src: src, Dst: dst}); err == nil {
		t.Fatal("imported without the images and without NoImages")
	}
	res, err := Import(context.Background(), Options{Benchmark: "mathvista", Src: src, Dst: dst, NoImages: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 1000 || res.MissingImages != 0 || !res.NoImages {
		t.Fatalf("result %+v", res)
	}
	ds := load(t, "mathvista", res.Path, false)
	for _, it := range ds.Items() {
		for _, p := range it.Prompt {
			if p.Image != nil {
				t.Fatalf("item %s has an image", it.ID)
			}
		}
	}
	r, err := ds.Score(context.Background(), []sdk.Response{{ItemID: ds.Items()[0].ID, Text: "x"}}, nil)
	if err != nil || r.Report == nil || r.Report.Dataset.Count != 1000 {
		t.Fatalf("score: %+v %v", r, err)
	}
	var m map[string]any
	b, err := os.ReadFile(filepath.Join(dst, markerName(res.Path)))
	if err == nil {
		err = json.Unmarshal(b, &m)
	}
	if err != nil || m["no_images"] != true {
		t.Errorf("marker %s: %v", b, err)
	}
}

// markerName finds the provenance file written beside the TSV.
func markerName(tsv string) string {
	entries, _ := os.ReadDir(filepath.Dir(tsv))
	for _, e := range entries {
		if e.Name() != filepath.Base(tsv) && strings.HasSuffix(e.Name(), ".json") {
			return e.Name()
		}
	}
	return ""
}
