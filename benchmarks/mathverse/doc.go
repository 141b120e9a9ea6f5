// Package mathverse scores MathVerse testmini, Vision Only version (788
// problems whose question, figure and choices are all drawn in the image), the
// MathVerse column of the Open LMM Reasoning Leaderboard.
//
// Data (Load takes a file or a directory holding one):
//
//   - testmini.json, the official file with all five versions; the Vision Only
//     records are kept;
//   - MathVerse_MINIVOnly.tsv, VLMEvalKit's MathVerse_MINI_Vision_Only;
//   - testmini_text_only.json, from which the Vision Only items are derived:
//     same problems and answers (by problem_index), the Vision Only prompt
//     sentence and image path (see deriveVisionOnly). The shared test data has
//     only this file, so the real annotations can be scored without the large
//     testmini.json.
//
// Prompt: [image, query_wo] (the TSV's question column is query_wo).
//
// Scoring, after the named response post-processing step (option postprocess, see
// benchmarks/postprocess; recorded in the report): by default VLAA-Thinker's,
// the single <answer> block if there is exactly one, else the whole
// response; the matchers never strip tags themselves, as VLMEvalKit's do
// not. In the leaderboard profile a blank prediction (or "None", "NA", …) is
// read back as pandas does, "nan" (quirk vlmevalkit-nan-cell):
//
// leaderboard (VLMEvalKit): the judge extracts the answer from the response
// (instruction, six examples, no question), then the extraction is compared
// with the standard answer: equal after strip is a hit with no further call,
// otherwise the judge answers the consistency prompt with question_for_eval,
// and only an output of exactly '0' or '1' is accepted. Each stage tries five
// times at temperature 0.5*i; a failed extraction is scored as empty, a
// failed judgement as wrong (unresolved).
//
// official (ZrrSkywalker/MathVerse evaluation/): the same two stages, but the
// extraction sees only the last 30 words of the response (--trunk_response 30,
// option trunk_response), the exact-match shortcut compares unstripped
// strings (--quick_match used as a shortcut, not as the whole scorer), the
// consistency prompt's [Question] is the record's question, which is "" for
// Vision Only, and the prompts are assembled as the scripts do. The scripts
// re-ask without a cap at temperature 0; here five tries at temperature 0.
//
// Without a judge (LoadRequest.Judge == "") only the rules in rules.go
// apply; everything else is unresolved and wrong.
//
// Report: Overall accuracy (the leaderboard number) and breakdowns by
// subject and subfield.
package mathverse
