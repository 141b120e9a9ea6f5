// Package reward computes the paper's mixed reward for GRPO rollouts: one
// verifier per sample, chosen by the sample's verifier type (digit, mcq, math,
// iou, open_ended), all in [0, 1].
//
// The format reward is implicit, as in the paper (§4.1): a response whose
// answer cannot be extracted from <think>…</think><answer>…</answer> scores 0,
// whatever its verifier, and there is no additive format term. Only the
// extracted answer is judged; the thinking text is never rewarded (issue #7 of
// the authors' repository).
//
// Rule-based verifiers (digit, mcq, math, iou) are pure and fast; Compute runs
// one of them. The open-ended verifier needs a reward model behind a Scorer;
// Mixed scores a batch of samples of any type and sends all open-ended ones to
// the Scorer in one call.
//
// Answer normalisation and math equivalence are shared with the benchmark
// scorers (benchmarks/answer, benchmarks/mathexpr): a reward and a benchmark
// that apply the same rule use the same code.
package reward
