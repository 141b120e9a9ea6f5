// Package mathvision scores MathVision (MATH-V, the full test set of 3,040
// items) in two profiles:
//
//   - leaderboard reproduces VLMEvalKit's MathVision evaluation, what the Open
//     LMM Reasoning Leaderboard shows: a rule prefetch ([Prefetch]: can_infer
//     for multiple choice, is_equal on the whole prediction otherwise), else
//     LLM-judge extraction with VLMEvalKit's MathVision prompt
//     ([LeaderboardPrompt], five attempts at temperatures 0 … 2.0), then
//     [LeaderboardHit]: the option letter only for multiple choice, is_equal
//     with an absolute tolerance of 1e-6 otherwise.
//   - official follows mathllm/MATH-V: rule-only extraction
//     (answer.MathVRule) and is_equal with 2-decimal rounding against the
//     gold letter or the gold option text ([OfficialHit]). No judge.
//
// Both profiles first apply the named response post-processing step (option postprocess, see
// benchmarks/postprocess; recorded in the report): by default VLAA-Thinker's,
// the single <answer> block if there is exactly one, else the whole
// response; the matchers never strip tags themselves, as VLMEvalKit's do
// not. In the leaderboard profile a blank prediction (or "None", "NA", …) is
// read back as pandas does, "nan" (quirk vlmevalkit-nan-cell).
//
// Data: the official test.jsonl (images/ beside it), testmini.jsonl (304
// items, a subset of test: it loads only with AllowPartial and the report
// says partial), or VLMEvalKit's MathVision.tsv.
package mathvision
