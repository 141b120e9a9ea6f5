package modelserve

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/vlmlab/harness/plugins/sdk"
)

// request is one chat completion request, checked and translated into what
// the model takes.
type request struct {
	prompt sdk.Prompt
	params sdk.GenerateParams // N is the request's n
	// seeded requests are reproducible: an explicit seed, or greedy
	// decoding. Identical seeded prompts of one batch are generated once.
	seeded       bool
	stream       bool
	includeUsage bool
}

// parseRequest decodes and checks a request body.
func (s *Server) parseRequest(body []byte) (*request, *apiError) {
	var cr chatRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&cr); err != nil {
		return nil, jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, badRequest("", "request body holds more than one JSON value")
	}
	if cr.Model == "" {
		return nil, badRequest("model", "model is required; this server serves %q (GET /v1/models)", s.cfg.Model)
	}
	if cr.Model != s.cfg.Model {
		return nil, &apiError{Status: 404, Type: "invalid_request_error", Param: strp("model"), Code: strp("model_not_found"),
			Message: fmt.Sprintf("the model %q does not exist; this server serves %q (GET /v1/models)", cr.Model, s.cfg.Model)}
	}
	if e := refuseUnsupported(&cr); e != nil {
		return nil, e
	}
	r := &request{stream: cr.Stream}
	if cr.StreamOptions != nil {
		if !cr.Stream {
			return nil, badRequest("stream_options", "stream_options is only allowed with stream: true")
		}
		r.includeUsage = cr.StreamOptions.IncludeUsage
	}
	var e *apiError
	if r.prompt, e = s.parseMessages(cr.Messages); e != nil {
		return nil, e
	}
	if r.params, r.seeded, e = s.parseParams(&cr); e != nil {
		return nil, e
	}
	return r, nil
}

func jsonError(err error) *apiError {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return badRequest(te.Field, "%s must be a JSON %s, not %s", te.Field, jsonKind(te.Type.Kind().String()), te.Value)
	}
	if errors.Is(err, io.EOF) {
		return badRequest("", "request body is empty; send a JSON chat completion request")
	}
	return badRequest("", "request body is not valid JSON: %v", err)
}

func jsonKind(k string) string {
	switch {
	case strings.HasPrefix(k, "int"), strings.HasPrefix(k, "float"):
		return "number"
	case k == "slice":
		return "array"
	case k == "struct", k == "map", k == "ptr":
		return "object"
	}
	return k
}

// refuseUnsupported rejects settings the model protocol cannot honour.
func refuseUnsupported(cr *chatRequest) *apiError {
	unsupported := func(param, why string) *apiError {
		return withCode(badRequest(param, "%s is not supported by harness model serve: %s", param, why), "unsupported_parameter")
	}
	switch {
	case cr.Logprobs != nil && *cr.Logprobs, cr.TopLogprobs != nil && *cr.TopLogprobs > 0:
		return unsupported("logprobs", "model plugins return text, not token probabilities")
	case cr.PresencePenalty != nil && *cr.PresencePenalty != 0:
		return unsupported("presence_penalty", "model plugins take no penalties; leave it 0")
	case cr.FrequencyPenalty != nil && *cr.FrequencyPenalty != 0:
		return unsupported("frequency_penalty", "model plugins take no penalties; leave it 0")
	case len(cr.LogitBias) > 0:
		return unsupported("logit_bias", "model plugins take no logit bias")
	case present(cr.Tools), present(cr.Functions):
		return unsupported("tools", "there is no tool calling")
	case cr.ResponseFormat != nil && cr.ResponseFormat.Type != "" && cr.ResponseFormat.Type != "text":
		return unsupported("response_format", "there is no structured output; only \"text\"")
	case present(cr.Audio):
		return unsupported("audio", "the model writes text only")
	}
	for _, m := range cr.Modalities {
		if m != "text" {
			return unsupported("modalities", "the model writes text only")
		}
	}
	return nil
}

func present(raw json.RawMessage) bool {
	t := strings.TrimSpace(string(raw))
	return t != "" && t != "null" && t != "[]"
}

// parseMessages turns a conversation into one prompt: system (and
// developer) messages become its system text, user messages its parts, in
// order. The Model protocol has no chat history, so assistant turns are
// refused rather than flattened into a template the model never saw.
func (s *Server) parseMessages(msgs []chatMessage) (sdk.Prompt, *apiError) {
	var p sdk.Prompt
	if len(msgs) == 0 {
		return p, badRequest("messages", "messages is empty; send at least one user message")
	}
	var system []string
	users := 0
	for i, m := range msgs {
		switch m.Role {
		case "system", "developer":
			text, e := s.parseContent(i, m.Content, false)
			if e != nil {
				return p, e
			}
			for _, part := range text {
				system = append(system, part.Text)
			}
		case "user":
			parts, e := s.parseContent(i, m.Content, true)
			if e != nil {
				return p, e
			}
			p.Parts = append(p.Parts, parts...)
			users++
		case "assistant", "tool", "function":
			return p, withCode(badRequest(fmt.Sprintf("messages[%d].role", i),
				"messages[%d] has role %q: harness model serve takes one user turn (with optional system messages); the model protocol has no chat history", i, m.Role), "unsupported_value")
		case "":
			return p, badRequest(fmt.Sprintf("messages[%d].role", i), "messages[%d] has no role", i)
		default:
			return p, badRequest(fmt.Sprintf("messages[%d].role", i), "messages[%d] has unknown role %q; want system, developer or user", i, m.Role)
		}
	}
	if users == 0 {
		return p, badRequest("messages", "messages has no user message")
	}
	p.System = strings.Join(system, "\n\n")
	return p, nil
}

