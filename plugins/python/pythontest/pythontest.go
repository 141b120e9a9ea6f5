// Package pythontest runs Python plugins (the harness_plugin SDK in
// plugins/python) as real child processes of the Go host in tests.
//
// The interpreter is $HARNESS_PYTHON, else Debian's /usr/bin/python3, which
// has python3-grpcio and python3-protobuf (.ci/run installs them). A PATH
// python3 may be another build without those modules, so it is never guessed.
// Without a usable interpreter a test skips with a message, except under CI
// (the CI environment variable set), where it fails.
package pythontest

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// DefaultInterpreter is Debian's Python 3.11.
const DefaultInterpreter = "/usr/bin/python3"

var (
	checkOnce sync.Once
	checkErr  string
)

// Interpreter returns the Python to run plugins with, after checking once
// that it imports the SDK's dependencies.
func Interpreter(t testing.TB) string {
	t.Helper()
	py := os.Getenv("HARNESS_PYTHON")
	if py == "" {
		py = DefaultInterpreter
	}
	checkOnce.Do(func() {
		out, err := exec.Command(py, "-c", "import grpc, google.protobuf").CombinedOutput()
		if err != nil {
			checkErr = py + " cannot run harness_plugin (" + strings.TrimSpace(string(out)) + "): apt-get install -y python3-grpcio python3-protobuf, or set HARNESS_PYTHON"
			if len(out) == 0 {
				checkErr = py + ": " + err.Error()
			}
		}
	})
	if checkErr != "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s; CI must provide it", checkErr)
		}
		t.Skipf("%s; skipping", checkErr)
	}
	return py
}

// Dir is plugins/python in this source tree: the folder holding the
// harness_plugin package.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(file))
}

// Command is how the host starts a Python plugin script (a path relative to
// plugins/python, or absolute); run it with Env.
func Command(t testing.TB, script string) []string {
	t.Helper()
	if !filepath.IsAbs(script) {
		script = filepath.Join(Dir(), script)
	}
	return []string{Interpreter(t), script}
}

// Env puts the SDK on the plugin's PYTHONPATH, and keeps .pyc files out of
// the source tree.
func Env() []string {
	return []string{"PYTHONPATH=" + Dir(), "PYTHONDONTWRITEBYTECODE=1"}
}

// Processes returns the pids of live processes whose command line contains
// arg: how a test proves a plugin that failed to start left nothing behind.
func Processes(arg string) []int {
	var pids []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid := 0
		for _, c := range e.Name() {
			if c < '0' || c > '9' {
				pid = -1
				break
			}
			pid = pid*10 + int(c-'0')
		}
		if pid <= 0 || pid == os.Getpid() {
			continue
		}
		cmd, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || !strings.Contains(string(cmd), arg) {
			continue
		}
		if Alive(pid) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// Alive reports whether pid is a live process; a zombie counts as gone.
func Alive(pid int) bool {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return false
	}
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 && i+2 < len(s) {
		return s[i+2] != 'Z'
	}
	return true
}
