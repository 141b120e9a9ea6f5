package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/vlmlab/harness/harness/config"
)

// server is a model server the harness started from a launch command.
type server struct {
	url  string
	cmd  *exec.Cmd
	log  *os.File
	tail *lastLines
	done chan struct{}
	once sync.Once
}

// startServer runs m's serve command for one checkpoint (a folder, a
// Hugging Face id, or "" for the base as the command names it), in its own
// process group, logging to logPath, and waits until its health path
// answers 200. A server that exits or does not answer in time is stopped and
// reported with its last log lines.
func startServer(ctx context.Context, m config.Model, checkpoint, logPath string) (*server, error) {
	sv := m.Serve
	port, err := freePort()
	if err != nil {
		return nil, fmt.Errorf("model %s: pick a port: %w", m.Name, err)
	}
	name := m.Model
	if name == "" {
		name = m.Name
	}
	repl := strings.NewReplacer("{checkpoint}", checkpoint, "{port}", strconv.Itoa(port), "{name}", name)
	argv := make([]string, len(sv.Command))
	for i, a := range sv.Command {
		argv[i] = repl.Replace(a)
	}
	path, err := exec.LookPath(argv[0])
	if err != nil {
		return nil, fmt.Errorf("model %s: serve command: %w", m.Name, err)
	}
	if err := os.MkdirAll(filepath.Dir(logPath), 0o755); err != nil {
		return nil, fmt.Errorf("model %s: server log: %w", m.Name, err)
	}
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("model %s: server log: %w", m.Name, err)
	}
	s := &server{url: fmt.Sprintf("http://127.0.0.1:%d/v1", port), log: logf, tail: &lastLines{max: 20}, done: make(chan struct{})}
	s.cmd = exec.Command(path, argv[1:]...)
	out := io.MultiWriter(logf, s.tail)
	s.cmd.Stdout, s.cmd.Stderr = out, out
	setProcessGroup(s.cmd)
	fmt.Fprintf(logf, "harness: starting %q\n", argv)
	if err := s.cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("model %s: start %s: %w", m.Name, argv[0], err)
	}
	go func() {
		s.cmd.Wait()
		close(s.done)
	}()
	timeout := sv.Timeout.Duration
	if timeout <= 0 {
		timeout = 10 * time.Minute
	}
	health := sv.Health
	if health == "" {
		health = "/v1/models"
	}
	if err := s.waitHealthy(ctx, fmt.Sprintf("http://127.0.0.1:%d%s", port, health), timeout); err != nil {
		s.stop()
		msg := fmt.Sprintf("model %s: server %q %v", m.Name, argv[0], err)
		if lines := s.tail.lines(); len(lines) > 0 {
			msg += "\nlast log lines:\n  " + strings.Join(lines, "\n  ")
		}
		return nil, errors.New(msg)
	}
	return s, nil
}

func (s *server) waitHealthy(ctx context.Context, url string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if resp, err := client.Do(req); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-s.done:
			return fmt.Errorf("exited (%s) before it answered %s", s.cmd.ProcessState, url)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("did not answer %s within %s (serve.timeout)", url, timeout)
		}
	}
}

// stop ends the server's whole process group: SIGTERM, then SIGKILL after
// 10s. It waits for the process, so no server outlives its cells.
func (s *server) stop() {
	s.once.Do(func() {
		signalGroup(s.cmd, syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(10 * time.Second):
			signalGroup(s.cmd, syscall.SIGKILL)
			<-s.done
		}
		// Children that ignored SIGTERM while the leader exited.
		signalGroup(s.cmd, syscall.SIGKILL)
		s.log.Close()
	})
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// lastLines keeps the last max lines written to it.
type lastLines struct {
	mu      sync.Mutex
	max     int
	partial string
	buf     []string
}

func (t *lastLines) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	text := t.partial + string(p)
	parts := strings.Split(text, "\n")
	t.partial = parts[len(parts)-1]
	for _, l := range parts[:len(parts)-1] {
		t.buf = append(t.buf, l)
		if len(t.buf) > t.max {
			t.buf = t.buf[1:]
		}
	}
	return len(p), nil
}

func (t *lastLines) lines() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := append([]string(nil), t.buf...)
	if t.partial != "" {
		out = append(out, t.partial)
	}
	return out
}
