package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConfigCheckCommandsAndModels (issue 11 item 12): a config that parses
// but cannot run is caught by CheckRunnable, which config check calls: an
// external plugin command that is missing, not executable, a folder or not
// on $PATH, and a config with no models (which harness run refuses). Each
// problem has the file, line and column of the command.
func TestConfigCheckCommandsAndModels(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain")
	os.WriteFile(plain, []byte("#!/bin/sh\n"), 0o644)
	good := filepath.Join(dir, "good")
	os.WriteFile(good, []byte("#!/bin/sh\n"), 0o755)
	text := `plugins:
  - {name: missing, kind: trainer, command: [` + filepath.Join(dir, "nope") + `]}
  - {name: plain, kind: trainer, command: [` + plain + `]}
  - {name: folder, kind: trainer, command: [` + dir + `]}
  - {name: nopath, kind: trainer, command: [harness-no-such-plugin-xyz]}
  - {name: good, kind: trainer, command: [` + good + `, --flag]}
`
	cfg, err := Parse("h.yaml", []byte(text), testCatalog, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	err = cfg.CheckRunnable()
	ps, ok := err.(Problems)
	if !ok {
		t.Fatalf("CheckRunnable: %T %v, want Problems", err, err)
	}
	want := []struct{ at, msg string }{
		{"h.yaml:2:", "plugin missing: command " + filepath.Join(dir, "nope") + " does not exist"},
		{"h.yaml:3:", "plugin plain: command " + plain + " is not executable; chmod +x it"},
		{"h.yaml:4:", "plugin folder: command " + dir + " is a folder"},
		{"h.yaml:5:", `plugin nopath: command "harness-no-such-plugin-xyz" is not on $PATH`},
		{"h.yaml:", "no models to evaluate"},
	}
	got := ps.Lines()
	if len(got) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for i, w := range want {
		if !strings.HasPrefix(got[i], w.at) || !strings.Contains(got[i], w.msg) {
			t.Errorf("problem %d:\n got %s\nwant %s…%s", i, got[i], w.at, w.msg)
		}
	}

	ok2, err := Parse("ok.yaml", []byte("plugins:\n  - {name: good, kind: trainer, command: ["+good+"]}\nmodels:\n  - {name: m, backend: openai, endpoint: 'http://127.0.0.1:1/v1', model: x}\n"), testCatalog, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if err := ok2.CheckRunnable(); err != nil {
		t.Errorf("a runnable config: %v", err)
	}
}
