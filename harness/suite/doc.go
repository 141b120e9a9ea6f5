// Package suite evaluates one served model on a list of benchmarks: the
// reviewer's path behind `harness eval`. Each benchmark is one
// evaluate.Session (the path `harness run` and `harness score` take too), and
// its Outcome is handed to Done as soon as it is scored, so a failure later
// on (or Ctrl-C) loses nothing already measured. A benchmark that cannot run
// is recorded with its error and the others go on; when the model backend
// fails as a whole, the rest are listed as not run.
//
// The result.Eval it fills carries the provenance a reader needs to trust a
// number: harness and plugin versions, data file hashes, the model endpoint
// and generation settings, the judge, and every item that failed.
package suite
