package openai

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/vlmlab/harness/plugins/sdk"
)

// TestResponseOverBodyCapSaysSoOnce (issue 11 item 7): an answer larger than
// the response body cap fails its item with a message saying it exceeded
// the limit, and is not retried (it would be as large again).
func TestResponseOverBodyCapSaysSoOnce(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"choices":[{"index":0,"message":{"role":"assistant","content":"`)
		chunk := strings.Repeat("x", 1<<20)
		for range maxResponseBytes>>20 + 1 {
			if _, err := io.WriteString(w, chunk); err != nil {
				return
			}
		}
		io.WriteString(w, `"},"finish_reason":"stop"}]}`)
	}))
	defer srv.Close()
	cfg := Config{BaseURL: srv.URL + "/v1", Getenv: func(string) string { return "" }, Model: "m"}
	c := newTestClient(t, cfg)
	prompts := textPrompts(1)
	got, err := collect(t, c, context.Background(), prompts, sdk.GenerateParams{})
	if err != nil {
		t.Fatal(err)
	}
	e := got[prompts[0].ID][0].Error
	if !strings.Contains(e, "exceeded the 64 MiB limit") || strings.Contains(e, "malformed") {
		t.Errorf("error %q, want one saying the response exceeded the limit", e)
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("%d calls, want 1 (an oversized answer is not retried)", n)
	}
}
