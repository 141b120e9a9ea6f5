package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/vlmlab/harness/harness/config"
	"github.com/vlmlab/harness/plugins/builtin"
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
				cfg, err = config.Load(args[0], builtin.Catalog())
			} else {
				cfg, err = g.loadConfig()
			}
			if err != nil {
				return err
			}
			if err := cfg.CheckRunnable(); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: ok (%d plugins, %d models, %d benchmarks, %d recipes)\n",
				cfg.File, len(cfg.Plugins), len(cfg.Models), len(cfg.Benchmarks), len(cfg.Recipes))
			return nil
		},
	})
	return cmd
}
