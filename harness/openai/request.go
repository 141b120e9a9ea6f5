package openai

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/vlmlab/harness/harness/cache"
	"github.com/vlmlab/harness/plugins/sdk"
)

// loadedPart is one prompt part with its image read from disk (not yet scaled).
type loadedPart struct {
	text  string
	image *rawImage
}

// loadParts reads every image of a prompt. A missing or empty image file fails
// the prompt with a reason naming the path.
func loadParts(p sdk.Prompt) ([]loadedPart, error) {
	if len(p.Parts) == 0 {
		return nil, fmt.Errorf("prompt %q has no parts", p.ID)
	}
	out := make([]loadedPart, len(p.Parts))
	for i, part := range p.Parts {
		if part.Image == nil {
			out[i].text = part.Text
			continue
		}
		img, err := readImage(part.Image)
		if err != nil {
			return nil, fmt.Errorf("prompt %q part %d: %w", p.ID, i, err)
		}
		out[i].image = &img
	}
	return out, nil
}

// generateKey is what a cached generation depends on. Images enter by the hash
// of their bytes as read (with MaxPixels alongside), so a re-run finds its
// answers without decoding or scaling any image.
type generateKey struct {
	Kind      string    `json:"kind"`
	Model     string    `json:"model"`
	System    string    `json:"system"`
	Parts     []keyPart `json:"parts"`
	MaxPixels int       `json:"max_pixels"`
	// MMProcessorKwargs changes what the server's processor does to the
	// images; omitted when unset so keys written before it existed hold.
	MMProcessorKwargs map[string]any `json:"mm_processor_kwargs,omitempty"`
	Params            keyParams      `json:"params"`
	// Checkpoint is the hash of the checkpoint the server answers with.
	// Empty (a model as served) it is left out, so caches written before
	// the field existed keep their keys.
	Checkpoint string `json:"checkpoint,omitempty"`
}

// keyParams is sdk.GenerateParams as cache keys have always spelled it
// (Go field names, before the type got snake_case JSON tags for reports):
// the key has its own struct so that answer caches written before stay
// valid. A field added to GenerateParams must be added here too, with
// omitempty so older keys keep their hash (TestKeyParamsCoverGenerateParams).
type keyParams struct {
	MaxTokens         int
	Temperature       float64
	TopP              float64
	TopK              int
	Seed              int64
	Stop              []string
	N                 int
	RepetitionPenalty float64 `json:",omitempty"`
}

func newKeyParams(p sdk.GenerateParams) keyParams {
	return keyParams{MaxTokens: p.MaxTokens, Temperature: p.Temperature, TopP: p.TopP, TopK: p.TopK,
		Seed: p.Seed, Stop: p.Stop, N: p.N, RepetitionPenalty: p.RepetitionPenalty}
}

type keyPart struct {
	Text  string `json:"text,omitempty"`
	Image string `json:"image_sha256,omitempty"`
}

func (c *Client) generateCacheKey(system string, parts []loadedPart, params sdk.GenerateParams) (string, error) {
	k := generateKey{Kind: "chat.generate", Model: c.cfg.Model, System: system, MaxPixels: c.cfg.MaxPixels, Params: newKeyParams(params), Checkpoint: c.cfg.Checkpoint,
		MMProcessorKwargs: c.cfg.MMProcessorKwargs}
	for _, p := range parts {
		if p.image != nil {
			k.Parts = append(k.Parts, keyPart{Image: p.image.hash})
		} else {
			k.Parts = append(k.Parts, keyPart{Text: p.text})
		}
	}
	return cache.Key(k)
}

// judgeKey is what a cached judge answer depends on. The request's Key (item,
// stage, attempt) is left out on purpose: two items asking the judge the very
// same question at the same temperature may share the answer.
type judgeKey struct {
	Kind        string  `json:"kind"`
	Model       string  `json:"model"`
	System      string  `json:"system"`
	Prompt      string  `json:"prompt"`
	Temperature float64 `json:"temperature"`
	MaxTokens   int     `json:"max_tokens"`
}

// buildGenerate makes the request body of one prompt, scaling its images.
func (c *Client) buildGenerate(system string, parts []loadedPart, params sdk.GenerateParams, n int) ([]byte, error) {
	var msgs []chatMessage
	if system != "" {
		msgs = append(msgs, chatMessage{Role: "system", Content: system})
	}
	content := make([]contentPart, 0, len(parts))
	for _, p := range parts {
		if p.image == nil {
			content = append(content, contentPart{Type: "text", Text: p.text})
			continue
		}
		c.scaling <- struct{}{}
		data, mimeType, err := fit(*p.image, c.cfg.MaxPixels)
		<-c.scaling
		if err != nil {
			return nil, err
		}
		content = append(content, contentPart{Type: "image_url", ImageURL: &imageURL{URL: dataURL(data, mimeType)}})
	}
	user := chatMessage{Role: "user", Content: content}
	if len(content) == 1 && content[0].Type == "text" {
		// Plain string content: accepted by every server, the text-only ones too.
		user.Content = content[0].Text
	}
	msgs = append(msgs, user)
	req := chatRequest{
		Model:       c.cfg.Model,
		Messages:    msgs,
		Temperature: params.Temperature,
		MaxTokens:   params.MaxTokens,
		TopP:        params.TopP,
		TopK:        params.TopK,
		Seed:        params.Seed,
		Stop:        params.Stop,

		RepetitionPenalty: params.RepetitionPenalty,
		MMProcessorKwargs: c.cfg.MMProcessorKwargs,
	}
	if n > 1 {
		req.N = n
	}
	return marshal(req)
}

func (c *Client) buildJudge(model string, r sdk.JudgeRequest) ([]byte, error) {
	var msgs []chatMessage
	if r.System != "" {
		msgs = append(msgs, chatMessage{Role: "system", Content: r.System})
	}
	msgs = append(msgs, chatMessage{Role: "user", Content: r.Prompt})
	return marshal(chatRequest{Model: model, Messages: msgs, Temperature: r.Temperature, MaxTokens: r.MaxTokens})
}

func marshal(req chatRequest) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// Prompts are full of "<", ">" and "&" (LaTeX, <think>); send them as is.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(req); err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	return buf.Bytes(), nil
}

// answerText is the text of one choice and the field that carried the
// thinking ("reasoning", "reasoning_content", or "" when none came apart).
//
// Thinking returned apart by a reasoning parser is put back in front, as the
// model wrote it, so scoring sees the same text whichever way the server was
// started. A response cut at the token limit before its thinking ended
// (content null or empty under a parser) keeps its <think> open: that is what
// the raw text of the same cut looks like, and both then score as "cut off
// while reasoning", with no answer.
func answerText(content, reasoning, reasoningContent *string, truncated bool) (string, string) {
	text := deref(content)
	thinking, field := deref(reasoning), "reasoning"
	if thinking == "" {
		thinking, field = deref(reasoningContent), "reasoning_content"
	}
	if thinking == "" {
		return text, ""
	}
	if strings.Contains(text, "</think>") {
		return text, field // the content already holds the whole response
	}
	if truncated && strings.TrimSpace(text) == "" {
		return "<think>\n" + thinking, field
	}
	return "<think>\n" + thinking + "\n</think>\n" + text, field
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
