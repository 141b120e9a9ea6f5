package dataimport

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/vlmlab/harness/benchmarks/bench"
	"github.com/vlmlab/harness/benchmarks/registry"
	"github.com/vlmlab/harness/harness/datafetch"
	"github.com/vlmlab/harness/plugins/sdk"
)

// Options say what to import and where.
type Options struct {
	// Benchmark is the harness name ("mathvista") or VLMEvalKit's dataset
	// name ("MathVista_MINI"), as datafetch.Lookup accepts.
	Benchmark string
	// Src is the official data: the folder holding the official files (as in
	// ../shared/data/<benchmark>) or the main file itself (testmini.json,
	// test.jsonl, testmini.jsonl, dataset.json, …). A VLMEvalKit TSV is refused.
	Src string
	// Dst is the folder the TSV is written to (created when missing), under
	// VLMEvalKit's file name for the benchmark (datafetch Source.File()).
	Dst string
	// Images is a folder laid out like Src's folder that holds the images,
	// for when they were downloaded apart from the annotations: an image the
	// official record names as images/1.jpg is read from Images/images/1.jpg.
	// Empty: the images are read where the official layout puts them.
	Images string
	// AllowMissingImages writes the items whose images exist and leaves the
	// others out (counted in Result.MissingImages, listed in Result.Skipped);
	// the file is then partial and the evaluators load it only when partial
	// files are allowed. Without it a missing image is an error and nothing
	// is written.
	AllowMissingImages bool
	// NoImages writes the annotations only: every image cell is an empty
	// list ("[]"), no image file is looked for. Such a TSV is for re-scoring
	// stored responses (harness score), not for asking a model; the marker
	// beside it says so.
	NoImages bool
	// AllowPartial accepts official data with fewer items than the benchmark
	// (MathVision's testmini.jsonl, DynaMath with some variant files
	// missing); the file is then partial, as above.
	AllowPartial bool
	// Overwrite replaces a file already at the destination (an earlier
	// import, or a downloaded VLMEvalKit TSV). Without it that is an error.
	Overwrite bool
	// Progress, when set, is called on Import's goroutine with the rows
	// written so far and the rows to write: once with done == 0 before the
	// first row, then after every row.
	Progress func(done, total int)
}

// Result says what Import wrote.
type Result struct {
	Benchmark string // harness name
	Path      string // the TSV written
	Rows      int    // data rows (items) in it
	// Expected is the item count of the full benchmark; Rows < Expected means
	// the file is partial.
	Expected int
	// MissingImages counts the items left out for a missing image (only with
	// AllowMissingImages); Skipped lists them.
	MissingImages int
	Skipped       []MissingImage
	SHA256        string // hex digest of the written file
	Bytes         int64
	// Synthetic is true when the source is a synthetic toy-world suite; the
	// suite's synthetic.json is then copied beside the TSV so reports keep
	// saying synthetic.
	Synthetic bool
	// NoImages is true for an annotations-only file (Options.NoImages).
	NoImages bool
}

// Partial reports whether the file holds fewer items than the benchmark.
func (r Result) Partial() bool { return r.Rows < r.Expected }

// MissingImage is an item whose image file does not exist.
type MissingImage struct {
	ID   string // item id as the official loader names it
	Path string // the file looked for
}

// MissingImagesError is returned when images are missing and
// AllowMissingImages is off. Nothing was written.
type MissingImagesError struct {
	Benchmark string
	Total     int // items in the source
	Missing   []MissingImage
}

func (e *MissingImagesError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d of %d items have no image file", e.Benchmark, len(e.Missing), e.Total)
	for i, m := range e.Missing {
		if i == 3 {
			fmt.Fprintf(&b, "; and %d more", len(e.Missing)-i)
			break
		}
		fmt.Fprintf(&b, "; item %s: %s", m.ID, m.Path)
	}
	b.WriteString(" (put the images where the official layout has them, point Images at a folder laid out like the source, or allow missing images to write only the items that have one)")
	return b.String()
}

// sheet is one benchmark's TSV before the images are embedded.
type sheet struct {
	columns []string // in file order; imageColumn among them
	rows    []sheetRow
	// expected is the item count of the full benchmark.
	expected int
	// dataDir is the folder the official layout's image paths are relative
	// to; Options.Images stands in for it.
	dataDir string
	// synthetic is the loader's verdict on the source.
	synthetic bool
}

// sheetRow is one item: its cells (by column name, the image cell excepted)
// and the image files the official layout names for it.
type sheetRow struct {
	id     string
	images []string // absolute paths
	cells  map[string]string
}

const imageColumn = "image"

// builder reads one benchmark's official files into a sheet.
type builder func(ctx context.Context, src string, allowPartial bool) (*sheet, error)

