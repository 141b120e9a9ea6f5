// Package dataimport turns a benchmark's official files into the VLMEvalKit
// TSV the Open LMM Reasoning Leaderboard is scored on, under VLMEvalKit's file
// name (datafetch Source.File()), so that an evaluation finds an imported file
// and a downloaded one alike (the back end of `harness data import`).
//
// The official files are read by the evaluators' own loaders
// (benchmarks/<name>), so an import sees exactly the items, prompts, answers
// and image paths an evaluation of the official files would. MathVerse and
// LogicVista do not export their answers; the few fields they keep to
// themselves are read from the same file here (mathverse.go, logicvista.go).
//
// # Layout
//
// The file is what pandas' to_csv(sep='\t', index=False) writes: a header
// row, one row per item, fields quoted only when they hold a tab, a quote or
// a line break (quotes doubled), '\n' line ends, empty cells for missing
// values (pandas reads them as NaN). List and dict columns hold str() of the
// Python value ("['a', 'b']"), as VLMEvalKit's code evals them. The image
// column is the base64 of the image file's bytes, unchanged. Columns, by
// benchmark (what VLMEvalKit's dataset code and the harness's TSV loaders
// read; reference benchmarks.md §1.1 and each "VLMEvalKit TSV" paragraph):
//
//	MathVista_MINI.tsv       index (pid), image, question (query.json's prompt), answer
//	                         (option text for multiple choice), answer_option, choices,
//	                         question_type, answer_type, task, skills
//	MathVision.tsv           index (id), image, question (hint line, question, choices),
//	                         answer, choices ("[]" for free-form), category, level
//	MathVerse_MINIVOnly.tsv  index (Vision Only sample_index), image, question (query_wo),
//	                         answer, question_for_eval, metadata, problem_version,
//	                         problem_index, question_type, query_cot
//	DynaMath.tsv             index ((varid-1)*501 + qid), image, question, answer,
//	                         answer_type, subject, knowledge_level, qid, varid
//	WeMath.tsv               index (record number), image, question (with the format
//	                         instruction), A…G, answer, ID, key, knowledge concept
//	LogicVista.tsv           index (N of v1_N), image, question, answer, skill
//
// Row order is the loader's (file order; DynaMath variant by variant). The
// ids of MathVista, MathVision and MathVerse are the official loaders' ids,
// so predictions keyed by item id carry over between the two files; DynaMath,
// WeMath and LogicVista need numeric indexes (VLMEvalKit's worst case for
// DynaMath requires index == qid on every varid 1 row, §5.1). Where
// VLMEvalKit's real TSV could not be seen (the WeMath and LogicVista
// numbering, the prompt columns marked inferred in the reference) the layout
// follows the reference and the evaluators' TSV loaders; it is not
// byte-identical to VLMEvalKit's download, whose MD5 it will not match.
//
// # Images
//
// Each item's image is read from where the official layout puts it (beside
// the annotations: images/1.jpg for MathVista, images/ for LogicVista,
// variantN/image/ for DynaMath, …) or, with Options.Images, from the same
// relative path under that folder, for images downloaded apart from the
// annotations. A missing image is an error naming the items and files
// (MissingImagesError) and nothing is written, because an image-less row is
// useless to a vision-language model and VLMEvalKit cannot load an empty
// image cell. With AllowMissingImages the items that have their images are
// written and the others are left out, counted and listed in the Result: the
// file is then partial, and the evaluators' partial-file rules apply (they
// load it only with allow-partial, and the report says partial).
//
// # Writing
//
// The TSV is written to a temporary file in the destination folder, synced
// and renamed into place: a failed or cancelled import leaves no file, and an
// existing file is replaced only with Overwrite. Import reports the file's
// SHA-256, size and row count. A synthetic toy-world suite stays marked:
// its synthetic.json is copied beside the TSV, and real and synthetic data
// are never mixed in one folder.
package dataimport
