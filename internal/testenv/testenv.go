// Package testenv finds the shared benchmark data beside the checkout for tests.
package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// SharedDir returns the absolute path of ../shared (beside the repository
// root), or of $HARNESS_SHARED when set. When the folder is missing the test is
// skipped, except under CI (the CI environment variable set), where it fails:
// CI always has ../shared, so a missing folder there is a broken setup.
func SharedDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("HARNESS_SHARED")
	if dir == "" {
		dir = filepath.Join(RepoRoot(), "..", "shared")
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		if os.Getenv("CI") != "" {
			t.Fatalf("shared data folder %s is missing; CI must provide it", dir)
		}
		t.Skipf("shared data folder %s is missing; skipping (set HARNESS_SHARED to point at it)", dir)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// SharedPath joins elem onto SharedDir.
func SharedPath(t testing.TB, elem ...string) string {
	t.Helper()
	return filepath.Join(append([]string{SharedDir(t)}, elem...)...)
}

// RepoRoot returns the repository root (the directory holding go.mod).
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// Python returns the path of a Python 3 interpreter for code that needs only
// the standard library: $HARNESS_PYTHON (as plugins/python/pythontest reads
// it), else /usr/bin/python3, else python3 on PATH. When there is none the
// test is skipped, except under CI, where it fails: .ci/run installs python3.
func Python(t testing.TB) string {
	t.Helper()
	for _, p := range []string{os.Getenv("HARNESS_PYTHON"), "/usr/bin/python3", "python3"} {
		if p == "" {
			continue
		}
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("python3 is missing; CI must provide it (.ci/run installs it)")
	}
	t.Skip("python3 is missing; skipping the Python adapter tests")
	return ""
}
