package openai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/vlmlab/harness/plugins/sdk"
)

// Generate asks the model for every prompt, at most Concurrency at a time,
// and calls emit with each generation as it finishes (one per sample, in any
// order, never concurrently). Every prompt comes back: answered, or with
// Error set to why not (a missing image, a request that failed after its
// retries, or the reason the run stopped). Generate returns an error when the
// run was stopped, ctx was cancelled, emit failed, or an answer could not be
// cached; the generations already emitted stay valid.
func (c *Client) Generate(ctx context.Context, prompts []sdk.Prompt, params sdk.GenerateParams, emit func(sdk.Generation) error) error {
	if emit == nil {
		return errors.New("openai generate: emit is nil")
	}
	if c.cfg.Model == "" {
		return errors.New("openai generate: no model name configured; use the name the server serves (vLLM --served-model-name)")
	}
	if params.N < 0 || params.MaxTokens < 0 {
		return fmt.Errorf("openai generate: n=%d max_tokens=%d: want 0 or more", params.N, params.MaxTokens)
	}
	n := max(1, params.N)
	ctx, cancel := c.runContext(ctx)
	defer cancel(nil)
	em := &emitter[sdk.Generation]{fn: emit, cancel: cancel}
	var cacheErr firstError
	skipped := fanOut(ctx, len(prompts), c.cfg.Concurrency, func(ctx context.Context, i int) {
		for _, g := range c.generateOne(ctx, prompts[i], params, n, &cacheErr) {
			em.send(g)
		}
	})
	for _, i := range skipped {
		for _, g := range failedGenerations(prompts[i].ID, n, c.runErr(ctx)) {
			em.send(g)
		}
	}
	switch {
	case em.err != nil:
		return em.err
	case c.runErr(ctx) != nil:
		return fmt.Errorf("openai generate: %w", c.runErr(ctx))
	case cacheErr.get() != nil:
		return fmt.Errorf("openai generate: answers were not all cached, a re-run would ask again: %w", cacheErr.get())
	}
	return nil
}

// cachedGeneration is the cache value of one prompt's samples.
type cachedGeneration struct {
	Samples []cachedSample `json:"samples"`
	// Endpoint is the server that answered. It is not part of the key (a
	// model served elsewhere under the same name answers the same), but a
	// hit recorded from another endpoint is counted and warned about.
	Endpoint string `json:"endpoint,omitempty"`
}

type cachedSample struct {
	Text           string `json:"text"`
	Tokens         int    `json:"tokens,omitempty"`
	Truncated      bool   `json:"truncated,omitempty"`
	ReasoningField string `json:"reasoning_field,omitempty"`
}

// generateOne answers one prompt: from the cache, else from the server.
func (c *Client) generateOne(ctx context.Context, p sdk.Prompt, params sdk.GenerateParams, n int, cacheErr *firstError) []sdk.Generation {
	if c.runErr(ctx) != nil {
		return failedGenerations(p.ID, n, c.runErr(ctx))
	}
	system := p.System
	if system == "" {
		system = c.cfg.SystemPrompt
	}
	parts, err := loadParts(p)
	if err != nil {
		return failedGenerations(p.ID, n, err)
	}
	if c.cfg.Cache == nil {
		return c.ask(ctx, p.ID, "", system, parts, params, n, cacheErr)
	}
	key, err := c.generateCacheKey(system, parts, params)
	if err != nil {
		return failedGenerations(p.ID, n, err)
	}
	if gens, ok := c.cachedGenerations(key, p.ID, n); ok {
		return gens
	}
	// Items that send exactly the same request (a benchmark may ask one
	// question twice) share one call, so a resumed run asks each request once.
	v, _, _ := c.flight.Do(key, func() (any, error) {
		if gens, ok := c.cachedGenerations(key, p.ID, n); ok {
			return gens, nil
		}
		return c.ask(ctx, p.ID, key, system, parts, params, n, cacheErr), nil
	})
	gens := v.([]sdk.Generation)
	if gens[0].PromptID == p.ID {
		return gens
	}
	mine := make([]sdk.Generation, len(gens))
	for i, g := range gens {
		g.PromptID = p.ID
		mine[i] = g
	}
	if mine[0].Error == "" {
		c.usage.cacheHits.Add(1)
	}
	return mine
}

// ask sends one prompt's request and caches the answer under key ("" for
// none).
func (c *Client) ask(ctx context.Context, promptID, key, system string, parts []loadedPart, params sdk.GenerateParams, n int, cacheErr *firstError) []sdk.Generation {
	p := sdk.Prompt{ID: promptID}
	body, err := c.buildGenerate(system, parts, params, n)
	if err != nil {
		return failedGenerations(p.ID, n, err)
	}
	resp, err := c.call(ctx, body)
	if err != nil {
		return failedGenerations(p.ID, n, err)
	}

	gens := make([]sdk.Generation, n)
	got := make([]bool, n)
	for j, ch := range resp.Choices {
		// Trust the server's index when it is usable, else the position.
		idx := ch.Index
		if idx < 0 || idx >= n || got[idx] {
			idx = j
		}
		if idx >= n || got[idx] {
			continue
		}
		got[idx] = true
		truncated := ch.FinishReason == "length"
		text, field := answerText(ch.Message.Content, ch.Message.Reasoning, ch.Message.ReasoningContent, truncated)
		gens[idx] = sdk.Generation{
			PromptID:       p.ID,
			Sample:         idx,
			Text:           text,
			Truncated:      truncated,
			ReasoningField: field,
		}
	}
	if n == 1 {
		// Usage is per response, so tokens are known per sample only for n=1.
		gens[0].Tokens = resp.Usage.CompletionTokens
	}
	complete := true
	for i := range gens {
		if !got[i] {
			complete = false
			gens[i] = sdk.Generation{PromptID: p.ID, Sample: i, Error: fmt.Sprintf("server returned %d of %d samples", len(resp.Choices), n)}
		}
	}
	if key != "" && complete {
		cg := cachedGeneration{Samples: make([]cachedSample, n), Endpoint: c.endpoint}
		for i, g := range gens {
			cg.Samples[i] = cachedSample{Text: g.Text, Tokens: g.Tokens, Truncated: g.Truncated, ReasoningField: g.ReasoningField}
		}
		if err := c.cfg.Cache.Put(key, cg); err != nil {
			cacheErr.set(err)
		}
	}
	return gens
}

func (c *Client) cachedGenerations(key, promptID string, n int) ([]sdk.Generation, bool) {
	raw, ok := c.cfg.Cache.Get(key)
	if !ok {
		return nil, false
	}
	var cg cachedGeneration
	if err := json.Unmarshal(raw, &cg); err != nil || len(cg.Samples) != n {
		c.log.Warn("ignoring an unreadable cache entry", "key", key, "error", err)
		return nil, false
	}
	c.usage.cacheHits.Add(1)
	if cg.Endpoint != "" && cg.Endpoint != c.endpoint {
		c.otherEndpoint(cg.Endpoint)
	}
	gens := make([]sdk.Generation, n)
	for i, s := range cg.Samples {
		gens[i] = sdk.Generation{PromptID: promptID, Sample: i, Text: s.Text, Tokens: s.Tokens, Truncated: s.Truncated, ReasoningField: s.ReasoningField}
	}
	return gens, true
}

func failedGenerations(promptID string, n int, err error) []sdk.Generation {
	gens := make([]sdk.Generation, n)
	for i := range gens {
		gens[i] = sdk.Generation{PromptID: promptID, Sample: i, Error: err.Error()}
	}
	return gens
}
