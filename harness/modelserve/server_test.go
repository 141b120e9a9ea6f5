package modelserve_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vlmlab/harness/harness/modelserve"
)

type errorBody struct {
	Error struct {
		Message string  `json:"message"`
		Type    string  `json:"type"`
		Param   *string `json:"param"`
		Code    *string `json:"code"`
	} `json:"error"`
}

func post(t *testing.T, url, body string, header ...string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func TestBadRequests(t *testing.T) {
	s := serve(t, modelserve.Config{MaxBodyBytes: 4096, MaxN: 4, MaxImagePixels: 10000})
	url := s.URL + "/chat/completions"
	user := func(extra string) string {
		return `{"model":"test-model","messages":[{"role":"user","content":"hi"}]` + extra + `}`
	}
	content := func(c string) string {
		return `{"model":"test-model","messages":[{"role":"user","content":` + c + `}]}`
	}
	for _, tc := range []struct {
		name, body  string
		status      int
		param, code string
		msg         string
	}{
		{"not JSON", `{"model":`, 400, "", "", "not valid JSON"},
		{"empty body", ``, 400, "", "", "body is empty"},
		{"two values", user("") + user(""), 400, "", "", "more than one JSON value"},
		{"wrong type", `{"model":"test-model","n":"two","messages":[]}`, 400, "n", "", "must be a JSON number"},
		{"no model", `{"messages":[{"role":"user","content":"hi"}]}`, 400, "model", "", "model is required"},
		{"unknown model", `{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}`, 404, "model", "model_not_found", "does not exist"},
		{"no messages", `{"model":"test-model","messages":[]}`, 400, "messages", "", "messages is empty"},
		{"system only", `{"model":"test-model","messages":[{"role":"system","content":"x"}]}`, 400, "messages", "", "no user message"},
		{"unknown role", `{"model":"test-model","messages":[{"role":"robot","content":"x"}]}`, 400, "messages[0].role", "", "unknown role"},
		{"assistant turn", `{"model":"test-model","messages":[{"role":"user","content":"a"},{"role":"assistant","content":"b"}]}`, 400, "messages[1].role", "unsupported_value", "one user turn"},
		{"null content", content(`null`), 400, "messages[0].content", "", "missing"},
		{"empty parts", content(`[]`), 400, "messages[0].content", "", "empty list"},
		{"audio part", content(`[{"type":"input_audio","input_audio":{}}]`), 400, "messages[0].content[0].type", "unsupported_value", "text and image_url"},
		{"text part without text", content(`[{"type":"text"}]`), 400, "messages[0].content[0].text", "", "without text"},
		{"remote image", content(`[{"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]`), 400, "messages[0].content[0].image_url", "", "not fetched"},
		{"not base64", content(`[{"type":"image_url","image_url":{"url":"data:image/png;base64,@@@"}}]`), 400, "messages[0].content[0].image_url", "", "not valid base64"},
		{"not an image", content(`[{"type":"image_url","image_url":{"url":"data:image/png;base64,aGVsbG8gd29ybGQ="}}]`), 400, "messages[0].content[0].image_url", "invalid_image", "does not decode"},
		{"image too large", content(`[{"type":"image_url","image_url":{"url":"` + pngDataURL(t, 200, 200) + `"}}]`), 400, "messages[0].content[0].image_url", "invalid_image", "at most 10000 pixels"},
		{"image in system", `{"model":"test-model","messages":[{"role":"system","content":[{"type":"image_url","image_url":{"url":"x"}}]},{"role":"user","content":"x"}]}`, 400, "messages[0].content[0]", "", "images belong in user messages"},
		{"n too large", user(`,"n":5`), 400, "n", "", "want 1 to 4"},
		{"n zero", user(`,"n":0`), 400, "n", "", "want 1 to 4"},
		{"max tokens zero", user(`,"max_tokens":0`), 400, "max_tokens", "", "want 1 to"},
		{"max tokens disagree", user(`,"max_tokens":5,"max_completion_tokens":6`), 400, "max_completion_tokens", "", "disagree"},
		{"top_p zero", user(`,"top_p":0`), 400, "top_p", "", "more than 0"},
		{"top_k", user(`,"top_k":-2`), 400, "top_k", "", "want -1 or 0"},
		{"stop number", user(`,"stop":5`), 400, "", "", "stop must be a string or a list"},
		{"empty stop", user(`,"stop":["a",""]`), 400, "stop", "", "stop[1] is empty"},
		{"logprobs", user(`,"logprobs":true`), 400, "logprobs", "unsupported_parameter", "not supported"},
		{"penalty", user(`,"presence_penalty":0.5`), 400, "presence_penalty", "unsupported_parameter", "not supported"},
		{"tools", user(`,"tools":[{"type":"function","function":{"name":"f"}}]`), 400, "tools", "unsupported_parameter", "no tool calling"},
		{"json mode", user(`,"response_format":{"type":"json_object"}`), 400, "response_format", "unsupported_parameter", "structured output"},
		{"stream options without stream", user(`,"stream_options":{"include_usage":true}`), 400, "stream_options", "", "only allowed with stream"},
		{"too large", content(`"` + strings.Repeat("x", 5000) + `"`), 413, "", "request_too_large", "larger than 4096 bytes"},
		{"prompt too long (model's error)", content(`"TOO-LONG"`), 400, "", "", "the context holds 64"},
		{"prompt too long, streamed", `{"model":"test-model","stream":true,"messages":[{"role":"user","content":"TOO-LONG"}]}`, 400, "", "", "the context holds 64"},
		{"model's per-prompt error", content(`"ODD"`), 400, "messages", "model_error", "cannot read this prompt"},
		{"model's internal error", content(`"BROKEN"`), 500, "", "", "weights are corrupt"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, h, body := post(t, url, tc.body)
			var e errorBody
			if err := json.Unmarshal([]byte(body), &e); err != nil || e.Error.Message == "" {
				t.Fatalf("status %d, body %q is not an OpenAI error body", status, body)
			}
			if ct := h.Get("Content-Type"); ct != "application/json" {
				t.Errorf("content type %q", ct)
			}
			param, code := "", ""
			if e.Error.Param != nil {
				param = *e.Error.Param
			}
			if e.Error.Code != nil {
				code = *e.Error.Code
			}
			if status != tc.status || param != tc.param || code != tc.code || !strings.Contains(e.Error.Message, tc.msg) || e.Error.Type == "" {
				t.Errorf("got %d param %q code %q type %q message %q\nwant %d param %q code %q message with %q", status, param, code, e.Error.Type, e.Error.Message, tc.status, tc.param, tc.code, tc.msg)
			}
		})
	}
	// Still serving, and the bad requests never reached the model except
	// those only the model could judge.
	status, _, body := post(t, url, user(""))
	if status != 200 {
		t.Errorf("after bad requests: %d %s", status, body)
	}
}