// builders are the importers, one per declared benchmark (a test holds the
// table to the declaration).
var builders = map[string]builder{
	registry.MathVista:  mathvistaSheet,
	registry.MathVision: mathvisionSheet,
	registry.MathVerse:  mathverseSheet,
	registry.DynaMath:   dynamathSheet,
	registry.WeMath:     wemathSheet,
	registry.LogicVista: logicvistaSheet,
}

// Import reads a benchmark's official files and writes VLMEvalKit's TSV for
// it into opts.Dst (see the package documentation for the layout). The file
// appears complete or not at all: it is written to a temporary file in Dst
// and renamed into place once synced.
func Import(ctx context.Context, opts Options) (Result, error) {
	src, err := datafetch.Lookup(opts.Benchmark)
	if err != nil {
		return Result{}, fmt.Errorf("import: %w", err)
	}
	name := src.Benchmark
	build, ok := builders[name]
	if !ok {
		return Result{}, fmt.Errorf("import: no importer for %s", name)
	}
	if opts.Src == "" || opts.Dst == "" {
		return Result{}, fmt.Errorf("import %s: both the source (official files) and the destination folder are required", name)
	}
	if opts.Images != "" {
		if st, err := os.Stat(opts.Images); err != nil {
			return Result{}, fmt.Errorf("import %s: images folder: %w", name, err)
		} else if !st.IsDir() {
			return Result{}, fmt.Errorf("import %s: images folder %s is not a folder", name, opts.Images)
		}
	}
	out := filepath.Join(opts.Dst, src.File())
	if !opts.Overwrite {
		if _, err := os.Stat(out); err == nil {
			return Result{}, fmt.Errorf("import %s: %s already exists; remove it or overwrite it", name, out)
		}
	}

	sh, err := build(ctx, opts.Src, opts.AllowPartial)
	if err != nil {
		return Result{}, wrap(name, err)
	}
	if opts.NoImages {
		for i := range sh.rows {
			sh.rows[i].images = nil
		}
	} else if err := resolveImages(sh, opts.Images); err != nil {
		return Result{}, wrap(name, err)
	}
	res := Result{Benchmark: name, Path: out, Expected: sh.expected, Synthetic: sh.synthetic, NoImages: opts.NoImages}
	kept, missing := splitMissing(sh.rows)
	if len(missing) > 0 && !opts.AllowMissingImages {
		return Result{}, &MissingImagesError{Benchmark: name, Total: len(sh.rows), Missing: missing}
	}
	if len(kept) == 0 {
		return Result{}, fmt.Errorf("import %s: none of the %d items has its image file (first looked for: %s); nothing to write", name, len(sh.rows), missing[0].Path)
	}
	res.MissingImages, res.Skipped = len(missing), missing
	if err := os.MkdirAll(opts.Dst, 0o755); err != nil {
		return Result{}, fmt.Errorf("import %s: %w", name, err)
	}
	marked, err := markSynthetic(opts.Dst, opts.Src, sh.synthetic)
	if err != nil {
		return Result{}, wrap(name, err)
	}
	sum, n, err := writeAtomic(ctx, out, opts.Overwrite, func(w *bufio.Writer) error {
		return writeSheet(ctx, w, sh.columns, kept, opts.Progress)
	})
	if err != nil {
		if marked != "" {
			os.Remove(marked)
		}
		return Result{}, wrap(name, err)
	}
	res.Rows, res.SHA256, res.Bytes = len(kept), sum, n
	if err := writeMarker(res, opts); err != nil {
		return res, wrap(name, err)
	}
	return res, nil
}

// marker is the provenance written beside an imported TSV. It also keeps
// `harness data fetch` from replacing the file with the published one.
type marker struct {
	Benchmark     string `json:"benchmark"`
	Source        string `json:"source"`
	Images        string `json:"images,omitempty"`
	Rows          int    `json:"rows"`
	Expected      int    `json:"expected"`
	MissingImages int    `json:"missing_images"`
	SHA256        string `json:"sha256"`
	Synthetic     bool   `json:"synthetic,omitempty"`
	NoImages      bool   `json:"no_images,omitempty"`
}

func writeMarker(res Result, opts Options) error {
	src, err := filepath.Abs(opts.Src)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(marker{Benchmark: res.Benchmark, Source: src, Images: opts.Images, Rows: res.Rows,
		Expected: res.Expected, MissingImages: res.MissingImages, SHA256: res.SHA256, Synthetic: res.Synthetic, NoImages: res.NoImages}, "", "  ")
	if err != nil {
		return err
	}
	path := datafetch.ImportMarker(res.Path)
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// resolveImages moves the rows' image paths under the images folder, when
// one is given: the path relative to the data folder is kept.
func resolveImages(sh *sheet, images string) error {
	if images == "" {
		return nil
	}
	root, err := filepath.Abs(images)
	if err != nil {
		return err
	}
	for i := range sh.rows {
		for j, p := range sh.rows[i].images {
			rel, err := filepath.Rel(sh.dataDir, p)
			if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				return fmt.Errorf("item %s: image %s lies outside the data folder %s, so it has no place under the images folder", sh.rows[i].id, p, sh.dataDir)
			}
			sh.rows[i].images[j] = filepath.Join(root, rel)
		}
	}
	return nil
}

