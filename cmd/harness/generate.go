package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/vlmlab/harness/trainers/tinyvlm"
)

func newGenerateCmd() *cobra.Command {
	var (
		ckDir, prompt, imagePath, system string
		maxTokens, topK, n               int
		temperature, topP                float64
		seed                             int64
		stop                             []string
	)
	cmd := &cobra.Command{
		Use:   "generate --checkpoint DIR --prompt TEXT [--image FILE]",
		Short: "Print what a tinyvlm checkpoint answers to a prompt",
		Long: `Load a tinyvlm checkpoint (a folder with config.json, tokenizer.json,
model.safetensors and checkpoint.json, verified) and print its completion of
one prompt, for a person to look at what a checkpoint says. The system
prompt defaults to the first one registered in the checkpoint's tokenizer.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := tinyvlm.Load(ckDir)
			if err != nil {
				return err
			}
			var data []byte
			if imagePath != "" {
				if data, err = os.ReadFile(imagePath); err != nil {
					return fmt.Errorf("--image: %w", err)
				}
			}
			patches, err := m.Config.ImagePatches(data)
			if err != nil {
				return fmt.Errorf("--image %s: %w", imagePath, err)
			}
			if !cmd.Flags().Changed("system") {
				if sp := m.Tokenizer.SystemPrompts(); len(sp) > 0 {
					system = sp[0]
				}
			}
			ids, err := m.EncodePrompt(system, prompt)
			if err != nil {
				return err
			}
			backend, err := tinyvlm.NewBackend()
			if err != nil {
				return err
			}
			gen, err := tinyvlm.NewGenerator(backend, m)
			if err != nil {
				return err
			}
			var reqs []tinyvlm.Request
			for k := range max(n, 1) {
				reqs = append(reqs, tinyvlm.Request{Patches: patches, Prompt: ids, Key: tinyvlm.SampleKey(ids, patches, k)})
			}
			out, err := gen.Generate(cmd.Context(), reqs, tinyvlm.Sampling{MaxTokens: maxTokens, Temperature: temperature, TopP: topP, TopK: topK, Seed: seed, Stop: stop})
			if err != nil {
				return err
			}
			for k, c := range out {
				if len(out) > 1 {
					fmt.Fprintf(cmd.OutOrStdout(), "--- sample %d\n", k)
				}
				fmt.Fprintln(cmd.OutOrStdout(), c.Text)
				note := ""
				if c.Truncated {
					note = ", truncated at the limit"
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "(%d prompt tokens + %d image tokens, %d generated%s)\n", c.PromptTokens, m.Config.Patches(), len(c.Tokens), note)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&ckDir, "checkpoint", "", "tinyvlm checkpoint folder")
	f.StringVar(&prompt, "prompt", "", "question text")
	f.StringVar(&imagePath, "image", "", "image file (PNG, JPEG, GIF, WebP); none: a blank image")
	f.StringVar(&system, "system", "", "system prompt (default: the checkpoint's first registered one)")
	f.IntVar(&maxTokens, "max-tokens", 0, "response limit (0: the rest of the context)")
	f.Float64Var(&temperature, "temperature", 0, "sampling temperature (0: greedy)")
	f.Float64Var(&topP, "top-p", 1, "nucleus sampling mass")
	f.IntVar(&topK, "top-k", 0, "keep the k most likely tokens (0: all)")
	f.Int64Var(&seed, "seed", 0, "sampling seed")
	f.IntVar(&n, "n", 1, "number of samples")
	f.StringSliceVar(&stop, "stop", nil, "stop string (repeatable)")
	cmd.MarkFlagRequired("checkpoint")
	cmd.MarkFlagRequired("prompt")
	return cmd
}
