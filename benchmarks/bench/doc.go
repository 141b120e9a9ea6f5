// Package bench holds what the six benchmark evaluators share beyond answer
// extraction: judge rounds, tallies and reports, data loading helpers
// (VLMEvalKit TSV, JSON with positions, hashes, item counts).
package bench
