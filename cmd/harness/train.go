package main

import (
	"fmt"
	"strconv"
	"sync"

	"github.com/spf13/cobra"

	"github.com/vlmlab/harness/harness/report"
	"github.com/vlmlab/harness/harness/runner"
	"github.com/vlmlab/harness/internal/progress"
)

func newTrainCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "train STAGE",
		Short: "Train one stage of harness.yaml (and the stages before it, from the cache)",
		Long: `Train the stage named STAGE (a stage's name, or its trainer when it has
none) and the stages before it in its recipe. A stage whose inputs did not
change is taken from the checkpoint cache that harness run shares, so
"harness train sft" after "harness train pretrain" trains only sft. Each
stage's metrics are written as JSON lines beside its checkpoint folder
(CHECKPOINT.metrics.jsonl); a summary table ends the run.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := g.loadConfig()
			if err != nil {
				return err
			}
			board := progress.NewBoard(cmd.ErrOrStderr(), progress.Options{})
			defer board.Close()
			g.logOut = board
			h, cat, err := g.newHost(cfg)
			if err != nil {
				return err
			}
			defer h.Close()
			var (
				mu     sync.Mutex
				stages []runner.StageResult
			)
			r := &runner.Runner{Config: cfg, Host: h, Catalog: cat, Log: g.logger(),
				Status: func(format string, args ...any) {},
				Progress: func(name, unit string, total int) runner.Progress {
					return board.Start(name, unit, int64(total))
				},
				OnStage: func(s runner.StageResult) {
					mu.Lock()
					defer mu.Unlock()
					stages = append(stages, s)
				},
			}
			ck, err := r.TrainStage(cmd.Context(), args[0])
			board.Close() // the table goes below the bars
			if err != nil {
				return err
			}
			rows := make([][]string, 0, len(stages))
			for _, s := range stages {
				how, steps, secs := "trained", strconv.Itoa(s.Last.Step), fmt.Sprintf("%.1f", s.Seconds)
				if s.Reused {
					how, steps, secs = "cached", "", ""
				}
				loss := ""
				if v, ok := s.Last.Metrics["loss"]; ok {
					loss = fmt.Sprintf("%.4f", v)
				}
				rows = append(rows, []string{s.Recipe, s.Stage, s.Trainer, how, steps, loss, secs, s.Checkpoint.Dir})
			}
			if err := report.Table(cmd.OutOrStdout(), []string{"recipe", "stage", "trainer", "status", "steps", "final loss", "seconds", "checkpoint"}, rows); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "checkpoint %s (%s, %s)\n", ck.Dir, ck.Format, ck.Hash)
			return nil
		},
	}
}
