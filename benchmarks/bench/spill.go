package bench

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/vlmlab/harness/plugins/sdk"
)

// ImageSpill turns the base64 images of one VLMEvalKit TSV into files, so
// that items carry a path instead of the bytes and a run's memory does not
// grow with the data. Each image is decoded once per load and written once
// ever: a file already holding the same bytes is reused.
//
// Images go beside the TSV in images/<name of the TSV without .tsv>/, the
// layout VLMEvalKit uses under its data root. When that folder cannot be
// written (read-only data), they go to
// <user cache dir>/vlmharness/images/<sha256 of the TSV's absolute path>/.
//
// A cell of at most 64 characters naming the index of another row stands for
// that row's image(s), as VLMEvalKit reads such cells. An ImageSpill is for
// one load of one file and is not safe for concurrent use.
type ImageSpill struct {
	tsv string // the TSV's path as given: error messages name it so
	abs string // its absolute path: image paths cross the plugin boundary

	dir     string // chosen on first use
	dirErr  error
	dirDone bool

	rows       map[string]*spilledRow // by index; the first row with an index
	names      map[string]bool        // file names handed out in this load
	prescanned bool
}

// spilledRow is what a row's image cell became.
type spilledRow struct {
	line   int
	ref    bool // the cell referred to another row's images
	images []sdk.Image
}

// maxRefCell is the longest image cell VLMEvalKit reads as a reference to
// another row rather than as base64 data.
const maxRefCell = 64

// NewImageSpill prepares to spill the images of the TSV at path. Nothing is
// written until the first image.
func NewImageSpill(path string) *ImageSpill {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	return &ImageSpill{tsv: path, abs: abs, rows: map[string]*spilledRow{}, names: map[string]bool{}}
}

// Dir returns the folder the images are written to, choosing (and creating)
// it on first use.
func (s *ImageSpill) Dir() (string, error) {
	if !s.dirDone {
		s.dir, s.dirErr = chooseImageDir(s.abs)
		s.dirDone = true
	}
	return s.dir, s.dirErr
}

// chooseImageDir returns the first writable of the folder beside the TSV and
// the cache folder.
func chooseImageDir(tsv string) (string, error) {
	name := strings.TrimSuffix(filepath.Base(tsv), filepath.Ext(tsv))
	beside := filepath.Join(filepath.Dir(tsv), "images", name)
	errBeside := prepareImageDir(beside, true)
	if errBeside == nil {
		return beside, nil
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("%s: decoded images cannot be written beside it (%v) and there is no user cache folder (%v); make %s writable or set XDG_CACHE_HOME", tsv, errBeside, err, filepath.Dir(beside))
	}
	sum := sha256.Sum256([]byte(tsv))
	fallback := filepath.Join(cache, "vlmharness", "images", hex.EncodeToString(sum[:]))
	if err := prepareImageDir(fallback, false); err != nil {
		return "", fmt.Errorf("%s: decoded images cannot be written beside it (%v) nor to %s (%v); make one of them writable", tsv, errBeside, fallback, err)
	}
	return fallback, nil
}