func TestRoutes(t *testing.T) {
	s := serve(t, modelserve.Config{})
	base := strings.TrimSuffix(s.URL, "/v1")
	for _, tc := range []struct {
		method, path string
		status       int
		want         string
	}{
		{"GET", "/health", 200, `"status":"ok"`},
		{"GET", "/v1/models", 200, `"id":"test-model"`},
		{"GET", "/v1/models/test-model", 200, `"owned_by":"harness"`},
		{"GET", "/v1/models/other", 404, "model_not_found"},
		{"GET", "/v1/chat/completions", 405, "use POST"},
		{"POST", "/v1/models", 405, "use GET"},
		{"GET", "/v1/completions", 404, "no route"},
	} {
		req, _ := http.NewRequest(tc.method, base+tc.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || !strings.Contains(string(b), tc.want) {
			t.Errorf("%s %s: %d %s; want %d with %q", tc.method, tc.path, resp.StatusCode, b, tc.status, tc.want)
		}
	}
}

func TestAPIKey(t *testing.T) {
	s := serve(t, modelserve.Config{APIKey: "sekret"})
	body := `{"model":"test-model","messages":[{"role":"user","content":"hi"}]}`
	if status, _, b := post(t, s.URL+"/chat/completions", body); status != 401 || !strings.Contains(b, "invalid_api_key") {
		t.Errorf("no key: %d %s", status, b)
	}
	if status, _, b := post(t, s.URL+"/chat/completions", body, "Authorization", "Bearer wrong"); status != 401 {
		t.Errorf("wrong key: %d %s", status, b)
	}
	if status, _, b := post(t, s.URL+"/chat/completions", body, "Authorization", "Bearer sekret"); status != 200 {
		t.Errorf("right key: %d %s", status, b)
	}
	resp, err := http.Get(strings.TrimSuffix(s.URL, "/v1") + "/health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("health needs no key: %d", resp.StatusCode)
	}
}

// TestOverloaded fills the queue behind a slow request: the next one gets
// 503 with Retry-After, and the queued ones are still answered.
func TestOverloaded(t *testing.T) {
	s := serve(t, modelserve.Config{MaxQueue: 1, BatchWindow: time.Millisecond})
	url := s.URL + "/chat/completions"
	var wg sync.WaitGroup
	statuses := make([]int, 2)
	waitFor := func(what string, ok func(modelserve.Stats) bool) {
		deadline := time.Now().Add(10 * time.Second)
		for !ok(s.Server.Stats()) {
			if time.Now().After(deadline) {
				t.Fatalf("waited 10s for %s: %+v", what, s.Server.Stats())
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
	for i, prompt := range []string{"SLOW", "SLOW again"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i], _, _ = post(t, url, fmt.Sprintf(`{"model":"test-model","temperature":0.5,"messages":[{"role":"user","content":%q}]}`, prompt))
		}()
		if i == 0 {
			waitFor("the first request to reach the model", func(st modelserve.Stats) bool { return st.Calls == 1 })
		} else {
			waitFor("the second request to queue", func(st modelserve.Stats) bool { return st.Queued == 1 })
		}
	}
	status, h, body := post(t, url, `{"model":"test-model","temperature":0,"messages":[{"role":"user","content":"one too many"}]}`)
	if status != 503 || h.Get("Retry-After") == "" || !strings.Contains(body, "overloaded") {
		t.Errorf("full queue: %d %v %s", status, h, body)
	}
	wg.Wait()
	if statuses[0] != 200 || statuses[1] != 200 {
		t.Errorf("queued requests: %v", statuses)
	}
}

// TestGracefulShutdown stops the server while a request is generating: it
// is answered, and the plugin is gone afterwards (checked in cleanup).
func TestGracefulShutdown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := serveUntil(t, ctx, modelserve.Config{})
	got := make(chan int, 1)
	go func() {
		status, _, _ := post(t, s.URL+"/chat/completions", `{"model":"test-model","messages":[{"role":"user","content":"SLOW"}]}`)
		got <- status
	}()
	for deadline := time.Now().Add(10 * time.Second); s.Server.Stats().Calls == 0; time.Sleep(2 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the request did not reach the model in 10s")
		}
	}
	cancel()
	if status := <-got; status != 200 {
		t.Errorf("request in flight at shutdown: %d", status)
	}
	s.wait(t)
	if _, err := http.Get(s.URL + "/models"); err == nil {
		t.Errorf("server still answers after shutdown")
	}
}

