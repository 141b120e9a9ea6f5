package openai

import (
	"context"
	"encoding/base64"
	"errors"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vlmlab/harness/harness/cache"
	"github.com/vlmlab/harness/harness/openai/openaitest"
	"github.com/vlmlab/harness/plugins/sdk"
)

func TestGenerateSendsPromptAndParams(t *testing.T) {
	srv := openaitest.New(openaitest.Config{Record: true, APIKey: "sk-x"})
	defer srv.Close()
	cfg := testConfig(srv)
	cfg.APIKey = "sk-x"
	cfg.SystemPrompt = "default system"
	c := newTestClient(t, cfg)
	small := pngBytes(t, 8, 4)
	prompts := []sdk.Prompt{
		{ID: "a", System: "own system", Parts: []sdk.Part{{Image: &sdk.Image{Data: small}}, {Text: "What is <x> & y?"}}},
		{ID: "b", Parts: []sdk.Part{{Text: "plain"}}},
	}
	params := sdk.GenerateParams{MaxTokens: 800, Temperature: 0, TopP: 0.9, TopK: 20, Seed: 7, Stop: []string{"</answer>"}}
	got, err := collect(t, c, context.Background(), prompts, params)
	if err != nil {
		t.Fatal(err)
	}
	checkNothingLost(t, prompts, 1, got)
	reqs := srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	for _, r := range reqs {
		if r.Model != "test-model" || r.Temperature == nil || *r.Temperature != 0 || *r.MaxTokens != 800 ||
			*r.TopP != 0.9 || *r.TopK != 20 || *r.Seed != 7 || len(r.Stop) != 1 || r.N != nil {
			t.Errorf("params not sent as given: %+v", r)
		}
		switch r.Prompt() {
		case "What is <x> & y?":
			if r.System() != "own system" {
				t.Errorf("system %q, want the prompt's own", r.System())
			}
			urls := r.Messages[1].ImageURLs()
			if len(urls) != 1 || urls[0] != "data:image/png;base64,"+base64.StdEncoding.EncodeToString(small) {
				t.Errorf("small image not sent untouched: %.60s", urls)
			}
			if got["a"][0].Text != openaitest.HashAnswer(r, 0) {
				t.Errorf("a: text %q, want the server's answer", got["a"][0].Text)
			}
		case "plain":
			if r.System() != "default system" {
				t.Errorf("system %q, want the configured default", r.System())
			}
		default:
			t.Errorf("unexpected prompt %q", r.Prompt())
		}
	}
	u := c.Usage()
	if u.Requests != 2 || u.CompletionTokens == 0 || u.PromptTokens == 0 || got["b"][0].Tokens == 0 {
		t.Errorf("usage not reported: %+v, tokens %d", u, got["b"][0].Tokens)
	}
}