// prepareImageDir creates dir and checks that a file can be made in it. A
// folder it creates beside the data gets a .gitignore, since it holds only
// derived files (data folders inside a repository, test data among them,
// stay clean).
func prepareImageDir(dir string, ignore bool) error {
	_, statErr := os.Stat(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	probe, err := os.CreateTemp(dir, ".probe-*")
	if err != nil {
		return err
	}
	probe.Close()
	os.Remove(probe.Name())
	if ignore && errors.Is(statErr, os.ErrNotExist) {
		note := "# Images decoded from the TSV by vlmharness; safe to delete, rewritten on the next load.\n*\n"
		if err := writeFileAtomic(filepath.Join(dir, ".gitignore"), []byte(note)); err != nil {
			return err
		}
	}
	return nil
}

// Parts returns the image parts of row (columns index and image), writing
// the images to files when they are not there yet. The parts carry Path and
// MIME, never Data.
func (s *ImageSpill) Parts(row TSVRow) ([]sdk.Part, error) {
	index := strings.TrimSpace(row.Get("index"))
	if r, ok := s.rows[index]; ok && r.line == row.Line {
		return toParts(r.images), nil // written by the pre-scan
	}
	cell := strings.TrimSpace(row.Get("image"))
	if len(cell) > 0 && len(cell) <= maxRefCell && !strings.HasPrefix(cell, "[") {
		if parts, ok, err := s.reference(index, row.Line, cell); ok || err != nil {
			return parts, err
		}
		// Not an index seen so far: tiny inline data, or a row further down.
		data, decErr := base64.StdEncoding.DecodeString(cell)
		if decErr != nil || !strings.HasPrefix(http.DetectContentType(data), "image/") {
			s.prescan()
			if parts, ok, err := s.reference(index, row.Line, cell); ok || err != nil {
				return parts, err
			}
		}
		if decErr != nil {
			// Neither data nor a row's index: the error the data reading gives.
			return nil, fmt.Errorf("%s: line %d: field image (#1): not base64: %w", s.tsv, row.Line, decErr)
		}
	}
	return s.spill(index, row.Line, cell)
}

// reference resolves a cell naming another row's index. ok is false when no
// other row has that index.
func (s *ImageSpill) reference(index string, line int, cell string) ([]sdk.Part, bool, error) {
	target, ok := s.rows[cell]
	if !ok || target.line == line {
		return nil, false, nil
	}
	if target.ref {
		return nil, true, fmt.Errorf("%s: line %d: field image: refers to row %q (line %d), whose image is itself a reference; point it at the row holding the image data", s.tsv, line, cell, target.line)
	}
	if _, seen := s.rows[index]; !seen {
		s.rows[index] = &spilledRow{line: line, ref: true, images: target.images}
	}
	return toParts(target.images), true, nil
}

// prescan spills every row holding image data, once, so that a reference to
// a row further down resolves. Only files that use forward references pay
// for this second read. Rows it cannot read are left to the main scan, which
// reports them where the loader would.
func (s *ImageSpill) prescan() {
	if s.prescanned {
		return
	}
	s.prescanned = true
	_ = ScanTSV(s.tsv, []string{"index", "image"}, func(row TSVRow) error {
		index := strings.TrimSpace(row.Get("index"))
		cell := strings.TrimSpace(row.Get("image"))
		if _, seen := s.rows[index]; seen || len(cell) <= maxRefCell {
			return nil
		}
		if _, err := s.spill(index, row.Line, cell); err != nil {
			var werr *spillWriteError
			if errors.As(err, &werr) {
				return err // the folder is unusable: the main scan will say so
			}
		}
		return nil
	})
}

// spillWriteError marks a failure to write, as opposed to bad data.
type spillWriteError struct{ err error }

func (e *spillWriteError) Error() string { return e.err.Error() }
func (e *spillWriteError) Unwrap() error { return e.err }

// spill decodes a cell holding image data and writes each image to a file.
func (s *ImageSpill) spill(index string, line int, cell string) ([]sdk.Part, error) {
	images, err := decodeImageCell(s.tsv, line, cell)
	if err != nil {
		return nil, err
	}
	dir, err := s.Dir()
	if err != nil {
		return nil, &spillWriteError{fmt.Errorf("%s: line %d: field image: %w", s.tsv, line, err)}
	}
	_, dup := s.rows[index]
	base := fileBase(index)
	if dup {
		// Loaders refuse duplicate indexes, but never let two rows share a file.
		base += "--line" + strconv.Itoa(line)
	}
	out := make([]sdk.Image, len(images))
	for i, data := range images {
		mime := http.DetectContentType(data)
		stem := base
		if len(images) > 1 {
			stem += "--" + strconv.Itoa(i+1)
		}
		name := stem + extByMIME(mime)
		if s.names[name] {
			name = stem + "--line" + strconv.Itoa(line) + extByMIME(mime)
		}
		path := filepath.Join(dir, name)
		if err := writeIfChanged(path, data); err != nil {
			return nil, &spillWriteError{fmt.Errorf("%s: line %d: field image (#%d): %w; make %s writable or free disk space", s.tsv, line, i+1, err, dir)}
		}
		s.names[name] = true
		out[i] = sdk.Image{Path: path, MIME: mime}
	}
	if !dup {
		s.rows[index] = &spilledRow{line: line, images: out}
	}
	return toParts(out), nil
}

// toParts gives every caller its own parts, so that no item shares an
// *sdk.Image with another.
func toParts(images []sdk.Image) []sdk.Part {
	parts := make([]sdk.Part, len(images))
	for i := range images {
		img := images[i]
		parts[i] = sdk.Part{Image: &img}
	}
	return parts
}

// plainIndex is an index usable as a file name as it is.
var plainIndex = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$`)

// fileBase is the file name stem of a row's image: its index, or a hash of
// it when the index is not a safe file name. "--" never occurs in a plain
// stem, so the suffixes spill adds cannot collide with another row's index.
func fileBase(index string) string {
	if plainIndex.MatchString(index) && !strings.Contains(index, "--") {
		return index
	}
	sum := sha256.Sum256([]byte(index))
	return "row--" + hex.EncodeToString(sum[:8])
}

// extByMIME is the file extension of a sniffed image type.
func extByMIME(mime string) string {
	switch mime {
	case "image/png":
		return ".png"
	case "image/jpeg":
		return ".jpg"
	case "image/gif":
		return ".gif"
	case "image/webp":
		return ".webp"
	case "image/bmp":
		return ".bmp"
	case "image/x-icon":
		return ".ico"
	}
	return ".bin"
}

// writeIfChanged writes data to path unless the file already holds exactly
// these bytes (same size, same content), so a second load writes nothing.
func writeIfChanged(path string, data []byte) error {
	if st, err := os.Stat(path); err == nil && st.Mode().IsRegular() && st.Size() == int64(len(data)) {
		if same, err := sameContent(path, data); err == nil && same {
			return nil
		}
	}
	return writeFileAtomic(path, data)
}

// sameContent compares a file with data without reading the file whole.
func sameContent(path string, data []byte) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	buf := make([]byte, 64<<10)
	for off := 0; ; {
		n, err := f.Read(buf)
		if n > 0 {
			if off+n > len(data) || !bytes.Equal(buf[:n], data[off:off+n]) {
				return false, nil
			}
			off += n
		}
		if errors.Is(err, io.EOF) {
			return off == len(data), nil
		}
		if err != nil {
			return false, err
		}
	}
}

// writeFileAtomic writes through a temporary file in the same folder and
// renames it into place, so a reader (or a concurrent load of the same TSV)
// never sees a half-written image.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".spill-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, werr := f.Write(data)
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}
