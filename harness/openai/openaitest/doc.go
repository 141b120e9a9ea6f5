// Package openaitest is a real HTTP server on 127.0.0.1 that speaks the
// OpenAI chat completions API deterministically, for tests of anything that
// calls a model or a judge. It answers from a script or from a hash of the
// request, and injects the faults real endpoints show: 429 with Retry-After,
// 500s, answers slower than the client's timeout, connection resets,
// malformed JSON and empty choices. It counts every call.
//
// It is written from the API's published shape, independent of the harness's
// own client, so a bug shared by both cannot hide.
package openaitest
