package toyworld

import (
	"testing"

	"github.com/vlmlab/harness/benchmarks/registry"
)

// Every declared benchmark has a synthetic suite, so `harness run` evaluates
// all of them on the embedded default.
func TestSuiteWritersCoverTheDeclaration(t *testing.T) {
	if err := registry.Covers("toyworld suite writers", suiteWriters); err != nil {
		t.Error(err)
	}
}
