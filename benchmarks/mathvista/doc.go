// Package mathvista scores MathVista (testmini, 1000 items) in two profiles:
//
//   - leaderboard reproduces VLMEvalKit's MathVista_MINI evaluation, what the
//     Open LMM Reasoning Leaderboard shows: a rule prefetch ([Prefetch]),
//     otherwise LLM-judge extraction with VLMEvalKit's prompt
//     ([LeaderboardPrompt], five attempts at temperatures 0, 0.5, … 2.0),
//     then VLMEvalKit's hit rules ([LeaderboardHit]) with their quirks: list
//     answers never hit, floats compare exactly, "14.0" is not the integer 14.
//   - official follows lupantech/MathVista: the response itself when it is a
//     choice or a number, else the `The answer is "…".` rule, else the judge
//     with the official demo prompt ([OfficialPrompt]); then [Normalize] and
//     an exact string compare ([ScoreExtraction]). [Dataset.ScoreExtractions]
//     scores stored extractions (an official output.json) without a judge,
//     and [OfficialScores] renders a report as the official scores.json.
//
// Both profiles first apply the named response post-processing step (option postprocess, see
// benchmarks/postprocess; recorded in the report): by default VLAA-Thinker's,
// the single <answer> block if there is exactly one, else the whole
// response; the matchers never strip tags themselves, as VLMEvalKit's do
// not. In the leaderboard profile a blank prediction (or "None", "NA", …) is
// read back as pandas does, "nan" (quirk vlmevalkit-nan-cell).
//
// Data: the official testmini.json with query.json beside it (image paths
// relative to that folder), or VLMEvalKit's MathVista_MINI.tsv.
package mathvista
