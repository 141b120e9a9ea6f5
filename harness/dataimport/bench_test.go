package dataimport

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/vlmlab/harness/internal/testenv"
)

// BenchmarkImport imports each benchmark's real official files, beside its
// baseline: the evaluator's loader reading the same files (the part Import
// reuses), so the difference is the cost of resolving images and writing the
// TSV. LogicVista (448 images, 26 MB) and MathVision testmini (304 images,
// 9.7 MB) embed the real images; the others embed generated stand-ins of a
// few bytes (the shared data has no images for them), so their figures are
// the annotation side only.
func BenchmarkImport(b *testing.B) {
	shared := testenv.SharedPath(b, "data")
	cases := []struct {
		bench, src string
		fake       bool
	}{
		{"mathvista", "mathvista", true},
		{"mathvision", "mathvision/testmini.jsonl", false},
		{"mathverse", "mathverse", true},
		{"dynamath", "dynamath", true},
		{"wemath", "wemath", true},
		{"logicvista", "logicvista", false},
	}
	for _, c := range cases {
		src := filepath.Join(shared, c.src)
		dataDir := src
		if filepath.Ext(src) != "" {
			dataDir = filepath.Dir(src)
		}
		b.Run(c.bench+"/load", func(b *testing.B) {
			for b.Loop() {
				load(b, c.bench, src, true)
			}
		})
		b.Run(c.bench+"/import", func(b *testing.B) {
			opts := Options{Benchmark: c.bench, Src: src, Dst: b.TempDir(), AllowPartial: true, Overwrite: true}
			if c.fake {
				opts.Images = fakeImages(b, load(b, c.bench, src, true), dataDir, nil)
			}
			var res Result
			for b.Loop() {
				var err error
				if res, err = Import(context.Background(), opts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(res.Rows), "rows")
			b.ReportMetric(float64(res.Bytes)/1e6, "MB")
		})
	}
}
