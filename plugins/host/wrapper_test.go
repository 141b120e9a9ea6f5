//go:build linux

package host

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/vlmlab/harness/plugins/sdk"
)

// wrapper writes a shell script that starts `sleep 300` (holding the
// script's stdout, as a wrapper's child does), records its pid, and then
// runs tail: "wait" hangs at start, anything else is exec'd.
func wrapper(t *testing.T, tail string) (script, pidFile string) {
	t.Helper()
	dir := t.TempDir()
	pidFile = filepath.Join(dir, "child.pid")
	script = filepath.Join(dir, "plugin.sh")
	body := "#!/bin/sh\nsleep 300 &\necho $! > " + pidFile + "\n" + tail + "\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	return script, pidFile
}

func childPid(t *testing.T, pidFile string) int {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(pidFile); err == nil && strings.HasSuffix(string(b), "\n") {
			pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
			if err != nil {
				t.Fatal(err)
			}
			return pid
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the wrapper never started its child")
	return 0
}

// within runs f and fails the test if it does not return within d.
func within(t *testing.T, d time.Duration, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("%s did not return within %v", what, d)
	}
}

// TestHungWrapperPluginDoesNotHangHost (issue 11 item 8): a plugin that is
// a shell wrapper and hangs at start, its child holding stdout open, makes
// Launch fail after the start timeout, and no process of it is left.
func TestHungWrapperPluginDoesNotHangHost(t *testing.T) {
	script, pidFile := wrapper(t, "wait")
	h := New(Options{Logger: hclog.NewNullLogger(), StartTimeout: 500 * time.Millisecond})
	defer h.Close()
	var err error
	within(t, 10*time.Second, "Launch of a hung wrapper", func() {
		_, err = h.Launch(context.Background(), Spec{Name: "hung", Kind: sdk.KindTrainer, Command: []string{script}})
	})
	if err == nil || !strings.Contains(err.Error(), "plugin hung") {
		t.Errorf("Launch: %v, want a start error naming the plugin", err)
	}
	if pid := childPid(t, pidFile); !waitGone(pid, 5*time.Second) {
		t.Errorf("the wrapper's child %d is still running", pid)
	}
}

// TestWrapperChildEndsWithPlugin (issue 11 item 8): a wrapper that leaves
// a child behind and execs a working plugin: Close returns promptly and
// ends the child too.
func TestWrapperChildEndsWithPlugin(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	script, pidFile := wrapper(t, `exec "`+self+`"`)
	h := New(Options{Logger: hclog.NewNullLogger()})
	p, err := h.Launch(context.Background(), Spec{Name: "wrapped", Kind: sdk.KindTrainer, Command: []string{script}, Env: []string{roleEnv + "=trainer"}})
	if err != nil {
		h.Close()
		t.Fatal(err)
	}
	if _, err := p.Describe(context.Background()); err != nil {
		t.Errorf("describe: %v", err)
	}
	pid := childPid(t, pidFile)
	within(t, 15*time.Second, "Close", h.Close)
	if !waitGone(pid, 5*time.Second) {
		t.Errorf("the wrapper's child %d outlived the plugin", pid)
	}
}
