package openai

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
	"golang.org/x/time/rate"
)

// ErrStopped is wrapped by the error of a run stopped after too many
// consecutive failures or a failure that no retry can fix.
var ErrStopped = errors.New("model backend stopped")

// maxResponseBytes bounds a response body; a chat answer is far smaller.
const maxResponseBytes = 64 << 20

// Client calls one OpenAI-compatible endpoint. It is safe for concurrent use;
// its concurrency bound, rate limit and failure count are shared by all calls.
type Client struct {
	cfg       Config
	endpoint  string
	apiKey    string
	apiKeyEnv string
	http      *http.Client
	ownHTTP   bool
	slots     chan struct{}
	// scaling bounds images decoded and scaled at once: the work is CPU-bound,
	// and each one holds megabytes of pixels, so more than one per core only
	// grows memory (16 requests in flight would hold hundreds of MB).
	scaling chan struct{}
	limiter *rate.Limiter // nil: unlimited
	// flight merges in-flight calls for the same cache key.
	flight singleflight.Group
	log    *slog.Logger

	// stopCtx ends when the breaker trips; its cause is the stop error.
	stopCtx context.Context
	stop    context.CancelCauseFunc

	mu          sync.Mutex
	consecutive int // failed requests in a row
	timeouts    int // attempts in a row that got no answer within Timeout
	inFlight    map[uint64]time.Time
	nextID      uint64

	usage usageCounters
}

// New checks cfg, fills in defaults and the environment, and returns a Client.
func New(cfg Config) (*Client, error) {
	getenv := cfg.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	if cfg.BaseURLEnv == "" {
		cfg.BaseURLEnv = DefaultBaseURLEnv
	}
	if cfg.APIKeyEnv == "" {
		cfg.APIKeyEnv = DefaultAPIKeyEnv
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = getenv(cfg.BaseURLEnv)
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	if cfg.NoAPIKey {
		cfg.APIKey = ""
	} else if cfg.APIKey == "" {
		cfg.APIKey = getenv(cfg.APIKeyEnv)
	}
	// A URL copied from a server's docs often names the endpoint itself;
	// appending /chat/completions again would call .../chat/completions/chat/completions.
	cfg.BaseURL = strings.TrimSuffix(strings.TrimRight(cfg.BaseURL, "/"), "/chat/completions")
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("openai: base URL %q: want http(s)://host[:port]/v1 (set it in the config or $%s)", cfg.BaseURL, cfg.BaseURLEnv)
	}
	switch {
	case cfg.Concurrency < 0:
		return nil, fmt.Errorf("openai: concurrency %d: want at least 1", cfg.Concurrency)
	case cfg.Concurrency == 0:
		cfg.Concurrency = defaultConcurrency
	}
	if cfg.RequestsPerSecond < 0 {
		return nil, fmt.Errorf("openai: requests per second %g: want 0 (unlimited) or more", cfg.RequestsPerSecond)
	}
	if cfg.MaxPixels < 0 {
		return nil, fmt.Errorf("openai: max pixels %d: want 0 (no scaling) or more", cfg.MaxPixels)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = defaultTimeout
	}
	switch {
	case cfg.MaxRetries < 0:
		cfg.MaxRetries = 0
	case cfg.MaxRetries == 0:
		cfg.MaxRetries = defaultMaxRetries
	}
	if cfg.BackoffBase <= 0 {
		cfg.BackoffBase = defaultBackoffBase
	}
	if cfg.BackoffMax <= 0 {
		cfg.BackoffMax = defaultBackoffMax
	}
	if cfg.MaxRetryWait <= 0 {
		cfg.MaxRetryWait = defaultMaxRetryWait
	}
	if cfg.MaxConsecutiveFailures == 0 {
		cfg.MaxConsecutiveFailures = defaultMaxConsecutiveFailures
	}
	if cfg.MaxConsecutiveTimeouts == 0 {
		cfg.MaxConsecutiveTimeouts = max(cfg.Concurrency, 2)
	}
	c := &Client{
		cfg:       cfg,
		endpoint:  strings.TrimRight(cfg.BaseURL, "/") + "/chat/completions",
		apiKey:    cfg.APIKey,
		apiKeyEnv: cfg.APIKeyEnv,
		http:      cfg.HTTPClient,
		slots:     make(chan struct{}, cfg.Concurrency),
		scaling:   make(chan struct{}, runtime.GOMAXPROCS(0)),
		log:       cfg.Logger,
		inFlight:  map[uint64]time.Time{},
	}
	if c.http == nil {
		c.http, c.ownHTTP = newHTTPClient(cfg.Concurrency), true
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if cfg.RequestsPerSecond > 0 {
		c.limiter = rate.NewLimiter(rate.Limit(cfg.RequestsPerSecond), 1)
	}
	c.stopCtx, c.stop = context.WithCancelCause(context.Background())
	return c, nil
}

// newHTTPClient keeps one idle connection per concurrent request: the default
// transport keeps only two per host, so the rest would reconnect every call.
func newHTTPClient(concurrency int) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = concurrency
	t.MaxIdleConns = max(t.MaxIdleConns, 2*concurrency)
	return &http.Client{Transport: t}
}

