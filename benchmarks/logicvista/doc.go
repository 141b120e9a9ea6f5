// Package logicvista scores LogicVista (448 logical-reasoning items whose
// answer options are drawn in the image), the LogicVista column of the Open
// LMM Reasoning Leaderboard.
//
// Data (Load takes a file or a directory holding one): the official
// data/dataset.json, a dict "v1_0".."v1_447" with images in images/ beside
// it, or VLMEvalKit's LogicVista.tsv. Prompt: [image, question].
//
// Scoring, after the named response post-processing step (option postprocess, see
// benchmarks/postprocess; recorded in the report): by default VLAA-Thinker's,
// the single <answer> block if there is exactly one, else the whole
// response; the matchers never strip tags themselves, as VLMEvalKit's do
// not. In the leaderboard profile a blank prediction (or "None", "NA", …) is
// read back as pandas does, "nan" (quirk vlmevalkit-nan-cell). The standard answer
// is a list of labels joined by ", " ("C", "A, C"); both profiles compare
// sorted lower-case label sets exactly.
//
// leaderboard (VLMEvalKit vlmeval/dataset/utils/logicvista.py): no rule
// shortcut; every answer goes to the judge with the letter-extraction prompt.
// Only an output made of upper-case letters ("AC") is accepted; "B.", "A, C"
// or "3" are rejected and asked again, five tries at temperature 0.5*i, then
// the item is wrong (unresolved). Known consequences, kept on purpose:
//
//   - v1_20, whose answer is "3", can never be scored right (VLMEvalKit
//     issue #1621); its result says so;
//   - v1_382 has an empty question and answer. Upstream reads the answer as
//     NaN and cannot score it; here it is scored wrong without a judge call
//     and stays in the denominator (Overall over 448).
//
// official (Yijia-Xiao/LogicVista eval/extract_accuracy.py): a reply of one
// character is decided by rule (a letter a-e or a digit is the choice; another
// letter or a symbol is ZZZZZ), an empty reply is [""], which matches only
// v1_382's empty answer, so v1_382 is right exactly when the reply is empty.
// Longer replies go to the judge, which upstream is GPT-4 with a Pydantic
// parser returning {"choices": [...]}; here the prompt asks for that JSON and
// the output is read leniently (see parseChoices), five tries, else ZZZZZ.
//
// Without a judge (LoadRequest.Judge == ""), in both profiles, a final answer
// that is nothing but option labels ("C", "(B)", "A, C") is compared by rule;
// anything else is unresolved and wrong. VLMEvalKit itself produces no score
// without its judge.
//
// Report: Overall acc (the leaderboard number), acc per skill (str.contains
// over the skill list, VLMEvalKit's five rows) and per broad capability (from
// the official JSON; the TSV lacks it).
package logicvista
