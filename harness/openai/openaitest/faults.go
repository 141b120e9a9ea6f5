package openaitest

// Fault is what the server does with one call instead of answering it.
type Fault int

const (
	None         Fault = iota // answer normally
	RateLimit                 // 429 with a Retry-After header (Config.RetryAfter)
	ServerError               // 500 with an OpenAI-style error body
	Unavailable               // 503
	Slow                      // answer only after Config.SlowDelay
	Reset                     // hijack the connection and reset it, no response
	Malformed                 // 200 with a body that is not JSON
	EmptyChoices              // 200 with "choices": []
	BadRequest                // 400 (a client error: must not be retried)
	Unauthorized              // 401
	NotFound                  // 404 (unknown model)
)

var faultNames = map[Fault]string{
	None: "none", RateLimit: "rate-limit", ServerError: "server-error", Unavailable: "unavailable",
	Slow: "slow", Reset: "reset", Malformed: "malformed", EmptyChoices: "empty-choices",
	BadRequest: "bad-request", Unauthorized: "unauthorized", NotFound: "not-found",
}

func (f Fault) String() string {
	if s, ok := faultNames[f]; ok {
		return s
	}
	return "fault(?)"
}

// Call is what a fault plan sees of one incoming call.
type Call struct {
	// N numbers calls from 1 in arrival order.
	N int
	// Attempt numbers calls from 1 among those with an identical body, so a
	// client's retries of one request count 2, 3, …
	Attempt int
	Request Request
}

// FaultPlan decides the fault of each call. It may be called concurrently.
type FaultPlan func(Call) Fault

// Always injects f on every call.
func Always(f Fault) FaultPlan { return func(Call) Fault { return f } }

// FirstAttempts injects f on the first n attempts of every distinct request;
// a client that retries enough then gets its answer.
func FirstAttempts(n int, f Fault) FaultPlan {
	return func(c Call) Fault {
		if c.Attempt <= n {
			return f
		}
		return None
	}
}

// ForPrompt injects f on every call whose last user message is prompt.
func ForPrompt(prompt string, f Fault) FaultPlan {
	return func(c Call) Fault {
		if c.Request.Prompt() == prompt {
			return f
		}
		return None
	}
}

// Calls injects f on calls number from..to (inclusive, 1-based arrival order).
func Calls(from, to int, f Fault) FaultPlan {
	return func(c Call) Fault {
		if c.N >= from && c.N <= to {
			return f
		}
		return None
	}
}
