package openaitest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// Config scripts a Server. The zero value answers every call from a hash.
type Config struct {
	// APIKey, when set, is required as "Authorization: Bearer <key>";
	// other calls get 401.
	APIKey string
	// Answers maps a prompt (text of the last user message) to its answer.
	Answers map[string]string
	// Answer computes the answer of sample i when Answers has none. Default:
	// HashAnswer.
	Answer func(req Request, sample int) string
	// Faults decides which calls fail and how. Default: none.
	Faults FaultPlan
	// RetryAfter is the Retry-After header value of RateLimit faults
	// (default "0": retry at once).
	RetryAfter string
	// SlowDelay is how long Slow calls wait before answering (default 5s);
	// the wait ends early when the client goes away.
	SlowDelay time.Duration
	// Record keeps every decoded request for Requests (off by default so
	// benchmarks do not grow memory).
	Record bool
}

// Server is a running loopback chat completions endpoint.
type Server struct {
	cfg  Config
	http *httptest.Server

	mu       sync.Mutex
	calls    int
	attempts map[string]int // body hash -> calls seen
	byPrompt map[string]int
	faults   map[Fault]int
	requests []Request
	inFlight int
	peak     int
}

// New starts a server on 127.0.0.1. Close it when done.
func New(cfg Config) *Server {
	if cfg.Answer == nil {
		cfg.Answer = HashAnswer
	}
	if cfg.RetryAfter == "" {
		cfg.RetryAfter = "0"
	}
	if cfg.SlowDelay <= 0 {
		cfg.SlowDelay = 5 * time.Second
	}
	s := &Server{cfg: cfg, attempts: map[string]int{}, byPrompt: map[string]int{}, faults: map[Fault]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", s.chat)
	s.http = httptest.NewServer(mux)
	return s
}

// URL is the API base URL, ending in /v1 (what OPENAI_BASE_URL holds).
func (s *Server) URL() string { return s.http.URL + "/v1" }

// Close shuts the server down, waiting for calls in progress.
func (s *Server) Close() { s.http.Close() }

// Calls returns how many chat calls arrived (faulty ones included).
func (s *Server) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// CallsFor returns how many calls carried prompt as their last user message.
func (s *Server) CallsFor(prompt string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.byPrompt[prompt]
}

// Injected returns how many calls got fault f.
func (s *Server) Injected(f Fault) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults[f]
}

// MaxInFlight returns the most calls that were being handled at once.
func (s *Server) MaxInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peak
}

// Requests returns the decoded requests received so far (Config.Record).
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// HashAnswer is the default answer: a short text derived from a hash of the
// model, the messages, the temperature and seed, and the sample index, so
// equal requests get equal answers and different ones (almost surely) differ.
func HashAnswer(req Request, sample int) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%d\x00", req.Model, sample)
	if req.Temperature != nil {
		fmt.Fprintf(h, "t=%g\x00", *req.Temperature)
	}
	if req.Seed != nil {
		fmt.Fprintf(h, "s=%d\x00", *req.Seed)
	}
	for _, m := range req.Messages {
		fmt.Fprintf(h, "%s\x00%s\x00", m.Role, m.Content)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	return "The answer is " + sum[:8] + "."
}

