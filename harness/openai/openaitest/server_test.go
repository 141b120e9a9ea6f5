package openaitest

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

func post(t *testing.T, url, key, body string) (*http.Response, []byte, error) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/chat/completions", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

const hello = `{"model":"m","messages":[{"role":"system","content":"sys"},{"role":"user","content":[{"type":"text","text":"hello"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AA=="}}]}]}`

func TestAnswersDeterministically(t *testing.T) {
	s := New(Config{Record: true, Answers: map[string]string{"scripted": "one two three four"}})
	defer s.Close()
	_, b1, err := post(t, s.URL(), "", hello)
	if err != nil {
		t.Fatal(err)
	}
	_, b2, _ := post(t, s.URL(), "", hello)
	if string(b1) != string(b2) {
		t.Errorf("same request, different answers:\n%s\n%s", b1, b2)
	}
	var r response
	if err := json.Unmarshal(b1, &r); err != nil {
		t.Fatal(err)
	}
	reqs := s.Requests()
	if len(reqs) != 2 || reqs[0].Prompt() != "hello" || reqs[0].System() != "sys" || len(reqs[0].Messages[1].ImageURLs()) != 1 {
		t.Fatalf("recorded requests wrong: %+v", reqs)
	}
	if want := HashAnswer(reqs[0], 0); r.Choices[0].Message.Content != want {
		t.Errorf("answer %q, want %q", r.Choices[0].Message.Content, want)
	}
	// Scripted answers, cut at max_tokens words with finish_reason length.
	_, b, _ := post(t, s.URL(), "", `{"model":"m","max_tokens":2,"n":2,"messages":[{"role":"user","content":"scripted"}]}`)
	json.Unmarshal(b, &r)
	if len(r.Choices) != 2 || r.Choices[1].Message.Content != "one two" || r.Choices[1].FinishReason != "length" || r.Usage.CompletionTokens != 4 {
		t.Errorf("scripted n=2 max_tokens=2: %s", b)
	}
	if s.Calls() != 3 || s.CallsFor("hello") != 2 {
		t.Errorf("calls %d, for hello %d; want 3 and 2", s.Calls(), s.CallsFor("hello"))
	}
}

func TestFaults(t *testing.T) {
	tests := []struct {
		fault  Fault
		status int
		check  func(resp *http.Response, body []byte, err error) bool
	}{
		{RateLimit, 429, func(r *http.Response, _ []byte, _ error) bool { return r.Header.Get("Retry-After") == "7" }},
		{ServerError, 500, nil},
		{Unavailable, 503, nil},
		{BadRequest, 400, nil},
		{Unauthorized, 401, nil},
		{NotFound, 404, nil},
		{Malformed, 200, func(_ *http.Response, b []byte, _ error) bool { return !json.Valid(b) }},
		{EmptyChoices, 200, func(_ *http.Response, b []byte, _ error) bool { return strings.Contains(string(b), `"choices":[]`) }},
	}
	for _, tt := range tests {
		t.Run(tt.fault.String(), func(t *testing.T) {
			s := New(Config{Faults: FirstAttempts(1, tt.fault), RetryAfter: "7"})
			defer s.Close()
			resp, body, err := post(t, s.URL(), "", hello)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if tt.check != nil && !tt.check(resp, body, err) {
				t.Errorf("unexpected response %v %s", resp.Header, body)
			}
			// The second attempt of the same request is answered.
			resp, _, _ = post(t, s.URL(), "", hello)
			if resp.StatusCode != 200 || s.Injected(tt.fault) != 1 {
				t.Errorf("retry: status %d, injected %d", resp.StatusCode, s.Injected(tt.fault))
			}
		})
	}
	t.Run("reset", func(t *testing.T) {
		s := New(Config{Faults: Always(Reset)})
		defer s.Close()
		if _, _, err := post(t, s.URL(), "", hello); err == nil {
			t.Error("want a transport error from a reset connection")
		}
	})
}

func TestAPIKeyAndValidation(t *testing.T) {
	s := New(Config{APIKey: "sk-test"})
	defer s.Close()
	if resp, _, _ := post(t, s.URL(), "wrong", hello); resp.StatusCode != 401 {
		t.Errorf("wrong key: status %d", resp.StatusCode)
	}
	if resp, _, _ := post(t, s.URL(), "sk-test", hello); resp.StatusCode != 200 {
		t.Errorf("right key: status %d", resp.StatusCode)
	}
	for _, body := range []string{`{`, `{"messages":[{"role":"user","content":"x"}]}`, `{"model":"m","messages":[]}`,
		`{"model":"m","messages":[{"role":"user","content":[{"type":"video"}]}]}`} {
		if resp, _, _ := post(t, s.URL(), "sk-test", body); resp.StatusCode != 400 {
			t.Errorf("%s: status %d, want 400", body, resp.StatusCode)
		}
	}
}

func TestPlans(t *testing.T) {
	c := Call{N: 3, Attempt: 2, Request: Request{Messages: []Message{{Role: "user", Content: json.RawMessage(`"p"`)}}}}
	if Calls(2, 3, Slow)(c) != Slow || Calls(4, 5, Slow)(c) != None {
		t.Error("Calls plan")
	}
	if ForPrompt("p", Reset)(c) != Reset || ForPrompt("q", Reset)(c) != None {
		t.Error("ForPrompt plan")
	}
	if FirstAttempts(2, Malformed)(c) != Malformed || FirstAttempts(1, Malformed)(c) != None {
		t.Error("FirstAttempts plan")
	}
}
