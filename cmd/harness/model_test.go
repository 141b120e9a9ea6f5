package main

import (
	"bufio"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// modelServer is a running `harness model serve`.
type modelServer struct {
	cmd       *exec.Cmd
	URL       string // ends in /v1
	PluginPID int
	exited    chan error
	log       *lockedBuilder
}

var servingLine = regexp.MustCompile(`serving model \S+ \(plugin \S+, pid (\d+)\) at (http://\S+/v1)`)

// startModelServe runs `harness model serve ARGS --addr 127.0.0.1:0` and
// waits for the line that says where it listens.
func startModelServe(t *testing.T, dir string, args ...string) *modelServer {
	t.Helper()
	cmd := exec.Command(harnessBin, append(append([]string{"model", "serve"}, args...), "--addr", "127.0.0.1:0")...)
	cmd.Dir = dir
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &modelServer{cmd: cmd, exited: make(chan error, 1), log: &lockedBuilder{}}
	found := make(chan []string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			s.log.WriteString(sc.Text() + "\n")
			if m := servingLine.FindStringSubmatch(sc.Text()); m != nil {
				found <- m
			}
		}
		io.Copy(io.Discard, stderr)
		s.exited <- cmd.Wait()
	}()
	select {
	case m := <-found:
		s.PluginPID, _ = strconv.Atoi(m[1])
		s.URL = m[2]
	case err := <-s.exited:
		t.Fatalf("harness model serve exited (%v) before serving:\n%s", err, s.log.String())
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("harness model serve did not start in 60 s:\n%s", s.log.String())
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
		}
	})
	return s
}

// stop sends sig and waits for the server to exit; the plugin must be gone.
func (s *modelServer) stop(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := s.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-s.exited:
		if err != nil {
			t.Errorf("harness model serve exited with %v after %v:\n%s", err, sig, s.log.String())
		}
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		t.Fatalf("harness model serve did not stop on %v in 30 s", sig)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !errors.Is(syscall.Kill(s.PluginPID, 0), syscall.ESRCH) {
		if time.Now().After(deadline) {
			t.Fatalf("model plugin process %d outlived harness model serve", s.PluginPID)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// `harness eval --endpoint` against `harness model serve` scores the
// synthetic suites end to end, and SIGTERM leaves no plugin behind.
func TestModelServeThenEval(t *testing.T) {
	data := suites(t)
	dir := t.TempDir()
	s := startModelServe(t, dir, "chance", "--served-model-name", "chance-baseline")
	r := harness(t, dir, "eval", "--endpoint", s.URL, "--model", "chance-baseline", "--data-dir", data,
		"--allow-partial", "--judge", "none", "--out", "out", "--no-cache", "--max-tokens", "64")
	if r.code != 0 {
		t.Fatalf("eval: exit %d\n%s\n%s\nserver log:\n%s", r.code, r.stdout, r.stderr, s.log.String())
	}
	rep := readEval(t, filepath.Join(dir, "out", "eval.json"))
	if len(rep.Benchmarks) != 6 {
		t.Fatalf("%d benchmarks in eval.json", len(rep.Benchmarks))
	}
	for _, b := range rep.Benchmarks {
		if !b.Scored || b.Items == 0 || len(b.Failed) > 0 || b.Error != "" {
			t.Errorf("%s: scored %v, %d items, %d failed, error %q", b.Benchmark, b.Scored, b.Items, len(b.Failed), b.Error)
		}
	}
	if rep.Usage.ModelRequests == 0 {
		t.Errorf("no model requests counted")
	}
	s.stop(t, syscall.SIGTERM)
	if log := s.log.String(); !regexp.MustCompile(`stopped; \d+ request\(s\) in \d+ Generate call\(s\)`).MatchString(log) {
		t.Errorf("no summary at stop:\n%s", log)
	}
}

func TestModelServeInterrupt(t *testing.T) {
	s := startModelServe(t, t.TempDir(), "chance")
	s.stop(t, syscall.SIGINT)
}

func TestModelServeBadInput(t *testing.T) {
	dir := t.TempDir()
	noManifest := filepath.Join(dir, "empty")
	os.Mkdir(noManifest, 0o755)
	badManifest := filepath.Join(dir, "bad")
	os.Mkdir(badManifest, 0o755)
	os.WriteFile(filepath.Join(badManifest, "checkpoint.json"), []byte("{not json"), 0o644)
	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o644)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"nosuch"}, `no model plugin "nosuch"; model plugins: chance`},
		{[]string{"mathvista"}, "plugin mathvista is a evaluator plugin, not a model plugin"},
		{[]string{"chance", "--checkpoint", filepath.Join(dir, "missing")}, "no such file or directory"},
		{[]string{"chance", "--checkpoint", file}, "not a folder"},
		{[]string{"chance", "--checkpoint", noManifest}, "no checkpoint.json in it"},
		{[]string{"chance", "--checkpoint", badManifest}, "checkpoint.json: invalid character"},
		{[]string{"chance", "--addr", "127.0.0.1:99999"}, "--addr 127.0.0.1:99999"},
		{[]string{"chance", "--api-key-env", "HARNESS_TEST_UNSET_KEY"}, "HARNESS_TEST_UNSET_KEY: the variable is empty or unset"},
		{[]string{"chance", "--max-batch", "0"}, "--max-batch is 0; want 1 or more"},
	} {
		r := harness(t, dir, append([]string{"model", "serve"}, tc.args...)...)
		if r.code == 0 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want %q", tc.args, r.code, r.stderr, tc.want)
		}
	}
}

// lockedBuilder is a strings.Builder safe for one writer and other readers.
type lockedBuilder struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuilder) WriteString(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b.WriteString(s)
}

func (l *lockedBuilder) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
