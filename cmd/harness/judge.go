package main

import (
	"github.com/spf13/cobra"

	"github.com/vlmlab/harness/harness/openai"
)

// judgeFlags configure an optional LLM judge on the command line.
type judgeFlags struct {
	model    string
	endpoint string
	keyEnv   string
}

func (j *judgeFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&j.model, "judge", "", `judge model (e.g. gpt-4o-mini-2024-07-18); empty or "none": no judge, items that need one score wrong as unresolved`)
	cmd.Flags().StringVar(&j.endpoint, "judge-endpoint", "", "OpenAI-compatible base URL of the judge (default $OPENAI_BASE_URL or the OpenAI API)")
	cmd.Flags().StringVar(&j.keyEnv, "judge-api-key-env", "OPENAI_API_KEY", "environment variable holding the judge's API key")
}

// client returns the judge client, nil when no judge was asked for.
func (j *judgeFlags) client() (*openai.Client, error) {
	if j.name() == "" {
		return nil, nil
	}
	return openai.New(openai.Config{BaseURL: j.endpoint, APIKeyEnv: j.keyEnv, Model: j.model})
}

// name is the judge model asked for, "" for none ("none" spells it out, as
// in eval).
func (j *judgeFlags) name() string {
	if j.model == "none" {
		return ""
	}
	return j.model
}
