// Package dynamath scores DynaMath: 501 seed questions, each drawn as 10
// concrete variants (5,010 items), the DynaMath column of the Open LMM
// Reasoning Leaderboard.
//
// Data (Load takes a directory or a TSV file):
//
//   - a directory with variant1.json … variant10.json (each a dict
//     qid → {question, answer, image, answer_type, subject, level}; the
//     "samples and result/10trials/trialN/dataset.json" files of
//     DynaMath/DynaMath), optionally beside seeds.json, which is not scored.
//     Images are looked up under variantN/ (variantN/image/image12.png); the
//     repository layout trial1/dataset.json … trial10/dataset.json, with
//     images under trialN/, is read as well;
//   - DynaMath.tsv, VLMEvalKit's file (columns index, image, question, answer,
//     answer_type, subject, knowledge_level, qid, varid). VLMEvalKit's
//     worst-case code needs index == qid on every varid 1 row and crashes
//     otherwise; Load refuses such a file with an error naming the row.
//
// Item ids: the TSV's index; "<qid>-v<varid>" (e.g. "12-v3") for the JSON
// files.
//
// Prompt (VLMEvalKit Dynamath.build_prompt): "## Question\n {question}", the
// JSON answer guide with an instruction per answer type, and the JSON example.
//
// Scoring, after the named response post-processing step (option postprocess, see
// benchmarks/postprocess; recorded in the report): by default VLAA-Thinker's,
// the single <answer> block if there is exactly one, else the whole
// response; the matchers never strip tags themselves, as VLMEvalKit's do
// not. In the leaderboard profile a blank prediction (or "None", "NA", …) is
// read back as pandas does, "nan" (quirk vlmevalkit-nan-cell):
//
// leaderboard (VLMEvalKit DynaMath_auxeval): cut the response to its first
// '{' … last '}', remove every backslash, parse it as lenient JSON
// (json.loads(strict=False)) and parse its "short answer" by answer type;
// failing that, parse the whole cut response; failing that, ONE judge call
// (system prompt plus "Free-form answer: …\nInstruction: …") whose output is
// parsed the same way. Correct: float |x − answer| ≤ 0.001 (a "2π" answer is
// 2·π); multiple choice equal letters, or, when nothing parsed, the answer
// letter among the first 3 characters of the cut response upper-cased; text:
// the short answer, lower-cased, is a substring of the gold answer (so an
// empty short answer "" is correct — VLMEvalKit's quirk, kept).
//
// official (DynaMath/DynaMath evaluation/opensource_json_eval.py): the same
// cut and JSON parse; str(short answer); float as above; multiple choice:
// a one-character answer must equal the letter, a longer one must contain the
// letter in its first 3 characters; text: the gold answer is a substring of
// the short answer (the reverse of VLMEvalKit). No judge: a response with no
// parsable JSON object or no "short answer" key is wrong and unresolved (the
// GPT-4o script marks it "wait for check").
//
// Deviations, all documented where they are implemented:
//
//   - a "short answer" that is not a JSON string (a number, a list) goes down
//     the fallback path in the leaderboard profile. That is what VLMEvalKit
//     does for float and multiple-choice items; for text items VLMEvalKit
//     crashes on it.
//   - without a judge (LoadRequest.Judge == ""), an item whose rules failed is
//     wrong and unresolved; the "first 3 characters" rule for multiple choice
//     applies only after a judge call failed, as upstream.
//   - a blank response is no answer (wrong, unresolved) in both profiles;
//     VLMEvalKit would score a blank response to a text item correct (the
//     empty string is a substring of every answer).
//   - numbers are read with Python's float() grammar for ASCII text; digits
//     of other scripts are not numbers here.
//
// mathexpr.DynaMath() (|a − b| ≤ 0.001 over parsed expressions) is not used
// by either profile on purpose: it reads "3π/2" as 4.712 and "x = 2.5" as an
// equation, where both DynaMath scorers read only the first space-separated
// token and the number before the first π (transfer), and the published
// numbers depend on that.
//
// Report: Worst Case Overall (the leaderboard number, per VLMEvalKit issue
// #872: a seed counts only when all its variants are correct) and Average
// Overall, both in percent (VLMEvalKit's score.csv holds fractions), with
// Subject and Level breakdowns for both settings. A partial file (AllowPartial)
// judges a seed on the variants it has.
package dynamath
