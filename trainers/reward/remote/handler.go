package remote

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/vlmlab/harness/trainers/reward"
)

// Options configure the reward server. The zero value serves rule-based
// rewards with the defaults below.
type Options struct {
	// Reward computes the rewards; set Reward.Open for open_ended samples.
	Reward reward.Mixed
	// DefaultVerifier scores plain-string labels; empty refuses them.
	DefaultVerifier reward.VerifierType
	// Recovery cuts the response out of the query.
	Recovery Recovery
	// MaxBodyBytes bounds a request body (default 64 MiB); larger gets 413.
	MaxBodyBytes int64
	// MaxConcurrent bounds the requests scored at once (default GOMAXPROCS).
	MaxConcurrent int
	// QueueWait is how long a request waits for a free slot before 503
	// (default 30 s; negative means do not wait).
	QueueWait time.Duration
	// Logger receives one line per request and warnings; nil means
	// slog.Default().
	Logger *slog.Logger
}

// Defaults for Options.
const (
	DefaultMaxBodyBytes = 64 << 20
	DefaultQueueWait    = 30 * time.Second
)

// maxDetailAnswer bounds the answer echoed in details.
const maxDetailAnswer = 200

type handler struct {
	opts  Options
	slots chan struct{}
	log   *slog.Logger
}

// NewHandler returns the reward server's HTTP handler:
//
//	POST /, POST /get_reward   score a batch (OpenRLHF remote reward protocol)
//	GET  /health               {"status": "ok", "in_flight": n, "max_concurrent": m}
//
// Errors are JSON {"error": "..."}: 400 malformed request (naming the index of
// a bad label), 404 unknown path, 405 wrong method, 413 body over
// MaxBodyBytes, 502 reward model failure, 503 all slots busy past QueueWait.
func NewHandler(opts Options) http.Handler {
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if opts.MaxConcurrent <= 0 {
		opts.MaxConcurrent = runtime.GOMAXPROCS(0)
	}
	if opts.QueueWait == 0 {
		opts.QueueWait = DefaultQueueWait
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	return &handler{opts: opts, slots: make(chan struct{}, opts.MaxConcurrent), log: log}
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/", "/get_reward":
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			writeError(w, http.StatusMethodNotAllowed, fmt.Sprintf("%s %s: use POST with a JSON body", r.Method, r.URL.Path))
			return
		}
		h.serveReward(w, r)
	case "/health":
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeError(w, http.StatusMethodNotAllowed, fmt.Sprintf("%s /health: use GET", r.Method))
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"status": "ok", "in_flight": len(h.slots), "max_concurrent": cap(h.slots),
		})
	default:
		writeError(w, http.StatusNotFound, fmt.Sprintf("no route %s: POST / or /get_reward, GET /health", r.URL.Path))
	}
}

// acquire takes a scoring slot, waiting up to QueueWait.
func (h *handler) acquire(ctx context.Context) bool {
	select {
	case h.slots <- struct{}{}:
		return true
	default:
	}
	if h.opts.QueueWait < 0 {
		return false
	}
	t := time.NewTimer(h.opts.QueueWait)
	defer t.Stop()
	select {
	case h.slots <- struct{}{}:
		return true
	case <-t.C:
		return false
	case <-ctx.Done():
		return false
	}
}

func (h *handler) serveReward(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	req, err := decodeRequest(w, r, h.opts.MaxBodyBytes)
	if err != nil {
		status := http.StatusBadRequest
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			status = http.StatusRequestEntityTooLarge
			err = fmt.Errorf("request body over %d bytes: send smaller batches or raise the server's limit", tooBig.Limit)
		}
		writeError(w, status, err.Error())
		return
	}
	samples, err := h.samples(req)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	if !h.acquire(r.Context()) {
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusServiceUnavailable, fmt.Sprintf("all %d scoring slots busy; retry", cap(h.slots)))
		return
	}
	defer func() { <-h.slots }()

	results, err := h.opts.Reward.Score(r.Context(), samples.list)
	if err != nil {
		var bad *reward.SampleError
		switch {
		case errors.As(err, &bad):
			writeError(w, http.StatusBadRequest, fmt.Sprintf("labels[%d]: %v", samples.index[bad.Index], bad.Err))
		case r.Context().Err() != nil:
			h.log.Info("reward request abandoned by client", "samples", req.size())
		default:
			writeError(w, http.StatusBadGateway, err.Error())
		}
		return
	}
	resp := h.response(req, samples, results)
	writeJSON(w, http.StatusOK, resp)
	h.log.Debug("rewards", "samples", req.size(), "mean_reward", mean(resp.Rewards),
		"format_ok", mean(resp.ExtraLogs["format_ok"]), "elapsed", time.Since(start).Round(time.Microsecond))
}

// batch holds the samples to score and, for each, its index in the request;
// samples whose response could not be recovered are not scored.
type batch struct {
	list     []reward.Sample
	index    []int    // index[k] is the request index of list[k]
	notFound []string // per request index: why the response was not found, or ""
}

