// Package cache is the prediction and judge store of the host: every model
// answer and judge answer is appended to a JSONL file, keyed by a hash of what
// was asked, so that re-running an evaluation makes no model calls and a killed
// run resumes where it stopped.
//
// One line is one entry: {"key":"sha256:…","value":…}. The file only grows;
// the first entry for a key wins (a cached answer never changes under a
// reader). Put writes its line to the file before it returns, so a killed
// process loses no answer it had stored; a writer goroutine fsyncs every
// BatchSize entries or FlushInterval, whichever comes first, so a crash of
// the machine loses at most that unsynced tail. A torn last line (the process died mid-write) is
// dropped with a warning when the file is opened again; a broken line in the
// middle is an error naming its line number, since no crash produces one.
//
// A file is owned by one process at a time (flock); a second process gets a
// clear error instead of interleaving its writes.
package cache
