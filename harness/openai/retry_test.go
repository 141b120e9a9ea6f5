package openai

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		header map[string]string
		want   time.Duration
		ok     bool
	}{
		{"seconds", map[string]string{"Retry-After": "3"}, 3 * time.Second, true},
		{"fraction", map[string]string{"Retry-After": "0.5"}, 500 * time.Millisecond, true},
		{"date", map[string]string{"Retry-After": "Sun, 01 Nov 2026 12:00:10 GMT"}, 10 * time.Second, true},
		{"date passed", map[string]string{"Retry-After": "Sun, 01 Nov 2026 11:00:00 GMT"}, 0, true},
		{"openai ms wins", map[string]string{"Retry-After": "3", "Retry-After-Ms": "250"}, 250 * time.Millisecond, true},
		{"garbage", map[string]string{"Retry-After": "soon"}, 0, false},
		{"negative", map[string]string{"Retry-After": "-1"}, 0, false},
		{"none", nil, 0, false},
	}
	for _, tt := range tests {
		h := http.Header{}
		for k, v := range tt.header {
			h.Set(k, v)
		}
		got, ok := parseRetryAfter(h, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("%s: got %v %v, want %v %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}

func TestBackoff(t *testing.T) {
	base, cap, maxWait := 100*time.Millisecond, time.Second, 2*time.Second
	for attempt, full := range []time.Duration{100, 200, 400, 800, 1000, 1000} {
		full *= time.Millisecond
		for range 50 {
			d := backoff(attempt, base, cap, maxWait, nil)
			if d < full/2 || d > full {
				t.Fatalf("attempt %d: wait %v outside [%v, %v]", attempt, d, full/2, full)
			}
		}
	}
	if d := backoff(100, base, cap, maxWait, nil); d > cap {
		t.Errorf("attempt 100 overflowed: %v", d)
	}
	if d := backoff(0, base, cap, maxWait, &callError{hasWait: true, retryAfter: 1500 * time.Millisecond}); d != 1500*time.Millisecond {
		t.Errorf("Retry-After not honoured: %v", d)
	}
	if d := backoff(0, base, cap, maxWait, &callError{hasWait: true, retryAfter: time.Hour}); d != maxWait {
		t.Errorf("Retry-After not capped: %v", d)
	}
}

func TestStatusError(t *testing.T) {
	tests := []struct {
		status           int
		retryable, fatal bool
		msg              string
	}{
		{429, true, false, "slow down"},
		{500, true, false, "slow down"},
		{502, true, false, "slow down"},
		{408, true, false, "slow down"},
		{400, false, false, "slow down"},
		{422, false, false, "slow down"},
		{401, false, true, "check the API key in $MY_KEY"},
		{403, false, true, "check the API key"},
		{404, false, true, "check the base URL and the model name"},
	}
	for _, tt := range tests {
		e := statusError(tt.status, []byte(`{"error":{"message":"slow down"}}`), http.Header{}, "MY_KEY")
		if e.retryable != tt.retryable || e.fatal != tt.fatal || !strings.Contains(e.Error(), tt.msg) {
			t.Errorf("%d: retryable=%v fatal=%v %q", tt.status, e.retryable, e.fatal, e.Error())
		}
	}
	if m := errorMessage([]byte("<html>Bad Gateway</html>")); m != "<html>Bad Gateway</html>" {
		t.Errorf("non-JSON body: %q", m)
	}
	if m := errorMessage(nil); m != "(empty body)" {
		t.Errorf("empty body: %q", m)
	}
	if m := errorMessage([]byte(strings.Repeat("x", 500))); len(m) > 210 {
		t.Errorf("long body not cut: %d chars", len(m))
	}
}
