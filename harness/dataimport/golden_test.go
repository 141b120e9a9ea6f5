package dataimport

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/vlmlab/harness/harness/datafetch"
	"github.com/vlmlab/harness/plugins/sdk"
)

var update = flag.Bool("update", false, "rewrite the golden TSVs under testdata/golden")

// TestGolden imports the small official-layout fixtures under
// testdata/official (written for these tests: quotes, tabs, "\r\n", LaTeX
// backslashes, apostrophes in list items, multi-answer and empty items) and
// compares the TSVs byte for byte with testdata/golden, after the same
// round-trip checks as the real data. The golden files were checked by hand
// against pandas' to_csv layout; regenerate them with -update.
func TestGolden(t *testing.T) {
	cases := []roundTripCase{
		{bench: "mathvista", wantRows: 2, tsvID: identity, same: sameMathVista},
		{bench: "mathvision", wantRows: 2, tsvID: identity, same: sameMathVision},
		{bench: "mathverse", wantRows: 2, tsvID: identity, same: sameMathVerse},
		{bench: "dynamath", wantRows: 4, tsvID: dynamathFixtureIndex, same: sameDynaMath},
		{bench: "wemath", wantRows: 3, tsvID: position, same: sameWeMath},
		{bench: "logicvista", wantRows: 3, tsvID: logicvistaIndex, same: sameLogicVista},
	}
	for _, c := range cases {
		t.Run(c.bench, func(t *testing.T) {
			c.allowPartial = true
			_, got := roundTrip(t, c, filepath.Join("testdata", "official", c.bench))
			src, err := datafetch.Lookup(c.bench)
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "golden", src.File())
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the import:\n got %q\nwant %q", golden, got, want)
			}
		})
	}
}

// dynamathFixtureIndex is the TSV index of the fixture's items: two seeds,
// so (varid-1)*2 + qid.
func dynamathFixtureIndex(it sdk.Item, _ int) string {
	qid, _ := strconv.Atoi(it.Meta["qid"])
	varid, _ := strconv.Atoi(it.Meta["varid"])
	return strconv.Itoa((varid-1)*2 + qid)
}
