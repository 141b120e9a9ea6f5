package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/vlmlab/harness/trainers/toyworld"
)

func newDataCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "data", Short: "Benchmark and training data"}
	var (
		out, size string
		seed      uint64
	)
	synth := &cobra.Command{
		Use:   "synth --out DIR",
		Short: "Write the synthetic toy world: SFT, RL and pre-training splits and the six benchmarks' suites",
		Long: `Write the synthetic toy world, deterministic by seed: rendered shapes to
count, bar charts to read, geometry with labelled angles and lengths, objects to
locate. It writes SFT records (direct and "pseudo reasoning" traces), RL records
with a verifier_type, answer-only pre-training records, and one evaluation suite
per benchmark in that benchmark's official file layout. Everything says
SYNTHETIC in its ids and manifests.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := toyworld.Generate(cmd.Context(), out, toyworld.Options{Seed: seed, Size: size})
			if err != nil {
				return err
			}
			c := m.Counts
			fmt.Fprintf(cmd.OutOrStdout(), "%s: seed %d, size %s: %d SFT, %d RL, %d pre-training items, %d suites (%d items each)\n",
				out, m.Seed, m.Size, c.SFT, c.RL, c.Pretrain, len(m.Suites), c.Eval)
			return nil
		},
	}
	f := synth.Flags()
	f.StringVar(&out, "out", "", "output folder (missing, empty, or an earlier synth output)")
	f.Uint64Var(&seed, "seed", 1, "random seed; the same seed writes byte-identical files")
	f.StringVar(&size, "size", "tiny", `tiny, small, full, or counts such as "sft=200,rl=200,pretrain=500,eval=20"`)
	synth.MarkFlagRequired("out")
	cmd.AddCommand(synth)
	return cmd
}
