package tinyvlm

import (
	"fmt"

	"github.com/gomlx/gomlx/core/tensors"
)

// ErrContext is wrapped by errors for prompts that do not fit the context.
var ErrContext = fmt.Errorf("prompt exceeds the context")

// EncodePrompt lays out a prompt's text tokens: the system prompt (its
// reserved token when registered, else its text), <user>, the question,
// <assistant>. The response follows directly. It fails with ErrContext when
// the prompt leaves no room for a response.
func (m *Model) EncodePrompt(system, question string) ([]int, error) {
	var ids []int
	if system != "" {
		if id, ok := m.Tokenizer.SystemID(system); ok {
			ids = append(ids, id)
		} else {
			ids = append(ids, m.Tokenizer.Encode(system)...)
		}
	}
	ids = append(ids, UserID)
	ids = append(ids, m.Tokenizer.Encode(question)...)
	ids = append(ids, AssistantID)
	if len(ids) >= m.Config.MaxText {
		hint := ""
		if system != "" {
			if _, ok := m.Tokenizer.SystemID(system); !ok {
				hint = "; the system prompt is not registered in tokenizer.json, so it is spelled out: register it at pre-training (system_prompts) to map it to one token"
			}
		}
		return nil, fmt.Errorf("%w: %d tokens, the model's text context is %d (max_text in config.json) and a response needs at least 1%s", ErrContext, len(ids), m.Config.MaxText, hint)
	}
	return ids, nil
}

// EncodeResponse is the training target: the response's tokens then <eos>.
func (m *Model) EncodeResponse(response string) []int {
	return append(m.Tokenizer.Encode(response), EndID)
}

// Example is one training sequence: an image (as patches, see
// Config.ImagePatches), prompt tokens and response tokens.
type Example struct {
	Patches  []float32
	Prompt   []int
	Response []int
}

// Len is the number of text tokens.
func (e Example) Len() int { return len(e.Prompt) + len(e.Response) }

// SFTBatch packs examples into the inputs of ResponseLoss: patches [B, P,
// PatchDim], tokens [B, S] right-padded with <pad>, and mask [B, S], 1 on
// response tokens only. S is the longest example rounded up to a multiple of
// 8 (so few shapes are compiled); it must not exceed MaxText.
func (m *Model) SFTBatch(exs []Example) (patches, tokens, mask *tensors.Tensor, err error) {
	if len(exs) == 0 {
		return nil, nil, nil, fmt.Errorf("empty batch")
	}
	cfg := m.Config
	s := 0
	for _, e := range exs {
		s = max(s, e.Len())
	}
	if s > cfg.MaxText {
		return nil, nil, nil, fmt.Errorf("%w: an example has %d tokens, max_text is %d", ErrContext, s, cfg.MaxText)
	}
	s = min(cfg.MaxText, (s+7)/8*8)
	b := len(exs)
	pd := cfg.Patches() * cfg.PatchDim()
	pf := make([]float32, b*pd)
	tk := make([]int32, b*s)
	mk := make([]float32, b*s)
	for i, e := range exs {
		if len(e.Patches) != pd {
			return nil, nil, nil, fmt.Errorf("example %d: %d patch values, want %d", i, len(e.Patches), pd)
		}
		copy(pf[i*pd:], e.Patches)
		for j, id := range e.Prompt {
			tk[i*s+j] = int32(id)
		}
		for j, id := range e.Response {
			k := i*s + len(e.Prompt) + j
			tk[k] = int32(id)
			mk[k] = 1
		}
	}
	return tensors.FromFlatDataAndDimensions(pf, b, cfg.Patches(), cfg.PatchDim()),
		tensors.FromFlatDataAndDimensions(tk, b, s),
		tensors.FromFlatDataAndDimensions(mk, b, s), nil
}
