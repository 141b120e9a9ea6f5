package sdk

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
)

// ServeConfig is what a plugin's main hands to Serve. Set Info and exactly one
// of Trainer, Benchmarks (an evaluator) or Model.
type ServeConfig struct {
	Info       Info
	Trainer    Trainer
	Benchmarks []Benchmark
	Model      Model
	// Configure receives the plugin's config block from harness.yaml as JSON.
	// Nil means the plugin takes no config.
	Configure func(ctx context.Context, apiVersion int, config []byte) error
	// Logger defaults to hclog JSON on stderr, which the host re-emits tagged
	// with the plugin's name. Never write to stdout: it carries the handshake.
	Logger hclog.Logger
	// ParentPollInterval is how often the plugin checks that the host is still
	// alive (default 500ms). A plugin whose host died exits by itself.
	ParentPollInterval time.Duration
}

func (c *ServeConfig) kind() (string, error) {
	n := 0
	kind := ""
	if c.Trainer != nil {
		n, kind = n+1, KindTrainer
	}
	if len(c.Benchmarks) > 0 {
		n, kind = n+1, KindEvaluator
	}
	if c.Model != nil {
		n, kind = n+1, KindModel
	}
	if n != 1 {
		return "", fmt.Errorf("plugin %q: set exactly one of Trainer, Benchmarks or Model (got %d)", c.Info.Name, n)
	}
	return kind, nil
}

func (c *ServeConfig) info() Info {
	info := c.Info
	info.Kind, _ = c.kind()
	if len(info.APIVersions) == 0 {
		info.APIVersions = []int{APIVersion}
	}
	if info.ConfigSchema == "" {
		info.ConfigSchema = `{"type":"object"}`
	}
	if info.Kind == KindEvaluator && len(info.Provides) == 0 {
		for _, b := range c.Benchmarks {
			info.Provides = append(info.Provides, b.Info().Name)
		}
	}
	return info
}

// Serve runs the plugin until the host stops it. It never returns normally:
// go-plugin exits the process when the host shuts the plugin down. A binary
// started by hand (no handshake cookie) prints a short explanation and exits 1.
func Serve(cfg *ServeConfig) {
	if _, err := cfg.kind(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	logger := cfg.Logger
	if logger == nil {
		logger = hclog.New(&hclog.LoggerOptions{Name: cfg.Info.Name, Level: hclog.Info, JSONFormat: true, Output: os.Stderr})
	}
	if os.Getenv(Handshake.MagicCookieKey) == Handshake.MagicCookieValue {
		interval := cfg.ParentPollInterval
		if interval <= 0 {
			interval = 500 * time.Millisecond
		}
		go watchParent(logger, interval)
	}
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig:  Handshake,
		VersionedPlugins: map[int]plugin.PluginSet{APIVersion: PluginSet(cfg)},
		GRPCServer: func(opts []grpc.ServerOption) *grpc.Server {
			return grpc.NewServer(grpcServerOptions(opts)...)
		},
		Logger: logger,
	})
	os.Exit(0)
}

// watchParent exits the process when the host that started it is gone
// (re-parented to init or a subreaper), so a SIGKILLed host leaves no orphan.
// Go's Pdeathsig is tied to the forking thread, not the process, so the host
// sets it too but this poll is what makes the guarantee.
func watchParent(logger hclog.Logger, every time.Duration) {
	parent := os.Getppid()
	t := time.NewTicker(every)
	defer t.Stop()
	for range t.C {
		if os.Getppid() != parent {
			logger.Error("host process is gone; exiting", "parent", parent)
			os.Exit(2)
		}
	}
}

// PluginSet is the go-plugin set that serves cfg. Serve uses it under
// APIVersion; a binary migrating between protocol versions can serve it under
// several with go-plugin directly.
func PluginSet(cfg *ServeConfig) plugin.PluginSet {
	kind, _ := cfg.kind()
	return plugin.PluginSet{kind: &grpcPlugin{kind: kind, impl: cfg}}
}
