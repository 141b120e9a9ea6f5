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

	"golang.org/x/sync/semaphore"

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
	// MaxInFlightBytes bounds the request bodies being read and scored at
	// once, in bytes (default 128 MiB, at least MaxBodyBytes). A request
	// reserves its Content-Length (MaxBodyBytes when it sends none) before
	// a byte of its body is read, so memory stays bounded however many
	// clients send large batches at once: the heap holds about four times
	// the body bytes while they are decoded and scored.
	MaxInFlightBytes int64
	// MaxConcurrent bounds the requests read and scored at once (default
	// GOMAXPROCS). A request takes its slot before its body is read.
	MaxConcurrent int
	// QueueWait is how long a request waits for a free slot and for its
	// bytes before 503 (default 30 s; negative means do not wait).
	QueueWait time.Duration
	// ReadTimeout bounds reading one request, headers and body (default
	// 2 min); IdleTimeout closes a keep-alive connection left idle (default
	// 60 s). Headers must arrive within 10 s.
	ReadTimeout, IdleTimeout time.Duration
	// Logger receives one line per request and warnings; nil means
	// slog.Default().
	Logger *slog.Logger
}

// Defaults for Options.
const (
	DefaultMaxBodyBytes     = 64 << 20
	DefaultMaxInFlightBytes = 128 << 20
	DefaultQueueWait        = 30 * time.Second
	DefaultReadTimeout      = 2 * time.Minute
	DefaultIdleTimeout      = 60 * time.Second
	readHeaderTimeout       = 10 * time.Second
)

// maxDetailAnswer bounds the answer echoed in details.
const maxDetailAnswer = 200

type handler struct {
	opts  Options
	slots chan struct{}
	bytes *semaphore.Weighted // MaxInFlightBytes of request bodies
	log   *slog.Logger
	// stop ends with the server: requests still waiting for a slot or
	// reading their body give up instead of holding shutdown.
	stop context.Context
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
	return newHandler(opts, context.Background())
}

func newHandler(opts Options, stop context.Context) *handler {
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if opts.MaxConcurrent <= 0 {
		opts.MaxConcurrent = runtime.GOMAXPROCS(0)
	}
	if opts.MaxInFlightBytes <= 0 {
		opts.MaxInFlightBytes = DefaultMaxInFlightBytes
	}
	opts.MaxInFlightBytes = max(opts.MaxInFlightBytes, opts.MaxBodyBytes)
	if opts.QueueWait == 0 {
		opts.QueueWait = DefaultQueueWait
	}
	if opts.ReadTimeout <= 0 {
		opts.ReadTimeout = DefaultReadTimeout
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = DefaultIdleTimeout
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	return &handler{opts: opts, slots: make(chan struct{}, opts.MaxConcurrent),
		bytes: semaphore.NewWeighted(opts.MaxInFlightBytes), log: log, stop: stop}
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

// acquire takes a slot and n bytes of the in-flight budget, waiting up to
// QueueWait for both. It returns a release func, or a reason for the 503.
func (h *handler) acquire(ctx context.Context, n int64) (release func(), why string) {
	wait := h.opts.QueueWait
	if wait < 0 {
		wait = 0
	}
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	stop := context.AfterFunc(h.stop, cancel)
	defer stop()
	select {
	case h.slots <- struct{}{}:
	default:
		select {
		case h.slots <- struct{}{}:
		case <-ctx.Done():
			return nil, h.busy(fmt.Sprintf("all %d scoring slots busy", cap(h.slots)))
		}
	}
	if !h.bytes.TryAcquire(n) {
		if err := h.bytes.Acquire(ctx, n); err != nil {
			<-h.slots
			return nil, h.busy(fmt.Sprintf("request bodies in flight are at the server's limit of %d bytes (--max-in-flight)", h.opts.MaxInFlightBytes))
		}
	}
	return func() { h.bytes.Release(n); <-h.slots }, ""
}

func (h *handler) busy(why string) string {
	if h.stop.Err() != nil {
		return "server shutting down"
	}
	return why + "; retry"
}

func (h *handler) serveReward(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	// The body is read only once a slot and its bytes are held, so the
	// bodies in memory are bounded by MaxConcurrent and MaxInFlightBytes
	// rather than by how many clients send at once.
	rc := http.NewResponseController(w)
	// refuse answers without reading the body, and without net/http then
	// draining it from a client that may trickle it for minutes.
	refuse := func(status int, msg string) {
		_ = rc.SetReadDeadline(time.Now())
		w.Header().Set("Connection", "close")
		writeError(w, status, msg)
	}
	n := r.ContentLength
	if n > h.opts.MaxBodyBytes {
		refuse(http.StatusRequestEntityTooLarge, h.tooBig(h.opts.MaxBodyBytes))
		return
	}
	if n < 0 {
		n = h.opts.MaxBodyBytes // unknown length: reserve the most it may be
	}
	release, why := h.acquire(r.Context(), max(n, 1))
	if release == nil {
		w.Header().Set("Retry-After", "1")
		refuse(http.StatusServiceUnavailable, why)
		return
	}
	defer release()
	// A body still arriving when the server stops is cut off, so slow
	// clients cannot hold shutdown for the whole grace period.
	reading := context.AfterFunc(h.stop, func() { _ = rc.SetReadDeadline(time.Now()) })
	req, err := decodeRequest(w, r, min(n, h.opts.MaxBodyBytes))
	reading()
	if err != nil {
		status := http.StatusBadRequest
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			status = http.StatusRequestEntityTooLarge
			err = errors.New(h.tooBig(h.opts.MaxBodyBytes))
		}
		writeError(w, status, err.Error())
		return
	}
	samples, err := h.samples(req)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}

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

func (h *handler) tooBig(limit int64) string {
	return fmt.Sprintf("request body over %d bytes: send smaller batches or raise the server's limit (--max-body)", limit)
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
		b.list = append(b.list, l.Sample(response, prompt))
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
