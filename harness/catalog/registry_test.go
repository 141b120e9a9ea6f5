package catalog

import (
	"slices"
	"testing"

	"github.com/vlmlab/harness/benchmarks/registry"
	"github.com/vlmlab/harness/plugins/sdk"
)

// The built-in evaluators are the declared benchmarks: one each, named as
// declared, expecting the declared dataset's item count, and config
// validation knows exactly them.
func TestEvaluatorsAreTheDeclaration(t *testing.T) {
	if err := registry.Covers("catalog evaluators", evaluators); err != nil {
		t.Error(err)
	}
	var names []string
	for _, p := range Builtins() {
		if p.Kind == sdk.KindEvaluator {
			names = append(names, p.Name)
		}
	}
	want := registry.Names()
	slices.Sort(want) // Builtins sorts by kind and name
	if !slices.Equal(names, want) {
		t.Errorf("built-in evaluators %v, want %v", names, want)
	}
	if got := ConfigCatalog().Benchmarks; !slices.Equal(got, want) {
		t.Errorf("config catalog benchmarks %v, want %v", got, want)
	}
	for name, newEvaluator := range evaluators {
		info := newEvaluator().Info()
		b, _ := registry.Lookup(name)
		if info.Name != name || info.Items != b.Source.Rows {
			t.Errorf("evaluator under %s describes itself as %s with %d items; want %s with %d (%s)", name, info.Name, info.Items, name, b.Source.Rows, b.Source.Dataset)
		}
	}
}
