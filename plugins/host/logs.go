package host

import (
	"strings"
	"sync"

	"github.com/hashicorp/go-hclog"
)

// tail keeps a plugin's last log lines for crash reports.
type tail struct {
	mu    sync.Mutex
	max   int
	lines []string
	part  strings.Builder
}

func newTail(n int) *tail { return &tail{max: n} }

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, c := range string(p) {
		if c == '\n' {
			t.push(t.part.String())
			t.part.Reset()
			continue
		}
		t.part.WriteRune(c)
	}
	return len(p), nil
}

func (t *tail) push(line string) {
	line = strings.TrimSpace(line)
	if line == "" {
		return
	}
	t.lines = append(t.lines, line)
	if len(t.lines) > t.max {
		t.lines = t.lines[len(t.lines)-t.max:]
	}
}

// Lines returns a copy of the kept lines, oldest first.
func (t *tail) Lines() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := append([]string(nil), t.lines...)
	if s := strings.TrimSpace(t.part.String()); s != "" {
		out = append(out, s)
	}
	return out
}

// forward re-emits a plugin's log entries through the host's logger.
type forward struct{ l hclog.Logger }

func (f forward) Accept(_ string, level hclog.Level, msg string, args ...interface{}) {
	if lifecycle[msg] && level > hclog.Debug {
		// go-plugin's own account of a plugin ending; when that is an
		// error the host reports it once, with these lines in its log tail,
		// so at warn level they only print the failure twice.
		level = hclog.Debug
	}
	f.l.Log(level, msg, args...)
}

// lifecycle are go-plugin's messages about a plugin process ending.
var lifecycle = map[string]bool{
	"plugin failed to exit gracefully": true,
	"plugin process exited":            true,
}

// lineLogger logs each line written to it.
type lineLogger struct {
	mu    sync.Mutex
	l     hclog.Logger
	level hclog.Level
	part  strings.Builder
}

func (w *lineLogger) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, c := range string(p) {
		if c == '\n' {
			if s := strings.TrimSpace(w.part.String()); s != "" {
				w.l.Log(w.level, s)
			}
			w.part.Reset()
			continue
		}
		w.part.WriteRune(c)
	}
	return len(p), nil
}