// parseContent reads a message's content: a string or a list of parts.
func (s *Server) parseContent(msg int, raw json.RawMessage, images bool) ([]sdk.Part, *apiError) {
	param := describeParam(msg, -1)
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || bytes.Equal(t, []byte("null")) {
		return nil, badRequest(param, "%s is missing", param)
	}
	if t[0] == '"' {
		var text string
		if err := json.Unmarshal(t, &text); err != nil {
			return nil, badRequest(param, "%s: %v", param, err)
		}
		return []sdk.Part{{Text: text}}, nil
	}
	var parts []contentPart
	if err := json.Unmarshal(t, &parts); err != nil {
		return nil, badRequest(param, "%s must be a string or a list of content parts", param)
	}
	if len(parts) == 0 {
		return nil, badRequest(param, "%s is an empty list", param)
	}
	out := make([]sdk.Part, 0, len(parts))
	for j, cp := range parts {
		pp := describeParam(msg, j)
		switch cp.Type {
		case "text":
			if cp.Text == nil {
				return nil, badRequest(pp+".text", "%s is a text part without text", pp)
			}
			out = append(out, sdk.Part{Text: *cp.Text})
		case "image_url":
			if !images {
				return nil, badRequest(pp, "%s: images belong in user messages", pp)
			}
			if cp.ImageURL == nil || cp.ImageURL.URL == "" {
				return nil, badRequest(pp+".image_url", "%s is an image_url part without image_url.url", pp)
			}
			img, e := decodeImage(pp+".image_url", cp.ImageURL.URL, s.cfg.MaxImagePixels)
			if e != nil {
				return nil, e
			}
			out = append(out, sdk.Part{Image: img})
		case "":
			return nil, badRequest(pp+".type", "%s has no type; want text or image_url", pp)
		default:
			return nil, withCode(badRequest(pp+".type", "%s has type %q; this server takes text and image_url parts", pp, cp.Type), "unsupported_value")
		}
	}
	return out, nil
}

// Limits of sampling settings.
const (
	maxStops       = 16
	maxTokensLimit = 1 << 20
)

// parseParams checks the sampling settings. Unset ones take OpenAI's
// defaults (temperature 1, n 1) or the server's (max tokens); top_p and
// top_k unset mean "off" (0).
func (s *Server) parseParams(cr *chatRequest) (sdk.GenerateParams, bool, *apiError) {
	p := sdk.GenerateParams{N: 1, Temperature: 1, MaxTokens: s.cfg.DefaultMaxTokens}
	if cr.N != nil {
		if *cr.N < 1 || *cr.N > s.cfg.MaxN {
			return p, false, badRequest("n", "n is %d; want 1 to %d", *cr.N, s.cfg.MaxN)
		}
		p.N = *cr.N
	}
	mt, mct := cr.MaxTokens, cr.MaxCompletionTokens
	if mt != nil && mct != nil && *mt != *mct {
		return p, false, badRequest("max_completion_tokens", "max_tokens (%d) and max_completion_tokens (%d) disagree; send one", *mt, *mct)
	}
	if mct != nil {
		mt = mct
	}
	if mt != nil {
		if *mt < 1 || *mt > maxTokensLimit {
			return p, false, badRequest("max_tokens", "max_tokens is %d; want 1 to %d", *mt, maxTokensLimit)
		}
		p.MaxTokens = *mt
	}
	if t := cr.Temperature; t != nil {
		if *t < 0 || *t > 2 {
			return p, false, badRequest("temperature", "temperature is %g; want 0 to 2", *t)
		}
		p.Temperature = *t
	}
	if t := cr.TopP; t != nil {
		if *t <= 0 || *t > 1 {
			return p, false, badRequest("top_p", "top_p is %g; want more than 0 and at most 1", *t)
		}
		p.TopP = *t
	}
	if k := cr.TopK; k != nil {
		switch {
		case *k < -1:
			return p, false, badRequest("top_k", "top_k is %d; want -1 or 0 (off) or a positive number", *k)
		case *k > 0:
			p.TopK = *k
		}
	}
	if len(cr.Stop) > maxStops {
		return p, false, badRequest("stop", "stop has %d sequences; at most %d", len(cr.Stop), maxStops)
	}
	for i, st := range cr.Stop {
		if st == "" {
			return p, false, badRequest("stop", "stop[%d] is empty", i)
		}
	}
	p.Stop = []string(cr.Stop)
	seeded := p.Temperature == 0
	if cr.Seed != nil {
		p.Seed, seeded = *cr.Seed, true
	}
	if p.Temperature == 0 {
		// Greedy decoding ignores the seed: one batch key for all of it.
		p.Seed = 0
	}
	return p, seeded, nil
}
