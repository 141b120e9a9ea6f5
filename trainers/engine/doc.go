// Package engine is a trainer that drives an external training engine (verl,
// EasyR1, or any command line) as a child process, so a recipe's GRPO stage
// can run on a Ray cluster while the harness keeps the recipe, the data, the
// reward and the evaluation.
//
// One stage is one command line, built from a template with the stage's base
// checkpoint, data files, output folder, reward adapter and parameters filled
// in. While it runs, the engine's per-step metrics are read from its console
// logger (verl's "step:N - key:value - …" lines, EasyR1's "Step N" blocks) or
// from a JSONL file it writes, and sent to the host as Progress events. The
// command runs in its own process group: cancelling the stage sends SIGTERM to
// the whole group, then SIGKILL after a grace period, so no worker it started
// outlives the stage; an engine that prints nothing for HangTimeout is killed
// and the stage fails saying so. When the command succeeds, the engine's last
// Hugging Face checkpoint folder (global_step_N/actor/huggingface by default)
// is checked for a config and weights and returned as a hashed manifest of
// format "hf", which a model server such as vLLM can serve.
//
// The stage can also serve the mixed reward itself (RewardAddr), so the engine's
// reward adapter (trainers/reward/adapters, copied into the output folder) has
// a server to call for exactly as long as the stage runs.
package engine
