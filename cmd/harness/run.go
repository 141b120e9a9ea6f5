package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/vlmlab/harness/harness/report"
	"github.com/vlmlab/harness/harness/runner"
)

func newRunCmd(g *globals) *cobra.Command {
	var pub publishFlags
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Run the train-then-evaluate matrix of harness.yaml",
		Long: `Run the train-then-evaluate matrix of harness.yaml.

With --publish URL, each recipe × model row is then submitted to that
leaderboard (as 'harness submit' would; the server re-scores the raw
predictions). Rows scored on the synthetic toy world are not published.`,
		Args: cobra.NoArgs,
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
			r := &runner.Runner{Config: cfg, Host: h, Catalog: cat, Log: g.logger(),
				Status: func(format string, args ...any) { fmt.Fprintf(os.Stderr, "harness: "+format+"\n", args...) }}
			res, err := r.Run(cmd.Context())
			if err != nil {
				return err
			}
			if err := printMatrix(cmd, res); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "run %s in %.1fs; reports in %s\n", res.ID, res.Seconds, filepath.Join(res.Dir, "cells"))
			if pub.server != "" {
				if err := publishRun(cmd, cfg, res.Dir, &pub); err != nil {
					return fmt.Errorf("publish: %w (the run's results are kept in %s)", err, res.Dir)
				}
			}
			if n := res.Failed(); n > 0 {
				for _, c := range res.Cells {
					if c.Error != "" {
						fmt.Fprintf(os.Stderr, "harness: %s / %s / %s failed: %s\n", c.Recipe, c.Model, c.Benchmark, c.Error)
					}
				}
				return fmt.Errorf("%d of %d cells failed", n, len(res.Cells))
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&pub.server, "publish", "", "leaderboard base URL to submit each recipe × model row to")
	fl.StringVar(&pub.tokenEnv, "publish-token-env", "HARNESS_TOKEN", "environment variable holding the leaderboard token")
	fl.StringVar(&pub.organisation, "organisation", "", "organisation shown on the leaderboard (default: the config's project)")
	return cmd
}

// printMatrix prints one row per recipe × model, one column per benchmark
// (its leaderboard number) and their average.
func printMatrix(cmd *cobra.Command, res *runner.Result) error {
	names := runner.BenchmarkNames(res)
	header := append([]string{"recipe", "model"}, names...)
	header = append(header, "avg")
	type key struct{ recipe, model string }
	var order []key
	scores := map[key]map[string]string{}
	sums := map[key]float64{}
	complete := map[key]bool{}
	synthetic := false
	for _, c := range res.Cells {
		k := key{c.Recipe, c.Model}
		if _, ok := scores[k]; !ok {
			order = append(order, k)
			scores[k] = map[string]string{}
			complete[k] = true
		}
		if !c.Scored {
			scores[k][c.Benchmark] = "error"
			complete[k] = false
			continue
		}
		synthetic = synthetic || c.Synthetic
		scores[k][c.Benchmark] = report.Pct(c.Score)
		sums[k] += c.Score
	}
	rows := make([][]string, 0, len(order))
	for _, k := range order {
		row := []string{k.recipe, k.model}
		for _, n := range names {
			row = append(row, scores[k][n])
		}
		avg := "incomplete"
		if complete[k] && len(names) > 0 {
			avg = report.Pct(sums[k] / float64(len(names)))
		}
		rows = append(rows, append(row, avg))
	}
	if synthetic {
		fmt.Fprintln(cmd.OutOrStdout(), "SYNTHETIC toy-world suites in the six benchmarks' formats: not comparable with published numbers")
	}
	return report.Table(cmd.OutOrStdout(), header, rows)
}
