package modelserve

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/vlmlab/harness/plugins/sdk"
)

// Generator is the model behind the server: a model plugin bound to a
// checkpoint (evaluate.Plugin) or anything else that generates.
type Generator interface {
	Generate(ctx context.Context, prompts []sdk.Prompt, params sdk.GenerateParams, emit func(sdk.Generation) error) error
}

// Config configures a Server. Zero values take the defaults below.
type Config struct {
	// Model is the name clients send as "model" and /v1/models lists.
	Model     string
	Generator Generator
	// Health, when set, says whether the model can still answer (nil) or
	// why not; /health and every request ask it.
	Health func() error
	// APIKey, when set, is required as "Authorization: Bearer KEY" on every
	// /v1 route (not /health), as vLLM's --api-key does.
	APIKey string

	// MaxBatch is the most sequences (prompts × n) in one Generate call
	// (default 32; 1 turns batching off).
	MaxBatch int
	// BatchWindow bounds how long an idle model waits, before generating
	// what is queued, for requests the server is still reading (default
	// 5ms); it never waits for requests that have not arrived. While the
	// model is busy, requests queue and the next call takes them all, up
	// to MaxBatch.
	BatchWindow time.Duration
	// MaxInFlight is how many Generate calls run at once (default 1: a
	// model plugin batches better than it runs calls side by side).
	MaxInFlight int
	// MaxQueue is how many requests may wait for the model; more get 503
	// (default 1024).
	MaxQueue int
	// MaxBodyBytes limits a request body; larger ones get 413 (default 32 MiB).
	MaxBodyBytes int64
	// MaxN is the largest n a request may ask for (default 16).
	MaxN int
	// DefaultMaxTokens is sent when a request gives no max_tokens
	// (default 0: the model plugin's own limit).
	DefaultMaxTokens int
	// MaxImagePixels refuses larger images (default 1<<24, 4096×4096).
	MaxImagePixels int
	// GenerateTimeout bounds one Generate call (default 10 minutes).
	GenerateTimeout time.Duration
	// ShutdownTimeout is how long requests in flight get to finish once
	// Serve's context ends (default 30s).
	ShutdownTimeout time.Duration
	Logger          hclog.Logger
}

// Defaults of Config.
const (
	DefaultMaxBatch        = 32
	DefaultBatchWindow     = 5 * time.Millisecond
	DefaultMaxQueue        = 1024
	DefaultMaxBodyBytes    = 32 << 20
	DefaultMaxN            = 16
	DefaultMaxImagePixels  = 1 << 24
	DefaultGenerateTimeout = 10 * time.Minute
	DefaultShutdownTimeout = 30 * time.Second
)

// Server is the OpenAI-compatible front of one model.
type Server struct {
	cfg     Config
	batch   *batcher
	created int64
	mux     *http.ServeMux

	closeOnce sync.Once
}

// New checks cfg and returns a server whose batcher is running; call Serve,
// or Close when using Handler on its own.
func New(cfg Config) (*Server, error) {
	if cfg.Model == "" {
		return nil, errors.New("modelserve: no served model name")
	}
	if cfg.Generator == nil {
		return nil, errors.New("modelserve: no model to serve")
	}
	if cfg.MaxBatch < 0 || cfg.MaxInFlight < 0 || cfg.MaxQueue < 0 || cfg.MaxN < 0 || cfg.DefaultMaxTokens < 0 || cfg.BatchWindow < 0 {
		return nil, errors.New("modelserve: batch, queue and token limits must not be negative")
	}
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&cfg.MaxBatch, DefaultMaxBatch)
	def(&cfg.MaxInFlight, 1)
	def(&cfg.MaxQueue, DefaultMaxQueue)
	def(&cfg.MaxN, DefaultMaxN)
	def(&cfg.MaxImagePixels, DefaultMaxImagePixels)
	if cfg.BatchWindow == 0 {
		cfg.BatchWindow = DefaultBatchWindow
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.GenerateTimeout <= 0 {
		cfg.GenerateTimeout = DefaultGenerateTimeout
	}
	if cfg.ShutdownTimeout <= 0 {
		cfg.ShutdownTimeout = DefaultShutdownTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = hclog.NewNullLogger()
	}
	s := &Server{cfg: cfg, created: time.Now().Unix(), mux: http.NewServeMux()}
	s.batch = newBatcher(cfg.Generator, cfg.MaxBatch, cfg.MaxInFlight, cfg.MaxQueue, cfg.BatchWindow, cfg.GenerateTimeout)
	s.mux.HandleFunc("/v1/chat/completions", s.auth(s.chat))
	s.mux.HandleFunc("/v1/models", s.auth(s.models))
	s.mux.HandleFunc("/v1/models/", s.auth(s.model))
	s.mux.HandleFunc("/health", s.health)
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, &apiError{Status: http.StatusNotFound, Type: "invalid_request_error",
			Message: fmt.Sprintf("no route %s %s; this server answers GET /v1/models, POST /v1/chat/completions and GET /health", r.Method, r.URL.Path)})
	})
	return s, nil
}

// Handler is the server's HTTP handler.
func (s *Server) Handler() http.Handler { return s.mux }

// Stats reports what the batcher has done so far.
func (s *Server) Stats() Stats { return s.batch.statsNow() }

// Close stops the batcher: queued requests fail with 503, Generate calls in
// flight get until ctx ends. Serve calls it on its way out.
func (s *Server) Close(ctx context.Context) {
	s.closeOnce.Do(func() { s.batch.close(ctx) })
}

