package main

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/vlmlab/harness/harness/evaluate"
	"github.com/vlmlab/harness/harness/report"
	"github.com/vlmlab/harness/plugins/sdk"
)

func newScoreCmd(g *globals) *cobra.Command {
	var (
		benchmark, data, predictions, profile, out string
		allowPartial, allowUnresolved              bool
		judge                                      judgeFlags
		options                                    map[string]string
		stored                                     bool
	)
	cmd := &cobra.Command{
		Use:   "score --benchmark NAME --data PATH --predictions FILE",
		Short: "Score a file of model responses with a benchmark's evaluator plugin",
		Long: `Score a file of model responses with a benchmark's evaluator plugin.

The predictions file is JSONL, one {"id": ..., "response": ...} per line (or a
JSON object mapping id to response). The report goes to stdout as tables and to
OUT/BENCHMARK.json, with one line per item in OUT/BENCHMARK.items.jsonl
(id, response, extracted answer, extraction path rule|judge|quirk|no-judge|
judge-failed|unresolved, hit, and the quirk that decided it, if any).

A published results file (MathVista's output_*.json: per id the response, the
GPT extraction and the verdict) is read as predictions too; with
--stored-extractions its extractions answer the extraction stage, so
--profile official reproduces the published verdicts without a judge.

The exit status is 1 when items have no response (unless --allow-partial) or
are left unresolved by the judge (unless --allow-unresolved); the report is
written either way. Without a judge, unresolved items are only counted.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if profile != sdk.ProfileLeaderboard && profile != sdk.ProfileOfficial {
				return fmt.Errorf("--profile %q: use leaderboard or official", profile)
			}
			j, err := judge.client()
			if err != nil {
				return fmt.Errorf("judge: %w", err)
			}
			var jd evaluate.Judge
			if j != nil {
				defer j.Close()
				jd = j
			}
			judgeName := judge.name()
			if stored {
				if judgeName != "" {
					return fmt.Errorf("--stored-extractions replaces the judge; drop --judge %s", judge.model)
				}
				ext, err := evaluate.ReadStoredExtractions(predictions)
				if err != nil {
					return fmt.Errorf("--stored-extractions: %w", err)
				}
				judgeName = "stored extraction (" + filepath.Base(predictions) + ")"
				jd = evaluate.StoredJudge{Extractions: ext, Name: judgeName}
			}
			cfg, err := g.loadConfig()
			if err != nil {
				return err
			}
			h, cat, err := g.newHost(cfg)
			if err != nil {
				return err
			}
			defer h.Close()
			e, err := cat.Evaluator(benchmark, "")
			if err != nil {
				return fmt.Errorf("--benchmark: %w", err)
			}
			responses, err := evaluate.ReadPredictions(predictions)
			if err != nil {
				return err
			}
			// One session, as run and eval use; it marks missing responses
			// in the report and writes the files before the table, so a
			// closed pipe (| head) loses nothing.
			sess := &evaluate.Session{Host: h, Evaluator: e, Benchmark: benchmark,
				Load:      sdk.LoadRequest{Path: data, Profile: profile, AllowPartial: allowPartial, Judge: judgeName, Options: options},
				Responses: responses, Judge: jd, Out: out}
			f, err := sess.Run(cmd.Context())
			if err != nil {
				return err
			}
			rep, gaps := f.Report, f.Gaps
			jsonPath, itemsPath := f.Outcome.Report, f.Outcome.ItemsFile
			if err := report.Summary(cmd.OutOrStdout(), rep); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s %s: %.2f\nreport: %s\nitems:  %s\n", rep.Benchmark, rep.Primary, rep.Score, jsonPath, itemsPath)
			if err := gaps.Check(allowPartial, allowUnresolved); err != nil {
				return err
			}
			if note := gaps.Note(); note != "" {
				fmt.Fprintf(cmd.ErrOrStderr(), "harness: note: %s\n", note)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&benchmark, "benchmark", "", "benchmark (evaluator plugin) name, e.g. mathvista")
	f.StringVar(&data, "data", "", "benchmark data: official file or folder, or VLMEvalKit TSV")
	f.StringVar(&predictions, "predictions", "", "JSONL of {id, response}")
	f.StringVar(&profile, "profile", sdk.ProfileLeaderboard, "scoring rules: leaderboard (VLMEvalKit) or official (the benchmark's own)")
	f.StringVar(&out, "out", filepath.Join(".harness", "scores"), "folder for the JSON report and per-item JSONL")
	f.BoolVar(&stored, "stored-extractions", false, "take the GPT extractions stored in a published results file (MathVista's output_*.json, the --predictions file) as the judge's answers, to reproduce an official score offline")
	f.StringToStringVar(&options, "option", nil, "evaluator option KEY=VALUE, repeatable (e.g. postprocess=split-think, quick_extract=on)")
	f.BoolVar(&allowPartial, "allow-partial", false, "score a data file with fewer items than the benchmark, or predictions missing some items (scored wrong; the report says partial)")
	f.BoolVar(&allowUnresolved, "allow-unresolved", false, "exit 0 although the judge left some items unresolved (no answer extracted; scored wrong)")
	judge.register(cmd)
	for _, name := range []string{"benchmark", "data", "predictions"} {
		cmd.MarkFlagRequired(name)
	}
	return cmd
}
