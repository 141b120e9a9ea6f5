package openai

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/vlmlab/harness/harness/cache"
	"github.com/vlmlab/harness/harness/openai/openaitest"
	"github.com/vlmlab/harness/plugins/sdk"
)

// Items that send the very same request while it is in flight share one call.
func TestIdenticalRequestsShareOneCall(t *testing.T) {
	srv := openaitest.New(openaitest.Config{SlowDelay: 100 * time.Millisecond, Faults: openaitest.Always(openaitest.Slow)})
	defer srv.Close()
	store, err := cache.Open(filepath.Join(t.TempDir(), "c.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	cfg := testConfig(srv)
	cfg.Cache, cfg.Concurrency = store, 8
	c := newTestClient(t, cfg)
	var prompts []sdk.Prompt
	for _, id := range []string{"a", "b", "c", "d"} {
		prompts = append(prompts, sdk.Prompt{ID: id, Parts: []sdk.Part{{Text: "the same question"}}})
	}
	prompts = append(prompts, sdk.Prompt{ID: "e", Parts: []sdk.Part{{Text: "another question"}}})
	got, err := collect(t, c, context.Background(), prompts, sdk.GenerateParams{MaxTokens: 8})
	if err != nil {
		t.Fatal(err)
	}
	checkNothingLost(t, prompts, 1, got)
	if srv.Calls() != 2 {
		t.Errorf("%d calls for 2 distinct requests", srv.Calls())
	}
	for _, id := range []string{"b", "c", "d"} {
		if g := got[id][0]; g.Error != "" || g.Text != got["a"][0].Text {
			t.Errorf("%s: %+v, want the shared answer %q", id, g, got["a"][0].Text)
		}
	}
	if u := c.Usage(); u.CacheHits != 3 || store.Len() != 2 {
		t.Errorf("cache hits %d, %d stored entries; want 3 and 2", u.CacheHits, store.Len())
	}
}
