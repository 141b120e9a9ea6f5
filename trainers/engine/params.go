package engine

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"text/template"
	"time"

	"github.com/vlmlab/harness/plugins/sdk"
	"github.com/vlmlab/harness/trainers/reward/adapters"
)

// Params are a stage's parameters (harness.yaml stages[].params).
type Params struct {
	// Engine picks the defaults for LogFormat, Checkpoint and the reward
	// adapter: "verl", "easyr1" or "command" (no defaults).
	Engine string `json:"engine"`
	// Command is the engine's command line, one template per argument (Go
	// text/template; the fields are those of Vars).
	Command []string `json:"command"`
	// Env adds environment variables (templates too).
	Env map[string]string `json:"env"`
	// Dir is the working directory (default the stage's output folder).
	Dir string `json:"dir"`
	// BaseModel is the model to start from when the stage has no base
	// checkpoint (a Hugging Face id or folder).
	BaseModel string `json:"base_model"`
	// LogFormat says how to read per-step metrics: "verl" (console lines
	// "step:N - key:value - …"), "easyr1" (console "Step N" followed by a YAML
	// block), "jsonl" (MetricsFile, one JSON object per step), or "none".
	LogFormat string `json:"log_format"`
	// MetricsFile is the JSONL file of LogFormat "jsonl" (a template).
	MetricsFile string `json:"metrics_file"`
	// TotalSteps is the number of steps, when the log does not say it
	// (verl prints "Total training steps: N").
	TotalSteps int `json:"total_steps"`
	// Checkpoint is a glob (a template) matching the engine's Hugging Face
	// checkpoint folders; the one under the highest global_step_N wins.
	Checkpoint string `json:"checkpoint"`
	// MergeCommand, when set, runs after the engine succeeds, before the
	// checkpoint is looked for: e.g. verl's model merger, when the engine
	// saved sharded weights only. Vars.StepDir is the last global_step_N.
	MergeCommand []string `json:"merge_command"`
	// RewardURL is where the reward adapter sends responses (default
	// http://RewardAddr/get_reward, else http://127.0.0.1:5000/get_reward).
	RewardURL string `json:"reward_url"`
	// RewardAddr, when set, makes the stage serve the mixed reward on this
	// address for as long as the engine runs (host:port; port 0 picks one).
	RewardAddr string `json:"reward_addr"`
	// RewardDefaultVerifier scores plain-string labels on the stage's server.
	RewardDefaultVerifier string `json:"reward_default_verifier"`
	// HangTimeout kills an engine that prints nothing for this long
	// (default 30m; "0s" never).
	HangTimeout string `json:"hang_timeout"`
	// StopGrace is how long the engine has between SIGTERM and SIGKILL when
	// the stage is cancelled or hangs (default 30s).
	StopGrace string `json:"stop_grace"`
	// Vars are extra template fields, as {{.Vars.name}}.
	Vars map[string]string `json:"vars"`

	hang, grace time.Duration
}

// Vars are the fields a template can use.
type Vars struct {
	Stage  string
	Seed   int64
	Output string // the stage's output folder (the engine's checkpoint root)
	// Base is the base checkpoint's folder, or BaseModel.
	Base string
	// Data is the data files joined by commas; DataFiles lists them; DataList
	// is verl's list syntax ['a','b'].
	Data      string
	DataFiles []string
	DataList  string
	// RewardAdapter is the engine's adapter file, RewardDir the folder with
	// all adapters, RewardURL the server they call.
	RewardAdapter string
	RewardDir     string
	RewardURL     string
	// StepDir is the last global_step_N folder (MergeCommand only).
	StepDir string
	Vars    map[string]string
}

// preset is what an Engine name fills in.
type preset struct {
	logFormat, checkpoint, adapter string
}

