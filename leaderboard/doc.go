// Package leaderboard holds the data model of published results: one Entry per
// model result (read from the YAML files in submissions/), the six benchmarks
// every entry is scored on, ranking, and the published-versus-measured
// comparison that `harness eval --compare` prints.
//
// Loading is strict on purpose: an entry is a copy of numbers printed in a
// paper or on a leaderboard, and a mistyped digit must fail loudly, so Parse
// rejects unknown keys, missing or out-of-range scores, unknown benchmark
// names, and a printed average that disagrees with the six scores unless the
// entry says the source itself disagrees (reported_avg_mismatch).
package leaderboard