// splitMissing separates the rows whose image files all exist from the rest.
func splitMissing(rows []sheetRow) (kept []sheetRow, missing []MissingImage) {
	kept = make([]sheetRow, 0, len(rows))
	for _, r := range rows {
		ok := true
		for _, p := range r.images {
			if st, err := os.Stat(p); err != nil || !st.Mode().IsRegular() {
				missing = append(missing, MissingImage{ID: r.id, Path: p})
				ok = false
				break
			}
		}
		if ok {
			kept = append(kept, r)
		}
	}
	return kept, missing
}

// markSynthetic keeps a synthetic suite recognisable after the import: its
// synthetic.json is copied into dst before the TSV is written, so a
// synthetic TSV is never there unmarked. Real and synthetic data never share
// a folder, since the manifest marks every file in it. It returns the
// manifest it wrote ("" when none), for removal if the import fails.
func markSynthetic(dst, src string, synthetic bool) (string, error) {
	dstSynthetic := bench.Synthetic(dst)
	switch {
	case synthetic == dstSynthetic:
		return "", nil
	case !synthetic:
		return "", fmt.Errorf("%s holds a synthetic suite (%s); import real data into another folder, or its reports would say synthetic", dst, bench.SyntheticManifest)
	}
	tsvs, _ := filepath.Glob(filepath.Join(dst, "*.tsv"))
	if len(tsvs) > 0 {
		return "", fmt.Errorf("the source is a synthetic suite but %s already holds real data (%s); import it into a folder of its own", dst, filepath.Base(tsvs[0]))
	}
	dir := src
	if st, err := os.Stat(src); err == nil && !st.IsDir() {
		dir = filepath.Dir(src)
	}
	manifest, err := os.ReadFile(filepath.Join(dir, bench.SyntheticManifest))
	if err != nil {
		return "", fmt.Errorf("copy the synthetic marker: %w", err)
	}
	path := filepath.Join(dst, bench.SyntheticManifest)
	if err := os.WriteFile(path, manifest, 0o644); err != nil {
		return "", err
	}
	return path, nil
}

// wrap prefixes an error with the import and the benchmark, once: the
// loaders' own errors may already start with the benchmark's name.
func wrap(name string, err error) error {
	if strings.HasPrefix(err.Error(), name+": ") {
		return fmt.Errorf("import %w", err)
	}
	return fmt.Errorf("import %s: %w", name, err)
}

// writeSheet writes the header and the rows, reading and base64-encoding
// each image as its row is written so memory stays at one image.
func writeSheet(ctx context.Context, w *bufio.Writer, columns []string, rows []sheetRow, progress func(done, total int)) error {
	for i, c := range columns {
		if i > 0 {
			w.WriteByte('\t')
		}
		if err := writeCell(w, c); err != nil {
			return err
		}
	}
	w.WriteByte('\n')
	if progress != nil {
		progress(0, len(rows))
	}
	buf := make([]byte, 64<<10) // one copy buffer for every image
	for n, r := range rows {
		if err := ctx.Err(); err != nil {
			return err
		}
		for i, c := range columns {
			if i > 0 {
				w.WriteByte('\t')
			}
			var err error
			if c == imageColumn {
				err = writeImages(w, r.images, buf)
				if err != nil {
					err = fmt.Errorf("item %s: %w", r.id, err)
				}
			} else {
				err = writeCell(w, r.cells[c])
			}
			if err != nil {
				return err
			}
		}
		if err := w.WriteByte('\n'); err != nil {
			return err
		}
		if progress != nil {
			progress(n+1, len(rows))
		}
	}
	return nil
}

// writeImages writes an image cell: the base64 of the file's bytes, as they
// are (no re-encoding), or for several images the str() of a list of them.
// Base64 never needs quoting.
func writeImages(w *bufio.Writer, paths []string, buf []byte) error {
	if len(paths) == 0 {
		_, err := w.WriteString("[]") // no image: what the TSV loaders read as none
		return err
	}
	multi := len(paths) > 1
	if multi {
		w.WriteByte('[')
	}
	for i, p := range paths {
		if multi {
			if i > 0 {
				w.WriteString(", ")
			}
			w.WriteByte('\'')
		}
		if err := encodeFile(w, p, buf); err != nil {
			return err
		}
		if multi {
			w.WriteByte('\'')
		}
	}
	if multi {
		w.WriteByte(']')
	}
	return nil
}

