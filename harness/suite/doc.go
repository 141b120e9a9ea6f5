// Package suite evaluates one model on a list of benchmarks: the machinery
// behind `harness eval` (one served model) and behind every model group of
// `harness run`'s plan (one model at one checkpoint, each benchmark a cell).
// Each benchmark is one evaluate.Session (the path `harness score` takes
// too), and its end is handed on as soon as it is scored, so a failure later
// on (or Ctrl-C) loses nothing already measured. A benchmark that cannot run
// is recorded with its error and the others go on; when the model backend
// fails as a whole, the ones not yet started are listed as not run.
//
// The result.Eval that Run fills carries the provenance a reader needs to
// trust a number: harness and plugin versions, data file hashes, the model
// endpoint and generation settings, the judge, and every item that failed.
package suite