// Close releases idle connections.
func (c *Client) Close() {
	if c.ownHTTP {
		c.http.CloseIdleConnections()
	}
}

// Model returns the configured model name.
func (c *Client) Model() string { return c.cfg.Model }

// Err returns the stop error once the run has been stopped, else nil.
func (c *Client) Err() error {
	if c.stopCtx.Err() == nil {
		return nil
	}
	return context.Cause(c.stopCtx)
}

// runContext derives a context that also ends when the client stops, with
// the stop error as its cause.
func (c *Client) runContext(ctx context.Context) (context.Context, context.CancelCauseFunc) {
	ctx, cancel := context.WithCancelCause(ctx)
	unhook := context.AfterFunc(c.stopCtx, func() { cancel(context.Cause(c.stopCtx)) })
	return ctx, func(err error) { unhook(); cancel(err) }
}

// call sends one request body, retrying as the failure allows, and counts
// the outcome towards the consecutive-failure stop.
func (c *Client) call(ctx context.Context, body []byte) (*chatResponse, error) {
	for attempt := 0; ; attempt++ {
		if err := c.acquire(ctx); err != nil {
			if ctx.Err() != nil {
				return nil, stopReason(ctx)
			}
			return nil, err
		}
		resp, err := c.once(ctx, body)
		// The slot is released only after the outcome is counted, so a
		// request that stops the client is seen by the next one to start.
		if err == nil {
			c.succeeded()
			<-c.slots
			return resp, nil
		}
		if ctx.Err() != nil {
			// Cancelled or stopped while waiting for the answer: not the
			// server's fault, so not counted as a failure.
			<-c.slots
			return nil, stopReason(ctx)
		}
		var ce *callError
		if !errors.As(err, &ce) {
			ce = &callError{msg: err.Error()}
		}
		if ce.timeout && c.timedOut() {
			// Every slot waited a whole Timeout for nothing, with no answer
			// in between: the server is hung. Retrying each request would
			// keep the run silent for Timeout × retries × requests.
			c.halt(fmt.Errorf("%w: %s gave no answer within %s to %d attempts in a row (no answer in between): the server accepts connections but does not answer; check it, or raise --timeout if answers really take that long", ErrStopped, c.endpoint, c.cfg.Timeout, c.cfg.MaxConsecutiveTimeouts))
			c.failed(err, false)
			<-c.slots
			return nil, err
		}
		if !ce.retryable || attempt >= c.cfg.MaxRetries {
			if attempt > 0 {
				err = fmt.Errorf("%w (after %d attempts)", err, attempt+1)
			}
			c.failed(err, ce.fatal)
			<-c.slots
			return nil, err
		}
		<-c.slots
		wait := backoff(attempt, c.cfg.BackoffBase, c.cfg.BackoffMax, c.cfg.MaxRetryWait, ce)
		c.usage.retries.Add(1)
		c.log.Warn("model request failed, retrying", "endpoint", c.endpoint, "attempt", attempt+1, "wait", wait, "error", err)
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil, stopReason(ctx)
		}
	}
}

