package datafetch

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/vlmlab/harness/benchmarks/registry"
	"github.com/vlmlab/harness/internal/testenv"
)

func lockForTest(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}

func TestSourcesTable(t *testing.T) {
	hex32 := regexp.MustCompile(`^[0-9a-f]{32}$`)
	seen := map[string]bool{}
	for _, s := range Sources() {
		if !hex32.MatchString(s.MD5) || !strings.HasPrefix(s.URL, "http") || !strings.HasSuffix(s.File(), ".tsv") || s.Rows <= 0 {
			t.Errorf("bad entry %+v", s)
		}
		if seen[s.Benchmark] {
			t.Errorf("%s listed twice", s.Benchmark)
		}
		seen[s.Benchmark] = true
		for _, name := range []string{s.Benchmark, strings.ToUpper(s.Benchmark), s.Dataset, strings.ToLower(s.Dataset)} {
			if got, err := Lookup(name); err != nil || got != s {
				t.Errorf("Lookup(%q) = %+v, %v", name, got, err)
			}
		}
	}
	if len(seen) != 6 {
		t.Errorf("%d benchmarks, want the paper's six", len(seen))
	}
	if got, _ := Lookup("mathverse"); got.File() != "MathVerse_MINIVOnly.tsv" {
		t.Errorf("MathVerse file %q", got.File())
	}
}

// The table must agree with the reference notes on the MD5 and row count of
// every benchmark.
func TestSourcesAgreeWithReference(t *testing.T) {
	ref, err := os.ReadFile(testenv.SharedPath(t, "reference", "benchmarks.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(ref)
	for _, s := range Sources() {
		if !strings.Contains(text, s.MD5[:8]) {
			t.Errorf("%s: MD5 %s not in benchmarks.md", s.Benchmark, s.MD5)
		}
		if !strings.Contains(text, "`"+s.Dataset+"`") {
			t.Errorf("%s: dataset name %s not in benchmarks.md", s.Benchmark, s.Dataset)
		}
	}
}

// The data commands fetch exactly the declared benchmarks, in leaderboard
// order, and every declared variant.
func TestSourcesAreTheDeclaration(t *testing.T) {
	var names, datasets, want []string
	for _, s := range Sources() {
		names = append(names, s.Benchmark)
	}
	for _, v := range Variants() {
		datasets = append(datasets, v.Dataset)
	}
	for _, b := range registry.All() {
		for _, v := range b.Variants {
			want = append(want, v.Dataset)
		}
	}
	if !slices.Equal(names, registry.Names()) || !slices.Equal(datasets, want) {
		t.Errorf("sources %v, variants %v; want %v and %v", names, datasets, registry.Names(), want)
	}
}
