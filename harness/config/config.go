// Package config reads harness.yaml: strictly (unknown keys are errors),
// with ${ENV} expansion, and validation that reports every problem at once
// with file:line:column.
package config

import "time"

// Config is a whole harness.yaml.
type Config struct {
	// Version of the file format; 1.
	Version int `yaml:"version"`
	// Project names the study (used in run records and the leaderboard).
	Project string `yaml:"project"`
	// RunDir holds run records, checkpoints, caches and reports.
	RunDir string `yaml:"run_dir"`
	// Data is where benchmark data comes from.
	Data Data `yaml:"data"`
	// Plugins are external plugins: any executable speaking harness.v1.
	Plugins []Plugin `yaml:"plugins"`
	// Models are the model backends evaluated.
	Models []Model `yaml:"models"`
	// Judge is the LLM judge for benchmarks whose rules need one; none when nil.
	Judge *Judge `yaml:"judge"`
	// Benchmarks to evaluate.
	Benchmarks []Benchmark `yaml:"benchmarks"`
	// Recipes are training pipelines (stages of trainer plugins).
	Recipes []Recipe `yaml:"recipes"`
	// Matrix picks which recipes and benchmarks run.
	Matrix Matrix `yaml:"matrix"`

	// File is the path the config was read from ("" for the embedded default).
	File string `yaml:"-"`

	// at is where each value was written, for problems found after Parse.
	at map[string]pos
}

// Data says where benchmark data comes from.
type Data struct {
	// Synthetic generates the toy-world suites (seed, size) when set.
	Synthetic *Synthetic `yaml:"synthetic"`
	// Dir holds real benchmark data, one folder or TSV per benchmark.
	Dir string `yaml:"dir"`
}

// Synthetic configures the synthetic toy world.
type Synthetic struct {
	Seed int64  `yaml:"seed"`
	Size string `yaml:"size"`
	// Traces is the SFT trace length: full (default) or short.
	Traces string `yaml:"traces"`
}

// Plugin declares an external plugin.
type Plugin struct {
	Name    string            `yaml:"name"`
	Kind    string            `yaml:"kind"`
	Command []string          `yaml:"command"`
	SHA256  string            `yaml:"sha256"`
	Env     map[string]string `yaml:"env"`
	// MTLS defaults to true; set false for plugins whose SDK lacks go-plugin's
	// AutoMTLS (the Go and Python SDKs have it; a hand-written plugin may not).
	MTLS *bool `yaml:"mtls"`
	// Config is handed to the plugin's Configure as JSON.
	Config map[string]any `yaml:"config"`
}

// Model is a model backend.
type Model struct {
	Name string `yaml:"name"`
	// Backend is "openai" (any OpenAI-compatible server) or the name of a model
	// plugin (built-in or declared under plugins).
	Backend      string     `yaml:"backend"`
	Endpoint     string     `yaml:"endpoint"`
	Model        string     `yaml:"model"`
	APIKeyEnv    string     `yaml:"api_key_env"`
	SystemPrompt string     `yaml:"system_prompt"`
	Generation   Generation `yaml:"generation"`
	Concurrency  int        `yaml:"concurrency"`
	RPS          float64    `yaml:"rps"`
	Timeout      Duration   `yaml:"timeout"`
	// Base is the checkpoint the model's recipes start from. None: the
	// model as its backend serves it (recipes with stages then start from
	// nothing, e.g. a pre-training stage).
	Base *Base `yaml:"base"`
	// Serve starts an OpenAI-compatible server for each checkpoint the
	// model is evaluated with (backend openai); the endpoint is then the
	// started server's, not Endpoint.
	Serve *Serve `yaml:"serve"`
}

// Base names a model's base checkpoint: exactly one of the output of a
// recipe run first (a pre-training recipe), a checkpoint folder, or a
// Hugging Face model id (for external engines that load it themselves).
type Base struct {
	Recipe     string `yaml:"recipe"`
	Checkpoint string `yaml:"checkpoint"`
	HF         string `yaml:"hf"`
}

// Serve is how the harness starts a model server for a checkpoint: a
// command template with {checkpoint} (the folder, or the Hugging Face id of
// the base), {port} (a free loopback port) and {name} (the served model
// name), e.g. [vllm, serve, "{checkpoint}", --port, "{port}",
// --served-model-name, "{name}"]. The harness waits until Health answers
// 200 (at most Timeout), evaluates, and stops the server (its whole process
// group) after the checkpoint's cells.
type Serve struct {
	Command []string `yaml:"command"`
	// Health is the path polled on the server (default /v1/models).
	Health string `yaml:"health"`
	// Timeout bounds the start-up (default 10m: large models load slowly).
	Timeout Duration `yaml:"timeout"`
}

// Generation are sampling settings.
type Generation struct {
	MaxTokens   int      `yaml:"max_tokens"`
	Temperature *float64 `yaml:"temperature"`
	TopP        *float64 `yaml:"top_p"`
	TopK        int      `yaml:"top_k"`
	// RepetitionPenalty is vLLM's repetition_penalty (1 is none). Unset, the
	// server takes it from the checkpoint's generation_config.json.
	RepetitionPenalty *float64 `yaml:"repetition_penalty"`
	Seed              int64    `yaml:"seed"`
	Stop              []string `yaml:"stop"`
	MaxPixels         int      `yaml:"max_pixels"`
	// MMProcessorKwargs is sent with every request as vLLM's
	// mm_processor_kwargs (the server-side image processor's settings, e.g.
	// min_pixels and max_pixels of Qwen2.5-VL).
	MMProcessorKwargs map[string]any `yaml:"mm_processor_kwargs"`
}

// Judge is the LLM judge endpoint.
type Judge struct {
	Endpoint    string `yaml:"endpoint"`
	Model       string `yaml:"model"`
	APIKeyEnv   string `yaml:"api_key_env"`
	Concurrency int    `yaml:"concurrency"`
}

// Benchmark is one benchmark to evaluate.
type Benchmark struct {
	Name string `yaml:"name"`
	// Evaluator is the evaluator plugin; default: the built-in one of Name.
	Evaluator string `yaml:"evaluator"`
	// Data is a file or folder; default: from data.dir or the synthetic suite.
	Data         string            `yaml:"data"`
	Profile      string            `yaml:"profile"`
	AllowPartial bool              `yaml:"allow_partial"`
	Options      map[string]string `yaml:"options"`
}

// Recipe is a training pipeline: the stages of From, then its own.
type Recipe struct {
	Name   string  `yaml:"name"`
	From   string  `yaml:"from"`
	Stages []Stage `yaml:"stages"`
}

// Stage is one trainer run.
type Stage struct {
	Name    string         `yaml:"name"`
	Trainer string         `yaml:"trainer"`
	Data    []string       `yaml:"data"`
	Params  map[string]any `yaml:"params"`
	Seed    int64          `yaml:"seed"`
}

// Matrix picks the cells to run: every recipe × model × benchmark listed.
type Matrix struct {
	Recipes    []string `yaml:"recipes"`
	Models     []string `yaml:"models"`
	Benchmarks []string `yaml:"benchmarks"`
}

// Duration is a time.Duration written as "30s", "2m".
type Duration struct{ time.Duration }
