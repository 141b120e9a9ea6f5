package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/hashicorp/go-hclog"
	"github.com/spf13/cobra"

	defaults "github.com/vlmlab/harness"
	"github.com/vlmlab/harness/harness/catalog"
	"github.com/vlmlab/harness/harness/config"
	"github.com/vlmlab/harness/internal/version"
	"github.com/vlmlab/harness/plugins/host"
)

// globals are the flags every command shares.
type globals struct {
	configPath string
	logLevel   string
	// logOut is where logs go: stderr, or the progress board drawing on
	// it (a log line must not land inside the bars).
	logOut io.Writer
}

func newRootCmd() *cobra.Command {
	g := &globals{}
	root := &cobra.Command{
		Use:           "harness",
		Short:         "Train and evaluate reasoning vision-language models",
		Version:       version.Version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringVarP(&g.configPath, "config", "c", "", "harness.yaml to use (default: ./harness.yaml if present, else the embedded default)")
	root.PersistentFlags().StringVar(&g.logLevel, "log-level", "warn", "log level of the harness and its plugins: trace, debug, info, warn, error")
	root.AddCommand(
		newRunCmd(g),
		newScoreCmd(g),
		newEvalCmd(g),
		newPluginsCmd(g),
		newConfigCmd(g),
		newRewardCmd(),
		newModelCmd(g),
		newDataCmd(),
		newPluginCmd(),
		newServeCmd(g),
		newSubmitCmd(),
		newTrainCmd(g),
		newGenerateCmd(),
	)
	return root
}

// loadConfig reads --config, ./harness.yaml, or the embedded default.
func (g *globals) loadConfig() (*config.Config, error) {
	cat := catalog.ConfigCatalog()
	if g.configPath != "" {
		return config.Load(g.configPath, cat)
	}
	if _, err := os.Stat("harness.yaml"); err == nil {
		return config.Load("harness.yaml", cat)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return config.Parse("harness.yaml (embedded default)", defaults.DefaultConfig, cat, nil)
}

func (g *globals) logger() hclog.Logger {
	out := g.logOut
	if out == nil {
		out = os.Stderr
	}
	return hclog.New(&hclog.LoggerOptions{Name: "harness", Level: hclog.LevelFromString(g.logLevel), Output: out})
}

// newHost returns a plugin host and the catalog of plugins for cfg (nil: built-ins only).
func (g *globals) newHost(cfg *config.Config) (*host.Host, *catalog.Catalog, error) {
	self, err := catalog.Self()
	if err != nil {
		return nil, nil, err
	}
	cat, err := catalog.New(self, cfg)
	if err != nil {
		return nil, nil, err
	}
	return host.New(host.Options{Logger: g.logger()}), cat, nil
}
