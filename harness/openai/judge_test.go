package openai

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/vlmlab/harness/harness/cache"
	"github.com/vlmlab/harness/harness/openai/openaitest"
	"github.com/vlmlab/harness/plugins/sdk"
)

func TestJudgeSendsRequestAsBuilt(t *testing.T) {
	srv := openaitest.New(openaitest.Config{Record: true, Answers: map[string]string{"Extract the answer: 42": "42"}})
	defer srv.Close()
	cfg := testConfig(srv)
	cfg.Model = "" // judge falls back to the pinned gpt-4o-mini snapshot
	c := newTestClient(t, cfg)
	a := c.Judge(context.Background(), sdk.JudgeRequest{
		Key: "v1/extract/2", System: "You are a judge.", Prompt: "Extract the answer: 42", Temperature: 1, MaxTokens: 128,
	})
	if a.Key != "v1/extract/2" || a.Text != "42" || a.Error != "" {
		t.Fatalf("answer %+v", a)
	}
	r := srv.Requests()[0]
	if r.Model != DefaultJudgeModel || r.System() != "You are a judge." || r.Prompt() != "Extract the answer: 42" ||
		*r.Temperature != 1 || *r.MaxTokens != 128 {
		t.Errorf("request not sent as built: %+v", r)
	}
	if string(r.Messages[1].Content) != `"Extract the answer: 42"` {
		t.Errorf("judge prompt should be plain string content, got %s", r.Messages[1].Content)
	}
}

func TestJudgeFailures(t *testing.T) {
	srv := openaitest.New(openaitest.Config{Faults: openaitest.Always(openaitest.ServerError)})
	defer srv.Close()
	cfg := testConfig(srv)
	cfg.MaxRetries = 2
	c := newTestClient(t, cfg)
	a := c.Judge(context.Background(), sdk.JudgeRequest{Key: "k", Prompt: "p"})
	if a.Key != "k" || a.Text != "" || !strings.Contains(a.Error, "HTTP 500") || !strings.Contains(a.Error, "after 3 attempts") {
		t.Errorf("answer %+v, want HTTP 500 after 3 attempts", a)
	}
	for _, req := range []sdk.JudgeRequest{{Key: "empty", Prompt: "  "}, {Key: "neg", Prompt: "p", MaxTokens: -1}} {
		if a := c.Judge(context.Background(), req); a.Error == "" || !strings.Contains(a.Error, req.Key) {
			t.Errorf("%s: want an error naming the key, got %+v", req.Key, a)
		}
	}
}

func TestJudgeAllAndCache(t *testing.T) {
	srv := openaitest.New(openaitest.Config{Faults: openaitest.ForPrompt("broken", openaitest.BadRequest)})
	defer srv.Close()
	store, err := cache.Open(filepath.Join(t.TempDir(), "judge.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	cfg := testConfig(srv)
	cfg.Cache = store
	c := newTestClient(t, cfg)
	reqs := []sdk.JudgeRequest{
		{Key: "a/0", Prompt: "same", Temperature: 0},
		{Key: "b/0", Prompt: "same", Temperature: 0}, // same question: one call serves both
		{Key: "a/1", Prompt: "same", Temperature: 0.5},
		{Key: "c/0", Prompt: "broken"},
	}
	judgeAll := func() map[string]sdk.JudgeAnswer {
		got := map[string]sdk.JudgeAnswer{}
		var mu sync.Mutex
		if err := c.JudgeAll(context.Background(), reqs, func(a sdk.JudgeAnswer) error {
			mu.Lock()
			got[a.Key] = a
			mu.Unlock()
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(got) != len(reqs) {
			t.Fatalf("%d answers for %d requests", len(got), len(reqs))
		}
		return got
	}
	got := judgeAll()
	if got["a/0"].Text == "" || got["a/0"].Text != got["b/0"].Text || got["a/1"].Text == got["a/0"].Text {
		t.Errorf("answers %+v", got)
	}
	if !strings.Contains(got["c/0"].Error, "HTTP 400") {
		t.Errorf("broken: %+v", got["c/0"])
	}
	calls := srv.Calls()
	if calls > 4 {
		t.Errorf("%d calls, want at most 4", calls)
	}
	judgeAll()
	// Only the failed request is asked again; failures are never cached.
	if srv.Calls() != calls+1 {
		t.Errorf("re-judging made %d calls, want 1", srv.Calls()-calls)
	}
}
