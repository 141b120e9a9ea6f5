// Package wemath scores WeMath testmini: 1,740 multiple-choice items in 525
// problem groups (a composite problem and its two or three one-step
// sub-problems), the WeMath column of the Open LMM Reasoning Leaderboard.
//
// Data (Load takes a file or a directory holding testmini.json):
//
//   - testmini.json, the official list of records {ID (the group), key (the
//     role: 2steps_1, 2steps_2, 2steps_multi, 3steps_1 … 3steps_multi),
//     question, option ("A. …;B. …", parsed by ParseOptions), answer,
//     image_path (relative to the file), knowledge concept}. Item ids are
//     "<ID>.<role>", e.g. "2steps_17.multi";
//   - WeMath.tsv, VLMEvalKit's file (index, image, question, answer, ID, key,
//     option columns A…H, optional hint and knowledge concept). Item ids are
//     the index.
//
// knowledge_structure_nodes.json, when it lies beside the data file or is
// named by the knowledge_nodes option, adds the per-domain accuracies;
// without it the Domain breakdown is absent.
//
// Prompt (VLMEvalKit WeMath.build_prompt): "Hint: …\n" when there is a hint,
// "Question: {question}\n", "Options:\n" and one "X. text\n" per option. The
// TSV questions are understood to end with the official answer-format
// instruction (FormatTemplate; inferred from the code that strips it), so it
// is appended to the questions of testmini.json too (option format_template
// "off" leaves them as they are).
//
// Scoring, after the named response post-processing step (option postprocess, see
// benchmarks/postprocess; recorded in the report): by default VLAA-Thinker's,
// the single <answer> block if there is exactly one, else the whole
// response; the matchers never strip tags themselves, as VLMEvalKit's do
// not. In the leaderboard profile a blank prediction (or "None", "NA", …) is
// read back as pandas does, "nan" (quirk vlmevalkit-nan-cell):
//
// leaderboard (VLMEvalKit mcq_vanilla_eval with the WeMath prompt):
// answer.CanInfer(response, options); when it finds nothing, up to 3 judge
// calls with build_prompt_wemath (two examples, then the question without the
// format instruction, the options and the response between <start> and
// <end>), each output read with CanInfer again. A "Z" is a wrong answer.
// When all three fail, VLMEvalKit picks a RANDOM option; here the item is
// wrong and unresolved instead, so scores are reproducible. Note that
// CanInfer cannot read the official template's "<Answer>: <<B>>" ('<' is no
// separator), so such replies need the judge, as on the leaderboard.
//
// official (We-Math four_dimensional_metrics.py; also VLMEvalKit without a
// judge, there for the whole file): OfficialRule, the first character of
// the text after the last "Answer" once '>', '<', ':' and '.' are removed,
// if it is a letter A–H.
//
// Without a judge (LoadRequest.Judge == "") an item CanInfer cannot read is
// wrong and unresolved in the leaderboard profile; it is never guessed.
//
// Report: the four-dimensional metric per group (Classify): IK (a sub wrong,
// composite wrong), IG (all subs right, composite wrong), CM and RM
// (composite right; strict: all subs right / some sub wrong; loose: some sub
// right / all subs wrong). Score = (525 − 0.5·IG − RM − IK)/525 in percent,
// Score (Strict) being the leaderboard number; IK, IG and CM rates are over
// 525, the RM rate over CM+RM. Also One-step(S1) (accuracy over the 1,215
// sub-problems), Two-step(S2) and Three-step(S3) (over the composites), and
// per domain the mean over its knowledge concepts of their sub-problem
// accuracy.
//
// Partial files (AllowPartial) follow VLMEvalKit's merge: groups are joined
// on their step-1 item, so a group without it is left out; another absent
// member counts as neither right nor wrong, which can leave the group in no
// category. Scores and rates divide by the groups present (525 on the full
// file, as VLMEvalKit hard-codes); VLMEvalKit's constant 525 would credit
// every left-out group as mastered, so an empty file would score 100.
package wemath
