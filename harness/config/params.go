package config

import "github.com/vlmlab/harness/plugins/sdk"

// Params are the sampling settings as a model backend takes them; unset
// temperature, top_p, top_k and repetition_penalty are zero, which backends
// read as "server default" (not sent) for top_p, top_k and
// repetition_penalty, and greedy for temperature.
func (g Generation) Params() sdk.GenerateParams {
	p := sdk.GenerateParams{MaxTokens: g.MaxTokens, TopK: g.TopK, Seed: g.Seed, Stop: g.Stop}
	if g.Temperature != nil {
		p.Temperature = *g.Temperature
	}
	if g.TopP != nil {
		p.TopP = *g.TopP
	}
	if g.RepetitionPenalty != nil {
		p.RepetitionPenalty = *g.RepetitionPenalty
	}
	return p
}
