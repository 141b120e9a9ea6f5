// Package host launches plugins as child processes (go-plugin, gRPC only) and
// turns their failures into errors that name the plugin.
package host

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"

	"github.com/vlmlab/harness/plugins/sdk"
)

// Spec says how to start one plugin.
type Spec struct {
	// Name identifies the plugin in logs and errors (e.g. "mathvista").
	Name string
	// Kind is sdk.KindTrainer, sdk.KindEvaluator or sdk.KindModel.
	Kind string
	// Command is the executable and its arguments.
	Command []string
	// Env is added to the host's environment for the plugin.
	Env []string
	// SHA256 pins the executable (hex); a mismatch refuses to start it.
	SHA256 string
	// NoMTLS turns off AutoMTLS, for plugins whose SDK does not implement it
	// (go-plugin's mTLS handshake is only built into Go plugins).
	NoMTLS bool
	// Builtin marks plugins compiled into the harness binary.
	Builtin bool
}

// Options configure a Host.
type Options struct {
	// Logger receives plugin logs, named after each plugin. Default: discard.
	Logger hclog.Logger
	// StartTimeout bounds start-up to a working handshake (default 30s).
	StartTimeout time.Duration
	// TailLines is how many of a plugin's last log lines a crash error quotes
	// (default 20).
	TailLines int
}

// Host owns the plugin processes it started and ends them in Close.
type Host struct {
	opts Options

	mu      sync.Mutex
	plugins []*Plugin
	closed  bool
}

// New returns a host with no plugins running.
func New(opts Options) *Host {
	if opts.Logger == nil {
		opts.Logger = hclog.NewNullLogger()
	}
	if opts.StartTimeout <= 0 {
		opts.StartTimeout = 30 * time.Second
	}
	if opts.TailLines <= 0 {
		opts.TailLines = 20
	}
	return &Host{opts: opts}
}

// Plugin is one running plugin process.
type Plugin struct {
	Spec   Spec
	client *plugin.Client
	cmd    *exec.Cmd
	remote *sdk.Remote
	tail   *tail
}

// Launch starts a plugin, runs the handshake and returns a handle to it.
func (h *Host) Launch(ctx context.Context, spec Spec) (*Plugin, error) {
	if len(spec.Command) == 0 {
		return nil, fmt.Errorf("plugin %s: no command to run", spec.Name)
	}
	path, err := exec.LookPath(spec.Command[0])
	if err != nil {
		return nil, fmt.Errorf("plugin %s: %w; check the command in harness.yaml", spec.Name, err)
	}
	cmd := exec.Command(path, spec.Command[1:]...)
	// The host's environment first, so the spec's entries win.
	cmd.Env = append(os.Environ(), spec.Env...)
	setDeathSignal(cmd)

	t := newTail(h.opts.TailLines)
	logger := hclog.NewInterceptLogger(&hclog.LoggerOptions{Name: spec.Name, Output: io.Discard, Level: hclog.Trace})
	logger.RegisterSink(hclog.NewSinkAdapter(&hclog.LoggerOptions{Output: t, Level: hclog.Debug, DisableTime: true}))
	logger.RegisterSink(forward{h.opts.Logger.Named(spec.Name)})

	cfg := &plugin.ClientConfig{
		HandshakeConfig:  sdk.Handshake,
		VersionedPlugins: sdk.PluginSets(),
		Cmd:              cmd,
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		AutoMTLS:         !spec.NoMTLS,
		Logger:           logger,
		StartTimeout:     h.opts.StartTimeout,
		GRPCDialOptions:  sdk.GRPCDialOptions(),
		SkipHostEnv:      true,
		// After the handshake go-plugin carries the plugin's stdout and
		// stderr over gRPC; log them like its hclog lines.
		SyncStdout: &lineLogger{l: logger, level: hclog.Info},
		SyncStderr: &lineLogger{l: logger, level: hclog.Info},
	}
	if spec.SHA256 != "" {
		want, err := hex.DecodeString(spec.SHA256)
		if err != nil || len(want) != sha256.Size {
			return nil, fmt.Errorf("plugin %s: sha256 %q is not 64 hex digits", spec.Name, spec.SHA256)
		}
		cfg.SecureConfig = &plugin.SecureConfig{Checksum: want, Hash: sha256.New()}
	}

	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil, fmt.Errorf("plugin %s: host is shutting down", spec.Name)
	}
	client := plugin.NewClient(cfg)
	p := &Plugin{Spec: spec, client: client, cmd: cmd, tail: t}
	h.plugins = append(h.plugins, p)
	h.mu.Unlock()

	rpc, err := client.Client()
	if err != nil {
		client.Kill()
		return nil, p.startError(path, err)
	}
	raw, err := rpc.Dispense(spec.Kind)
	if err != nil {
		client.Kill()
		return nil, fmt.Errorf("plugin %s: it does not serve kind %q: %w", spec.Name, spec.Kind, err)
	}
	remote, ok := raw.(*sdk.Remote)
	if !ok {
		client.Kill()
		return nil, fmt.Errorf("plugin %s: unexpected client type %T", spec.Name, raw)
	}
	remote.WrapErr = p.wrapErr
	p.remote = remote
	if err := ctx.Err(); err != nil {
		client.Kill()
		return nil, err
	}
	return p, nil
}