// Serve answers on ln until ctx ends, then shuts down gracefully: no new
// connections, requests in flight get ShutdownTimeout to finish.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.mux,
		ReadHeaderTimeout: 10 * time.Second,
		// Bodies are at most MaxBodyBytes; a client slower than this is gone.
		ReadTimeout: 2 * time.Minute,
		IdleTimeout: 2 * time.Minute,
		// No WriteTimeout: generations and streams take as long as the
		// model does; GenerateTimeout bounds that instead.
		MaxHeaderBytes: 64 << 10,
		ErrorLog:       log.New(s.cfg.Logger.StandardWriter(&hclog.StandardLoggerOptions{InferLevels: true}), "", 0),
		BaseContext:    func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		s.Close(context.Background())
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if err != nil {
		s.cfg.Logger.Warn("requests still running at the shutdown limit; closing them", "limit", s.cfg.ShutdownTimeout)
		srv.Close()
	}
	s.Close(sctx)
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		return serr
	}
	return nil
}

// auth checks the API key, in constant time.
func (s *Server) auth(next http.HandlerFunc) http.HandlerFunc {
	if s.cfg.APIKey == "" {
		return next
	}
	want := []byte("Bearer " + s.cfg.APIKey)
	return func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			writeError(w, &apiError{Status: http.StatusUnauthorized, Type: "invalid_request_error", Code: strp("invalid_api_key"),
				Message: "missing or wrong API key: send Authorization: Bearer KEY with the key the server was started with"})
			return
		}
		next(w, r)
	}
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		methodNotAllowed(w, r, "GET")
		return
	}
	if err := s.alive(); err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "model": s.cfg.Model})
}

func (s *Server) alive() *apiError {
	if s.cfg.Health == nil {
		return nil
	}
	if err := s.cfg.Health(); err != nil {
		return &apiError{Status: http.StatusServiceUnavailable, Type: "server_error", Code: strp("model_unavailable"),
			Message: "the model cannot answer: " + err.Error()}
	}
	return nil
}

func (s *Server) card() modelCard {
	return modelCard{ID: s.cfg.Model, Object: "model", Created: s.created, OwnedBy: "harness"}
}

func (s *Server) models(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		methodNotAllowed(w, r, "GET")
		return
	}
	writeJSON(w, http.StatusOK, modelList{Object: "list", Data: []modelCard{s.card()}})
}

func (s *Server) model(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		methodNotAllowed(w, r, "GET")
		return
	}
	name := strings.TrimPrefix(r.URL.Path, "/v1/models/")
	if name != s.cfg.Model {
		writeError(w, &apiError{Status: http.StatusNotFound, Type: "invalid_request_error", Param: strp("model"), Code: strp("model_not_found"),
			Message: fmt.Sprintf("the model %q does not exist; this server serves %q", name, s.cfg.Model)})
		return
	}
	writeJSON(w, http.StatusOK, s.card())
}

func methodNotAllowed(w http.ResponseWriter, r *http.Request, allow string) {
	w.Header().Set("Allow", allow)
	writeError(w, &apiError{Status: http.StatusMethodNotAllowed, Type: "invalid_request_error",
		Message: fmt.Sprintf("%s %s is not allowed; use %s", r.Method, r.URL.Path, allow)})
}

func (s *Server) chat(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		methodNotAllowed(w, r, "POST")
		return
	}
	if e := s.alive(); e != nil {
		writeError(w, e)
		return
	}
	s.batch.arriving.Add(1)
	arrived := false
	defer func() {
		if !arrived {
			s.batch.arriving.Add(-1)
		}
	}()
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, &apiError{Status: http.StatusRequestEntityTooLarge, Type: "invalid_request_error", Code: strp("request_too_large"),
				Message: fmt.Sprintf("request body is larger than %d bytes; send smaller images or fewer of them", tooBig.Limit)})
			return
		}
		writeError(w, badRequest("", "read request body: %v", err))
		return
	}
	req, e := s.parseRequest(body)
	if e != nil {
		writeError(w, e)
		return
	}
	j := newJob(r.Context(), req)
	e = s.batch.submit(j)
	arrived = true
	s.batch.arriving.Add(-1)
	if e != nil {
		writeError(w, e)
		return
	}
	id, created := completionID(), time.Now().Unix()
	if req.stream {
		s.stream(w, r, j, id, created)
		return
	}
	select {
	case <-j.done:
	case <-r.Context().Done():
		return
	}
	if j.err != nil {
		s.writeJobError(w, j.err)
		return
	}
	gens := drain(j)
	out := chatCompletion{ID: id, Object: "chat.completion", Created: created, Model: s.cfg.Model}
	for _, g := range gens {
		out.Choices = append(out.Choices, choice{Index: g.Sample, FinishReason: finishReason(g),
			Message: responseMessage{Role: "assistant", Content: g.Text}})
		out.Usage.CompletionTokens += g.Tokens
		// OpenAI counts the prompt once, whatever n.
		out.Usage.PromptTokens = max(out.Usage.PromptTokens, g.PromptTokens)
	}
	out.Usage.TotalTokens = out.Usage.PromptTokens + out.Usage.CompletionTokens
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) writeJobError(w http.ResponseWriter, err error) {
	e := pluginError(err)
	if e.Status >= 500 {
		s.cfg.Logger.Error("generate failed", "error", err)
	}
	writeError(w, e)
}

// drain returns a finished job's generations in sample order.
func drain(j *job) []sdk.Generation {
	var gens []sdk.Generation
	for {
		select {
		case g := <-j.gens:
			gens = append(gens, g)
		default:
			sort.Slice(gens, func(a, b int) bool { return gens[a].Sample < gens[b].Sample })
			return gens
		}
	}
}

func finishReason(g sdk.Generation) string {
	if g.Truncated {
		return "length"
	}
	return "stop"
}

func completionID() string {
	var b [12]byte
	rand.Read(b[:])
	return "chatcmpl-" + hex.EncodeToString(b[:])
}
