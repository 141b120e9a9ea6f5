package openai

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/vlmlab/harness/harness/openai/openaitest"
	"github.com/vlmlab/harness/plugins/sdk"
)

// testConfig points at srv with fast retries and no environment.
func testConfig(srv *openaitest.Server) Config {
	return Config{
		BaseURL:     srv.URL(),
		Getenv:      func(string) string { return "" },
		Model:       "test-model",
		BackoffBase: time.Millisecond,
		BackoffMax:  5 * time.Millisecond,
		Timeout:     5 * time.Second,
	}
}

func newTestClient(t *testing.T, cfg Config) *Client {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func textPrompts(n int) []sdk.Prompt {
	ps := make([]sdk.Prompt, n)
	for i := range ps {
		ps[i] = sdk.Prompt{ID: "q" + string(rune('a'+i%26)) + itoa(i), Parts: []sdk.Part{{Text: "question " + itoa(i)}}}
	}
	return ps
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

// collect runs Generate and returns every generation by prompt id.
func collect(t *testing.T, c *Client, ctx context.Context, prompts []sdk.Prompt, params sdk.GenerateParams) (map[string][]sdk.Generation, error) {
	t.Helper()
	got := map[string][]sdk.Generation{}
	var mu sync.Mutex
	err := c.Generate(ctx, prompts, params, func(g sdk.Generation) error {
		mu.Lock()
		defer mu.Unlock()
		got[g.PromptID] = append(got[g.PromptID], g)
		return nil
	})
	return got, err
}

// checkNothingLost asserts each prompt came back exactly once per sample.
func checkNothingLost(t *testing.T, prompts []sdk.Prompt, n int, got map[string][]sdk.Generation) {
	t.Helper()
	if len(got) != len(prompts) {
		t.Errorf("%d prompts came back, want %d", len(got), len(prompts))
	}
	for _, p := range prompts {
		var samples []int
		for _, g := range got[p.ID] {
			samples = append(samples, g.Sample)
			if g.Error == "" && g.Text == "" {
				t.Errorf("%s sample %d: neither text nor error", p.ID, g.Sample)
			}
		}
		sort.Ints(samples)
		want := make([]int, n)
		for i := range want {
			want[i] = i
		}
		if !slices.Equal(samples, want) {
			t.Errorf("%s: samples %v, want %v", p.ID, samples, want)
		}
	}
}

// pngBytes encodes a w×h gradient PNG.
func pngBytes(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), uint8(x + y), 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func encodePNG(w *bytes.Buffer, img image.Image) error { return png.Encode(w, img) }
