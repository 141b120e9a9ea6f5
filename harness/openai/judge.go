package openai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/vlmlab/harness/harness/cache"
	"github.com/vlmlab/harness/plugins/sdk"
)

// JudgeModel returns the model judge calls go to: Config.Model, else
// DefaultJudgeModel.
func (c *Client) JudgeModel() string {
	if c.cfg.Model != "" {
		return c.cfg.Model
	}
	return DefaultJudgeModel
}

// Judge sends one judge request as built by an evaluator (its system and user
// prompt, temperature and max tokens, unchanged) and returns the answer, or
// an answer with Error set when none could be had.
func (c *Client) Judge(ctx context.Context, req sdk.JudgeRequest) sdk.JudgeAnswer {
	ctx, cancel := c.runContext(ctx)
	defer cancel(nil)
	text, cacheErr, err := c.judgeOne(ctx, req)
	if cacheErr != nil {
		c.log.Warn("judge answer not cached", "key", req.Key, "error", cacheErr)
	}
	if err != nil {
		return sdk.JudgeAnswer{Key: req.Key, Error: err.Error()}
	}
	return sdk.JudgeAnswer{Key: req.Key, Text: text}
}

// JudgeAll sends every request, at most Concurrency at a time, and calls emit
// with each answer as it arrives (never concurrently). Every request gets an
// answer, with Error set when it failed or the run stopped. The returned
// error follows Generate's rules.
func (c *Client) JudgeAll(ctx context.Context, reqs []sdk.JudgeRequest, emit func(sdk.JudgeAnswer) error) error {
	if emit == nil {
		return errors.New("openai judge: emit is nil")
	}
	ctx, cancel := c.runContext(ctx)
	defer cancel(nil)
	em := &emitter[sdk.JudgeAnswer]{fn: emit, cancel: cancel}
	var cacheErr firstError
	skipped := fanOut(ctx, len(reqs), c.cfg.Concurrency, func(ctx context.Context, i int) {
		text, cerr, err := c.judgeOne(ctx, reqs[i])
		if cerr != nil {
			cacheErr.set(cerr)
		}
		if err != nil {
			em.send(sdk.JudgeAnswer{Key: reqs[i].Key, Error: err.Error()})
			return
		}
		em.send(sdk.JudgeAnswer{Key: reqs[i].Key, Text: text})
	})
	for _, i := range skipped {
		em.send(sdk.JudgeAnswer{Key: reqs[i].Key, Error: c.runErr(ctx).Error()})
	}
	switch {
	case em.err != nil:
		return em.err
	case c.runErr(ctx) != nil:
		return fmt.Errorf("openai judge: %w", c.runErr(ctx))
	case cacheErr.get() != nil:
		return fmt.Errorf("openai judge: answers were not all cached, a re-run would ask again: %w", cacheErr.get())
	}
	return nil
}

type cachedJudge struct {
	Text string `json:"text"`
}

// judgeOne returns the judge's text, from the cache or the server; cacheErr
// reports an answer that could not be stored.
func (c *Client) judgeOne(ctx context.Context, req sdk.JudgeRequest) (text string, cacheErr, err error) {
	if c.runErr(ctx) != nil {
		return "", nil, c.runErr(ctx)
	}
	if strings.TrimSpace(req.Prompt) == "" {
		return "", nil, fmt.Errorf("judge request %q has an empty prompt", req.Key)
	}
	if req.MaxTokens < 0 {
		return "", nil, fmt.Errorf("judge request %q: max tokens %d: want 0 or more", req.Key, req.MaxTokens)
	}
	model := c.JudgeModel()
	var key string
	if c.cfg.Cache != nil {
		key, err = cache.Key(judgeKey{Kind: "chat.judge", Model: model, System: req.System, Prompt: req.Prompt, Temperature: req.Temperature, MaxTokens: req.MaxTokens})
		if err != nil {
			return "", nil, err
		}
		if text, ok := c.cachedJudge(key); ok {
			return text, nil, nil
		}
		// The same question asked for several items at once is sent once.
		type result struct {
			text          string
			cacheErr, err error
			leaderKey     string
		}
		v, _, _ := c.flight.Do(key, func() (any, error) {
			if text, ok := c.cachedJudge(key); ok {
				return result{text: text, leaderKey: req.Key}, nil
			}
			text, cacheErr, err := c.askJudge(ctx, model, key, req)
			return result{text, cacheErr, err, req.Key}, nil
		})
		r := v.(result)
		if r.leaderKey != req.Key && r.err == nil {
			c.usage.cacheHits.Add(1)
		}
		return r.text, r.cacheErr, r.err
	}
	return c.askJudge(ctx, model, "", req)
}

func (c *Client) cachedJudge(key string) (string, bool) {
	raw, ok := c.cfg.Cache.Get(key)
	if !ok {
		return "", false
	}
	var cj cachedJudge
	if err := json.Unmarshal(raw, &cj); err != nil {
		return "", false
	}
	c.usage.cacheHits.Add(1)
	return cj.Text, true
}

// askJudge sends one judge request and caches the answer under key ("" for
// none).
func (c *Client) askJudge(ctx context.Context, model, key string, req sdk.JudgeRequest) (text string, cacheErr, err error) {
	body, err := c.buildJudge(model, req)
	if err != nil {
		return "", nil, err
	}
	resp, err := c.call(ctx, body)
	if err != nil {
		return "", nil, err
	}
	ch := resp.Choices[0]
	text, _ = answerText(ch.Message.Content, ch.Message.Reasoning, ch.Message.ReasoningContent, ch.FinishReason == "length")
	if key != "" {
		cacheErr = c.cfg.Cache.Put(key, cachedJudge{Text: text})
	}
	return text, cacheErr, nil
}
