// Package server is the leaderboard's web server (gin): the ranking page and
// the entry, item and comparison pages as server-rendered HTML that works
// without JavaScript, the JSON API under /api/v1, submission uploads, the
// admin actions, /healthz and Prometheus /metrics.
package server

import (
	"context"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"golang.org/x/time/rate"

	"github.com/vlmlab/harness/leaderboard/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Options configure a Server.
type Options struct {
	// MaxUpload bounds a submission's body (default 64 MiB).
	MaxUpload int64
	// SubmitEvery and SubmitBurst are each token's submission rate
	// limit (default one per 10 s, bursts of 5).
	SubmitEvery time.Duration
	SubmitBurst int
	// Queue is woken when a submission is accepted or re-run; nil when
	// nothing scores in this process.
	Queue interface{ Wake() }
	// Version is shown in the footer and in /healthz.
	Version string
	Logger  *slog.Logger
	// CacheTTL bounds how long a write by another process to the same
	// store goes unseen by the ranking (default 2 s; negative: never
	// refresh on time, only on this process's writes).
	CacheTTL time.Duration
}

// Server serves one store.
type Server struct {
	st      store.Store
	opts    Options
	pages   map[string]*template.Template
	reg     *prometheus.Registry
	metrics *metrics
	cache   *cache
	snap    *snapshot

	mu       sync.Mutex
	limiters map[string]*rate.Limiter
}

// New makes a server over st.
func New(st store.Store, opts Options) (*Server, error) {
	if opts.MaxUpload <= 0 {
		opts.MaxUpload = 64 << 20
	}
	if opts.SubmitEvery <= 0 {
		opts.SubmitEvery = 10 * time.Second
	}
	if opts.SubmitBurst <= 0 {
		opts.SubmitBurst = 5
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.CacheTTL == 0 {
		opts.CacheTTL = 2 * time.Second
	}
	pages, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s := &Server{st: st, opts: opts, pages: pages, reg: reg, metrics: newMetrics(reg), limiters: map[string]*rate.Limiter{}}
	s.cache = newCache()
	s.snap = &snapshot{st: st, ttl: opts.CacheTTL, onSwap: s.cache.clear}
	return s, nil
}

// SetQueue sets the queue woken by accepted submissions (before Handler).
func (s *Server) SetQueue(q interface{ Wake() }) { s.opts.Queue = q }

// Registry is where the server's metrics are; the queue adds its own.
func (s *Server) Registry() *prometheus.Registry { return s.reg }

// Changed drops the ranking snapshot and the pages made from it: the queue
// calls it after writing an entry, the admin routes after theirs.
func (s *Server) Changed() { s.snap.invalidate() }

// Handler returns the HTTP handler of every route.
func (s *Server) Handler() http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(s.recoverJSON, securityHeaders, s.metrics.middleware)
	r.HandleMethodNotAllowed = true
	r.NoRoute(func(c *gin.Context) { s.notFound(c, "no such page") })

	static, _ := fs.Sub(staticFS, "static")
	r.StaticFS("/static", http.FS(static))
	r.GET("/healthz", s.healthz)
	r.GET("/metrics", gin.WrapH(promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{Registry: s.reg})))

	r.GET("/", s.pageIndex)
	r.GET("/entry/:id", s.pageEntry)
	r.GET("/entry/:id/items", s.pageItems)
	r.GET("/compare", s.pageCompare)
	r.GET("/submissions", s.pageSubmissions)

	api := r.Group("/api/v1")
	api.GET("/entries", s.apiEntries)
	api.GET("/entries.csv", s.apiCSV)
	api.GET("/entries/:id", s.apiEntry)
	api.GET("/entries/:id/items", s.apiItems)
	api.GET("/compare", s.apiCompare)
	api.GET("/submissions", s.apiSubmissions)
	api.GET("/submissions/:id", s.apiSubmission)
	api.POST("/submissions", s.sameSite, s.auth(false), s.apiSubmit)
	admin := api.Group("/admin", s.sameSite, s.auth(true))
	admin.POST("/entries/:id/hide", s.apiHide)
	admin.POST("/entries/:id/flag", s.apiFlag)
	admin.POST("/submissions/:id/rerun", s.apiRerun)
	return r
}

func (s *Server) healthz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	if err := s.st.Ping(ctx); err != nil {
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable", "error": "store: " + err.Error()})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok", "version": s.opts.Version, "schema": store.SchemaVersion()})
}

// recoverJSON answers 500 instead of dropping the connection if a handler
// panics, and logs it.
func (s *Server) recoverJSON(c *gin.Context) {
	defer func() {
		if v := recover(); v != nil {
			s.opts.Logger.Error("panic in handler", "path", c.Request.URL.Path, "panic", v)
			c.AbortWithStatusJSON(http.StatusInternalServerError, gin.H{"error": "internal error"})
		}
	}()
	c.Next()
}

// securityHeaders: no inline script or style, nothing from other hosts,
// no framing, no MIME sniffing.
func securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	c.Next()
}

// sameSite refuses state-changing requests a browser sends from another
// site (CSRF): the API authenticates by a header, which a cross-site form
// cannot set, and this also rejects what Fetch Metadata marks cross-site.
func (s *Server) sameSite(c *gin.Context) {
	if site := c.GetHeader("Sec-Fetch-Site"); site == "cross-site" || site == "same-site" {
		c.AbortWithStatusJSON(http.StatusForbidden, gin.H{"error": "cross-site request refused"})
		return
	}
	if origin := c.GetHeader("Origin"); origin != "" && origin != "null" && origin != "http://"+c.Request.Host && origin != "https://"+c.Request.Host {
		c.AbortWithStatusJSON(http.StatusForbidden, gin.H{"error": "cross-origin request refused (Origin " + strconv.Quote(origin) + ")"})
		return
	}
	c.Next()
}

const tokenKey = "token"

// auth resolves the bearer token; admin routes need an admin token.
func (s *Server) auth(admin bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.GetHeader("Authorization")
		secret, ok := cutPrefixFold(h, "Bearer ")
		if !ok || secret == "" {
			c.Header("WWW-Authenticate", `Bearer realm="leaderboard"`)
			c.AbortWithStatusJSON(http.StatusUnauthorized, gin.H{"error": "missing token: send Authorization: Bearer TOKEN (harness submit --token)"})
			return
		}
		t, err := s.st.Token(c.Request.Context(), secret)
		if err != nil {
			status, msg := http.StatusUnauthorized, "unknown or revoked token"
			if !errors.Is(err, store.ErrNotFound) {
				status, msg = http.StatusServiceUnavailable, "store unavailable"
				s.opts.Logger.Error("token lookup", "error", err)
			}
			c.AbortWithStatusJSON(status, gin.H{"error": msg})
			return
		}
		if admin && !t.Admin {
			c.AbortWithStatusJSON(http.StatusForbidden, gin.H{"error": "this action needs an admin token"})
			return
		}
		c.Set(tokenKey, t)
		c.Next()
	}
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) < len(prefix) || !equalFold(s[:len(prefix)], prefix) {
		return "", false
	}
	return s[len(prefix):], true
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range len(a) {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// allow applies the per-token submission rate limit.
func (s *Server) allow(tokenID string) (bool, time.Duration) {
	s.mu.Lock()
	l, ok := s.limiters[tokenID]
	if !ok {
		l = rate.NewLimiter(rate.Every(s.opts.SubmitEvery), s.opts.SubmitBurst)
		s.limiters[tokenID] = l
	}
	s.mu.Unlock()
	r := l.Reserve()
	if d := r.Delay(); d > 0 {
		r.Cancel()
		return false, d
	}
	return true, 0
}
