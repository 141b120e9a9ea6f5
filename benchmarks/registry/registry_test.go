package registry

import (
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Every benchmark is declared with every field, and its sources are
// well-formed: a fetch of a malformed entry would fail only on a user's
// machine.
func TestDeclarationsComplete(t *testing.T) {
	hex32 := regexp.MustCompile(`^[0-9a-f]{32}$`)
	name := regexp.MustCompile(`^[a-z]+$`)
	checkSource := func(b Benchmark, s Source, variant bool) {
		t.Helper()
		if s.Dataset == "" || !strings.HasPrefix(s.URL, "https://") || path.Ext(s.URL) != ".tsv" || !hex32.MatchString(s.MD5) || s.Rows <= 0 {
			t.Errorf("%s: bad source %+v", b.Name, s)
		}
		if variant != (s.Option != "" && s.Value != "") {
			t.Errorf("%s: source %s: a variant, and only a variant, names its option: %+v", b.Name, s.Dataset, s)
		}
	}
	all := All()
	if len(all) != 6 {
		t.Errorf("%d benchmarks declared, want the paper's six", len(all))
	}
	for _, b := range all {
		if !name.MatchString(b.Name) || b.Title == "" || !strings.EqualFold(b.Title, b.Name) {
			t.Errorf("bad name or title: %+v", b)
		}
		checkSource(b, b.Source, false)
		for _, v := range b.Variants {
			checkSource(b, v, true)
			// A variant sharing its base's file has its base's MD5.
			if path.Base(v.URL) == path.Base(b.Source.URL) && v.MD5 != b.Source.MD5 {
				t.Errorf("%s shares %s with %s but not its MD5", v.Dataset, path.Base(v.URL), b.Source.Dataset)
			}
		}
	}
}

// Names, titles and dataset names are unique (ignoring case, as the data
// commands look them up), and Order is a permutation of the columns.
func TestUniqueAndOrdered(t *testing.T) {
	seen := map[string]string{}
	unique := func(kind, key, owner string) {
		t.Helper()
		k := kind + " " + strings.ToLower(key)
		if prev, dup := seen[k]; dup {
			t.Errorf("%s %q declared by %s and %s", kind, key, prev, owner)
		}
		seen[k] = owner
	}
	all := All()
	var orders []int
	for _, b := range all {
		unique("name", b.Name, b.Name)
		unique("title", b.Title, b.Name)
		// A dataset name must not shadow another benchmark's name either
		// (VLMEvalKit's "WeMath" is wemath's own).
		unique("lookup", b.Name, b.Name)
		if !strings.EqualFold(b.Source.Dataset, b.Name) {
			unique("lookup", b.Source.Dataset, b.Name)
		}
		for _, v := range b.Variants {
			unique("lookup", v.Dataset, b.Name)
		}
		orders = append(orders, b.Order)
	}
	if !slices.Equal(orders, []int{0, 1, 2, 3, 4, 5}) {
		t.Errorf("orders in All() = %v, want the permutation 0…5 sorted", orders)
	}
	if got := Names(); !slices.Equal(got, []string{MathVista, MathVision, MathVerse, DynaMath, WeMath, LogicVista}) {
		t.Errorf("Names() = %v, want the paper's Table 4 order", got)
	}
}

func TestLookupAndOrder(t *testing.T) {
	for i, n := range Names() {
		b, ok := Lookup(n)
		if !ok || b.Name != n || Order(n) != i {
			t.Errorf("Lookup(%q) = %+v, %v; Order = %d", n, b, ok, Order(n))
		}
	}
	for _, n := range []string{"", "MathVista", "mmmu"} {
		if _, ok := Lookup(n); ok {
			t.Errorf("Lookup(%q) found a benchmark", n)
		}
		if Order(n) != len(Names()) {
			t.Errorf("Order(%q) = %d, want after the six", n, Order(n))
		}
	}
}

// The table is read-only: what All hands out is a copy.
func TestAllIsACopy(t *testing.T) {
	a := All()
	a[0].Name = "changed"
	for i := range a {
		for j := range a[i].Variants {
			a[i].Variants[j].MD5 = "changed"
		}
	}
	for _, b := range All() {
		if b.Name == "changed" {
			t.Fatal("All returned the table itself")
		}
		for _, v := range b.Variants {
			if v.MD5 == "changed" {
				t.Fatalf("All shares %s's variants", b.Name)
			}
		}
	}
}

func TestCovers(t *testing.T) {
	full := map[string]int{}
	for _, n := range Names() {
		full[n] = 1
	}
	tests := []struct {
		name  string
		table map[string]int
		want  string // "": covered
	}{
		{"full", full, ""},
		{"missing", map[string]int{MathVista: 1}, "importers: no entry for mathvision, mathverse, dynamath, wemath, logicvista (the benchmarks are declared in benchmarks/registry)"},
		{"extra", map[string]int{MathVista: 1, MathVision: 1, MathVerse: 1, DynaMath: 1, WeMath: 1, LogicVista: 1, "mmmu": 1, "ai2d": 1},
			"importers: entries for undeclared ai2d, mmmu (the benchmarks are declared in benchmarks/registry)"},
		{"both", map[string]int{"mmmu": 1}, "importers: no entry for mathvista, mathvision, mathverse, dynamath, wemath, logicvista; entries for undeclared mmmu"},
	}
	for _, tt := range tests {
		err := Covers("importers", tt.table)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.want)):
			t.Errorf("%s: %v\nwant %s", tt.name, err, tt.want)
		}
	}
}
