package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/vlmlab/harness/harness/catalog"
	"github.com/vlmlab/harness/plugins/sdk"
)

// newPluginCmd is the hidden entry point of built-in plugins: the host starts
// `harness plugin serve NAME` as a child process.
func newPluginCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "plugin", Hidden: true, Short: "Serve a built-in plugin (started by the harness itself)"}
	cmd.AddCommand(&cobra.Command{
		Use:  "serve NAME",
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			p, ok := catalog.LookupBuiltin(args[0])
			if !ok {
				return fmt.Errorf("no built-in plugin %q; `harness plugins` lists them", args[0])
			}
			sdk.Serve(p.Serve())
			return nil
		},
	})
	return cmd
}
