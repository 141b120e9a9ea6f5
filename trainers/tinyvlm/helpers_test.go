package tinyvlm

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"sync"
	"testing"

	"github.com/gomlx/compute"
)

var (
	testBackendOnce sync.Once
	testBackendVal  compute.Backend
)

func testBackend(t testing.TB) compute.Backend {
	testBackendOnce.Do(func() {
		b, err := NewBackend()
		if err != nil {
			t.Fatal(err)
		}
		testBackendVal = b
	})
	return testBackendVal
}

// tinyModel is a small model over a small vocabulary: fast to build, train
// and decode in tests.
func tinyModel(t testing.TB, seed int64) *Model {
	t.Helper()
	corpus := []string{
		"How many squares are there? Answer with a single digit.",
		"<think>I count the squares. So the answer is 3.</think><answer>3</answer>",
		"What colour is the circle? red green blue",
	}
	tok, err := BuildTokenizer(corpus, 1, []string{"You are a test assistant. Use <think> and <answer> tags."})
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.DModel, cfg.Layers, cfg.Heads, cfg.FFN = 16, 1, 2, 32
	cfg.ImageSize, cfg.PatchSize, cfg.MaxText = 16, 8, 48
	m, err := New(cfg, tok, seed)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// squaresPNG draws n 2×2 black squares on white.
func squaresPNG(t testing.TB, n int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 32, 32))
	for y := range 32 {
		for x := range 32 {
			img.Set(x, y, color.White)
		}
	}
	for i := range n {
		x, y := 2+(i%4)*7, 2+(i/4)*7
		for dy := range 3 {
			for dx := range 3 {
				img.Set(x+dx, y+dy, color.Black)
			}
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
