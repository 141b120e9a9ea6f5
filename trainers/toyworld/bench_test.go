package toyworld_test

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/vlmlab/harness/trainers/toyworld"
)

// BenchmarkSynth10k generates the "full" tree: about 10,500 rendered and
// PNG-encoded images with their records. Target: under 5 s on 2 cores.
func BenchmarkSynth10k(b *testing.B) { benchmarkGenerate(b, "full", 0) }

// BenchmarkSynth10kOneWorker is the serial baseline for BenchmarkSynth10k.
func BenchmarkSynth10kOneWorker(b *testing.B) { benchmarkGenerate(b, "full", 1) }

func benchmarkGenerate(b *testing.B, size string, workers int) {
	dir := b.TempDir()
	images := 0
	for i := 0; b.Loop(); i++ {
		m, err := toyworld.Generate(context.Background(), filepath.Join(dir, strconv.Itoa(i)), toyworld.Options{Seed: uint64(i), Size: size, Workers: workers})
		if err != nil {
			b.Fatal(err)
		}
		images = 0
		for _, s := range m.ImageSets {
			images += s.Images
		}
	}
	b.ReportMetric(float64(images), "images/op")
}
