// Package openai is the host's client for OpenAI-compatible chat completion
// endpoints (OpenAI itself, vLLM, SGLang, LMDeploy, Ollama). One Client is a
// model backend (Generate, for sdk.Prompt lists) or a judge backend (Judge,
// for sdk.JudgeRequest), usually two Clients with their own Config.
//
// What it owns, so evaluators and trainers never do: images read from disk and
// scaled down to a pixel budget, bounded concurrency, an optional request rate
// limit, per-request timeouts, retries with exponential backoff and jitter that
// honour Retry-After, a stop of the whole run after too many consecutive
// failures, an optional answer cache (package cache), and usage counters.
//
// Every prompt given to Generate comes back through emit exactly once per
// sample, either answered or with Error saying why not: nothing is lost, even
// when the run is stopped or cancelled.
package openai
