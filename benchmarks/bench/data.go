package bench

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

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

// ImageFile returns an image part for a file relative to dir.
func ImageFile(dir, rel string) sdk.Part {
	p := rel
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, rel)
	}
	return sdk.Part{Image: &sdk.Image{Path: p, MIME: MIMEByExt(p)}}
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
