package bench_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vlmlab/harness/benchmarks/bench"
)

// Tiny but real image headers: enough for content sniffing.
var (
	pngA = append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte("a"), 80)...)
	pngB = append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte("b"), 90)...)
	jpgC = append([]byte("\xff\xd8\xff\xe0"), bytes.Repeat([]byte("c"), 70)...)
)

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// writeTSV writes a TSV of index and image columns (plus a question column)
// and returns its path.
func writeTSV(t *testing.T, dir, name string, rows [][2]string) string {
	t.Helper()
	var sb strings.Builder
	sb.WriteString("index\timage\tquestion\n")
	for _, r := range rows {
		cell := r[1]
		if strings.Contains(cell, `"`) {
			cell = `"` + strings.ReplaceAll(cell, `"`, `""`) + `"`
		}
		sb.WriteString(r[0] + "\t" + cell + "\tq\n")
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// spillAll runs a spill over every row and returns, per index, the bytes of
// each image file and its base name.
func spillAll(t *testing.T, path string) (map[string][][]byte, map[string][]string, error) {
	t.Helper()
	data := map[string][][]byte{}
	names := map[string][]string{}
	sp := bench.NewImageSpill(path)
	err := bench.ScanTSV(path, []string{"index", "image"}, func(r bench.TSVRow) error {
		parts, err := sp.Parts(r)
		if err != nil {
			return err
		}
		idx := r.Get("index")
		for _, p := range parts {
			if p.Image == nil || len(p.Image.Data) != 0 || !filepath.IsAbs(p.Image.Path) {
				t.Fatalf("row %s: part %+v: want an absolute path and no data", idx, p.Image)
			}
			b, err := os.ReadFile(p.Image.Path)
			if err != nil {
				t.Fatal(err)
			}
			data[idx] = append(data[idx], b)
			names[idx] = append(names[idx], filepath.Base(p.Image.Path))
		}
		return nil
	})
	return data, names, err
}

func TestImageSpill(t *testing.T) {
	hashed := "row--" + func() string { s := sha256.Sum256([]byte("a/b")); return hex.EncodeToString(s[:8]) }()
	tests := []struct {
		name      string
		rows      [][2]string
		wantData  map[string][][]byte
		wantNames map[string][]string
		wantErr   string
	}{
		{
			name:      "one image a row",
			rows:      [][2]string{{"1", b64(pngA)}, {"2", b64(jpgC)}},
			wantData:  map[string][][]byte{"1": {pngA}, "2": {jpgC}},
			wantNames: map[string][]string{"1": {"1.png"}, "2": {"2.jpg"}},
		},
		{
			name:      "multi-image list",
			rows:      [][2]string{{"7", "['" + b64(pngA) + "', '" + b64(jpgC) + "']"}},
			wantData:  map[string][][]byte{"7": {pngA, jpgC}},
			wantNames: map[string][]string{"7": {"7--1.png", "7--2.jpg"}},
		},
		{
			name:      "reference to an earlier row",
			rows:      [][2]string{{"10", b64(pngA)}, {"11", "10"}},
			wantData:  map[string][][]byte{"10": {pngA}, "11": {pngA}},
			wantNames: map[string][]string{"10": {"10.png"}, "11": {"10.png"}},
		},
		{
			name:      "reference to a later row",
			rows:      [][2]string{{"11", "12"}, {"12", "['" + b64(pngB) + "', '" + b64(pngA) + "']"}},
			wantData:  map[string][][]byte{"11": {pngB, pngA}, "12": {pngB, pngA}},
			wantNames: map[string][]string{"11": {"12--1.png", "12--2.png"}, "12": {"12--1.png", "12--2.png"}},
		},
		{
			name:      "index not usable as a file name",
			rows:      [][2]string{{"a/b", b64(pngB)}},
			wantData:  map[string][][]byte{"a/b": {pngB}},
			wantNames: map[string][]string{"a/b": {hashed + ".png"}},
		},
		{
			name:      "duplicate index keeps both images apart",
			rows:      [][2]string{{"5", b64(pngA)}, {"5", b64(pngB)}},
			wantData:  map[string][][]byte{"5": {pngA, pngB}},
			wantNames: map[string][]string{"5": {"5.png", "5--line3.png"}},
		},
		{
			name:    "reference to a reference",
			rows:    [][2]string{{"1", b64(pngA)}, {"2", "1"}, {"3", "2"}},
			wantErr: `DIR/x.tsv: line 4: field image: refers to row "2" (line 3), whose image is itself a reference`,
		},
		{
			name:    "short cell that is neither data nor an index",
			rows:    [][2]string{{"1", b64(pngA)}, {"2", "nope!"}},
			wantErr: "DIR/x.tsv: line 3: field image (#1): not base64: illegal base64 data at input byte 4",
		},
		{
			name:    "empty cell",
			rows:    [][2]string{{"1", ""}},
			wantErr: "DIR/x.tsv: line 2: field image: empty",
		},
		{
			name:    "bad base64 in a list",
			rows:    [][2]string{{"1", "['" + b64(pngA) + "', '%%%%']"}},
			wantErr: "DIR/x.tsv: line 2: field image (#2): not base64",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := writeTSV(t, dir, "x.tsv", tt.rows)
			data, names, err := spillAll(t, path)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatal("no error")
				}
				if got := strings.ReplaceAll(err.Error(), dir, "DIR"); !strings.HasPrefix(got, tt.wantErr) {
					t.Fatalf("error:\n got %s\nwant %s…", got, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantData, data); diff != "" {
				t.Errorf("image bytes (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantNames, names); diff != "" {
				t.Errorf("file names (-want +got):\n%s", diff)
			}
		})
	}
}

// TestImageSpillReuse: a second load of the same TSV writes nothing, and a
// changed image is rewritten in place of the stale file.
func TestImageSpillReuse(t *testing.T) {
	dir := t.TempDir()
	path := writeTSV(t, dir, "Bench_X.tsv", [][2]string{{"1", b64(pngA)}, {"2", b64(jpgC)}})
	if _, _, err := spillAll(t, path); err != nil {
		t.Fatal(err)
	}
	imgDir := filepath.Join(dir, "images", "Bench_X")
	before := statAll(t, imgDir, "1.png", "2.jpg")
	if _, err := os.Stat(filepath.Join(imgDir, ".gitignore")); err != nil {
		t.Errorf("the created image folder has no .gitignore: %v", err)
	}

	if _, _, err := spillAll(t, path); err != nil {
		t.Fatal(err)
	}
	after := statAll(t, imgDir, "1.png", "2.jpg")
	for i := range before {
		if !os.SameFile(before[i], after[i]) {
			t.Errorf("%s was rewritten by a second load", before[i].Name())
		}
	}

	// Same size, other bytes: the file must be replaced.
	stale := bytes.Repeat([]byte{'z'}, len(pngA))
	if err := os.WriteFile(filepath.Join(imgDir, "1.png"), stale, 0o644); err != nil {
		t.Fatal(err)
	}
	data, _, err := spillAll(t, path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data["1"][0], pngA) {
		t.Errorf("a stale image file was reused: %q", data["1"][0])
	}
	if left, _ := filepath.Glob(filepath.Join(imgDir, ".spill-*")); len(left) > 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

func statAll(t *testing.T, dir string, names ...string) []os.FileInfo {
	t.Helper()
	out := make([]os.FileInfo, len(names))
	for i, n := range names {
		st, err := os.Stat(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		out[i] = st
	}
	return out
}

// TestImageSpillFallback: when nothing can be written beside the TSV, the
// images go to the user cache folder, keyed by the TSV's path.
func TestImageSpillFallback(t *testing.T) {
	dir := t.TempDir()
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	path := writeTSV(t, dir, "x.tsv", [][2]string{{"1", b64(pngA)}})
	// A file where the images folder would go blocks it even for root.
	if err := os.WriteFile(filepath.Join(dir, "images"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	sp := bench.NewImageSpill(path)
	got, err := sp.Dir()
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(path))
	want := filepath.Join(cache, "vlmharness", "images", hex.EncodeToString(sum[:]))
	if got != want {
		t.Errorf("image folder %s, want %s", got, want)
	}
	data, _, err := spillAll(t, path)
	if err != nil || !bytes.Equal(data["1"][0], pngA) {
		t.Errorf("spill to the cache folder: %v", err)
	}

	// Neither place writable: the error names both.
	if err := os.RemoveAll(filepath.Join(cache, "vlmharness")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cache, "vlmharness"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = bench.NewImageSpill(path).Dir()
	if err == nil || !strings.Contains(err.Error(), "cannot be written beside it") || !strings.Contains(err.Error(), cache) {
		t.Errorf("error = %v, want one naming both folders", err)
	}
}

func TestScanTSV(t *testing.T) {
	tests := []struct {
		name, body string
		stopAt     int // the callback fails on this row (0: never)
		want       []int
		wantErr    string
	}{
		{"rows and lines", "index\timage\n1\tx\n\"2\"\t\"multi\nline\"\n3\ty\n", 0, []int{2, 3, 5}, ""},
		{"empty file", "", 0, nil, "DIR/t.tsv: empty file, expected a TSV header row"},
		{"missing column", "index\tquestion\n1\tq\n", 0, nil, `DIR/t.tsv: line 1: missing column "image" (have index, question)`},
		{"truncated row", "index\timage\n1\tx\n2\n", 0, nil, "DIR/t.tsv: line 3: 1 fields, the header has 2 (truncated or malformed row)"},
		{"callback error stops the scan", "index\timage\n1\tx\n2\ty\n3\tz\n", 2, nil, "stop at row 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "t.tsv")
			if err := os.WriteFile(path, []byte(tt.body), 0o644); err != nil {
				t.Fatal(err)
			}
			var lines []int
			n := 0
			err := bench.ScanTSV(path, []string{"index", "image"}, func(r bench.TSVRow) error {
				n++
				if n == tt.stopAt {
					return errors.New("stop at row " + r.Get("index"))
				}
				lines = append(lines, r.Line)
				return nil
			})
			if tt.wantErr != "" {
				if err == nil || !strings.HasPrefix(strings.ReplaceAll(err.Error(), dir, "DIR"), tt.wantErr) {
					t.Fatalf("error = %v, want %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, lines); diff != "" {
				t.Errorf("lines (-want +got):\n%s", diff)
			}
		})
	}
}

// TestScanTSVKeepsNoRow: holding on to the short fields of every row (as
// loaders do with questions and answers) must not keep the rows' image
// cells alive.
func TestScanTSVKeepsNoRow(t *testing.T) {
	const rows, imageSize = 200, 100 << 10
	var sb strings.Builder
	sb.WriteString("index\timage\tquestion\n")
	img := strings.Repeat("A", imageSize)
	for i := range rows {
		sb.WriteString(strconv.Itoa(i) + "\t" + img + "\tq\n")
	}
	path := filepath.Join(t.TempDir(), "big.tsv")
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	sb = strings.Builder{}
	img = ""
	var kept []string
	err := bench.ScanTSV(path, []string{"index", "image", "question"}, func(r bench.TSVRow) error {
		kept = append(kept, r.Get("index"), r.Get("question"))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	// The image cells total 20 MB; what is kept is a few KB.
	if ms.HeapAlloc > 8<<20 {
		t.Errorf("%d MB of heap live after keeping %d short fields", ms.HeapAlloc>>20, len(kept))
	}
	runtime.KeepAlive(kept)
}
