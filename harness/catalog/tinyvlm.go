package catalog

import (
	"github.com/vlmlab/harness/internal/version"
	"github.com/vlmlab/harness/plugins/sdk"
	"github.com/vlmlab/harness/trainers/grpo"
	"github.com/vlmlab/harness/trainers/sft"
	"github.com/vlmlab/harness/trainers/tinyvlm"
)

func tinyvlmPlugin() Builtin {
	return Builtin{Name: "tinyvlm", Kind: sdk.KindModel, Serve: func() *sdk.ServeConfig {
		p := tinyvlm.NewPlugin()
		return &sdk.ServeConfig{
			Info: sdk.Info{Name: "tinyvlm", Version: version.Version, ConfigSchema: tinyvlm.PluginSchema,
				Description: "the built-in tiny vision-language model (GoMLX, pure Go): KV-cache generation from a tinyvlm checkpoint"},
			Model:     p,
			Configure: p.Configure,
		}
	}}
}

func sftPlugin() Builtin {
	return Builtin{Name: "sft", Kind: sdk.KindTrainer, Serve: func() *sdk.ServeConfig {
		return &sdk.ServeConfig{
			Info: sdk.Info{Name: "sft", Version: version.Version, ConfigSchema: sft.Schema, Provides: []string{"sft", "pretrain"},
				Description: "supervised fine-tuning of tinyvlm on VLAA-Thinking records (response-only loss, AdamW, cosine); pre-trains a new model when the stage has no base"},
			Trainer: sft.Trainer{},
		}
	}}
}

func grpoPlugin() Builtin {
	return Builtin{Name: "grpo", Kind: sdk.KindTrainer, Serve: func() *sdk.ServeConfig {
		return &sdk.ServeConfig{
			Info: sdk.Info{Name: "grpo", Version: version.Version, ConfigSchema: grpo.Schema, Provides: []string{"grpo"},
				Description: "GRPO on tinyvlm with the paper's mixed reward (in process or from a reward server): group-normalised advantages, clipped ratio, KL to the starting checkpoint"},
			Trainer: grpo.Trainer{},
		}
	}}
}
