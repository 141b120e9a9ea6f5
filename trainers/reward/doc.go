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
// Decisions the paper leaves open (each documented where it is made):
//
//   - digit: "3", "03", "3.0", "３" and the words zero to twenty count; a
//     sentence ("There are 3 balls") or a lead-in ("Answer: 3") does not.
//   - mcq: answer.OptionLetter on both sides ("(b)", "B)", "Answer: B").
//   - math: mathexpr.Reward() after taking the last \boxed{…}; a label it
//     cannot parse is compared as text (CheckLabel flags it).
//   - iou: a box whose four coordinates lie in [0, 1] is normalised, any
//     other is in pixels; a mixed pair is compared after dividing the pixel
//     box by the image size, and scores 0 when the size is unknown. The
//     first bracketed group of four numbers is the box.
//   - open_ended: the reward model scores the extracted answer and the
//     reference with the same question; β defaults to 1 (unpublished).
//
// Answer normalisation and math equivalence are shared with the benchmark
// scorers (benchmarks/answer, benchmarks/mathexpr): a reward and a benchmark
// that apply the same rule use the same code.
package reward
