package grpo

import (
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/vlmlab/harness/plugins/sdk"
)

// Params are a GRPO stage's hyper-parameters (params: in harness.yaml).
// Defaults follow the paper where it says (G 4, temperature 0.8, KL2 init
// 1e-3 and target 5e-4, warmup 3%) and OpenRLHF where it does not (ε 0.2,
// horizon 10000, k3 estimator), scaled down for a CPU.
type Params struct {
	// Steps is the number of rollout steps (each a rollout batch, then
	// several optimiser updates).
	Steps int `json:"steps"`
	// RolloutBatch is prompts per rollout step; GroupSize samples each.
	RolloutBatch int `json:"rollout_batch"`
	GroupSize    int `json:"group_size"`
	// TrainBatch is sequences per optimiser update; RolloutBatch·GroupSize
	// must be a multiple of it (the paper: 512 prompts·4 / 256 = 8 updates).
	TrainBatch int `json:"train_batch"`
	// Temperature, TopP and TopK are the rollout sampling settings.
	Temperature float64 `json:"temperature"`
	TopP        float64 `json:"top_p"`
	TopK        int     `json:"top_k"`
	// MaxTokens bounds a response (0: what the context leaves).
	MaxTokens int `json:"max_tokens"`
	// LR is the peak learning rate of a cosine schedule with linear warmup
	// over WarmupRatio of the updates, down to MinLR.
	LR          float64 `json:"lr"`
	MinLR       float64 `json:"min_lr"`
	WarmupRatio float64 `json:"warmup_ratio"`
	WeightDecay float64 `json:"weight_decay"`
	ClipNorm    float64 `json:"clip_norm"`
	// EpsClip is the ratio clip range ε.
	EpsClip float64 `json:"eps_clip"`
	// KL configures the penalty to the frozen starting checkpoint.
	KL KLParams `json:"kl"`
	// FreezeVision keeps the image encoder fixed.
	FreezeVision bool `json:"freeze_vision"`
	// SystemPrompt prefixes every prompt; "" uses the tokenizer's first
	// registered one, "none" none.
	SystemPrompt string `json:"system_prompt"`
	// RewardURL, when set, scores rollouts with a reward server speaking
	// the protocol of `harness reward serve` (its direct form) instead of
	// in process; RewardTimeout bounds one call.
	RewardURL     string   `json:"reward_url"`
	RewardTimeout Duration `json:"reward_timeout"`
	// LogEvery emits a log line every so many steps.
	LogEvery int `json:"log_every"`
}

// KLParams configure the KL penalty.
type KLParams struct {
	// Mode is adaptive (OpenRLHF's controller), fixed, or none.
	Mode      string  `json:"mode"`
	Init      float64 `json:"init"`
	Target    float64 `json:"target"`
	Horizon   float64 `json:"horizon"`
	Estimator string  `json:"estimator"`
}

// Duration is a time.Duration written as "30s" in params.
type Duration time.Duration

func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("want a duration such as \"30s\", got %s", b)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

func defaults() Params {
	return Params{
		Steps: 20, RolloutBatch: 16, GroupSize: 4, TrainBatch: 32,
		Temperature: 0.8, MaxTokens: 48,
		LR: 5e-4, WarmupRatio: 0.03, WeightDecay: 0, ClipNorm: 1, EpsClip: 0.2,
		KL:            KLParams{Mode: "adaptive", Init: 1e-3, Target: 5e-4, Horizon: 10000, Estimator: string(K3)},
		RewardTimeout: Duration(30 * time.Second),
		LogEvery:      5,
	}
}

