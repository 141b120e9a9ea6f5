package openai

import "encoding/json"

// The JSON of /v1/chat/completions, as much of it as the harness uses.

type chatRequest struct {
	Model    string        `json:"model"`
	Messages []chatMessage `json:"messages"`
	// Temperature is always sent: 0 means greedy, not "server default".
	Temperature float64 `json:"temperature"`
	MaxTokens   int     `json:"max_tokens,omitempty"`
	TopP        float64 `json:"top_p,omitempty"`
	TopK        int     `json:"top_k,omitempty"` // vLLM/SGLang extension
	// RepetitionPenalty is a vLLM/SGLang extension. vLLM fills every
	// sampling field a request omits from the checkpoint's
	// generation_config.json, so a configured value is always sent.
	RepetitionPenalty float64  `json:"repetition_penalty,omitempty"`
	Seed              int64    `json:"seed,omitempty"`
	Stop              []string `json:"stop,omitempty"`
	N                 int      `json:"n,omitempty"`
	// MMProcessorKwargs is vLLM's per-request kwargs of the HF processor.
	MMProcessorKwargs map[string]any `json:"mm_processor_kwargs,omitempty"`
}

// chatMessage content is a string or a []contentPart.
type chatMessage struct {
	Role    string `json:"role"`
	Content any    `json:"content"`
}

type contentPart struct {
	Type     string    `json:"type"`
	Text     string    `json:"text,omitempty"`
	ImageURL *imageURL `json:"image_url,omitempty"`
}

type imageURL struct {
	URL string `json:"url"`
}

type chatResponse struct {
	Choices []struct {
		Index   int `json:"index"`
		Message struct {
			// Content is null under a reasoning parser when the response
			// ended (or was cut) before the thinking did.
			Content *string `json:"content"`
			// Reasoning is where vLLM puts the thinking when started with a
			// reasoning parser, since vLLM PR #27752 (Oct 2025);
			// ReasoningContent is the older name, still used by SGLang and
			// DeepSeek's API. Transitional vLLM versions send both.
			Reasoning        *string `json:"reasoning"`
			ReasoningContent *string `json:"reasoning_content"`
		} `json:"message"`
		FinishReason string `json:"finish_reason"`
	} `json:"choices"`
	Usage struct {
		PromptTokens     int `json:"prompt_tokens"`
		CompletionTokens int `json:"completion_tokens"`
	} `json:"usage"`
}

// apiError is an error body in either shape servers use: OpenAI's nested
// {"error": {"message": …}} or vLLM's flat {"object": "error", "message": …}.
type apiError struct {
	Error   json.RawMessage `json:"error"`
	Object  string          `json:"object"`
	Message string          `json:"message"`
}
