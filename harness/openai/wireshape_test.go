package openai

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vlmlab/harness/benchmarks/answer"
	"github.com/vlmlab/harness/plugins/sdk"
)

// rawServer answers every chat call with status and body exactly as given,
// and keeps the last request body.
func rawServer(t *testing.T, status int, body string) (*Client, func() map[string]any) {
	t.Helper()
	var last []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		last, _ = io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	c := newTestClient(t, Config{
		BaseURL: srv.URL + "/v1", Getenv: func(string) string { return "" }, Model: "m",
		MaxRetries: -1, BackoffBase: time.Millisecond, Timeout: 5 * time.Second,
	})
	return c, func() map[string]any {
		var m map[string]any
		if err := json.Unmarshal(last, &m); err != nil {
			t.Fatalf("request body: %v: %s", err, last)
		}
		return m
	}
}

func choiceBody(message, finish string) string {
	return `{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":` +
		message + `,"finish_reason":"` + finish + `"}],"usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15}}`
}

func generateOne(t *testing.T, c *Client, params sdk.GenerateParams) sdk.Generation {
	t.Helper()
	got, err := collect(t, c, context.Background(), []sdk.Prompt{{ID: "q", Parts: []sdk.Part{{Text: "question"}}}}, params)
	if err != nil {
		t.Fatal(err)
	}
	return got["q"][0]
}

// TestReasoningWireShapes answers in each shape vLLM and SGLang use and
// checks the thinking is kept, the field that carried it recorded, and a
// truncated response scores the same whatever the shape.
func TestReasoningWireShapes(t *testing.T) {
	for _, c := range []struct {
		name, message, finish string
		wantText, wantField   string
		wantTruncated         bool
		wantStatus            answer.Status
	}{
		{"vLLM current: reasoning", `{"role":"assistant","content":"<answer>B</answer>","reasoning":"the angle is 30"}`, "stop",
			"<think>\nthe angle is 30\n</think>\n<answer>B</answer>", "reasoning", false, answer.AnswerTag},
		{"vLLM 0.10: reasoning_content", `{"role":"assistant","content":"<answer>B</answer>","reasoning_content":"the angle is 30"}`, "stop",
			"<think>\nthe angle is 30\n</think>\n<answer>B</answer>", "reasoning_content", false, answer.AnswerTag},
		{"transitional vLLM: both fields", `{"role":"assistant","content":"<answer>B</answer>","reasoning":"r","reasoning_content":"r"}`, "stop",
			"<think>\nr\n</think>\n<answer>B</answer>", "reasoning", false, answer.AnswerTag},
		{"no parser: inline thinking", `{"role":"assistant","content":"<think>r</think><answer>B</answer>","reasoning":null}`, "stop",
			"<think>r</think><answer>B</answer>", "", false, answer.AnswerTag},
		{"content already holds the thinking", `{"role":"assistant","content":"<think>r</think><answer>B</answer>","reasoning":"r"}`, "stop",
			"<think>r</think><answer>B</answer>", "reasoning", false, answer.AnswerTag},
		{"truncated under a parser: content null", `{"role":"assistant","content":null,"reasoning":"first, the angle"}`, "length",
			"<think>\nfirst, the angle", "reasoning", true, answer.CutOffInThink},
		{"truncated under an old parser: content null", `{"role":"assistant","content":null,"reasoning_content":"first, the angle"}`, "length",
			"<think>\nfirst, the angle", "reasoning_content", true, answer.CutOffInThink},
		{"truncated raw text inside think", `{"role":"assistant","content":"<think>first, the angle"}`, "length",
			"<think>first, the angle", "", true, answer.CutOffInThink},
		{"truncated in the answer, parser", `{"role":"assistant","content":"<answer>B","reasoning":"r"}`, "length",
			"<think>\nr\n</think>\n<answer>B", "reasoning", true, answer.CutOffInAnswer},
		{"truncated in the answer, raw", `{"role":"assistant","content":"<think>r</think><answer>B"}`, "length",
			"<think>r</think><answer>B", "", true, answer.CutOffInAnswer},
	} {
		t.Run(c.name, func(t *testing.T) {
			cl, _ := rawServer(t, 200, choiceBody(c.message, c.finish))
			g := generateOne(t, cl, sdk.GenerateParams{MaxTokens: 16})
			if g.Error != "" || g.Text != c.wantText || g.ReasoningField != c.wantField || g.Truncated != c.wantTruncated {
				t.Errorf("got text %q field %q truncated %v err %q; want %q %q %v", g.Text, g.ReasoningField, g.Truncated, g.Error, c.wantText, c.wantField, c.wantTruncated)
			}
			if st := answer.Inspect(g.Text).Status; st != c.wantStatus {
				t.Errorf("scored as %v, want %v", st, c.wantStatus)
			}
		})
	}
}

