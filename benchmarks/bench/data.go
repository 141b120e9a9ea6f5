package bench

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/vlmlab/harness/plugins/sdk"
)

// HashFiles returns "sha256:<hex>" over the named files' contents, in order.
func HashFiles(paths ...string) (string, error) {
	h := sha256.New()
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return "", fmt.Errorf("hash %s: %w", p, err)
		}
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return "", fmt.Errorf("hash %s: %w", p, err)
		}
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

// HashBytes returns "sha256:<hex>" of b.
func HashBytes(b []byte) string {
	s := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(s[:])
}

// CheckCount refuses a data file whose item count is not the benchmark's,
// unless partial files are allowed. It returns whether the data is partial.
func CheckCount(benchmark, path string, got, want int, allowPartial bool) (partial bool, err error) {
	if got == want {
		return false, nil
	}
	if got == 0 {
		return false, fmt.Errorf("%s: %s has no items", path, benchmark)
	}
	if !allowPartial {
		return false, fmt.Errorf("%s: %s has %d items, the benchmark has %d; pass --allow-partial to score a subset (the report will say partial)", path, benchmark, got, want)
	}
	return true, nil
}

// IndexResponses maps responses by item id, refusing responses for items the
// dataset does not have and duplicate responses for one item.
func IndexResponses(items []sdk.Item, responses []sdk.Response) (map[string]sdk.Response, error) {
	known := make(map[string]bool, len(items))
	for _, it := range items {
		known[it.ID] = true
	}
	m := make(map[string]sdk.Response, len(responses))
	var unknown []string
	for _, r := range responses {
		if !known[r.ItemID] {
			unknown = append(unknown, r.ItemID)
			continue
		}
		if _, dup := m[r.ItemID]; dup {
			return nil, fmt.Errorf("two responses for item %q", r.ItemID)
		}
		m[r.ItemID] = r
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		if len(unknown) > 5 {
			unknown = append(unknown[:5], fmt.Sprintf("and %d more", len(unknown)-5))
		}
		return nil, fmt.Errorf("responses for items not in the data file: %v", unknown)
	}
	return m, nil
}

// ImageFile returns an image part for the file rel names inside dir, the
// folder of the data file that named it. A data file is input from anyone,
// and its image is read and uploaded to the model server, so rel must stay
// inside dir: an absolute path, a ".." step out of dir, or a symbolic link
// that resolves outside dir is refused with an error saying why (callers add
// the file, line, item and field). A file that does not exist yet passes:
// its absence is reported where the image is read.
func ImageFile(dir, rel string) (sdk.Part, error) {
	p, err := InsideDir(dir, rel)
	if err != nil {
		return sdk.Part{}, err
	}
	return sdk.Part{Image: &sdk.Image{Path: p, MIME: MIMEByExt(p)}}, nil
}

// InsideDir joins dir and rel, refusing a rel that leaves dir (see
// ImageFile). The result is dir joined with the cleaned rel.
func InsideDir(dir, rel string) (string, error) {
	switch {
	case rel == "":
		return "", fmt.Errorf("the image path is empty")
	case filepath.IsAbs(rel) || strings.HasPrefix(rel, "/") || strings.HasPrefix(rel, `\`) || filepath.VolumeName(rel) != "":
		return "", fmt.Errorf("image path %q is absolute; image paths are relative to the data folder %s and must stay inside it", rel, dir)
	case !filepath.IsLocal(rel):
		return "", fmt.Errorf("image path %q leaves the data folder %s; image paths must stay inside it", rel, dir)
	}
	p := filepath.Join(dir, rel)
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		// Missing (or unreadable): nothing to follow; the reader reports it.
		return p, nil
	}
	root, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return "", fmt.Errorf("data folder %s: %w", dir, err)
	}
	if r, err := filepath.Rel(root, real); err != nil || !filepath.IsLocal(r) {
		return "", fmt.Errorf("image path %q is a symbolic link to %s, outside the data folder %s; copy the image into the folder instead", rel, real, dir)
	}
	return p, nil
}

// MIMEByExt guesses an image MIME type from a file name.
func MIMEByExt(name string) string {
	switch filepath.Ext(name) {
	case ".png", ".PNG":
		return "image/png"
	case ".jpg", ".jpeg", ".JPG", ".JPEG":
		return "image/jpeg"
	case ".gif":
		return "image/gif"
	case ".webp":
		return "image/webp"
	}
	return ""
}
