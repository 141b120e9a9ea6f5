package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vlmlab/harness/harness/evaluate"
	"github.com/vlmlab/harness/harness/modelserve"
	"github.com/vlmlab/harness/plugins/sdk"
)

func newModelCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "model", Short: "Serve a model plugin"}
	cmd.AddCommand(newModelServeCmd(g))
	return cmd
}

type modelServeFlags struct {
	checkpoint, addr, name, apiKeyEnv string
	cfg                               modelserve.Config
	noWarmup                          bool
}

func newModelServeCmd(g *globals) *cobra.Command {
	f := &modelServeFlags{}
	cmd := &cobra.Command{
		Use:   "serve PLUGIN [--checkpoint DIR] [--addr HOST:PORT]",
		Short: "Serve a model plugin behind an OpenAI-compatible API (like vllm serve)",
		Long: `Serve a model plugin (built-in, or declared in harness.yaml) for a checkpoint
behind an OpenAI-compatible HTTP API, so harness eval, the OpenAI SDKs and any
other client use it as they use vLLM:

  GET  /v1/models             the one served model
  POST /v1/chat/completions   text and base64 image_url parts; n, max_tokens,
                              max_completion_tokens, temperature, top_p, top_k,
                              seed, stop; stream: true as server-sent events
  GET  /health                200 while the model plugin is running

Concurrent requests with the same sampling settings are batched into one
Generate call of the plugin (--max-batch sequences, --batch-window).

The server has no TLS. It listens on 127.0.0.1 by default; to serve other
machines, bind their interface and require a key (--api-key-env), and keep the
port behind a firewall or a TLS reverse proxy. Ctrl-C (SIGINT) or SIGTERM
stops it gracefully: requests in flight finish, then the plugin is stopped.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runModelServe(cmd, g, f, args[0]) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.checkpoint, "checkpoint", "", "checkpoint folder the plugin serves (with checkpoint.json, as a trainer stage writes it); none for plugins that need none, such as chance")
	fl.StringVar(&f.addr, "addr", "127.0.0.1:8000", "address to listen on (port 0: any free port, printed at start)")
	fl.StringVar(&f.name, "served-model-name", "", "model name clients send (default: the plugin's name)")
	fl.StringVar(&f.apiKeyEnv, "api-key-env", "", "environment variable holding an API key that clients must send as a bearer token (default: no key)")
	fl.IntVar(&f.cfg.MaxBatch, "max-batch", modelserve.DefaultMaxBatch, "most sequences (prompts x n) in one Generate call; 1 turns batching off")
	fl.DurationVar(&f.cfg.BatchWindow, "batch-window", modelserve.DefaultBatchWindow, "longest an idle model waits for requests still being read before it generates")
	fl.IntVar(&f.cfg.MaxInFlight, "max-in-flight", 1, "Generate calls of the plugin running at once")
	fl.IntVar(&f.cfg.MaxQueue, "max-queue", modelserve.DefaultMaxQueue, "requests waiting for the model; more get 503")
	fl.Int64Var(&f.cfg.MaxBodyBytes, "max-body", modelserve.DefaultMaxBodyBytes, "largest request body in bytes (413 beyond)")
	fl.IntVar(&f.cfg.MaxN, "max-n", modelserve.DefaultMaxN, "largest n a request may ask for")
	fl.IntVar(&f.cfg.DefaultMaxTokens, "default-max-tokens", 0, "max_tokens of requests that give none (0: the plugin's own limit)")
	fl.IntVar(&f.cfg.MaxImagePixels, "max-image-pixels", modelserve.DefaultMaxImagePixels, "largest image, in pixels, a request may send")
	fl.DurationVar(&f.cfg.GenerateTimeout, "generate-timeout", modelserve.DefaultGenerateTimeout, "limit of one Generate call of the plugin")
	fl.DurationVar(&f.cfg.ShutdownTimeout, "shutdown-timeout", modelserve.DefaultShutdownTimeout, "how long requests in flight get to finish on SIGINT/SIGTERM")
	fl.BoolVar(&f.noWarmup, "no-warmup", false, "skip the one-prompt Generate call that checks the plugin and checkpoint before listening")
	return cmd
}

func runModelServe(cmd *cobra.Command, g *globals, f *modelServeFlags, name string) error {
	ctx := cmd.Context()
	stderr := cmd.ErrOrStderr()
	for _, c := range []struct {
		flag string
		v    int
	}{{"--max-batch", f.cfg.MaxBatch}, {"--max-in-flight", f.cfg.MaxInFlight}, {"--max-queue", f.cfg.MaxQueue}, {"--max-n", f.cfg.MaxN}, {"--max-image-pixels", f.cfg.MaxImagePixels}} {
		if c.v < 1 {
			return fmt.Errorf("%s is %d; want 1 or more", c.flag, c.v)
		}
	}
	if f.cfg.DefaultMaxTokens < 0 || f.cfg.MaxBodyBytes < 1 || f.cfg.BatchWindow < 0 {
		return errors.New("--default-max-tokens and --batch-window must not be negative, --max-body must be positive")
	}
	cfg, err := g.loadConfig()
	if err != nil {
		return err
	}
	h, cat, err := g.newHost(cfg)
	if err != nil {
		return err
	}
	defer h.Close()
	e, ok := cat.Get(name)
	if !ok {
		var models []string
		for _, c := range cat.All() {
			if c.Kind == sdk.KindModel {
				models = append(models, c.Name)
			}
		}
		return fmt.Errorf("no model plugin %q; model plugins: %s (declare others under plugins: in harness.yaml)", name, strings.Join(models, ", "))
	}
	if e.Kind != sdk.KindModel {
		return fmt.Errorf("plugin %s is a %s plugin, not a model plugin", name, e.Kind)
	}
	var ckpt *sdk.Checkpoint
	if f.checkpoint != "" {
		if ckpt, err = loadCheckpoint(f.checkpoint); err != nil {
			return err
		}
	}
	if f.apiKeyEnv != "" {
		f.cfg.APIKey = os.Getenv(f.apiKeyEnv)
		if f.cfg.APIKey == "" {
			return fmt.Errorf("--api-key-env %s: the variable is empty or unset", f.apiKeyEnv)
		}
	}
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return fmt.Errorf("--addr %s: %w", f.addr, err)
	}
	defer ln.Close()

	p, err := h.Launch(ctx, e.Spec)
	if err != nil {
		return err
	}
	if err := p.Configure(ctx, e.Config); err != nil {
		return err
	}
	gen := evaluate.Plugin(p.Model(), ckpt)
	if !f.noWarmup {
		if err := warmup(ctx, gen); err != nil {
			where := ""
			if ckpt != nil {
				where = " with checkpoint " + ckpt.Dir
			}
			return fmt.Errorf("model plugin %s%s failed its first generation: %w", name, where, err)
		}
	}
	sc := f.cfg
	sc.Model, sc.Generator = f.name, gen
	if sc.Model == "" {
		sc.Model = name
	}
	sc.Health = func() error {
		if p.Exited() {
			return fmt.Errorf("model plugin %s has exited (see the log above); restart the server", name)
		}
		return nil
	}
	sc.Logger = g.logger().Named("serve")
	srv, err := modelserve.New(sc)
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	fmt.Fprintf(stderr, "harness: serving model %s (plugin %s, pid %d) at http://%s/v1\n", sc.Model, name, p.PID(), addr)
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && !tcp.IP.IsLoopback() && sc.APIKey == "" {
		fmt.Fprintf(stderr, "harness: warning: %s is reachable from other machines and requires no key; use --api-key-env and a firewall, or bind 127.0.0.1\n", addr)
	}
	err = srv.Serve(ctx, ln)
	st := srv.Stats()
	fmt.Fprintf(stderr, "harness: stopped; %d request(s) in %d Generate call(s), largest batch %d sequence(s)\n", st.Requests, st.Calls, st.MaxBatch)
	return err
}

// warmup makes one tiny generation, so that a plugin that cannot load its
// checkpoint says so at start, not on every request.
func warmup(ctx context.Context, gen modelserve.Generator) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	var genErr string
	err := gen.Generate(ctx, []sdk.Prompt{{ID: "warmup", Parts: []sdk.Part{{Text: "Hello"}}}}, sdk.GenerateParams{MaxTokens: 1, N: 1},
		func(g sdk.Generation) error {
			genErr = g.Error
			return nil
		})
	if err != nil {
		return err
	}
	if genErr != "" {
		return errors.New(genErr)
	}
	return nil
}

// loadCheckpoint reads and verifies the manifest of a checkpoint folder
// (sdk.ReadCheckpoint), after the checks that give a plainer message.
func loadCheckpoint(dir string) (*sdk.Checkpoint, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("--checkpoint %s: %w", dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("--checkpoint %s: not a folder; give the checkpoint's folder", dir)
	}
	if _, err := os.Stat(filepath.Join(dir, sdk.ManifestFile)); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("--checkpoint %s: no %s in it; give a folder a trainer stage wrote (RUN_DIR/checkpoints/KEY)", dir, sdk.ManifestFile)
	}
	ck, err := sdk.ReadCheckpoint(dir)
	if err != nil {
		return nil, fmt.Errorf("--checkpoint: %w", err)
	}
	return ck, nil
}
