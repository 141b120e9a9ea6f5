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
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/santhosh-tekuri/jsonschema/v6"

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
	// (the Go SDK and the Python one in plugins/python do).
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
	info   sdk.Info
	schema *jsonschema.Schema
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
	// Wait returns this long after the plugin exits even if something it
	// started still holds its stdout or stderr.
	cmd.WaitDelay = 2 * time.Second

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
		// The plugin did not start (it hung, or exited): end its whole
		// process group first, or a wrapper's child that holds its stdout
		// makes client.Kill wait forever.
		killGroup(cmd)
		client.Kill()
		return nil, p.startError(path, err)
	}
	raw, err := rpc.Dispense(spec.Kind)
	if err != nil {
		p.kill()
		return nil, fmt.Errorf("plugin %s: it does not serve kind %q: %w", spec.Name, spec.Kind, err)
	}
	remote, ok := raw.(*sdk.Remote)
	if !ok {
		p.kill()
		return nil, fmt.Errorf("plugin %s: unexpected client type %T", spec.Name, raw)
	}
	remote.WrapErr = p.wrapErr
	remote.Name = spec.Name
	p.remote = remote
	if err := ctx.Err(); err != nil {
		p.kill()
		return nil, err
	}
	if err := p.validate(ctx); err != nil {
		p.kill()
		return nil, err
	}
	return p, nil
}

// validate checks what the plugin declares against what the host launched it
// as, before any call of its kind: a trainer declared as an evaluator is
// refused here, not at its first call with gRPC's "unknown service".
func (p *Plugin) validate(ctx context.Context) error {
	info, err := p.remote.Describe(ctx)
	if err != nil {
		return fmt.Errorf("plugin %s: describe: %w", p.Spec.Name, err)
	}
	if info.Kind != p.Spec.Kind {
		return fmt.Errorf("plugin %s: refused: it is %s plugin (it says so in Describe), harness.yaml uses it as %s; fix its kind or the entry that names it", p.Spec.Name, article(orUnknown(info.Kind)), article(p.Spec.Kind))
	}
	v := p.client.NegotiatedVersion()
	if !slices.Contains(info.APIVersions, v) {
		return fmt.Errorf("plugin %s: refused: it declares API versions %v but the handshake negotiated %d; rebuild it against a matching SDK", p.Spec.Name, info.APIVersions, v)
	}
	if info.Name == "" || info.Version == "" {
		return fmt.Errorf("plugin %s: refused: Describe gives no name or version (name %q, version %q)", p.Spec.Name, info.Name, info.Version)
	}
	schema, err := compileSchema(info.ConfigSchema)
	if err != nil {
		return fmt.Errorf("plugin %s: refused: its config schema is not valid JSON Schema: %v", p.Spec.Name, err)
	}
	p.info, p.schema = info, schema
	return nil
}

func article(kind string) string {
	if kind != "" && strings.ContainsAny(kind[:1], "aeiou") {
		return "an " + kind
	}
	return "a " + kind
}

func orUnknown(kind string) string {
	if kind == "" {
		return "kindless"
	}
	return kind
}

// Info is what the plugin declared in Describe at launch.
func (p *Plugin) Info() sdk.Info { return p.info }

// APIVersion is the protocol version the handshake negotiated; Configure
// sends it.
func (p *Plugin) APIVersion() int { return p.client.NegotiatedVersion() }

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
	msg := fmt.Sprintf("plugin %s: start %s: %s", p.Spec.Name, path, handshakeProblem(err))
	if st := p.waitExit(2 * time.Second); st != "" {
		msg += " (" + st + ")"
	}
	if lines := p.tail.Lines(); len(lines) > 0 {
		msg += "\nlast log lines:\n  " + strings.Join(lines, "\n  ")
	}
	return errors.New(msg)
}

// handshakeProblem rewords go-plugin's "Unrecognized remote plugin message"
// (followed by advice about compiled binaries that misleads for a script)
// into what went wrong: something else printed on stdout first, or nothing
// was printed at all.
func handshakeProblem(err error) string {
	const unrecognized = "Unrecognized remote plugin message: "
	reason := err.Error()
	i := strings.Index(reason, unrecognized)
	if i < 0 {
		return reason
	}
	line, _, _ := strings.Cut(reason[i+len(unrecognized):], "\n")
	if line = strings.TrimSpace(line); line != "" {
		return fmt.Sprintf("it wrote %q to stdout before its handshake line; stdout carries only the handshake (log to stderr; a Python plugin imports harness_plugin before anything that prints)", line)
	}
	return "it ended without writing its handshake line to stdout"
}

// Describe asks the plugin what it is.
func (p *Plugin) Describe(ctx context.Context) (sdk.Info, error) { return p.remote.Describe(ctx) }

// Configure validates the plugin's config block (JSON) against the schema it
// declared and hands it over with the negotiated API version.
func (p *Plugin) Configure(ctx context.Context, configJSON []byte) error {
	if err := p.ValidateConfig(configJSON); err != nil {
		return err
	}
	return p.remote.Configure(ctx, p.APIVersion(), configJSON)
}

// CheckConfig validates a config block against a JSON Schema given as text,
// as the host does at Configure: nil, or a *SchemaError listing what breaks
// it, or an error saying the schema itself does not compile.
func CheckConfig(schema string, configJSON []byte) error {
	s, err := compileSchema(schema)
	if err != nil {
		return fmt.Errorf("config schema: %w", err)
	}
	return validateAgainst(s, configJSON)
}

// ValidateConfig checks a config block against the plugin's declared JSON
// Schema. The error names the plugin and the failing location in the block.
func (p *Plugin) ValidateConfig(configJSON []byte) error {
	if err := validateAgainst(p.schema, configJSON); err != nil {
		return fmt.Errorf("plugin %s: config does not match the plugin's schema: %w", p.Spec.Name, err)
	}
	return nil
}

// Remote is the plugin's client at the SDK level (what sdktest checks).
func (p *Plugin) Remote() *sdk.Remote { return p.remote }

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
func (p *Plugin) Kill() { p.kill() }

// killGrace is how long kill lets go-plugin's graceful Kill run before the
// plugin's process group is killed.
const killGrace = 3 * time.Second

// kill ends the plugin and everything it started. go-plugin's Kill asks
// for a graceful exit, then kills the plugin process; it then waits for the
// plugin's stdout to close, which a grandchild can hold open forever. So the
// process group is killed when Kill is not done after killGrace, and in any
// case once it is, so no child of the plugin outlives it.
func (p *Plugin) kill() {
	done := make(chan struct{})
	go func() {
		defer close(done)
		p.client.Kill()
	}()
	select {
	case <-done:
	case <-time.After(killGrace):
		killGroup(p.cmd)
		<-done
	}
	killGroup(p.cmd)
}

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
			p.kill()
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