func TestGenerateScalesLargeImages(t *testing.T) {
	srv := openaitest.New(openaitest.Config{Record: true})
	defer srv.Close()
	cfg := testConfig(srv)
	const budget = 6000 // small, to keep the test fast under -race
	cfg.MaxPixels = budget
	c := newTestClient(t, cfg)
	path := filepath.Join(t.TempDir(), "big.png")
	if err := os.WriteFile(path, pngBytes(t, 250, 150), 0o644); err != nil {
		t.Fatal(err)
	}
	prompts := []sdk.Prompt{{ID: "a", Parts: []sdk.Part{{Text: "q"}, {Image: &sdk.Image{Path: path}}}}}
	if _, err := collect(t, c, context.Background(), prompts, sdk.GenerateParams{}); err != nil {
		t.Fatal(err)
	}
	url := srv.Requests()[0].Messages[0].ImageURLs()[0]
	b64, ok := strings.CutPrefix(url, "data:image/png;base64,")
	if !ok {
		t.Fatalf("image url %.40s is not a PNG data URL", url)
	}
	data, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	cfgImg, _, err := image.DecodeConfig(strings.NewReader(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	if px := cfgImg.Width * cfgImg.Height; px > budget || px < budget*9/10 {
		t.Errorf("scaled to %dx%d = %d pixels, want just under %d", cfgImg.Width, cfgImg.Height, px, budget)
	}
	if r := float64(cfgImg.Width) / float64(cfgImg.Height); r < 1.62 || r > 1.71 {
		t.Errorf("aspect ratio %.3f, want about 250/150", r)
	}
}

func TestGenerateMissingImageFailsOnlyThatItem(t *testing.T) {
	srv := openaitest.New(openaitest.Config{})
	defer srv.Close()
	c := newTestClient(t, testConfig(srv))
	missing := filepath.Join(t.TempDir(), "nope.png")
	prompts := append(textPrompts(3), sdk.Prompt{ID: "img", Parts: []sdk.Part{{Image: &sdk.Image{Path: missing}}, {Text: "q"}}})
	got, err := collect(t, c, context.Background(), prompts, sdk.GenerateParams{})
	if err != nil {
		t.Fatal(err)
	}
	checkNothingLost(t, prompts, 1, got)
	if e := got["img"][0].Error; !strings.Contains(e, missing) || !strings.Contains(e, "does not exist") {
		t.Errorf("error %q should name the missing path", e)
	}
	if srv.Calls() != 3 {
		t.Errorf("%d calls, want 3 (none for the item without its image)", srv.Calls())
	}
}

// Each fault, injected on the first two attempts of every request, is retried
// away; injected on every attempt, it fails every item with a reason. Either
// way every item comes back exactly once.
func TestGenerateFaults(t *testing.T) {
	tests := []struct {
		fault  openaitest.Fault
		reason string
	}{
		{openaitest.RateLimit, "HTTP 429"},
		{openaitest.ServerError, "HTTP 500"},
		{openaitest.Unavailable, "HTTP 503"},
		{openaitest.Slow, "no answer from"},
		{openaitest.Reset, "request to"},
		{openaitest.Malformed, "malformed response"},
		{openaitest.EmptyChoices, "no choices"},
	}
	const items = 6
	for _, tt := range tests {
		t.Run(tt.fault.String()+"/recovers", func(t *testing.T) {
			srv := openaitest.New(openaitest.Config{Faults: openaitest.FirstAttempts(2, tt.fault), SlowDelay: time.Second})
			defer srv.Close()
			cfg := testConfig(srv)
			cfg.Timeout = 100 * time.Millisecond
			cfg.Concurrency = 3
			// Retries of each fault, not the hung-server stop (see
			// TestHungServerGivesUpWithinATimeout).
			cfg.MaxConsecutiveTimeouts = -1
			c := newTestClient(t, cfg)
			prompts := textPrompts(items)
			got, err := collect(t, c, context.Background(), prompts, sdk.GenerateParams{})
			if err != nil {
				t.Fatal(err)
			}
			checkNothingLost(t, prompts, 1, got)
			for id, g := range got {
				if g[0].Error != "" {
					t.Errorf("%s failed: %s", id, g[0].Error)
				}
			}
			if srv.Calls() != 3*items || c.Usage().Retries != 2*items {
				t.Errorf("calls %d retries %d, want %d and %d", srv.Calls(), c.Usage().Retries, 3*items, 2*items)
			}
		})
		t.Run(tt.fault.String()+"/fails", func(t *testing.T) {
			srv := openaitest.New(openaitest.Config{Faults: openaitest.Always(tt.fault), SlowDelay: time.Second})
			defer srv.Close()
			cfg := testConfig(srv)
			cfg.Timeout = 50 * time.Millisecond
			cfg.MaxRetries = 1
			cfg.Concurrency = 3
			cfg.MaxConsecutiveTimeouts = -1
			c := newTestClient(t, cfg)
			prompts := textPrompts(items)
			got, err := collect(t, c, context.Background(), prompts, sdk.GenerateParams{})
			if err != nil {
				t.Fatalf("%d failures are under the stop limit, want no run error: %v", items, err)
			}
			checkNothingLost(t, prompts, 1, got)
			for id, g := range got {
				if !strings.Contains(g[0].Error, tt.reason) || !strings.Contains(g[0].Error, "after 2 attempts") {
					t.Errorf("%s: error %q, want %q after 2 attempts", id, g[0].Error, tt.reason)
				}
			}
			if srv.Calls() != 2*items {
				t.Errorf("calls %d, want %d", srv.Calls(), 2*items)
			}
		})
	}
}

func TestGenerateDoesNotRetryBadRequest(t *testing.T) {
	srv := openaitest.New(openaitest.Config{Faults: openaitest.ForPrompt("question 1", openaitest.BadRequest)})
	defer srv.Close()
	c := newTestClient(t, testConfig(srv))
	prompts := textPrompts(3)
	got, err := collect(t, c, context.Background(), prompts, sdk.GenerateParams{})
	if err != nil {
		t.Fatal(err)
	}
	checkNothingLost(t, prompts, 1, got)
	if e := got[prompts[1].ID][0].Error; !strings.Contains(e, "HTTP 400") {
		t.Errorf("error %q, want HTTP 400", e)
	}
	if srv.CallsFor("question 1") != 1 {
		t.Errorf("400 was retried: %d calls", srv.CallsFor("question 1"))
	}
}

func TestGenerateStopsRun(t *testing.T) {
	t.Run("unauthorized stops at once", func(t *testing.T) {
		srv := openaitest.New(openaitest.Config{APIKey: "sk-right"})
		defer srv.Close()
		cfg := testConfig(srv)
		cfg.APIKey, cfg.APIKeyEnv, cfg.Concurrency = "sk-wrong", "JUDGE_KEY", 1
		c := newTestClient(t, cfg)
		prompts := textPrompts(5)
		got, err := collect(t, c, context.Background(), prompts, sdk.GenerateParams{})
		if !errors.Is(err, ErrStopped) || !strings.Contains(err.Error(), "$JUDGE_KEY") {
			t.Fatalf("err = %v, want ErrStopped naming $JUDGE_KEY", err)
		}
		checkNothingLost(t, prompts, 1, got)
		if srv.Calls() != 1 {
			t.Errorf("%d calls after a 401, want 1", srv.Calls())
		}
		for _, p := range prompts[1:] {
			if e := got[p.ID][0].Error; !strings.Contains(e, "HTTP 401") {
				t.Errorf("%s: error %q, want the stop reason", p.ID, e)
			}
		}
		// The client stays stopped: a later call answers at once, without calling.
		if a := c.Judge(context.Background(), sdk.JudgeRequest{Key: "k", Prompt: "p"}); a.Error == "" || srv.Calls() != 1 {
			t.Errorf("judge after stop: %+v, calls %d", a, srv.Calls())
		}
	})
	t.Run("consecutive failures", func(t *testing.T) {
		srv := openaitest.New(openaitest.Config{Faults: openaitest.Always(openaitest.ServerError)})
		defer srv.Close()
		cfg := testConfig(srv)
		cfg.MaxRetries, cfg.MaxConsecutiveFailures, cfg.Concurrency = -1, 3, 1
		c := newTestClient(t, cfg)
		prompts := textPrompts(10)
		got, err := collect(t, c, context.Background(), prompts, sdk.GenerateParams{N: 2})
		if !errors.Is(err, ErrStopped) || !strings.Contains(err.Error(), "3 consecutive failed requests") {
			t.Fatalf("err = %v, want a stop after 3 consecutive failures", err)
		}
		checkNothingLost(t, prompts, 2, got)
		if srv.Calls() != 3 {
			t.Errorf("%d calls, want 3", srv.Calls())
		}
		stopped := 0
		for _, gs := range got {
			for _, g := range gs {
				if strings.Contains(g.Error, "consecutive failed requests") {
					stopped++
				}
			}
		}
		if stopped != 2*7 {
			t.Errorf("%d samples carry the stop reason, want 14 (7 prompts never sent)", stopped)
		}
	})
	t.Run("success resets the count", func(t *testing.T) {
		// Every other call fails: never 2 in a row, so the run goes on.
		srv := openaitest.New(openaitest.Config{Faults: func(c openaitest.Call) openaitest.Fault {
			if c.N%2 == 1 {
				return openaitest.ServerError
			}
			return openaitest.None
		}})
		defer srv.Close()
		cfg := testConfig(srv)
		cfg.MaxRetries, cfg.MaxConsecutiveFailures, cfg.Concurrency = -1, 2, 1
		c := newTestClient(t, cfg)
		prompts := textPrompts(8)
		got, err := collect(t, c, context.Background(), prompts, sdk.GenerateParams{})
		if err != nil {
			t.Fatal(err)
		}
		checkNothingLost(t, prompts, 1, got)
	})
}

func TestGenerateHonoursRetryAfter(t *testing.T) {
	srv := openaitest.New(openaitest.Config{Faults: openaitest.FirstAttempts(1, openaitest.RateLimit), RetryAfter: "1"})
	defer srv.Close()
	c := newTestClient(t, testConfig(srv))
	start := time.Now()
	got, err := collect(t, c, context.Background(), textPrompts(1), sdk.GenerateParams{})
	if err != nil || got["qa0"][0].Error != "" {
		t.Fatalf("err %v, %+v", err, got)
	}
	if d := time.Since(start); d < time.Second {
		t.Errorf("retried after %v, the server asked for 1s", d)
	}
}

func TestGenerateBoundsConcurrencyAndRate(t *testing.T) {
	t.Run("concurrency", func(t *testing.T) {
		srv := openaitest.New(openaitest.Config{Faults: openaitest.Always(openaitest.Slow), SlowDelay: 20 * time.Millisecond})
		defer srv.Close()
		cfg := testConfig(srv)
		cfg.Concurrency = 4
		c := newTestClient(t, cfg)
		if _, err := collect(t, c, context.Background(), textPrompts(20), sdk.GenerateParams{}); err != nil {
			t.Fatal(err)
		}
		if m := srv.MaxInFlight(); m > 4 || m < 2 {
			t.Errorf("max in flight %d, want 2..4", m)
		}
	})
	t.Run("rate", func(t *testing.T) {
		srv := openaitest.New(openaitest.Config{})
		defer srv.Close()
		cfg := testConfig(srv)
		cfg.RequestsPerSecond = 100
		c := newTestClient(t, cfg)
		start := time.Now()
		if _, err := collect(t, c, context.Background(), textPrompts(11), sdk.GenerateParams{}); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d < 90*time.Millisecond {
			t.Errorf("11 requests at 100/s took %v, want at least 100ms", d)
		}
	})
}

func TestGenerateCancelAndEmitError(t *testing.T) {
	t.Run("cancel", func(t *testing.T) {
		srv := openaitest.New(openaitest.Config{Faults: openaitest.Always(openaitest.Slow), SlowDelay: 10 * time.Second})
		defer srv.Close()
		cfg := testConfig(srv)
		cfg.Concurrency = 2
		c := newTestClient(t, cfg)
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		prompts := textPrompts(6)
		start := time.Now()
		got, err := collect(t, c, ctx, prompts, sdk.GenerateParams{})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v, want the context's", err)
		}
		if time.Since(start) > 2*time.Second {
			t.Error("cancellation did not stop the requests in flight")
		}
		checkNothingLost(t, prompts, 1, got)
		for id, g := range got {
			if !strings.Contains(g[0].Error, "deadline exceeded") {
				t.Errorf("%s: error %q", id, g[0].Error)
			}
		}
		if c.Usage().FailedRequests != 0 {
			t.Error("cancelled requests were counted as server failures")
		}
	})
	t.Run("emit error", func(t *testing.T) {
		srv := openaitest.New(openaitest.Config{})
		defer srv.Close()
		cfg := testConfig(srv)
		cfg.Concurrency = 1
		c := newTestClient(t, cfg)
		calls := 0
		boom := errors.New("disk full")
		err := c.Generate(context.Background(), textPrompts(10), sdk.GenerateParams{}, func(sdk.Generation) error {
			calls++
			return boom
		})
		if !errors.Is(err, boom) || calls != 1 {
			t.Errorf("err %v after %d emits, want disk full after 1", err, calls)
		}
	})
}

func TestGenerateSamplesAndTruncation(t *testing.T) {
	srv := openaitest.New(openaitest.Config{Answers: map[string]string{"long": "a b c d e f"}})
	defer srv.Close()
	c := newTestClient(t, testConfig(srv))
	prompts := []sdk.Prompt{{ID: "x", Parts: []sdk.Part{{Text: "question"}}}, {ID: "long", Parts: []sdk.Part{{Text: "long"}}}}
	got, err := collect(t, c, context.Background(), prompts, sdk.GenerateParams{N: 3, MaxTokens: 4, Temperature: 1})
	if err != nil {
		t.Fatal(err)
	}
	checkNothingLost(t, prompts, 3, got)
	texts := map[string]bool{}
	for _, g := range got["x"] {
		texts[g.Text] = true
	}
	if len(texts) != 3 {
		t.Errorf("3 samples gave %d distinct texts", len(texts))
	}
	for _, g := range got["long"] {
		if !g.Truncated || g.Text != "a b c d" {
			t.Errorf("long sample %d: %q truncated=%v, want cut at 4 tokens", g.Sample, g.Text, g.Truncated)
		}
	}
}

func TestGenerateRejectsBadArguments(t *testing.T) {
	srv := openaitest.New(openaitest.Config{})
	defer srv.Close()
	cfg := testConfig(srv)
	cfg.Model = ""
	c := newTestClient(t, cfg)
	emit := func(sdk.Generation) error { return nil }
	if err := c.Generate(context.Background(), textPrompts(1), sdk.GenerateParams{}, emit); err == nil || !strings.Contains(err.Error(), "no model name") {
		t.Errorf("no model: %v", err)
	}
	c = newTestClient(t, testConfig(srv))
	if err := c.Generate(context.Background(), textPrompts(1), sdk.GenerateParams{N: -1}, emit); err == nil {
		t.Error("n=-1: want an error")
	}
	if err := c.Generate(context.Background(), textPrompts(1), sdk.GenerateParams{}, nil); err == nil {
		t.Error("nil emit: want an error")
	}
	got, err := collect(t, c, context.Background(), []sdk.Prompt{{ID: "empty"}}, sdk.GenerateParams{})
	if err != nil || !strings.Contains(got["empty"][0].Error, "no parts") {
		t.Errorf("empty prompt: %v %+v", err, got)
	}
}

// Re-running the same evaluation answers everything from the cache, also
// from a fresh process (a reopened store), with zero model calls.
func TestGenerateRerunMakesNoCalls(t *testing.T) {
	srv := openaitest.New(openaitest.Config{})
	defer srv.Close()
	dir := t.TempDir()
	img := filepath.Join(dir, "i.png")
	if err := os.WriteFile(img, pngBytes(t, 100, 100), 0o644); err != nil {
		t.Fatal(err)
	}
	prompts := append(textPrompts(5), sdk.Prompt{ID: "img", Parts: []sdk.Part{{Image: &sdk.Image{Path: img}}, {Text: "q"}}})
	params := sdk.GenerateParams{MaxTokens: 100, N: 2, Temperature: 0.7}
	run := func() map[string][]sdk.Generation {
		store, err := cache.Open(filepath.Join(dir, "cache.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		defer func() {
			if err := store.Close(); err != nil {
				t.Fatal(err)
			}
		}()
		cfg := testConfig(srv)
		cfg.Cache, cfg.MaxPixels = store, 2500
		c := newTestClient(t, cfg)
		got, err := collect(t, c, context.Background(), prompts, params)
		if err != nil {
			t.Fatal(err)
		}
		checkNothingLost(t, prompts, 2, got)
		return got
	}
	first := run()
	calls := srv.Calls()
	if calls != len(prompts) {
		t.Fatalf("first run made %d calls, want %d", calls, len(prompts))
	}
	second := run()
	if srv.Calls() != calls {
		t.Errorf("re-run made %d model calls, want 0", srv.Calls()-calls)
	}
	for id, gs := range first {
		for i, g := range gs {
			var same bool
			for _, h := range second[id] {
				same = same || (h.Sample == g.Sample && h.Text == g.Text && h.Tokens == g.Tokens)
			}
			if !same {
				t.Errorf("%s sample %d differs on re-run", id, i)
			}
		}
	}
	// A changed parameter is a different request.
	params.Temperature = 0.8
	run()
	if srv.Calls() != 2*calls {
		t.Errorf("changed temperature: %d new calls, want %d", srv.Calls()-calls, calls)
	}
}

// TestLocalFilesDoNotLeak (issue 11 item 1): an "image" that is a text file
// fails its item with a message naming it, and the server never sees it.
func TestLocalFilesDoNotLeak(t *testing.T) {
	srv := openaitest.New(openaitest.Config{})
	defer srv.Close()
	c := newTestClient(t, testConfig(srv))
	secret := filepath.Join(t.TempDir(), "secret.png")
	if err := os.WriteFile(secret, []byte("password=hunter2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	prompts := append(textPrompts(2), sdk.Prompt{ID: "img", Parts: []sdk.Part{{Image: &sdk.Image{Path: secret, MIME: "image/png"}}, {Text: "q"}}})
	got, err := collect(t, c, context.Background(), prompts, sdk.GenerateParams{})
	if err != nil {
		t.Fatal(err)
	}
	checkNothingLost(t, prompts, 1, got)
	if e := got["img"][0].Error; !strings.Contains(e, secret) || !strings.Contains(e, "not an image") {
		t.Errorf("error %q should name the file and say it is not an image", e)
	}
	if srv.Calls() != 2 {
		t.Errorf("%d calls, want 2 (none for the item whose image is a text file)", srv.Calls())
	}
}