func decodeRequest(w http.ResponseWriter, r *http.Request, limit int64) (Request, error) {
	body := http.MaxBytesReader(w, r.Body, limit)
	dec := json.NewDecoder(body)
	var req Request
	if err := dec.Decode(&req); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return Request{}, err
		}
		return Request{}, fmt.Errorf("request body is not valid JSON of the form {\"query\": [...], \"prompts\": [...], \"labels\": [...]}: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return Request{}, err
		}
		return Request{}, fmt.Errorf("request body has data after the JSON object")
	}
	if req.Responses != nil {
		return req, checkDirect(req)
	}
	switch {
	case req.Query == nil:
		return Request{}, fmt.Errorf("request has no \"query\" list (or send \"responses\" with the responses alone)")
	case req.Prompts == nil:
		return Request{}, fmt.Errorf("request has no \"prompts\" list: the response is found by stripping prompts[i] from query[i] (OpenRLHF sends prompts since v0.5.9)")
	case req.Labels == nil:
		return Request{}, fmt.Errorf("request has no \"labels\" list: set OpenRLHF's --label_key")
	case len(req.Prompts) != len(req.Query) || len(req.Labels) != len(req.Query):
		return Request{}, fmt.Errorf("lists differ in length: %d queries, %d prompts, %d labels", len(req.Query), len(req.Prompts), len(req.Labels))
	}
	return req, nil
}

// checkDirect validates the direct form: responses and labels of equal
// length, prompts optional, no query (a request must not mean two things).
func checkDirect(req Request) error {
	switch {
	case req.Query != nil:
		return fmt.Errorf("request has both \"query\" and \"responses\": send query+prompts (OpenRLHF) or responses (the response alone), not both")
	case req.Labels == nil:
		return fmt.Errorf("request has no \"labels\" list")
	case len(req.Labels) != len(req.Responses):
		return fmt.Errorf("lists differ in length: %d responses, %d labels", len(req.Responses), len(req.Labels))
	case req.Prompts != nil && len(req.Prompts) != len(req.Responses):
		return fmt.Errorf("lists differ in length: %d responses, %d prompts (prompts is optional; when sent, one per response)", len(req.Responses), len(req.Prompts))
	}
	return nil
}

// size is the number of samples in req, in either form.
func (req Request) size() int {
	if req.Responses != nil {
		return len(req.Responses)
	}
	return len(req.Query)
}

func (h *handler) samples(req Request) (batch, error) {
	n := req.size()
	b := batch{notFound: make([]string, n)}
	for i := range n {
		l, err := ParseLabel(req.Labels[i], h.opts.DefaultVerifier)
		if err != nil {
			return batch{}, fmt.Errorf("labels[%d]: %w", i, err)
		}
		var response, prompt string
		if req.Responses != nil {
			response = req.Responses[i]
			if req.Prompts != nil {
				prompt = req.Prompts[i]
			}
		} else {
			prompt = req.Prompts[i]
			response, err = h.opts.Recovery.RecoverResponse(req.Query[i], prompt)
		}
		if err != nil {
			// One odd sample must not stop training: it scores 0 and is logged.
			b.notFound[i] = err.Error()
			h.log.Warn("response not found; reward 0", "index", i, "error", err)
			continue
		}
		question := l.Question
		if question == "" {
			question = prompt
		}
		b.list = append(b.list, reward.Sample{
			Response: response, Label: l.Answer, VerifierType: l.VerifierType, Query: question,
			Images: l.Images, ImageWidth: l.ImageWidth, ImageHeight: l.ImageHeight,
		})
		b.index = append(b.index, i)
	}
	return b, nil
}

func (h *handler) response(req Request, b batch, results []reward.Result) Response {
	n := req.size()
	resp := Response{
		Rewards:   make([]Float, n),
		Scores:    make([]Float, n),
		ExtraLogs: map[string][]Float{"format_ok": make([]Float, n), "response_found": make([]Float, n)},
		Details:   make([]Detail, n),
	}
	for i, why := range b.notFound {
		if why != "" {
			resp.Details[i] = Detail{Reason: "response not found: " + why}
		}
	}
	for k, res := range results {
		i := b.index[k]
		resp.Rewards[i], resp.Scores[i] = Float(res.Reward), Float(res.Reward)
		resp.ExtraLogs["response_found"][i] = 1
		if res.FormatOK {
			resp.ExtraLogs["format_ok"][i] = 1
		}
		resp.Details[i] = Detail{VerifierType: string(res.VerifierType), Answer: cut(res.Answer, maxDetailAnswer), Reason: res.Reason}
	}
	return resp
}

func mean(xs []Float) float64 {
	if len(xs) == 0 {
		return 0
	}
	sum := 0.0
	for _, x := range xs {
		sum += float64(x)
	}
	return sum / float64(len(xs))
}

// cut shortens s to at most n bytes on a rune boundary.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// clipped quotes s for an error message, cut to a readable length.
func clipped(s string) string { return strconv.Quote(cut(s, 80)) }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // the client may be gone; nothing to do then
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, ErrorBody{Error: msg})
}
