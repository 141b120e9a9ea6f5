// Package suite evaluates one served model on a list of benchmarks: the
// reviewer's path behind `harness eval`. For each benchmark it starts the
// evaluator plugin, asks the model for every item, hands judge requests to
// the judge, and writes the benchmark's report as soon as it is done, so a
// failure later on (or Ctrl-C) loses nothing already measured. A benchmark
// that cannot run is recorded with its error and the others go on.
//
// The Result carries the provenance a reader needs to trust a number: harness
// and plugin versions, data file hashes, the model endpoint and generation
// settings, the judge, and every item that failed with its reason.
package suite
