package catalog

import (
	"github.com/vlmlab/harness/internal/version"
	"github.com/vlmlab/harness/plugins/sdk"
	"github.com/vlmlab/harness/trainers/engine"
)

// enginePlugin drives an external training engine (verl, EasyR1, any command
// line) for a stage; docs/engine-trainer.md.
func enginePlugin() Builtin {
	return Builtin{Name: "engine", Kind: sdk.KindTrainer, Serve: func() *sdk.ServeConfig {
		return &sdk.ServeConfig{
			Info: sdk.Info{Name: "engine", Version: version.Version,
				Description: "runs a stage on an external engine (verl main_ppo, EasyR1) and returns its Hugging Face checkpoint"},
			Trainer: engine.Trainer{},
		}
	}}
}
