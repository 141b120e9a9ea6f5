package catalog

import (
	"github.com/vlmlab/harness/internal/version"
	"github.com/vlmlab/harness/plugins/sdk"
	"github.com/vlmlab/harness/trainers/chance"
)

func chancePlugin() Builtin {
	return Builtin{Name: "chance", Kind: sdk.KindModel, Serve: func() *sdk.ServeConfig {
		return &sdk.ServeConfig{
			Info:  sdk.Info{Name: "chance", Version: version.Version, Description: "random-chance baseline: a random option letter, or a random integer"},
			Model: chance.Model{Seed: 1},
		}
	}}
}
