package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vlmlab/harness/benchmarks/registry"
	"github.com/vlmlab/harness/harness/datafetch"
	"github.com/vlmlab/harness/harness/dataimport"
	"github.com/vlmlab/harness/internal/progress"
	"github.com/vlmlab/harness/trainers/toyworld"
)

func newDataCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "data", Short: "Benchmark and training data"}
	var (
		out, size, traces string
		seed              uint64
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
			m, err := toyworld.Generate(cmd.Context(), out, toyworld.Options{Seed: seed, Size: size, Traces: traces})
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
	f.StringVar(&traces, "traces", "full", "SFT trace length: full (every step) or short (the last step; the default five-minute study)")
	synth.MarkFlagRequired("out")
	cmd.AddCommand(synth, newFetchCmd(), newImportCmd())
	return cmd
}

func newFetchCmd() *cobra.Command {
	var (
		dir, baseURL, url, sum string
	)
	cmd := &cobra.Command{
		Use:   "fetch BENCHMARK|all --dir DIR",
		Short: "Download the VLMEvalKit TSVs the leaderboard scores (MD5-checked, resumable)",
		Long: `Download each benchmark's VLMEvalKit TSV (what the Open LMM Reasoning
Leaderboard scores) into DIR under VLMEvalKit's file name, checked against
VLMEvalKit's MD5. An interrupted download continues from DIR/FILE.part on the
next run; a file whose checksum does not match is deleted, never kept. A file
fetched with --md5 is recorded in FILE.md5 and kept by later fetches that give
no --md5 (fetch all included).

Benchmarks: ` + strings.Join(registry.Names(), ", ") + `, or all. VLMEvalKit's
other datasets of these benchmarks are fetched by dataset name (` + strings.Join(variantNames(), ", ") + `);
each is scored by its benchmark's evaluator with the option printed after the
download.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var names []string
			if args[0] == "all" {
				names = registry.Names()
				if url != "" || sum != "" {
					return fmt.Errorf("--url and --md5 name one file: give one benchmark, not all")
				}
			} else {
				for _, n := range strings.Split(args[0], ",") {
					src, err := datafetch.Lookup(strings.TrimSpace(n))
					if err != nil {
						return err
					}
					if src.Option != "" {
						names = append(names, src.Dataset) // a variant: its own file
					} else {
						names = append(names, src.Benchmark)
					}
				}
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return fmt.Errorf("--dir: %w", err)
			}
			stderr := cmd.ErrOrStderr()
			var failed, resumable []string
			for _, n := range names {
				var bar *progress.Bar
				res, err := datafetch.Fetch(cmd.Context(), n, dir, datafetch.Options{
					BaseURL: baseURL, URL: url, MD5: sum,
					Progress: func(p datafetch.Progress) {
						if bar == nil {
							bar = progress.New(stderr, p.File, p.Total, progress.Options{Unit: "B"})
						}
						bar.Set(p.Done)
					},
				})
				if bar != nil {
					note := "MD5 verified"
					if err != nil {
						note = "failed"
					}
					bar.Finish(note)
				}
				if err != nil {
					fmt.Fprintf(stderr, "harness: %s: %v\n", n, err)
					failed = append(failed, n)
					if datafetch.Resumable(err) {
						resumable = append(resumable, n)
					}
					if cmd.Context().Err() != nil {
						break
					}
					continue
				}
				what := "downloaded"
				switch {
				case res.Pinned:
					what = "already there, MD5 verified against the one given with --md5 when it was fetched (" + filepath.Base(datafetch.PinFile(res.Path)) + ")"
				case !res.Downloaded:
					what = "already there, MD5 verified"
				case res.Resumed:
					what = "resumed and completed"
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%-10s %s (%.1f MB, md5 %s): %s\n", n, res.Path, float64(res.Bytes)/1e6, res.MD5, what)
				if src, err := datafetch.Lookup(n); err == nil && src.Option != "" {
					fmt.Fprintf(cmd.OutOrStdout(), "%-10s score it as %s with benchmark %s, data %s and options {%s: %s}\n", "", src.Dataset, src.Benchmark, res.Path, src.Option, src.Value)
				}
			}
			if len(failed) > 0 {
				hint := "a rerun will not fix this: see the errors above"
				switch {
				case len(resumable) == len(failed):
					hint = "run the command again to resume"
				case len(resumable) > 0:
					hint = "run the command again to resume " + strings.Join(resumable, ", ") + "; a rerun will not fix the others: see the errors above"
				}
				return fmt.Errorf("%d of %d download(s) failed: %s (%s)", len(failed), len(names), strings.Join(failed, ", "), hint)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&dir, "dir", "", "folder for the TSVs (created if missing)")
	f.StringVar(&baseURL, "mirror", "", "base URL of a mirror holding the TSVs under VLMEvalKit's file names")
	f.StringVar(&url, "url", "", "exact URL of the one benchmark's TSV")
	f.StringVar(&sum, "md5", "", "expected MD5 (hex) instead of VLMEvalKit's, for a republished file")
	cmd.MarkFlagRequired("dir")
	return cmd
}

// variantNames lists VLMEvalKit's other datasets of the six.
func variantNames() []string {
	var names []string
	for _, s := range datafetch.Variants() {
		names = append(names, s.Dataset)
	}
	return names
}

func newImportCmd() *cobra.Command {
	var opts dataimport.Options
	cmd := &cobra.Command{
		Use:   "import BENCHMARK --src PATH --out DIR",
		Short: "Write a VLMEvalKit TSV from a benchmark's official files",
		Long: `Write the VLMEvalKit TSV layout (what 'harness data fetch' downloads and the
leaderboard scores) from a benchmark's official files: its annotation file or
folder with the images it names, base64-encoded into the TSV. The file goes to
DIR under VLMEvalKit's file name, written atomically, with DIR/FILE.import.json
beside it saying where it came from (and keeping 'harness data fetch' from
replacing it).

An item whose image file is missing is an error naming it, unless
--allow-missing-images leaves such items out (the file is then partial and is
scored only with --allow-partial). Official files with fewer items than the
benchmark (e.g. MathVision's testmini.jsonl) need --allow-partial.

Benchmarks: ` + strings.Join(registry.Names(), ", ") + `.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Benchmark = args[0]
			var bar *progress.Bar
			opts.Progress = func(done, total int) {
				if bar == nil {
					bar = progress.New(cmd.ErrOrStderr(), opts.Benchmark+" import", int64(total), progress.Options{Unit: "rows"})
				}
				bar.Set(int64(done))
			}
			res, err := dataimport.Import(cmd.Context(), opts)
			if bar != nil {
				note := "written"
				if err != nil {
					note = "failed, nothing written"
				}
				bar.Finish(note)
			}
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "%s: %s\n%d of %d rows", res.Benchmark, res.Path, res.Rows, res.Expected)
			if res.Partial() {
				fmt.Fprint(w, " (PARTIAL: score it with --allow-partial)")
			}
			fmt.Fprintf(w, ", %.1f MB, sha256 %s\n", float64(res.Bytes)/1e6, res.SHA256)
			if res.MissingImages > 0 {
				fmt.Fprintf(w, "%d item(s) left out for a missing image, e.g. %s (%s)\n", res.MissingImages, res.Skipped[0].ID, res.Skipped[0].Path)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Src, "src", "", "official annotation file or folder (e.g. ../shared/data/logicvista)")
	f.StringVar(&opts.Dst, "out", "", "folder for the TSV (created if missing)")
	f.StringVar(&opts.Images, "images", "", "folder holding the images when they are not beside the annotations (same relative paths)")
	f.BoolVar(&opts.AllowMissingImages, "allow-missing-images", false, "leave out items whose image file is missing")
	f.BoolVar(&opts.NoImages, "no-images", false, "annotations only: every image cell is an empty list, no image is read (for re-scoring stored responses with harness score)")
	f.BoolVar(&opts.AllowPartial, "allow-partial", false, "accept official files with fewer items than the benchmark")
	f.BoolVar(&opts.Overwrite, "force", false, "replace an existing TSV")
	cmd.MarkFlagRequired("src")
	cmd.MarkFlagRequired("out")
	return cmd
}
