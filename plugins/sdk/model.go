package sdk

import (
	"context"
	"encoding/json"
)

// GenerateParams are sampling settings for one Generate call.
type GenerateParams struct {
	MaxTokens   int      `json:"max_tokens"`
	Temperature float64  `json:"temperature"`
	TopP        float64  `json:"top_p,omitempty"`
	TopK        int      `json:"top_k,omitempty"`
	Seed        int64    `json:"seed,omitempty"`
	Stop        []string `json:"stop,omitempty"`
	// N is the number of samples per prompt (GRPO rollouts); 0 means 1.
	N int `json:"n,omitempty"`
	// RepetitionPenalty is vLLM's repetition_penalty (1 is none); 0 means
	// unset.
	RepetitionPenalty float64 `json:"repetition_penalty,omitempty"`
}

// UnmarshalJSON reads the snake_case keys GenerateParams is written with,
// and the Go field names (MaxTokens, TopP) reports used before it had JSON
// tags, so eval.json files written then still read.
func (p *GenerateParams) UnmarshalJSON(b []byte) error {
	type tagged GenerateParams // no methods: no recursion
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(b, &keys); err != nil {
		return err
	}
	_, snake := keys["max_tokens"]
	_, legacy := keys["MaxTokens"]
	if snake || !legacy {
		return json.Unmarshal(b, (*tagged)(p))
	}
	var old struct {
		MaxTokens         int
		Temperature       float64
		TopP              float64
		TopK              int
		Seed              int64
		Stop              []string
		N                 int
		RepetitionPenalty float64
	}
	if err := json.Unmarshal(b, &old); err != nil {
		return err
	}
	*p = GenerateParams(old)
	return nil
}

// Prompt is one conversation to complete.
type Prompt struct {
	ID     string
	System string
	Parts  []Part
}

// Generation is the model's output for one prompt (one of N samples).
type Generation struct {
	PromptID string
	Sample   int
	Text     string
	// Tokens is the number of generated tokens, when the backend knows it.
	Tokens int
	// Truncated is true when generation stopped at MaxTokens.
	Truncated bool
	// ReasoningField names the response field the server returned the
	// thinking in, apart from the content: "reasoning" (vLLM since late
	// 2025), "reasoning_content" (vLLM before, SGLang, DeepSeek), or "" when
	// the thinking (if any) was inline in the content.
	ReasoningField string
	Error          string
	// PromptTokens is the prompt's length in tokens (text and image), when
	// the backend knows it; the same for every sample of a prompt.
	PromptTokens int
}

// Model is what a model plugin implements. Generate sends each generation to
// emit as soon as it is ready, in any order.
type Model interface {
	Generate(ctx context.Context, checkpoint *Checkpoint, prompts []Prompt, params GenerateParams, emit func(Generation) error) error
}