func (p *Plugin) startError(path string, err error) error {
	switch {
	case errors.Is(err, plugin.ErrChecksumsDoNotMatch):
		got, herr := fileSHA256(path)
		if herr != nil {
			return fmt.Errorf("plugin %s: checksum of %s does not match the sha256 pinned in harness.yaml (%v)", p.Spec.Name, path, herr)
		}
		return fmt.Errorf("plugin %s: refused to start: sha256 of %s is %s, harness.yaml pins %s; rebuild the plugin you meant or update the pin", p.Spec.Name, path, got, p.Spec.SHA256)
	case strings.Contains(strings.ToLower(err.Error()), "incompatible api version"):
		return fmt.Errorf("plugin %s: refused: it speaks another plugin protocol version (%v); this harness speaks harness.v%d: rebuild the plugin against a matching SDK", p.Spec.Name, err, sdk.APIVersion)
	}
	msg := fmt.Sprintf("plugin %s: start %s: %v", p.Spec.Name, path, err)
	if st := p.waitExit(2 * time.Second); st != "" {
		msg += " (" + st + ")"
	}
	if lines := p.tail.Lines(); len(lines) > 0 {
		msg += "\nlast log lines:\n  " + strings.Join(lines, "\n  ")
	}
	return errors.New(msg)
}

// Describe asks the plugin what it is.
func (p *Plugin) Describe(ctx context.Context) (sdk.Info, error) { return p.remote.Describe(ctx) }

// Configure hands the plugin its config block (JSON).
func (p *Plugin) Configure(ctx context.Context, configJSON []byte) error {
	return p.remote.Configure(ctx, sdk.APIVersion, configJSON)
}

// Evaluator is the client of an evaluator plugin.
func (p *Plugin) Evaluator() *sdk.EvaluatorClient { return p.remote.Evaluator() }

// Trainer is the client of a trainer plugin.
func (p *Plugin) Trainer() sdk.Trainer { return p.remote.Trainer() }

// Model is the client of a model plugin.
func (p *Plugin) Model() sdk.Model { return p.remote.Model() }

// PID is the plugin's process id (0 when it did not start).
func (p *Plugin) PID() int {
	if p.cmd.Process == nil {
		return 0
	}
	return p.cmd.Process.Pid
}

// Exited reports whether the plugin process has ended.
func (p *Plugin) Exited() bool { return p.client.Exited() }

// Kill stops the plugin: a graceful shutdown over gRPC, then SIGKILL after 2s.
func (p *Plugin) Kill() { p.client.Kill() }

// Close ends every plugin this host started, in parallel, and waits for them.
// Launch fails after Close.
func (h *Host) Close() {
	h.mu.Lock()
	h.closed = true
	ps := h.plugins
	h.plugins = nil
	h.mu.Unlock()
	var wg sync.WaitGroup
	for _, p := range ps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.client.Kill()
		}()
	}
	wg.Wait()
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
