package main

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/vlmlab/harness/harness/report"
)

func newPluginsCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "plugins",
		Short: "List every available plugin, asking each what it is across the process boundary",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := g.loadConfig()
			if err != nil {
				return err
			}
			h, cat, err := g.newHost(cfg)
			if err != nil {
				return err
			}
			defer h.Close()
			entries := cat.All()
			rows := make([][]string, len(entries))
			failed := 0
			var mu sync.Mutex
			var wg sync.WaitGroup
			sem := make(chan struct{}, 4)
			for i, e := range entries {
				wg.Add(1)
				go func() {
					defer wg.Done()
					sem <- struct{}{}
					defer func() { <-sem }()
					row := []string{e.Kind, e.Name, "-", "-", e.Source, ""}
					defer func() { rows[i] = row }()
					ctx, cancel := context.WithCancel(cmd.Context())
					defer cancel()
					p, err := h.Launch(ctx, e.Spec)
					if err != nil {
						mu.Lock()
						failed++
						mu.Unlock()
						row[5] = "error: " + firstLine(err.Error())
						return
					}
					defer p.Kill()
					info, err := p.Describe(ctx)
					if err != nil {
						mu.Lock()
						failed++
						mu.Unlock()
						row[5] = "error: " + firstLine(err.Error())
						return
					}
					api := make([]string, len(info.APIVersions))
					for j, v := range info.APIVersions {
						api[j] = fmt.Sprintf("v%d", v)
					}
					row[2], row[3] = info.Version, strings.Join(api, ",")
					if info.Name != e.Name || info.Kind != e.Kind {
						row[5] = fmt.Sprintf("warning: says it is %s %q", info.Kind, info.Name)
					} else {
						row[5] = info.Description
					}
				}()
			}
			wg.Wait()
			if err := report.Table(cmd.OutOrStdout(), []string{"kind", "name", "version", "api", "source", "description"}, rows); err != nil {
				return err
			}
			if failed > 0 {
				return fmt.Errorf("%d plugin(s) could not be described", failed)
			}
			return nil
		},
	}
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
