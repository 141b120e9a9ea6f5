package main

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/vlmlab/harness/harness/report"
	"github.com/vlmlab/harness/harness/runner"
	"github.com/vlmlab/harness/internal/progress"
)

func newRunCmd(g *globals) *cobra.Command {
	var (
		dryRun bool
		jobs   int
		pub    publishFlags
	)
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Run the train-then-evaluate matrix of harness.yaml",
		Long: `Run the train-then-evaluate matrix of harness.yaml: every recipe's stages
(shared prefixes trained once), then every recipe × model × benchmark cell.

Every stage and cell is content-addressed (plugin name, version and
executable, parameters, seed, data, parent checkpoint): a run again does only
what changed, and a run that was interrupted (Ctrl-C, or killed) resumes with
nothing trained or evaluated twice. --dry-run prints the plan: each stage and
cell, cached or to run, and why it must run.

A failing stage, model server or evaluator marks its cells FAILED with the
reason and a log file; the rest go on, and the exit status is 1.

Output goes to RUN_DIR/runs/ID/: run.json, manifest.json, summary.md and
summary.json (recipes × benchmarks with the paper's diagnostics), per-cell
reports under cells/, training curves under curves/ (JSONL and PNG), logs/.

With --publish URL, each recipe × model row is then submitted to that
leaderboard (as 'harness submit' would; the server re-scores the raw
predictions). Rows scored on the synthetic toy world are not published.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if jobs < 1 {
				return fmt.Errorf("--jobs %d: use 1 or more", jobs)
			}
			cfg, err := g.loadConfig()
			if err != nil {
				return err
			}
			stderr := cmd.ErrOrStderr()
			board := progress.NewBoard(stderr, progress.Options{})
			defer board.Close()
			g.logOut = board
			h, cat, err := g.newHost(cfg)
			if err != nil {
				return err
			}
			defer h.Close()
			r := &runner.Runner{Config: cfg, Host: h, Catalog: cat, Log: g.logger(), Jobs: jobs,
				Status: func(format string, args ...any) { board.Printf("harness: "+format, args...) },
				Progress: func(name, unit string, total int) runner.Progress {
					return board.Start(name, unit, int64(total))
				}}
			if dryRun {
				plan, _, err := r.Plan(cmd.Context())
				if err != nil {
					return err
				}
				return printPlan(cmd, plan)
			}
			res, runErr := r.Run(cmd.Context())
			// No bar is drawn after the run: the summary goes below them.
			board.Close()
			if res == nil {
				return runErr
			}
			if err := printSummary(cmd, res); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "run %s in %.1fs; summary, reports and curves in %s\n", res.ID, res.Seconds, res.Dir)
			if runErr != nil {
				return runErr
			}
			if pub.server != "" {
				if err := publishRun(cmd, cfg, res.Dir, &pub); err != nil {
					return fmt.Errorf("publish: %w (the run's results are kept in %s)", err, res.Dir)
				}
			}
			if n := res.Failed(); n > 0 {
				for _, c := range res.Cells {
					if !c.Succeeded() {
						fmt.Fprintf(stderr, "harness: %s / %s / %s FAILED: %s\n", c.Recipe, c.Model, c.Benchmark, c.Error)
						if c.Log != "" {
							fmt.Fprintf(stderr, "harness:   log: %s\n", c.Log)
						}
					}
				}
				return fmt.Errorf("%d of %d cells failed", n, len(res.Cells))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "print the plan (each stage and cell, cached or to run, and why) and stop")
	// One job per core: a tinyvlm stage runs its graph ops sequentially
	// (one core), so the default study's sft and grpo stages, and the
	// evaluations of finished recipes, share a 2-core machine side by side.
	cmd.Flags().IntVar(&jobs, "jobs", max(1, runtime.NumCPU()), "stages and evaluations that run at once")
	fl := cmd.Flags()
	fl.StringVar(&pub.server, "publish", "", "leaderboard base URL to submit each recipe × model row to")
	fl.StringVar(&pub.tokenEnv, "publish-token-env", "HARNESS_TOKEN", "environment variable holding the leaderboard token")
	fl.StringVar(&pub.organisation, "organisation", "", "organisation shown on the leaderboard (default: the config's project)")
	return cmd
}

// printSummary prints one row per recipe × model, one column per benchmark
// (its leaderboard number), their average and the paper's diagnostics.
func printSummary(cmd *cobra.Command, res *runner.Result) error {
	s := runner.Summarize(res)
	if s.Synthetic {
		fmt.Fprintln(cmd.OutOrStdout(), "SYNTHETIC toy-world suites in the six benchmarks' formats: not comparable with published numbers")
	}
	header, rows := s.Table()
	return report.Table(cmd.OutOrStdout(), header, rows)
}

// printPlan prints the DAG: stages, then cells, each cached or to run.
func printPlan(cmd *cobra.Command, p *runner.Plan) error {
	out := cmd.OutOrStdout()
	var rows [][]string
	run := 0
	for _, s := range p.Stages {
		parent := "-"
		if s.Parent != nil {
			parent = s.Parent.Recipe + "/" + s.Parent.Name
		}
		state, why := "cached", ""
		if !s.Cached {
			state, why = "to run", s.Reason
			run++
		}
		rows = append(rows, []string{"stage", s.Recipe + "/" + s.Name, s.Trainer, parent, s.Key[:12], state, why})
	}
	for _, c := range p.Cells {
		from := "base"
		if c.Stage != nil {
			from = c.Stage.Recipe + "/" + c.Stage.Name
		}
		state, why := "cached", ""
		if !c.Cached {
			state, why = "to run", c.Reason
			run++
		}
		rows = append(rows, []string{"cell", c.Recipe + " / " + c.Model + " / " + c.Benchmark, c.Inputs.Evaluator, from, c.Key[:12], state, why})
	}
	if err := report.Table(out, []string{"node", "name", "plugin", "after", "key", "state", "why"}, rows); err != nil {
		return err
	}
	fmt.Fprintf(out, "%d stage(s), %d cell(s); %d to run\n", len(p.Stages), len(p.Cells), run)
	return nil
}
