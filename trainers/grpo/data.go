package grpo

import (
	"encoding/json"
	"fmt"

	"github.com/vlmlab/harness/plugins/sdk"
	"github.com/vlmlab/harness/trainers/reward"
	"github.com/vlmlab/harness/trainers/tinyvlm"
)

// prompt is one RL prompt ready to roll out.
type prompt struct {
	id       string
	question string
	patches  []float32
	tokens   []int
	label    json.RawMessage
	verifier string
}

// loadPrompts reads RL records (the toy world's rl.jsonl, or the released
// VLAA-Thinking GRPO data in the same layout) and encodes them for m. A
// prompt that does not fit the context, and an open_ended prompt when no
// reward server can score it, are skipped and counted in the returned
// warnings.
func loadPrompts(m *tinyvlm.Model, files []string, system string, remoteReward bool) ([]prompt, []string, error) {
	var out []prompt
	var warnings []string
	tooLong, open := 0, 0
	for _, file := range files {
		recs, err := sdk.ReadJSONL[sdk.RLRecord](file)
		if err != nil {
			return nil, nil, err
		}
		for i, r := range recs {
			where := fmt.Sprintf("%s: record %d (id %q)", file, i+1, r.ID)
			if r.Question == "" {
				return nil, nil, sdk.Invalid("%s: field question is missing or empty", where)
			}
			vt, err := reward.ParseVerifierType(r.VerifierType)
			if err != nil {
				return nil, nil, sdk.Invalid("%s: field verifier_type: %v", where, err)
			}
			if len(r.GT) == 0 || string(r.GT) == "null" {
				return nil, nil, sdk.Invalid("%s: field gt is missing: GRPO needs the ground truth the verifier checks", where)
			}
			if vt == reward.OpenEnded && !remoteReward {
				open++
				continue
			}
			var patches []float32
			if r.Image == "" {
				patches, err = m.Config.ImagePatches(nil)
			} else {
				path, perr := sdk.ResolveImage(file, r.Image)
				if perr != nil {
					return nil, nil, fmt.Errorf("%s: %w", where, perr)
				}
				patches, err = m.Config.ReadImagePatches(path)
			}
			if err != nil {
				return nil, nil, sdk.Invalid("%s: field image: %v", where, err)
			}
			toks, err := m.EncodePrompt(system, r.Question)
			if err != nil {
				tooLong++
				continue
			}
			label, err := json.Marshal(map[string]any{"answer": r.GT, "verifier_type": vt, "question": r.Question})
			if err != nil {
				return nil, nil, err
			}
			out = append(out, prompt{id: r.ID, question: r.Question, patches: patches, tokens: toks, label: label, verifier: string(vt)})
		}
	}
	if open > 0 {
		warnings = append(warnings, fmt.Sprintf("skipped %d open_ended prompts: they need a reward model; set reward_url to a reward server that has one (harness reward serve --reward-model-url)", open))
	}
	if tooLong > 0 {
		warnings = append(warnings, fmt.Sprintf("skipped %d prompts longer than the model's text context (%d tokens)", tooLong, m.Config.MaxText))
	}
	if len(out) == 0 {
		return nil, warnings, sdk.Invalid("no usable RL prompt in %v", files)
	}
	return out, warnings, nil
}