// TestSamplingFieldsSent checks configured top_p, top_k and
// repetition_penalty reach the server, and unset ones are left out (so the
// request says exactly what was configured).
func TestSamplingFieldsSent(t *testing.T) {
	cl, last := rawServer(t, 200, choiceBody(`{"role":"assistant","content":"x"}`, "stop"))
	generateOne(t, cl, sdk.GenerateParams{MaxTokens: 2048, Temperature: 0.01, TopP: 0.001, TopK: 1, RepetitionPenalty: 1.05})
	req := last()
	for k, want := range map[string]float64{"max_tokens": 2048, "temperature": 0.01, "top_p": 0.001, "top_k": 1, "repetition_penalty": 1.05} {
		if got, ok := req[k].(float64); !ok || got != want {
			t.Errorf("%s = %v, want %v", k, req[k], want)
		}
	}
	generateOne(t, cl, sdk.GenerateParams{MaxTokens: 5})
	req = last()
	for _, k := range []string{"top_p", "top_k", "repetition_penalty"} {
		if v, ok := req[k]; ok {
			t.Errorf("unset %s sent as %v", k, v)
		}
	}
	if req["temperature"] != 0.0 {
		t.Errorf("temperature %v: greedy must be sent as 0", req["temperature"])
	}
}

// TestErrorBodyShapes reads the message out of OpenAI's nested error and
// vLLM's flat ErrorResponse.
func TestErrorBodyShapes(t *testing.T) {
	for _, c := range []struct{ name, body, want string }{
		{"OpenAI nested", `{"error":{"message":"max_tokens is too large","type":"invalid_request_error","code":null}}`, "max_tokens is too large"},
		{"vLLM flat", `{"object":"error","message":"This model's maximum context length is 4096 tokens.","type":"BadRequestError","param":null,"code":400}`, "maximum context length is 4096"},
		{"string error", `{"error":"bad things"}`, "bad things"},
		{"not JSON", `upstream connect error`, "upstream connect error"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cl, _ := rawServer(t, 400, c.body)
			g := generateOne(t, cl, sdk.GenerateParams{MaxTokens: 5})
			if !strings.HasPrefix(g.Error, "HTTP 400: ") || !strings.Contains(g.Error, c.want) || strings.Contains(g.Error, `"object"`) {
				t.Errorf("error %q, want it to carry %q", g.Error, c.want)
			}
		})
	}
}

// TestMMProcessorKwargsSent checks the server's processor settings go with
// every generation request, and are part of what a cached answer depends on.
func TestMMProcessorKwargsSent(t *testing.T) {
	var bodies []map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m map[string]any
		json.NewDecoder(r.Body).Decode(&m)
		bodies = append(bodies, m)
		io.WriteString(w, choiceBody(`{"role":"assistant","content":"x"}`, "stop"))
	}))
	defer srv.Close()
	store := &mapCache{m: map[string]json.RawMessage{}}
	newClient := func(kw map[string]any) *Client {
		return newTestClient(t, Config{BaseURL: srv.URL + "/v1", Getenv: func(string) string { return "" }, Model: "m",
			MaxRetries: -1, Timeout: 5 * time.Second, Cache: store, MMProcessorKwargs: kw})
	}
	kw := map[string]any{"min_pixels": 1003520, "max_pixels": 12845056}
	generateOne(t, newClient(kw), sdk.GenerateParams{MaxTokens: 5})
	got, _ := bodies[0]["mm_processor_kwargs"].(map[string]any)
	if got["min_pixels"] != 1003520.0 || got["max_pixels"] != 12845056.0 {
		t.Errorf("mm_processor_kwargs sent as %v", bodies[0]["mm_processor_kwargs"])
	}
	generateOne(t, newClient(kw), sdk.GenerateParams{MaxTokens: 5})
	if len(bodies) != 1 {
		t.Errorf("the same request with the same kwargs called the server again")
	}
	generateOne(t, newClient(nil), sdk.GenerateParams{MaxTokens: 5})
	if len(bodies) != 2 {
		t.Fatalf("other processor settings were answered from the cache")
	}
	if _, ok := bodies[1]["mm_processor_kwargs"]; ok {
		t.Errorf("unset kwargs were sent: %v", bodies[1])
	}
}
