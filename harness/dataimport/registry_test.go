package dataimport

import (
	"testing"

	"github.com/vlmlab/harness/benchmarks/registry"
)

// Every declared benchmark can be imported, and no importer serves a
// benchmark the rest of the harness does not know.
func TestImportersCoverTheDeclaration(t *testing.T) {
	if err := registry.Covers("dataimport builders", builders); err != nil {
		t.Error(err)
	}
}
