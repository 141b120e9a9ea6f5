package sdk_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The process boundary sits at the bottom of the import graph: nothing
// under plugins/ imports benchmarks/, trainers/ or harness/ (the registry of
// built-ins lives in harness/catalog, above what it lists). A plugin author
// who imports the SDK pulls in no evaluator, trainer or runner.
func TestPluginsImportNothingAbove(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go tool on PATH")
	}
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", "github.com/vlmlab/harness/plugins/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	const mod = "github.com/vlmlab/harness/"
	for _, pkg := range strings.Fields(string(out)) {
		rel, ok := strings.CutPrefix(pkg, mod)
		if !ok {
			continue
		}
		for _, above := range []string{"benchmarks/", "trainers/", "harness/", "leaderboard", "cmd/"} {
			if strings.HasPrefix(rel, above) {
				t.Errorf("a package under plugins/ depends on %s", pkg)
			}
		}
	}
}
