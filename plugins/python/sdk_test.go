package python_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vlmlab/harness/plugins/python/pythontest"
)

// TestPythonUnitTests runs the SDK's own Python tests (plugins/python/tests),
// so the one test command covers both languages.
func TestPythonUnitTests(t *testing.T) {
	py := pythontest.Interpreter(t)
	cmd := exec.Command(py, "-m", "unittest", "discover", "-s", "tests", "-t", ".")
	cmd.Dir = pythontest.Dir()
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("python unittest: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "\nOK") {
		t.Fatalf("python unittest did not report OK:\n%s", out)
	}
}

// TestGeneratedModulesCurrent regenerates the Python protocol modules into a
// temporary folder and compares them with the committed ones: a .proto
// changed without running plugins/proto/generate.sh fails here.
func TestGeneratedModulesCurrent(t *testing.T) {
	if _, err := exec.LookPath("protoc"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("protoc is missing; CI installs protobuf-compiler")
		}
		t.Skip("protoc is missing (apt-get install protobuf-compiler); skipping")
	}
	out := filepath.Join(t.TempDir(), "pb")
	gen := exec.Command(filepath.Join(pythontest.Dir(), "generate.sh"), out)
	if b, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("generate.sh: %v\n%s", err, b)
	}
	committed := filepath.Join(pythontest.Dir(), "harness_plugin", "_pb")
	seen := map[string]bool{}
	err := filepath.WalkDir(out, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(out, path)
		seen[rel] = true
		want, _ := os.ReadFile(path)
		got, err := os.ReadFile(filepath.Join(committed, rel))
		if err != nil || string(got) != string(want) {
			t.Errorf("plugins/python/harness_plugin/_pb/%s is stale or missing: run plugins/proto/generate.sh", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	filepath.WalkDir(committed, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.Contains(path, "__pycache__") {
			return err
		}
		if rel, _ := filepath.Rel(committed, path); !seen[rel] {
			t.Errorf("plugins/python/harness_plugin/_pb/%s is not generated any more: delete it (plugins/proto/generate.sh)", rel)
		}
		return nil
	})
}