// ParseParams reads and validates a stage's params JSON; every error names
// the field and is an sdk.ErrInvalid.
func ParseParams(raw []byte) (Params, error) {
	p := defaults()
	if err := sdk.Decode(raw, &p); err != nil {
		return p, fmt.Errorf("grpo params: %w", err)
	}
	if p.MinLR == 0 {
		p.MinLR = p.LR / 10
	}
	bad := func(format string, args ...any) (Params, error) {
		return p, sdk.Invalid("grpo params: "+format, args...)
	}
	switch {
	case p.Steps < 1:
		return bad("steps %d: want at least 1", p.Steps)
	case p.RolloutBatch < 1 || p.RolloutBatch > 4096:
		return bad("rollout_batch %d: want 1 to 4096 prompts", p.RolloutBatch)
	case p.GroupSize < 2 || p.GroupSize > 64:
		return bad("group_size %d: want 2 to 64 (advantages are normalised within a group)", p.GroupSize)
	case p.TrainBatch < 1:
		return bad("train_batch %d: want at least 1", p.TrainBatch)
	case (p.RolloutBatch*p.GroupSize)%p.TrainBatch != 0:
		return bad("train_batch %d must divide rollout_batch·group_size = %d", p.TrainBatch, p.RolloutBatch*p.GroupSize)
	case !(p.Temperature > 0) || p.Temperature > 10:
		return bad("temperature %g: want more than 0 (GRPO needs different samples in a group) and at most 10", p.Temperature)
	case p.TopP < 0 || p.TopP > 1 || math.IsNaN(p.TopP):
		return bad("top_p %g: want 0 to 1", p.TopP)
	case p.TopK < 0:
		return bad("top_k %d must not be negative", p.TopK)
	case p.MaxTokens < 0:
		return bad("max_tokens %d must not be negative", p.MaxTokens)
	case p.LR < 0 || p.LR >= 1 || math.IsNaN(p.LR):
		return bad("lr %g: want 0 to 1 (0 leaves the policy unchanged)", p.LR)
	case p.MinLR < 0 || p.MinLR > p.LR:
		return bad("min_lr %g: want 0 to lr (%g)", p.MinLR, p.LR)
	case p.WarmupRatio < 0 || p.WarmupRatio > 1:
		return bad("warmup_ratio %g: want 0 to 1", p.WarmupRatio)
	case p.WeightDecay < 0 || p.ClipNorm < 0:
		return bad("weight_decay and clip_norm must not be negative")
	case !(p.EpsClip > 0 && p.EpsClip < 1):
		return bad("eps_clip %g: want between 0 and 1", p.EpsClip)
	case p.RewardTimeout <= 0:
		return bad("reward_timeout must be positive")
	case p.LogEvery < 1:
		return bad("log_every must be at least 1")
	}
	switch p.KL.Mode {
	case "adaptive":
		if !(p.KL.Init > 0) || !(p.KL.Target > 0) || !(p.KL.Horizon > 0) {
			return bad("kl: adaptive needs positive init, target and horizon")
		}
	case "fixed":
		if p.KL.Init < 0 {
			return bad("kl.init %g must not be negative", p.KL.Init)
		}
	case "none":
	default:
		return bad("kl.mode %q: want adaptive, fixed or none", p.KL.Mode)
	}
	if _, err := ParseKLEstimator(p.KL.Estimator); err != nil {
		return bad("kl.%v", err)
	}
	return p, nil
}

// Controller returns the KL controller the params describe (β 0 for none).
func (p Params) Controller() KLController {
	switch p.KL.Mode {
	case "adaptive":
		return &AdaptiveKL{Coef: p.KL.Init, Target: p.KL.Target, Horizon: p.KL.Horizon}
	case "fixed":
		return &FixedKL{Coef: p.KL.Init}
	}
	return &FixedKL{}
}

// Schema is the JSON Schema of Params, shown by `harness plugins`.
const Schema = `{
  "type": "object",
  "properties": {
    "steps": {"type": "integer", "minimum": 1, "description": "rollout steps (default 20)"},
    "rollout_batch": {"type": "integer", "minimum": 1, "maximum": 4096, "description": "prompts per rollout step (default 16)"},
    "group_size": {"type": "integer", "minimum": 2, "maximum": 64, "description": "samples per prompt G (default 4, the paper's)"},
    "train_batch": {"type": "integer", "minimum": 1, "description": "sequences per optimiser update; divides rollout_batch·group_size (default 32)"},
    "temperature": {"type": "number", "exclusiveMinimum": 0, "maximum": 10, "description": "rollout temperature (default 0.8, the paper's)"},
    "top_p": {"type": "number", "minimum": 0, "maximum": 1},
    "top_k": {"type": "integer", "minimum": 0},
    "max_tokens": {"type": "integer", "minimum": 0, "description": "longest response in tokens (default 48)"},
    "lr": {"type": "number", "minimum": 0, "exclusiveMaximum": 1, "description": "peak learning rate (default 5e-4)"},
    "min_lr": {"type": "number", "minimum": 0, "description": "end of the cosine (default lr/10)"},
    "warmup_ratio": {"type": "number", "minimum": 0, "maximum": 1, "description": "share of updates of linear warmup (default 0.03)"},
    "weight_decay": {"type": "number", "minimum": 0},
    "clip_norm": {"type": "number", "minimum": 0, "description": "global gradient-norm clip, 0 off (default 1)"},
    "eps_clip": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1, "description": "ratio clip ε (default 0.2)"},
    "kl": {"type": "object", "additionalProperties": false, "properties": {
      "mode": {"enum": ["adaptive", "fixed", "none"], "description": "adaptive: OpenRLHF's controller (default)"},
      "init": {"type": "number", "minimum": 0, "description": "initial (or fixed) coefficient β (default 1e-3)"},
      "target": {"type": "number", "exclusiveMinimum": 0, "description": "target KL of the adaptive controller (default 5e-4)"},
      "horizon": {"type": "number", "exclusiveMinimum": 0, "description": "horizon in samples (default 10000)"},
      "estimator": {"enum": ["k1", "k2", "k3"], "description": "per-token KL estimator (default k3)"}}},
    "freeze_vision": {"type": "boolean"},
    "system_prompt": {"type": "string", "description": "system prompt of every rollout; default the first registered; none for none"},
    "reward_url": {"type": "string", "description": "reward server (harness reward serve) instead of the in-process mixed reward"},
    "reward_timeout": {"type": "string", "description": "timeout of one reward call, e.g. 30s"},
    "log_every": {"type": "integer", "minimum": 1}
  },
  "additionalProperties": false
}`
