package main

import (
	"strings"
	"testing"
	"time"

	"github.com/vlmlab/harness/harness/openai/openaitest"
)

// TestEvalHungServerHeartbeatAndGiveUp (issue 11 item 9): while requests
// wait on a slow server, eval says how many are in flight and for how long;
// a server that never answers stops the eval after about one --timeout,
// with a message naming the endpoint.
func TestEvalHungServerHeartbeatAndGiveUp(t *testing.T) {
	data := suites(t)
	t.Run("heartbeat", func(t *testing.T) {
		slow := openaitest.New(openaitest.Config{SlowDelay: 1200 * time.Millisecond, Faults: openaitest.Always(openaitest.Slow)})
		defer slow.Close()
		r := harness(t, t.TempDir(), evalArgs(slow, data, "--benchmarks", "logicvista", "--heartbeat", "300ms")...)
		if r.code != 0 {
			t.Fatalf("exit %d\n%s", r.code, r.stderr)
		}
		if want := "harness: waiting for " + slow.URL() + "/chat/completions: "; !strings.Contains(r.stderr, want) || !strings.Contains(r.stderr, "request(s) in flight, the oldest for") {
			t.Errorf("no heartbeat on stderr:\n%s", r.stderr)
		}
	})
	t.Run("hung server", func(t *testing.T) {
		hung := openaitest.New(openaitest.Config{SlowDelay: time.Minute, Faults: openaitest.Always(openaitest.Slow)})
		defer hung.Close()
		start := time.Now()
		r := harness(t, t.TempDir(), evalArgs(hung, data, "--benchmarks", "logicvista", "--timeout", "500ms")...)
		if r.code == 0 || !strings.Contains(r.stderr, hung.URL()) || !strings.Contains(r.stderr, "no answer within 500ms") {
			t.Errorf("exit %d, stderr:\n%s\nwant a stop naming the endpoint", r.code, r.stderr)
		}
		if d := time.Since(start); d > 20*time.Second {
			t.Errorf("eval took %v to give up on a hung server with --timeout 500ms", d)
		}
	})
}
