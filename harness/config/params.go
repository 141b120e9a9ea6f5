package config

import "github.com/vlmlab/harness/plugins/sdk"

// Params are the sampling settings as a model backend takes them; unset
// temperature and top_p are zero, which backends read as "server default"
// for top_p and greedy for temperature.
func (g Generation) Params() sdk.GenerateParams {
	p := sdk.GenerateParams{MaxTokens: g.MaxTokens, TopK: g.TopK, Seed: g.Seed, Stop: g.Stop}
	if g.Temperature != nil {
		p.Temperature = *g.Temperature
	}
	if g.TopP != nil {
		p.TopP = *g.TopP
	}
	return p
}
