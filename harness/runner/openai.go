package runner

import (
	"github.com/vlmlab/harness/harness/config"
	"github.com/vlmlab/harness/harness/openai"
)

// OpenAIConfig is the client configuration of an openai-backend model. A
// model whose config names no api_key_env gets no key at all: a local
// server must never receive $OPENAI_API_KEY by accident.
func OpenAIConfig(m config.Model) openai.Config {
	c := openai.Config{
		BaseURL: m.Endpoint, Model: m.Model, SystemPrompt: m.SystemPrompt, MaxPixels: m.Generation.MaxPixels, MMProcessorKwargs: m.Generation.MMProcessorKwargs,
		Concurrency: m.Concurrency, RequestsPerSecond: m.RPS, Timeout: m.Timeout.Duration,
	}
	c.APIKeyEnv = m.APIKeyEnv
	c.NoAPIKey = m.APIKeyEnv == ""
	return c
}
