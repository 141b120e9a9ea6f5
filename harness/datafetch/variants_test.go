package datafetch

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/vlmlab/harness/benchmarks/mathverse"
	"github.com/vlmlab/harness/benchmarks/mathvision"
	"github.com/vlmlab/harness/benchmarks/wemath"
	"github.com/vlmlab/harness/plugins/sdk"
)

func TestVariantsTable(t *testing.T) {
	hex32 := regexp.MustCompile(`^[0-9a-f]{32}$`)
	base := map[string]Source{}
	for _, s := range Sources() {
		base[s.Benchmark] = s
	}
	evaluators := map[string]sdk.Benchmark{"mathverse": mathverse.New(), "mathvision": mathvision.New(), "wemath": wemath.New()}
	for _, v := range Variants() {
		if !hex32.MatchString(v.MD5) || !strings.HasPrefix(v.URL, "https://") || v.Rows <= 0 || v.Option == "" {
			t.Errorf("bad variant %+v", v)
		}
		if _, ok := base[v.Benchmark]; !ok {
			t.Errorf("%s: benchmark %q is not one of the six", v.Dataset, v.Benchmark)
		}
		got, err := Lookup(strings.ToLower(v.Dataset))
		if err != nil || got != v {
			t.Errorf("Lookup(%s) = %+v, %v", v.Dataset, got, err)
		}
		// A variant sharing its base's file has its base's MD5.
		if b := base[v.Benchmark]; v.File() == b.File() && v.MD5 != b.MD5 {
			t.Errorf("%s shares %s with %s but not its MD5", v.Dataset, v.File(), b.Dataset)
		}
		// The evaluator takes the variant's option: loading a missing file
		// fails on the file, not on the option.
		ev := evaluators[v.Benchmark]
		if ev == nil {
			t.Fatalf("no evaluator for %s in this test", v.Benchmark)
		}
		_, err = ev.Load(context.Background(), sdk.LoadRequest{Path: filepath.Join(t.TempDir(), v.File()), Options: v.Options()})
		if err == nil || !strings.Contains(err.Error(), "no such file") {
			t.Errorf("%s: options %v: %v; want only the missing file refused", v.Dataset, v.Options(), err)
		}
	}
	// The leaderboard's MathVerse file is fetched over https, as VLMEvalKit
	// has since it moved.
	if s, _ := Lookup("mathverse"); !strings.HasPrefix(s.URL, "https://") {
		t.Errorf("MathVerse URL %s", s.URL)
	}
	// "mathverse" still means the leaderboard's dataset.
	if s, _ := Lookup("mathverse"); s.Dataset != "MathVerse_MINI_Vision_Only" || s.Options() != nil {
		t.Errorf("Lookup(mathverse) = %+v", s)
	}
}

// A variant is fetched by its dataset name under its own file name.
func TestFetchVariant(t *testing.T) {
	content, sum := payload(3_000)
	dir := t.TempDir()
	res, err := Fetch(context.Background(), "MathVerse_MINI_Vision_Dominant", dir, Options{BaseURL: start(t, &tsvServer{content: content}), MD5: sum})
	if err != nil || res.Path != filepath.Join(dir, "MathVerse_MINIVDom.tsv") || !res.Downloaded {
		t.Fatalf("%+v %v", res, err)
	}
}
