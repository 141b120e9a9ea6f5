package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// `harness config check` asks the plugins themselves: a trainer declared as
// an evaluator, and a config block that breaks the plugin's schema, are each
// refused with the plugin's name at the config's file:line:column.
func TestConfigCheckAsksPlugins(t *testing.T) {
	dir := t.TempDir()
	ext := filepath.Join(dir, "majority-trainer")
	build := exec.Command("go", "build", "-o", ext, "../../plugins/examples/majority-trainer")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build example: %v\n%s", err, out)
	}
	path := filepath.Join(dir, "check.yaml")
	cfg := fmt.Sprintf(`plugins:
  - name: majority
    kind: trainer
    command: [%[1]s]
    config:
      report_every: 0
  - name: as-evaluator
    kind: evaluator
    command: [%[1]s]
  - name: good
    kind: trainer
    command: [%[1]s]
    config: {report_every: 5}
`, ext)
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	r := harness(t, dir, "config", "check", path)
	if r.code == 0 {
		t.Fatalf("config check passed:\n%s", r.stdout)
	}
	for _, want := range []string{
		path + ":6:21: plugin majority: config report_every: minimum: got 0, want 1 (the plugin's config schema)",
		path + ":7:5: plugin as-evaluator: refused: it is a trainer plugin (it says so in Describe), harness.yaml uses it as an evaluator",
		"3 problem(s)", // and: no models to evaluate
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
}