func (s *Server) chat(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.inFlight++
	s.peak = max(s.peak, s.inFlight)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.inFlight--
		s.mu.Unlock()
	}()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeError(w, http.StatusBadRequest, "read body: "+err.Error())
		return
	}
	var req Request
	if err := json.Unmarshal(body, &req); err != nil {
		writeError(w, http.StatusBadRequest, "request is not JSON: "+err.Error())
		return
	}
	sum := sha256.Sum256(body)
	s.mu.Lock()
	s.calls++
	s.attempts[string(sum[:])]++
	call := Call{N: s.calls, Attempt: s.attempts[string(sum[:])], Request: req}
	s.byPrompt[req.Prompt()]++
	if s.cfg.Record {
		s.requests = append(s.requests, req)
	}
	s.mu.Unlock()

	if s.cfg.APIKey != "" && r.Header.Get("Authorization") != "Bearer "+s.cfg.APIKey {
		s.count(Unauthorized)
		writeError(w, http.StatusUnauthorized, "Incorrect API key provided.")
		return
	}
	if err := validate(req); err != nil {
		s.count(BadRequest)
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	fault := None
	if s.cfg.Faults != nil {
		fault = s.cfg.Faults(call)
	}
	s.count(fault)
	switch fault {
	case RateLimit:
		w.Header().Set("Retry-After", s.cfg.RetryAfter)
		writeError(w, http.StatusTooManyRequests, "Rate limit reached.")
		return
	case ServerError:
		writeError(w, http.StatusInternalServerError, "The server had an error while processing your request.")
		return
	case Unavailable:
		writeError(w, http.StatusServiceUnavailable, "The engine is currently overloaded.")
		return
	case BadRequest:
		writeError(w, http.StatusBadRequest, "Invalid request (injected).")
		return
	case Unauthorized:
		writeError(w, http.StatusUnauthorized, "Incorrect API key provided.")
		return
	case NotFound:
		writeError(w, http.StatusNotFound, fmt.Sprintf("The model `%s` does not exist.", req.Model))
		return
	case Reset:
		reset(w)
		return
	case Malformed:
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"x","choices":[{"message":{"content":"trunc`)
		return
	case Slow:
		select {
		case <-time.After(s.cfg.SlowDelay):
		case <-r.Context().Done():
			return
		}
	}
	writeJSON(w, s.answer(req, fault == EmptyChoices))
}

func (s *Server) count(f Fault) {
	s.mu.Lock()
	s.faults[f]++
	s.mu.Unlock()
}

func validate(req Request) error {
	if req.Model == "" {
		return fmt.Errorf("you must provide a model parameter")
	}
	if len(req.Messages) == 0 {
		return fmt.Errorf("messages must not be empty")
	}
	for i, m := range req.Messages {
		parts, err := m.Parts()
		if err != nil {
			return fmt.Errorf("messages[%d].content: %v", i, err)
		}
		for j, p := range parts {
			switch p.Type {
			case "text":
			case "image_url":
				if p.ImageURL == nil || !strings.HasPrefix(p.ImageURL.URL, "data:image/") && !strings.HasPrefix(p.ImageURL.URL, "http") {
					return fmt.Errorf("messages[%d].content[%d]: invalid image_url", i, j)
				}
			default:
				return fmt.Errorf("messages[%d].content[%d]: unknown type %q", i, j, p.Type)
			}
		}
	}
	return nil
}

// answer builds the completion. Token counts are whitespace-separated words;
// max_tokens cuts the answer to that many words with finish_reason "length".
func (s *Server) answer(req Request, empty bool) response {
	n := 1
	if req.N != nil && *req.N > 1 {
		n = *req.N
	}
	out := response{ID: "chatcmpl-test", Object: "chat.completion", Created: 1, Model: req.Model, Choices: []choice{}}
	for _, m := range req.Messages {
		out.Usage.PromptTokens += len(strings.Fields(m.Text())) + 4*len(m.ImageURLs())
	}
	if empty {
		return out
	}
	for i := range n {
		text, ok := s.cfg.Answers[req.Prompt()]
		if !ok {
			text = s.cfg.Answer(req, i)
		}
		finish := "stop"
		words := strings.Fields(text)
		if req.MaxTokens != nil && *req.MaxTokens > 0 && len(words) > *req.MaxTokens {
			words = words[:*req.MaxTokens]
			text = strings.Join(words, " ")
			finish = "length"
		}
		out.Usage.CompletionTokens += len(words)
		out.Choices = append(out.Choices, choice{Index: i, Message: messageOut{Role: "assistant", Content: text}, FinishReason: finish})
	}
	out.Usage.TotalTokens = out.Usage.PromptTokens + out.Usage.CompletionTokens
	return out
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": msg, "type": http.StatusText(status)}})
}

// reset closes the connection with an RST (linger 0), the way a crashing
// proxy or a dropped NAT entry looks to the client.
func reset(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		writeError(w, http.StatusInternalServerError, "cannot hijack")
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		tcp.SetLinger(0)
	}
	conn.Close()
}
