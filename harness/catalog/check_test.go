package catalog_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/vlmlab/harness/harness/catalog"
	"github.com/vlmlab/harness/harness/config"
	"github.com/vlmlab/harness/plugins/host"
	"github.com/vlmlab/harness/plugins/sdk"
)

const roleEnv = "CATALOG_TEST_ROLE"

type noTrainer struct{}

func (noTrainer) Train(context.Context, sdk.TrainRequest, func(sdk.TrainEvent) error) (*sdk.Checkpoint, error) {
	return nil, sdk.Internal("not for training")
}

func TestMain(m *testing.M) {
	if os.Getenv(roleEnv) == "trainer" {
		sdk.Serve(&sdk.ServeConfig{Info: sdk.Info{Name: "t", Version: "1", ConfigSchema: `{"type":"object","properties":{"lr":{"type":"number"}},"additionalProperties":false}`},
			Trainer: noTrainer{}, Configure: func(context.Context, int, []byte) error { return nil }})
	}
	os.Exit(m.Run())
}

func TestCheck(t *testing.T) {
	text := fmt.Sprintf(`plugins:
  - name: ok
    kind: trainer
    command: [%[1]q]
    env: {%[2]s: trainer}
    config: {lr: 0.1}
  - name: typed
    kind: trainer
    command: [%[1]q]
    env: {%[2]s: trainer}
    config:
      lr: fast
  - name: wrong-kind
    kind: model
    command: [%[1]q]
    env: {%[2]s: trainer}
  - name: unbuilt
    kind: trainer
    command: [./bin/not-built-yet]
`, os.Args[0], roleEnv)
	cfg, err := config.Parse("check.yaml", []byte(text), catalog.ConfigCatalog(), nil)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.New(os.Args[0], cfg)
	if err != nil {
		t.Fatal(err)
	}
	h := host.New(host.Options{})
	defer h.Close()
	ps, notes := cat.Check(context.Background(), h, cfg)
	got := ps.Lines()
	if len(notes) != 1 || !strings.Contains(notes[0], "check.yaml:17:5: plugin unbuilt not checked:") {
		t.Errorf("notes %q", notes)
	}
	want := []string{
		"check.yaml:12:11: plugin typed: config lr: got string, want number (the plugin's config schema)",
		"check.yaml:13:5: plugin wrong-kind: refused: it is a trainer plugin (it says so in Describe), harness.yaml uses it as a model; fix its kind or the entry that names it",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestEntries(t *testing.T) {
	cat, err := catalog.New("/bin/harness", nil)
	if err != nil {
		t.Fatal(err)
	}
	e, ok := cat.Get("mathvista")
	if !ok || e.Kind != sdk.KindEvaluator || !e.Spec.Builtin || strings.Join(e.Spec.Command, " ") != "/bin/harness plugin serve mathvista" {
		t.Errorf("mathvista entry %+v", e)
	}
	all := cat.All()
	for i := 1; i < len(all); i++ {
		if all[i-1].Kind > all[i].Kind || (all[i-1].Kind == all[i].Kind && all[i-1].Name > all[i].Name) {
			t.Errorf("All not sorted at %d: %s/%s then %s/%s", i, all[i-1].Kind, all[i-1].Name, all[i].Kind, all[i].Name)
		}
	}
	if len(all) != len(catalog.Builtins()) {
		t.Errorf("%d entries, %d built-ins", len(all), len(catalog.Builtins()))
	}
}

// Evaluator finds a benchmark's scorer by its own name or the named
// evaluator, and refuses a missing one or a plugin of another kind.
func TestEvaluator(t *testing.T) {
	cat, err := catalog.New(os.Args[0], &config.Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ benchmark, evaluator, want, err string }{
		{"mathvista", "", "mathvista", ""},
		{"my-mathvista", "mathvista", "mathvista", ""},
		{"mmmu", "", "", `benchmark mmmu: no evaluator plugin "mmmu"; ` + "`harness plugins` lists them"},
		{"mathvista", "tinyvlm", "", `benchmark mathvista: plugin "tinyvlm" is a model plugin, not an evaluator`},
	} {
		e, err := cat.Evaluator(tc.benchmark, tc.evaluator)
		switch {
		case tc.err != "" && (err == nil || err.Error() != tc.err):
			t.Errorf("Evaluator(%q, %q): error %v, want %q", tc.benchmark, tc.evaluator, err, tc.err)
		case tc.err == "" && (err != nil || e.Name != tc.want):
			t.Errorf("Evaluator(%q, %q) = %q, %v; want %q", tc.benchmark, tc.evaluator, e.Name, err, tc.want)
		}
	}
}
