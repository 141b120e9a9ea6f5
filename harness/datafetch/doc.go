// Package datafetch downloads the VLMEvalKit TSV of a benchmark: the files
// the Open LMM Reasoning Leaderboard is scored on. Downloads are checked
// against VLMEvalKit's published MD5, resume from a <file>.part after an
// interruption (HTTP Range), start over cleanly when the server ignores Range,
// and never leave a file that failed its check behind.
//
// The URL table (declared in benchmarks/registry) comes from VLMEvalKit's DATASET_URL/DATASET_MD5 (dataset
// classes in vlmeval/dataset/image_vqa.py, image_mcq.py and dynamath.py); the
// MD5s agree with shared/reference/benchmarks.md §1.1. Every URL can be
// overridden, for a mirror (Options.BaseURL) or one file (Options.URL).
package datafetch
