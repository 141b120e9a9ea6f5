package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vlmlab/harness/harness/openai/openaitest"
)

// TestConfigCheckAndEvalFlags (issue 11 item 12): config check refuses what
// run would (bad generation ranges, a plugin command that is not there, no
// models); eval refuses --api-key-env naming an unset variable and
// --timeout 0s, and takes an endpoint that already ends in
// /chat/completions without doubling it.
func TestConfigCheckAndEvalFlags(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, c := range []struct {
		name, text string
		want       []string
	}{
		{"ranges.yaml", "models:\n  - name: m\n    backend: chance\n    generation: {max_tokens: -5, top_p: 7, temperature: -1}\n",
			[]string{"ranges.yaml:4:", "max_tokens must be positive", "top_p must be in (0, 1], got 7", "temperature must be 0 (greedy) or more, got -1"}},
		{"command.yaml", "plugins:\n  - {name: t, kind: trainer, command: [./no-such-plugin]}\nmodels:\n  - {name: m, backend: chance}\n",
			[]string{"command.yaml:2:", "command ./no-such-plugin does not exist"}},
		{"nomodels.yaml", "benchmarks:\n  - {name: logicvista}\n",
			[]string{"nomodels.yaml:", "no models to evaluate"}},
	} {
		r := harness(t, dir, "config", "check", write(c.name, c.text))
		if r.code == 0 {
			t.Errorf("%s: config check says ok:\n%s", c.name, r.stdout)
		}
		for _, w := range c.want {
			if !strings.Contains(r.stderr, w) {
				t.Errorf("%s: stderr lacks %q:\n%s", c.name, w, r.stderr)
			}
		}
	}

	data := suites(t)
	srv := openaitest.New(openaitest.Config{})
	defer srv.Close()
	r := harness(t, dir, "eval", "--endpoint", srv.URL(), "--model", "m", "--data-dir", data, "--api-key-env", "HARNESS_TEST_UNSET_KEY_VAR")
	if r.code == 0 || !strings.Contains(r.stderr, "$HARNESS_TEST_UNSET_KEY_VAR is not set") {
		t.Errorf("--api-key-env unset: exit %d\n%s", r.code, r.stderr)
	}
	r = harness(t, dir, "eval", "--endpoint", srv.URL(), "--model", "m", "--data-dir", data, "--timeout", "0s")
	if r.code == 0 || !strings.Contains(r.stderr, "--timeout 0s") {
		t.Errorf("--timeout 0s: exit %d\n%s", r.code, r.stderr)
	}
	r = harness(t, dir, evalArgs(srv, data, "--benchmarks", "logicvista", "--endpoint", srv.URL()+"/chat/completions", "--out", "doubled")...)
	if r.code != 0 || srv.Calls() == 0 {
		t.Errorf("endpoint ending in /chat/completions: exit %d, %d calls\n%s", r.code, srv.Calls(), r.stderr)
	}
}