// encodeFile streams a file's base64 into w through buf. The file is wrapped
// so that io.CopyBuffer uses buf rather than os.File's WriteTo, which would
// allocate a fresh 32 KB buffer per image.
func encodeFile(w io.Writer, path string, buf []byte) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("image: %w", err)
	}
	defer f.Close()
	enc := base64.NewEncoder(base64.StdEncoding, w)
	if _, err := io.CopyBuffer(enc, struct{ io.Reader }{f}, buf); err != nil {
		return fmt.Errorf("image %s: %w", path, err)
	}
	return enc.Close()
}

// writeAtomic writes path through a temporary file in the same folder and
// renames it into place only when fill succeeded and the data is synced;
// on any failure (a cancelled context included) the temporary file is
// removed and an existing file at path is left untouched. It returns the
// SHA-256 (hex) and size of what was written.
func writeAtomic(ctx context.Context, path string, overwrite bool, fill func(*bufio.Writer) error) (sum string, size int64, err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return "", 0, err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	counter := &countWriter{}
	w := bufio.NewWriterSize(io.MultiWriter(tmp, h, counter), 1<<20)
	if err = fill(w); err != nil {
		return "", 0, err
	}
	if err = w.Flush(); err != nil {
		return "", 0, fmt.Errorf("write %s: %w", tmp.Name(), err)
	}
	if err = ctx.Err(); err != nil {
		return "", 0, err
	}
	if err = tmp.Chmod(0o644); err != nil {
		return "", 0, err
	}
	if err = tmp.Sync(); err != nil {
		return "", 0, fmt.Errorf("sync %s: %w", tmp.Name(), err)
	}
	if err = tmp.Close(); err != nil {
		return "", 0, fmt.Errorf("close %s: %w", tmp.Name(), err)
	}
	if !overwrite {
		// Checked again: the file may have appeared while this one was written.
		if _, statErr := os.Stat(path); statErr == nil {
			err = fmt.Errorf("%s appeared while importing; not replaced", path)
			return "", 0, err
		} else if !errors.Is(statErr, fs.ErrNotExist) {
			err = statErr
			return "", 0, err
		}
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return "", 0, err
	}
	// Make the rename itself durable; a failure here leaves a complete file.
	if d, derr := os.Open(dir); derr == nil {
		d.Sync()
		d.Close()
	}
	return hex.EncodeToString(h.Sum(nil)), counter.n, nil
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}

// imagePaths returns the image files of a loaded official item: the paths
// of its image parts, made absolute.
func imagePaths(it sdk.Item) ([]string, error) {
	var out []string
	for _, p := range it.Prompt {
		if p.Image == nil {
			continue
		}
		if p.Image.Path == "" {
			return nil, fmt.Errorf("item %s: its image is not a file (is the source a TSV?)", it.ID)
		}
		abs, err := filepath.Abs(p.Image.Path)
		if err != nil {
			return nil, err
		}
		out = append(out, abs)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("item %s: no image in the official record", it.ID)
	}
	return out, nil
}

// promptText is the text of an item's prompt (its text parts joined).
func promptText(it sdk.Item) string {
	var b strings.Builder
	for _, p := range it.Prompt {
		if p.Image == nil {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

// findOfficial resolves src to an official file: src itself when it is a
// file (a .tsv is refused), else the first of names inside it.
func findOfficial(src string, names ...string) (string, error) {
	st, err := os.Stat(src)
	if err != nil {
		return "", fmt.Errorf("source: %w", err)
	}
	if !st.IsDir() {
		if strings.EqualFold(filepath.Ext(src), ".tsv") {
			return "", fmt.Errorf("source %s is already a VLMEvalKit TSV; copy it into the data folder instead of importing it", src)
		}
		return src, nil
	}
	for _, n := range names {
		p := filepath.Join(src, n)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("source folder %s holds none of the official files %s", src, strings.Join(names, ", "))
}

// openOfficial finds the official file in src (names as findOfficial takes
// them), loads it with the evaluator's own loader, and returns the dataset,
// the file and its absolute folder (where image paths are relative to).
func openOfficial[D any](ctx context.Context, src string, allowPartial bool, load func(context.Context, sdk.LoadRequest) (D, error), names ...string) (D, string, string, error) {
	var zero D
	file, err := findOfficial(src, names...)
	if err != nil {
		return zero, "", "", err
	}
	ds, err := load(ctx, sdk.LoadRequest{Path: file, AllowPartial: allowPartial})
	if err != nil {
		return zero, "", "", err
	}
	dir, err := absDir(file)
	if err != nil {
		return zero, "", "", err
	}
	return ds, file, dir, nil
}

// absDir is the absolute folder of a file.
func absDir(file string) (string, error) {
	return filepath.Abs(filepath.Dir(file))
}