func TestGenerateTimeout(t *testing.T) {
	s := serve(t, modelserve.Config{GenerateTimeout: 50 * time.Millisecond})
	status, _, body := post(t, s.URL+"/chat/completions", `{"model":"test-model","messages":[{"role":"user","content":"SLOW"}]}`)
	if status != http.StatusGatewayTimeout || !strings.Contains(body, "did not answer in time (limit 50ms)") {
		t.Errorf("%d %s", status, body)
	}
	if status, _, body := post(t, s.URL+"/chat/completions", `{"model":"test-model","messages":[{"role":"user","content":"quick"}]}`); status != 200 {
		t.Errorf("after a timeout: %d %s", status, body)
	}
}

// A plugin that dies makes the server say so (503 on /health and on
// requests) instead of hanging or answering wrongly.
func TestPluginDied(t *testing.T) {
	s := serve(t, modelserve.Config{})
	if err := syscall.Kill(s.PID, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	assertGone(t, s.PID)
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp, err := http.Get(strings.TrimSuffix(s.URL, "/v1") + "/health")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusServiceUnavailable {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("health still %d after the plugin died", resp.StatusCode)
		}
		time.Sleep(20 * time.Millisecond)
	}
	status, _, body := post(t, s.URL+"/chat/completions", `{"model":"test-model","messages":[{"role":"user","content":"hi"}]}`)
	if status != http.StatusServiceUnavailable || !strings.Contains(body, "model_unavailable") {
		t.Errorf("%d %s", status, body)
	}
}
