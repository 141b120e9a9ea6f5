// Package answer pulls a model's final answer out of its raw response and
// matches it to multiple-choice options. Every benchmark evaluator and the
// GRPO reward share it, so each function names the rule it reproduces.
//
// Reasoning tags (VLAA-Thinker style "<think>…</think><answer>…</answer>"):
//
//   - [Split] (evaluation, lenient): the final answer after the reasoning;
//     [Inspect] gives the same with a [Status] for per-item drill-down.
//   - [SplitStrict] (GRPO implicit format reward): an answer only when the
//     whole response is exactly one think block followed by one answer block.
//   - [VLAAThinker]: the post-processing VLMEvalKit applies to VLAA-Thinker
//     models (vlmeval/vlm/vlaa_thinker.py), for leaderboard parity.
//
// Choice matching:
//
//   - [CanInfer] / [CanInferAs]: VLMEvalKit's can_infer (option letter, then
//     option text), pinned to a dated [Revision] because the rule changed.
//   - [OptionLetter]: lenient letter normalisation for rewards
//     ("(a)", "A)", "Answer: A", "the answer is A", "A. text" → "A").
//
// Free-form answers:
//
//   - [LastBoxed]: the content of the last \boxed{…} (nested braces).
//   - [MathVRule]: MATH-V's official rule-only extraction (evaluation/evaluate.py
//     plus find_math_answer in evaluation/utils.py), reproduced byte for byte
//     against the official outputs in /work/shared/goldens/mathvision.
//   - [Normalize]: folds full-width characters, Unicode minus signs and
//     exotic spaces to ASCII before lenient matching.
//
// Faithful rules ([CanInfer], [MathVRule], [VLAAThinker]) deliberately keep the
// quirks of the Python they reproduce; they do not call [Normalize], because
// the upstream code does not. Lenient helpers ([Split], [OptionLetter]) do.
//
// Every function is linear in the length of its input (no backtracking
// regular expressions), so a 1 MB hostile response costs milliseconds.
package answer
