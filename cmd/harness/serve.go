package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vlmlab/harness/harness/cache"
	"github.com/vlmlab/harness/harness/catalog"
	"github.com/vlmlab/harness/harness/config"
	"github.com/vlmlab/harness/harness/datafetch"
	"github.com/vlmlab/harness/harness/evaluate"
	"github.com/vlmlab/harness/harness/openai"
	"github.com/vlmlab/harness/internal/version"
	"github.com/vlmlab/harness/leaderboard"
	"github.com/vlmlab/harness/leaderboard/queue"
	"github.com/vlmlab/harness/leaderboard/server"
	"github.com/vlmlab/harness/leaderboard/store"
	"github.com/vlmlab/harness/plugins/host"
	"github.com/vlmlab/harness/plugins/sdk"
	"github.com/vlmlab/harness/submissions"
)

type serveFlags struct {
	addr, db, dataDir, judgeCache, adminEnv string
	maxUploadMiB                            int64
	submitEvery                             time.Duration
	noScoring                               bool
	judge                                   judgeFlags
}

func newServeCmd(g *globals) *cobra.Command {
	f := &serveFlags{}
	cmd := &cobra.Command{
		Use:   "serve --addr HOST:PORT --db DSN",
		Short: "Serve the leaderboard: ranking pages, JSON API, submissions re-scored with the evaluator plugins",
		Long: `Serve the leaderboard over HTTP: the ranking page, a page per entry with
its sub-metrics, provenance and items, item-by-item comparisons, the JSON API
under /api/v1, /healthz and Prometheus /metrics.

Published rows come from the YAML files of submissions/ (shown as reported).
Submissions ('harness submit') are queued in the store and re-scored here
with the evaluator plugins on the benchmark data of --data-dir, with this
server's judge and its answer cache; they then show as verified.

--db is an SQLite file (default RUN_DIR/leaderboard.db) or a PostgreSQL URL
(postgres://USER:PASS@HOST/DB). Submitters need a token ('harness serve
token NAME'); the admin token (to hide, flag or re-run) is read from the
environment variable --admin-token-env names.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runServe(cmd, g, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.addr, "addr", "127.0.0.1:8080", "address to listen on")
	cmd.PersistentFlags().StringVar(&f.db, "db", "", "store: SQLite file or postgres:// URL (default RUN_DIR/leaderboard.db)")
	fl.StringVar(&f.dataDir, "data-dir", "", "benchmark data the submissions are scored on (default: data.dir of the config)")
	fl.StringVar(&f.judgeCache, "judge-cache", "", "the judge's answer cache (default RUN_DIR/cache/leaderboard-judge.jsonl)")
	fl.StringVar(&f.adminEnv, "admin-token-env", "HARNESS_ADMIN_TOKEN", "environment variable holding the admin token (lb_ID_SECRET; 'harness serve token admin --admin' makes one)")
	fl.Int64Var(&f.maxUploadMiB, "max-upload-mib", 64, "largest submission accepted, in MiB")
	fl.DurationVar(&f.submitEvery, "submit-every", 10*time.Second, "per-token rate limit: one submission per this long (bursts of 5)")
	fl.BoolVar(&f.noScoring, "no-scoring", false, "serve only; another server process scores the queue")
	f.judge.register(cmd)
	cmd.AddCommand(newServeTokenCmd(g, f))
	return cmd
}

func (f *serveFlags) dsn(cfg *config.Config) string {
	if f.db != "" {
		return f.db
	}
	runDir := cfg.RunDir
	if runDir == "" {
		runDir = ".harness"
	}
	return filepath.Join(runDir, "leaderboard.db")
}

func newServeTokenCmd(g *globals, f *serveFlags) *cobra.Command {
	var admin bool
	cmd := &cobra.Command{
		Use:   "token NAME",
		Short: "Make a submitter's token (or, with --admin, an admin token) and print it once",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := g.loadConfig()
			if err != nil {
				return err
			}
			st, err := store.Open(cmd.Context(), f.dsn(cfg))
			if err != nil {
				return err
			}
			defer st.Close()
			t, err := st.AddToken(cmd.Context(), args[0], "", admin)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), t.Secret())
			fmt.Fprintf(cmd.ErrOrStderr(), "harness: token %q (id %s) stored hashed; it is shown only now\n", args[0], t.ID)
			return nil
		},
	}
	cmd.Flags().BoolVar(&admin, "admin", false, "an admin token: may hide and flag entries and re-run submissions")
	return cmd
}

func runServe(cmd *cobra.Command, g *globals, f *serveFlags) error {
	ctx := cmd.Context()
	stderr := cmd.ErrOrStderr()
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slogLevel(g.logLevel)}))
	cfg, err := g.loadConfig()
	if err != nil {
		return err
	}
	dsn := f.dsn(cfg)
	st, err := store.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	published, err := leaderboard.LoadFS(submissions.FS)
	if err != nil {
		return err
	}
	if err := server.SeedPublished(ctx, st, published); err != nil {
		return err
	}
	if name := f.adminEnv; name != "" {
		if secret := os.Getenv(name); secret != "" {
			if _, err := st.AddToken(ctx, "admin", secret, true); err != nil {
				return fmt.Errorf("$%s: %w; make one with 'harness serve token admin --admin'", name, err)
			}
		}
	}

	var worker *queue.Worker
	srv, err := server.New(st, server.Options{MaxUpload: f.maxUploadMiB << 20, SubmitEvery: f.submitEvery, Version: version.Version, Logger: logger})
	if err != nil {
		return err
	}
	if !f.noScoring {
		sc, closeScorer, err := f.scorer(g, cfg)
		if err != nil {
			return err
		}
		defer closeScorer()
		worker = queue.New(st, sc, srv.Registry())
		worker.Version, worker.Logger, worker.Changed = version.Version, logger, srv.Changed
		srv.SetQueue(worker)
	}

	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return fmt.Errorf("--addr %s: %w", f.addr, err)
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 5 * time.Minute,
		WriteTimeout: 2 * time.Minute, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10}
	fmt.Fprintf(stderr, "harness: leaderboard at http://%s (store %s, %d published entries)\n", ln.Addr(), redactDSN(dsn), len(published))

	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan struct{})
	if worker != nil {
		go func() {
			defer close(done)
			if err := worker.Run(runCtx); err != nil {
				logger.Error("scoring queue stopped", "error", err)
			}
		}()
	} else {
		close(done)
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		stop()
		<-done
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	fmt.Fprintln(stderr, "harness: shutting down; a submission being scored is requeued at the next start")
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	err = hs.Shutdown(sctx)
	stop()
	<-done
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func slogLevel(s string) slog.Level {
	switch strings.ToLower(s) {
	case "trace", "debug":
		return slog.LevelDebug
	case "info":
		return slog.LevelInfo
	case "error":
		return slog.LevelError
	}
	return slog.LevelWarn
}

func redactDSN(dsn string) string {
	if i := strings.Index(dsn, "@"); i >= 0 && strings.Contains(dsn, "://") {
		scheme, rest, _ := strings.Cut(dsn, "://")
		user, _, _ := strings.Cut(rest[:strings.Index(rest, "@")], ":")
		return scheme + "://" + user + rest[strings.Index(rest, "@"):]
	}
	return dsn
}

// pluginScorer scores with the evaluator plugins of the catalog, on the
// server's data and judge.
type pluginScorer struct {
	host      *host.Host
	cat       *catalog.Catalog
	cfg       *config.Config
	dataDir   string
	judge     *openai.Client
	judgeName string
}

func (f *serveFlags) scorer(g *globals, cfg *config.Config) (*pluginScorer, func(), error) {
	h, cat, err := g.newHost(cfg)
	if err != nil {
		return nil, nil, err
	}
	sc := &pluginScorer{host: h, cat: cat, cfg: cfg, dataDir: f.dataDir}
	if sc.dataDir == "" {
		sc.dataDir = cfg.Data.Dir
	}
	closers := []func(){h.Close}
	if name := f.judge.name(); name != "" {
		path := f.judgeCache
		if path == "" {
			runDir := cfg.RunDir
			if runDir == "" {
				runDir = ".harness"
			}
			path = filepath.Join(runDir, "cache", "leaderboard-judge.jsonl")
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			h.Close()
			return nil, nil, fmt.Errorf("judge cache: %w", err)
		}
		c, err := cache.Open(path)
		if err != nil {
			h.Close()
			return nil, nil, fmt.Errorf("judge cache: %w", err)
		}
		closers = append(closers, func() { c.Close() })
		j, err := openai.New(openai.Config{BaseURL: f.judge.endpoint, APIKeyEnv: f.judge.keyEnv, Model: name, Cache: c})
		if err != nil {
			c.Close()
			h.Close()
			return nil, nil, fmt.Errorf("judge: %w", err)
		}
		closers = append(closers, func() { j.Close() })
		sc.judge, sc.judgeName = j, j.JudgeModel()
	}
	return sc, func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}, nil
}

// Score runs the evaluation session `harness score` runs, with the
// server's data, judge and the benchmark's config (evaluator, options).
func (s *pluginScorer) Score(ctx context.Context, benchmark, profile string, responses []sdk.Response, check queue.Check) (*queue.Scored, error) {
	var b config.Benchmark
	for _, cb := range s.cfg.Benchmarks {
		if cb.Name == benchmark {
			b = cb
		}
	}
	data := b.Data
	if data == "" {
		if s.dataDir == "" {
			return nil, errors.New("the server has no benchmark data: start it with --data-dir DIR ('harness data fetch all --dir DIR')")
		}
		p, err := datafetch.Locate(s.dataDir, benchmark)
		if err != nil {
			return nil, fmt.Errorf("the server's data: %w", err)
		}
		data = p
	}
	e, err := s.cat.Evaluator(benchmark, b.Evaluator)
	if err != nil {
		return nil, err
	}
	sess := &evaluate.Session{Host: s.host, Evaluator: e, Benchmark: benchmark, Responses: responses, Check: check,
		Load: sdk.LoadRequest{Path: data, Profile: profile, AllowPartial: b.AllowPartial, Judge: s.judgeName, Options: b.Options}}
	if s.judge != nil {
		sess.Judge = s.judge
	}
	f, err := sess.Run(ctx)
	if err != nil {
		return nil, err
	}
	return &queue.Scored{Report: f.Report, Outcome: f.Outcome, Items: f.Items}, nil
}