// acquire takes a concurrency slot, then waits for the rate limiter.
func (c *Client) acquire(ctx context.Context) error {
	select {
	case c.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	// The run context learns of a stop asynchronously; the stop itself is
	// already visible here.
	if c.stopCtx.Err() != nil {
		<-c.slots
		return context.Cause(c.stopCtx)
	}
	if c.limiter != nil {
		if err := c.limiter.Wait(ctx); err != nil {
			<-c.slots
			return err
		}
	}
	return nil
}

// once makes a single HTTP attempt.
func (c *Client) once(ctx context.Context, body []byte) (*chatResponse, error) {
	c.usage.requests.Add(1)
	defer c.track()()
	actx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodPost, c.endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	if c.apiKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.apiKey)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, c.transportError(ctx, actx, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err != nil {
		return nil, c.transportError(ctx, actx, err)
	}
	if len(data) > maxResponseBytes {
		// Cut here, it would read as malformed JSON and be retried for the
		// same oversized answer: say what happened, once.
		return nil, &callError{msg: fmt.Sprintf("the response from %s exceeded the %d MiB limit on a response body; not retried (lower max_tokens or n)", c.endpoint, maxResponseBytes>>20)}
	}
	if resp.StatusCode != http.StatusOK {
		return nil, statusError(resp.StatusCode, data, resp.Header, c.apiKeyEnv)
	}
	var out chatResponse
	if err := json.Unmarshal(data, &out); err != nil {
		// A proxy cutting the body or a server bug; worth another try.
		return nil, &callError{msg: fmt.Sprintf("malformed response from %s: %v", c.endpoint, err), retryable: true}
	}
	if len(out.Choices) == 0 {
		return nil, &callError{msg: errNoChoices.Error(), retryable: true}
	}
	c.usage.promptTokens.Add(int64(out.Usage.PromptTokens))
	c.usage.completionTokens.Add(int64(out.Usage.CompletionTokens))
	return &out, nil
}

// transportError classifies a failure without an HTTP status: resets,
// refused connections and timeouts are all worth retrying.
func (c *Client) transportError(ctx, actx context.Context, err error) error {
	if ctx.Err() != nil {
		return stopReason(ctx)
	}
	if errors.Is(actx.Err(), context.DeadlineExceeded) {
		return &callError{msg: fmt.Sprintf("no answer from %s within %s", c.endpoint, c.cfg.Timeout), retryable: true, timeout: true}
	}
	return &callError{msg: fmt.Sprintf("request to %s: %v", c.endpoint, unwrapURLError(err)), retryable: true}
}

func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func (c *Client) succeeded() {
	c.mu.Lock()
	c.consecutive, c.timeouts = 0, 0
	c.mu.Unlock()
}

// timedOut counts an attempt that got no answer within Timeout and reports
// whether MaxConsecutiveTimeouts of them came in a row.
func (c *Client) timedOut() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.timeouts++
	return c.cfg.MaxConsecutiveTimeouts > 0 && c.timeouts >= c.cfg.MaxConsecutiveTimeouts
}

// track records an HTTP attempt in flight; the func it returns ends it.
func (c *Client) track() func() {
	c.mu.Lock()
	id := c.nextID
	c.nextID++
	c.inFlight[id] = time.Now()
	c.mu.Unlock()
	return func() {
		c.mu.Lock()
		delete(c.inFlight, id)
		c.mu.Unlock()
	}
}

// InFlight reports how many HTTP requests are waiting for the server and
// how long the oldest has waited: what a heartbeat prints while the server
// is slow to answer.
func (c *Client) InFlight() (n int, oldest time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	for _, t := range c.inFlight {
		oldest = max(oldest, now.Sub(t))
	}
	return len(c.inFlight), oldest
}

// Endpoint is the URL requests go to.
func (c *Client) Endpoint() string { return c.endpoint }

// failed counts a request that failed for good; enough of them in a row, or
// one that no request of this run can avoid, stops the client.
func (c *Client) failed(err error, fatal bool) {
	c.usage.failedRequests.Add(1)
	c.mu.Lock()
	c.consecutive++
	n := c.consecutive
	c.mu.Unlock()
	limit := c.cfg.MaxConsecutiveFailures
	switch {
	case fatal:
		c.halt(fmt.Errorf("%w: %s answered %v", ErrStopped, c.endpoint, err))
	case limit > 0 && n >= limit:
		c.halt(fmt.Errorf("%w after %d consecutive failed requests to %s; last error: %v", ErrStopped, n, c.endpoint, err))
	}
}

func (c *Client) halt(err error) {
	if c.stopCtx.Err() == nil {
		c.log.Error("stopping the run", "error", err)
	}
	c.stop(err) // only the first cause is kept
}

// runErr is why a run is over, nil while it goes on: the client's stop,
// visible here at once although run contexts learn of it asynchronously,
// or the caller's cancellation.
func (c *Client) runErr(ctx context.Context) error {
	if c.stopCtx.Err() != nil {
		return context.Cause(c.stopCtx)
	}
	if ctx.Err() != nil {
		return stopReason(ctx)
	}
	return nil
}

// stopReason is why ctx ended: the stop error, or the caller's cancellation.
func stopReason(ctx context.Context) error {
	if cause := context.Cause(ctx); cause != nil {
		return cause
	}
	return ctx.Err()
}

// Heartbeat calls report every interval while some request has waited at
// least that long, with how many wait and the oldest's age: a hung or slow
// server is otherwise silent until the timeouts come. The func it returns
// stops it (and waits for it). A non-positive interval does nothing.
func (c *Client) Heartbeat(interval time.Duration, report func(inFlight int, oldest time.Duration)) (stop func()) {
	if interval <= 0 {
		return func() {}
	}
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if n, oldest := c.InFlight(); n > 0 && oldest >= interval {
					report(n, oldest)
				}
			}
		}
	}()
	return func() { close(done); <-stopped }
}
