// Package modelserve serves a model backend (usually a model plugin bound to a
// checkpoint) behind an OpenAI-compatible HTTP API, so that `harness eval`,
// the OpenAI SDKs and any other client use a harness model exactly as they use
// vLLM: GET /v1/models, POST /v1/chat/completions (plain and streamed as
// server-sent events) and GET /health.
//
// Requests from concurrent callers are batched: the server collects the
// requests that share sampling parameters into one Generate call of the
// model, up to MaxBatch sequences. An idle model starts on what is queued
// at once, waiting (at most BatchWindow) only for requests whose bodies are
// still being read; while it is busy, requests queue, and the next call
// takes them all.
// A request that the model refuses as invalid (a prompt longer than its
// context, an image it cannot read) fails alone: the other requests of its
// batch are answered as if it had never been there.
//
// The Model protocol returns whole generations, not tokens, so a streamed
// response carries each choice's text in one delta as soon as that choice is
// finished.
//
// It is built on net/http rather than gin: three routes, server-sent events
// that need only a Flusher, and OpenAI's error body on every path (unknown
// routes and wrong methods included) are plainer with the standard library;
// gin serves the leaderboard, whose pages and middleware need it.
package modelserve
