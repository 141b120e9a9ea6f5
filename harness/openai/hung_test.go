package openai

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vlmlab/harness/harness/openai/openaitest"
	"github.com/vlmlab/harness/plugins/sdk"
)

// TestHungServerGivesUpWithinATimeout (issue 11 item 9): a server that
// accepts requests and never answers stops the run after about one Timeout,
// with a message naming the endpoint, instead of Timeout × retries ×
// consecutive failures; InFlight shows what a heartbeat prints meanwhile.
func TestHungServerGivesUpWithinATimeout(t *testing.T) {
	srv := openaitest.New(openaitest.Config{Faults: openaitest.Always(openaitest.Slow), SlowDelay: time.Minute})
	defer srv.Close()
	cfg := testConfig(srv)
	// Defaults otherwise: 5 retries, 20 consecutive failures. Before the
	// fix this took 20 requests × 6 attempts × 300 ms / 4 ≈ 9 s and more.
	cfg.Timeout, cfg.Concurrency = 300*time.Millisecond, 4
	c := newTestClient(t, cfg)

	seen := make(chan [2]int64, 1)
	go func() {
		time.Sleep(150 * time.Millisecond)
		n, oldest := c.InFlight()
		seen <- [2]int64{int64(n), int64(oldest)}
	}()
	start := time.Now()
	prompts := textPrompts(40)
	got, err := collect(t, c, context.Background(), prompts, sdk.GenerateParams{})
	elapsed := time.Since(start)
	if !errors.Is(err, ErrStopped) || !strings.Contains(err.Error(), srv.URL()) || !strings.Contains(err.Error(), "no answer within 300ms") {
		t.Fatalf("err = %v, want a stop naming the endpoint and the timeout", err)
	}
	if elapsed > 3*time.Second {
		t.Errorf("the run took %v to give up on a hung server (timeout 300ms)", elapsed)
	}
	checkNothingLost(t, prompts, 1, got)
	s := <-seen
	if s[0] != 4 || time.Duration(s[1]) < 100*time.Millisecond {
		t.Errorf("InFlight during the hang: %d requests, oldest %v; want 4, over 100ms", s[0], time.Duration(s[1]))
	}
	if n, _ := c.InFlight(); n != 0 {
		t.Errorf("%d requests still counted in flight after the run", n)
	}
}

// TestHeartbeatWhileWaiting (issue 11 item 9): Heartbeat reports requests
// that have waited an interval, and nothing once none waits.
func TestHeartbeatWhileWaiting(t *testing.T) {
	srv := openaitest.New(openaitest.Config{Faults: openaitest.Always(openaitest.Slow), SlowDelay: 400 * time.Millisecond})
	defer srv.Close()
	c := newTestClient(t, testConfig(srv))
	var mu sync.Mutex
	var beats []int
	stop := c.Heartbeat(100*time.Millisecond, func(n int, oldest time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		if oldest < 100*time.Millisecond {
			t.Errorf("beat for a request %v old, under the interval", oldest)
		}
		beats = append(beats, n)
	})
	if _, err := collect(t, c, context.Background(), textPrompts(3), sdk.GenerateParams{}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	n := len(beats)
	mu.Unlock()
	time.Sleep(250 * time.Millisecond)
	stop()
	mu.Lock()
	defer mu.Unlock()
	if n == 0 || beats[0] != 3 {
		t.Errorf("beats %v, want some with 3 requests in flight", beats)
	}
	if len(beats) != n {
		t.Errorf("beats after the run ended: %v", beats[n:])
	}
}