var presets = map[string]preset{
	// verl saves global_step_N/actor/ with sharded weights, and a
	// huggingface/ folder beside them holding config and tokenizer, plus the
	// weights when actor.checkpoint.save_contents includes hf_model.
	"verl": {logFormat: "verl", checkpoint: "{{.Output}}/global_step_*/actor/huggingface", adapter: adapters.Verl},
	// EasyR1 keeps verl's layout (trainer.save_checkpoint_path).
	"easyr1":  {logFormat: "easyr1", checkpoint: "{{.Output}}/global_step_*/actor/huggingface", adapter: adapters.EasyR1},
	"command": {logFormat: "none"},
}

// parseParams decodes and checks a stage's params, filling the preset's
// defaults.
func parseParams(raw []byte) (Params, error) {
	var p Params
	if err := sdk.Decode(raw, &p); err != nil {
		return p, err
	}
	if p.Engine == "" {
		p.Engine = "command"
	}
	pre, ok := presets[p.Engine]
	if !ok {
		return p, sdk.Invalid("params.engine %q: want verl, easyr1 or command", p.Engine)
	}
	if len(p.Command) == 0 {
		return p, sdk.Invalid("params.command is empty: give the engine's command line, e.g. [python3, -m, verl.trainer.main_ppo, ...]")
	}
	if p.LogFormat == "" {
		p.LogFormat = pre.logFormat
	}
	switch p.LogFormat {
	case "verl", "easyr1", "none":
	case "jsonl":
		if p.MetricsFile == "" {
			return p, sdk.Invalid("params.log_format jsonl needs params.metrics_file")
		}
	default:
		return p, sdk.Invalid("params.log_format %q: want verl, easyr1, jsonl or none", p.LogFormat)
	}
	if p.Checkpoint == "" {
		p.Checkpoint = pre.checkpoint
	}
	if p.Checkpoint == "" {
		return p, sdk.Invalid("params.checkpoint is empty: give a glob for the engine's Hugging Face checkpoint folder (engine %s has no default)", p.Engine)
	}
	if p.TotalSteps < 0 {
		return p, sdk.Invalid("params.total_steps %d: want 0 (unknown) or more", p.TotalSteps)
	}
	var err error
	if p.hang, err = duration("hang_timeout", p.HangTimeout, 30*time.Minute); err != nil {
		return p, err
	}
	if p.grace, err = duration("stop_grace", p.StopGrace, 30*time.Second); err != nil {
		return p, err
	}
	return p, nil
}

func duration(name, s string, def time.Duration) (time.Duration, error) {
	if s == "" {
		return def, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, sdk.Invalid("params.%s %q: want a duration such as 30s or 10m", name, s)
	}
	return d, nil
}

// expand fills one template.
func expand(field, text string, v Vars) (string, error) {
	t, err := template.New(field).Option("missingkey=error").Parse(text)
	if err != nil {
		return "", sdk.Invalid("params.%s: %v", field, err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, v); err != nil {
		return "", sdk.Invalid("params.%s: %v (fields: .Stage .Seed .Output .Base .Data .DataFiles .DataList .RewardAdapter .RewardDir .RewardURL .StepDir .Vars.NAME)", field, err)
	}
	return b.String(), nil
}

func expandAll(field string, args []string, v Vars) ([]string, error) {
	out := make([]string, len(args))
	for i, a := range args {
		s, err := expand(fmt.Sprintf("%s[%d]", field, i), a, v)
		if err != nil {
			return nil, err
		}
		out[i] = s
	}
	return out, nil
}

// pyList writes files in the list syntax verl's Hydra overrides take.
func pyList(files []string) string {
	q := make([]string, len(files))
	for i, f := range files {
		q[i] = "'" + strings.ReplaceAll(f, "'", `\'`) + "'"
	}
	return "[" + strings.Join(q, ",") + "]"
}

func adapterPath(dir, engine string) string {
	if a := presets[engine].adapter; a != "" {
		return filepath.Join(dir, a)
	}
	return ""
}
