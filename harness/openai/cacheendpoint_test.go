package openai

import (
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/vlmlab/harness/harness/cache"
	"github.com/vlmlab/harness/harness/openai/openaitest"
	"github.com/vlmlab/harness/plugins/sdk"
)

// TestCacheRecordsEndpoint (issue 11 item 13): each cached answer records
// the endpoint that gave it; a client at another endpoint under the same
// model name is still answered from the cache (the key is the model name),
// but counts and reports those answers so the run can warn. Entries written
// before the endpoint was recorded stay valid and raise nothing.
func TestCacheRecordsEndpoint(t *testing.T) {
	store, err := cache.Open(filepath.Join(t.TempDir(), "c.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	first := openaitest.New(openaitest.Config{})
	defer first.Close()
	second := openaitest.New(openaitest.Config{})
	defer second.Close()
	prompts := textPrompts(3)

	cfg := testConfig(first)
	cfg.Cache = store
	a := newTestClient(t, cfg)
	if _, err := collect(t, a, context.Background(), prompts, sdk.GenerateParams{}); err != nil {
		t.Fatal(err)
	}
	if n, _ := a.CachedFromOtherEndpoint(); n != 0 {
		t.Errorf("first client: %d answers from another endpoint", n)
	}

	cfg = testConfig(second)
	cfg.Cache = store
	b := newTestClient(t, cfg)
	if _, err := collect(t, b, context.Background(), prompts, sdk.GenerateParams{}); err != nil {
		t.Fatal(err)
	}
	n, other := b.CachedFromOtherEndpoint()
	if n != 3 || other != first.URL()+"/chat/completions" || second.Calls() != 0 {
		t.Errorf("second client: %d answers from %q, %d calls; want 3 from the first endpoint, none made", n, other, second.Calls())
	}

	// An entry without an endpoint (an older cache) is a plain hit.
	old := &mapCache{m: map[string]json.RawMessage{}}
	cfg = testConfig(second)
	cfg.Cache = old
	c := newTestClient(t, cfg)
	key, err := c.generateCacheKey("", []loadedPart{{text: "question 0"}}, sdk.GenerateParams{})
	if err != nil {
		t.Fatal(err)
	}
	old.m[key] = json.RawMessage(`{"samples":[{"text":"old answer"}]}`)
	got, err := collect(t, c, context.Background(), textPrompts(1), sdk.GenerateParams{})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range got {
		if !strings.Contains(g[0].Text, "old answer") {
			t.Errorf("an older entry without an endpoint was not used: got %q", g[0].Text)
		}
	}
	if n, _ := c.CachedFromOtherEndpoint(); n != 0 {
		t.Errorf("an entry without an endpoint counted as from another endpoint")
	}
}

type mapCache struct{ m map[string]json.RawMessage }

func (c *mapCache) Get(k string) (json.RawMessage, bool) { v, ok := c.m[k]; return v, ok }
func (c *mapCache) Put(k string, v any) error {
	b, err := json.Marshal(v)
	c.m[k] = b
	return err
}

// TestKeyParamsCoverGenerateParams (issue 11 item 14): the cache key keeps
// the Go field names GenerateParams had before it got JSON tags, so keys of
// existing caches do not change; every field of GenerateParams must be in
// keyParams, or two settings would share answers.
func TestKeyParamsCoverGenerateParams(t *testing.T) {
	want := reflect.TypeOf(sdk.GenerateParams{})
	got := reflect.TypeOf(keyParams{})
	for i := range want.NumField() {
		if _, ok := got.FieldByName(want.Field(i).Name); !ok {
			t.Errorf("GenerateParams.%s is not part of the cache key (add it to keyParams with omitempty)", want.Field(i).Name)
		}
	}
	// The bytes the key hashed before the tags, for these settings.
	b, _ := json.Marshal(newKeyParams(sdk.GenerateParams{MaxTokens: 800, Temperature: 0, TopP: 1, Stop: []string{"</answer>"}}))
	if string(b) != `{"MaxTokens":800,"Temperature":0,"TopP":1,"TopK":0,"Seed":0,"Stop":["\u003c/answer\u003e"],"N":0}` {
		t.Errorf("cache key params changed: %s", b)
	}
}
