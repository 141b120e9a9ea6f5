package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/vlmlab/harness/harness/catalog"
	"github.com/vlmlab/harness/harness/config"
)

func newConfigCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "config", Short: "Work with harness.yaml"}
	cmd.AddCommand(&cobra.Command{
		Use:   "check [FILE]",
		Short: "Validate a harness.yaml and print every problem with file:line:column",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var cfg *config.Config
			var err error
			if len(args) == 1 {
				cfg, err = config.Load(args[0], catalog.ConfigCatalog())
			} else {
				cfg, err = g.loadConfig()
			}
			if err != nil {
				return err
			}
			var ps config.Problems
			if err := cfg.CheckRunnable(); err != nil {
				if !errors.As(err, &ps) {
					return err
				}
			}
			// What only the plugins know: their kind, API versions and
			// config schema.
			h, cat, err := g.newHost(cfg)
			if err != nil {
				return err
			}
			defer h.Close()
			more, notes := cat.Check(cmd.Context(), h, cfg)
			for _, n := range notes {
				fmt.Fprintln(cmd.ErrOrStderr(), "harness: note:", n)
			}
			if ps = append(ps, more...); len(ps) > 0 {
				return ps
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: ok (%d plugins, %d models, %d benchmarks, %d recipes)\n",
				cfg.File, len(cfg.Plugins), len(cfg.Models), len(cfg.Benchmarks), len(cfg.Recipes))
			return nil
		},
	})
	return cmd
}
