package sdk

import "context"

// GenerateParams are sampling settings for one Generate call.
type GenerateParams struct {
	MaxTokens   int
	Temperature float64
	TopP        float64
	TopK        int
	Seed        int64
	Stop        []string
	// N is the number of samples per prompt (GRPO rollouts); 0 means 1.
	N int
	// RepetitionPenalty is vLLM's repetition_penalty (1 is none); 0 means
	// unset. Omitted from JSON when unset so cache keys written before the
	// field existed stay valid.
	RepetitionPenalty float64 `json:",omitempty"`
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
}

// Model is what a model plugin implements. Generate sends each generation to
// emit as soon as it is ready, in any order.
type Model interface {
	Generate(ctx context.Context, checkpoint *Checkpoint, prompts []Prompt, params GenerateParams, emit func(Generation) error) error
}
