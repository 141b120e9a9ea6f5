package main

import (
	"strings"
	"testing"

	"github.com/vlmlab/harness/harness/openai/openaitest"
)

// TestEvalWarnsCacheFromOtherEndpoint (issue 11 item 13): answers cached
// from one server are reused for the same model name at another server (the
// key is the model name), and eval says so, naming both endpoints.
func TestEvalWarnsCacheFromOtherEndpoint(t *testing.T) {
	data := suites(t)
	dir := t.TempDir()
	first := openaitest.New(openaitest.Config{})
	defer first.Close()
	second := openaitest.New(openaitest.Config{})
	defer second.Close()
	if r := harness(t, dir, evalArgs(first, data, "--benchmarks", "logicvista")...); r.code != 0 {
		t.Fatalf("first eval: exit %d\n%s", r.code, r.stderr)
	}
	r := harness(t, dir, evalArgs(second, data, "--benchmarks", "logicvista")...)
	if r.code != 0 {
		t.Fatalf("second eval: exit %d\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "came from the cache, recorded from "+first.URL()) || !strings.Contains(r.stderr, "not "+second.URL()) {
		t.Errorf("no warning naming both endpoints:\n%s", r.stderr)
	}
}
