package openai

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// callError is why one HTTP attempt failed and what to do about it.
type callError struct {
	status     int // HTTP status; 0 when no response came
	msg        string
	retryable  bool
	fatal      bool          // the run cannot go on (bad key, unknown model)
	timeout    bool          // no answer within Config.Timeout
	retryAfter time.Duration // what the server asked for; valid when hasWait
	hasWait    bool
}

func (e *callError) Error() string {
	if e.status == 0 {
		return e.msg
	}
	return fmt.Sprintf("HTTP %d: %s", e.status, e.msg)
}

// statusError classifies a non-200 answer. 408, 409, 429 and 5xx are worth
// retrying; other 4xx say the request itself is wrong and would fail again.
// 401, 403 and 404 are the same for every request of a run (bad key, no
// access, unknown model or URL), so they stop the run at once.
func statusError(status int, body []byte, h http.Header, apiKeyEnv string) *callError {
	e := &callError{status: status, msg: errorMessage(body)}
	switch {
	case status == http.StatusTooManyRequests || status == http.StatusRequestTimeout ||
		status == http.StatusConflict || status >= 500:
		e.retryable = true
		e.retryAfter, e.hasWait = parseRetryAfter(h, time.Now())
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		e.fatal = true
		e.msg += fmt.Sprintf(" (check the API key in $%s)", apiKeyEnv)
	case status == http.StatusNotFound:
		e.fatal = true
		e.msg += " (check the base URL and the model name)"
	}
	return e
}

// errorMessage pulls the message out of an OpenAI-style error body, or
// returns the start of the body.
func errorMessage(body []byte) string {
	var ae apiError
	if err := json.Unmarshal(body, &ae); err == nil {
		var nested struct {
			Message string `json:"message"`
		}
		var text string
		switch {
		case len(ae.Error) > 0 && json.Unmarshal(ae.Error, &nested) == nil && nested.Message != "":
			return nested.Message
		case len(ae.Error) > 0 && json.Unmarshal(ae.Error, &text) == nil && text != "":
			return text // {"error": "..."}, as some proxies answer
		case ae.Message != "":
			return ae.Message // vLLM's flat ErrorResponse
		}
	}
	s := strings.TrimSpace(string(body))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	if s == "" {
		s = "(empty body)"
	}
	return s
}

// parseRetryAfter reads OpenAI's retry-after-ms, or the standard Retry-After
// in seconds or as an HTTP date.
func parseRetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	if v := h.Get("Retry-After-Ms"); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms >= 0 {
			return time.Duration(ms * float64(time.Millisecond)), true
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 {
		return time.Duration(s * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(0, t.Sub(now)), true
	}
	return 0, false
}

// backoff is the wait before retry number attempt+1: the server's
// Retry-After when it gave one (capped at maxWait), else base·2^attempt capped
// at cap, jittered to 50–100% so clients that failed together do not retry
// together.
func backoff(attempt int, base, cap, maxWait time.Duration, e *callError) time.Duration {
	if e != nil && e.hasWait {
		return min(e.retryAfter, maxWait)
	}
	d := cap
	if attempt < 30 && base<<attempt > 0 && base<<attempt < cap {
		d = base << attempt
	}
	half := d / 2
	return half + rand.N(half+1)
}

var errNoChoices = errors.New("response has no choices")
