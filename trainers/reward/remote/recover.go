package remote

import (
	"fmt"
	"strings"
	"unicode"
)

// DefaultSpecialTokens are the padding, start and end-of-sequence tokens a
// tokenizer may leave around a decoded OpenRLHF query (it decodes with
// skip_special_tokens=False, so left padding and the EOS token appear).
var DefaultSpecialTokens = []string{
	"<|im_end|>", "<|endoftext|>", "<|eot_id|>", "<|end_of_text|>", "<|begin_of_text|>",
	"</s>", "<s>", "<pad>", "<|pad|>",
}

// DefaultExpandedTokens are image and video placeholders that a VLM processor
// repeats once per visual token, so the decoded query holds many where the
// prompt string holds one.
var DefaultExpandedTokens = []string{"<|image_pad|>", "<|video_pad|>", "<image>"}

// Recovery says how to cut the response out of an OpenRLHF query.
type Recovery struct {
	SpecialTokens  []string // stripped around the query; nil means DefaultSpecialTokens
	ExpandedTokens []string // placeholders expanded by a VLM processor; nil means DefaultExpandedTokens
}

// RecoverResponse returns the model's response inside an OpenRLHF query,
// which is the prompt and the response decoded together:
//
//  1. special tokens (padding, BOS) are stripped from the start of the query
//     and of the prompt, and (with EOS, padding and blanks) from the end of
//     the response found below;
//  2. if the query starts with the prompt, the response is the rest;
//  3. otherwise, for VLM prompts whose image placeholders the processor
//     expanded, the prompt's text after its last placeholder is looked for
//     after the query's last placeholder, and the response is what follows;
//     a prompt without placeholders is looked for anywhere in the query (a
//     BOS token we do not know may precede it).
//
// It fails when the prompt is empty or not found: then the query is not this
// prompt's rollout, and scoring the whole query would let the system prompt's
// example "<answer> answer here </answer>" be taken for the model's answer.
func (rc Recovery) RecoverResponse(query, prompt string) (string, error) {
	special := rc.SpecialTokens
	if special == nil {
		special = DefaultSpecialTokens
	}
	expanded := rc.ExpandedTokens
	if expanded == nil {
		expanded = DefaultExpandedTokens
	}
	q := trimLeft(query, special)
	prompt = trimLeft(prompt, special) // a BOS the template wrote is stripped from both
	if strings.TrimSpace(prompt) == "" {
		return "", fmt.Errorf("prompt is empty, so the response cannot be told apart from it")
	}
	if strings.HasPrefix(q, prompt) {
		return trimRight(q[len(prompt):], special), nil
	}
	tail, queryFrom := prompt, 0
	if cut := lastIndexAny(prompt, expanded); cut >= 0 {
		tail = prompt[cut:]
		queryFrom = max(lastIndexAny(q, expanded), 0)
	}
	if tail != "" {
		if i := strings.Index(q[queryFrom:], tail); i >= 0 {
			return trimRight(q[queryFrom+i+len(tail):], special), nil
		}
	}
	return "", fmt.Errorf("prompt not found in query (check that OpenRLHF's prompts are the templated prompt the query starts with)")
}

// lastIndexAny returns the index just after the last occurrence of any of
// tokens in s, or -1.
func lastIndexAny(s string, tokens []string) int {
	best := -1
	for _, t := range tokens {
		if t == "" {
			continue
		}
		if i := strings.LastIndex(s, t); i >= 0 && i+len(t) > best {
			best = i + len(t)
		}
	}
	return best
}

// trimLeft removes any of tokens from the start of s, repeatedly.
func trimLeft(s string, tokens []string) string {
	for {
		t := s
		for _, tok := range tokens {
			if tok != "" {
				t = strings.TrimPrefix(t, tok)
			}
		}
		if t == s {
			return s
		}
		s = t
	}
}

// trimRight removes any of tokens and whitespace from the end of s,
// repeatedly ("…</answer><|im_end|>\n<|endoftext|>" ends at "</answer>").
func trimRight(s string, tokens []string) string {
	for {
		t := strings.TrimRightFunc(s, unicode.IsSpace)
		for _, tok := range tokens {
			if tok != "" {
				t = strings.TrimSuffix(t, tok)
			}
		}
		if t == s {
			return s
		}
		s = t
	}
}
