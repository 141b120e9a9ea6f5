package openai

import (
	"testing"

	"github.com/vlmlab/harness/harness/cache"
	"github.com/vlmlab/harness/plugins/sdk"
)

// A checkpoint hash enters the answer cache key; without one the key is the
// one caches were written with before the field existed.
func TestCacheKeyHasCheckpoint(t *testing.T) {
	parts := []loadedPart{{text: "How many?"}}
	params := sdk.GenerateParams{MaxTokens: 800}
	served := &Client{cfg: Config{Model: "toy", MaxPixels: 100}}
	base, err := served.generateCacheKey("sys", parts, params)
	if err != nil {
		t.Fatal(err)
	}
	// The key as it was computed before checkpoints entered it.
	old, err := cache.Key(struct {
		Kind      string    `json:"kind"`
		Model     string    `json:"model"`
		System    string    `json:"system"`
		Parts     []keyPart `json:"parts"`
		MaxPixels int       `json:"max_pixels"`
		Params    keyParams `json:"params"`
	}{"chat.generate", "toy", "sys", []keyPart{{Text: "How many?"}}, 100, newKeyParams(params)})
	if err != nil {
		t.Fatal(err)
	}
	if base != old {
		t.Errorf("key without a checkpoint changed: %s, was %s (existing caches would miss)", base, old)
	}
	// The key itself, as computed before GenerateParams got JSON tags.
	if wantKey := "sha256:c5d49670b5fc77bf96fd8dd204f7cf16cc2ca43d659684b105551c7168cb316e"; base != wantKey {
		t.Errorf("key %s, was %s before the report types got JSON tags (existing caches would miss)", base, wantKey)
	}
	a, _ := (&Client{cfg: Config{Model: "toy", MaxPixels: 100, Checkpoint: "sha256:aa"}}).generateCacheKey("sys", parts, params)
	b, _ := (&Client{cfg: Config{Model: "toy", MaxPixels: 100, Checkpoint: "sha256:bb"}}).generateCacheKey("sys", parts, params)
	if a == base || a == b {
		t.Errorf("checkpoints do not separate keys: base %s, a %s, b %s", base, a, b)
	}
}
