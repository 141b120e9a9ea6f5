package openai

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // decoders for image.DecodeConfig/Decode
	_ "image/jpeg"
	"image/png"
	"math"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	_ "golang.org/x/image/bmp" // the two formats servers take that the stdlib cannot decode
	"golang.org/x/image/draw"
	_ "golang.org/x/image/webp"

	"github.com/vlmlab/harness/plugins/sdk"
)

// maxDecodePixels refuses images whose header claims more pixels than this,
// so a hostile or broken file cannot make the host allocate gigabytes.
const maxDecodePixels = 1 << 28

// rawImage is an image as read, before any scaling.
type rawImage struct {
	data []byte
	mime string
	hash string // sha256 of data: the image's part of a cache key
	name string // path or "inline image" for messages
}

// readImage returns the bytes of img, from disk when it has a Path.
func readImage(img *sdk.Image) (rawImage, error) {
	r := rawImage{data: img.Data, mime: img.MIME, name: "inline image"}
	if img.Path != "" {
		data, err := os.ReadFile(img.Path)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return r, fmt.Errorf("image %s does not exist", img.Path)
			}
			return r, fmt.Errorf("read image: %w", err)
		}
		r.data, r.name = data, img.Path
		if r.mime == "" {
			r.mime = mime.TypeByExtension(strings.ToLower(filepath.Ext(img.Path)))
		}
	}
	if len(r.data) == 0 {
		return r, fmt.Errorf("%s is empty", r.name)
	}
	sum := sha256.Sum256(r.data)
	r.hash = hex.EncodeToString(sum[:])
	return r, nil
}

// fit returns the image as it should be sent: untouched when within
// maxPixels (or maxPixels is 0), else scaled down to fit, keeping the aspect
// ratio, and re-encoded as PNG. Only a PNG, JPEG, GIF, WebP or BMP image
// whose header decodes is ever sent: any other bytes (a text file a data
// file named, a truncated download) are refused here, so they never reach
// the server as an "image".
func fit(img rawImage, maxPixels int) (data []byte, mimeType string, err error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(img.data))
	if errors.Is(err, image.ErrFormat) {
		return nil, "", fmt.Errorf("%s is not an image (%s); only PNG, JPEG, GIF, WebP and BMP images are sent", img.name, describeBytes(img.data))
	}
	if err != nil {
		return nil, "", fmt.Errorf("%s: not a readable %s: %w", img.name, img.mime, err)
	}
	mimeType = "image/" + format
	pixels := int64(cfg.Width) * int64(cfg.Height)
	if maxPixels <= 0 || pixels <= int64(maxPixels) {
		return img.data, mimeType, nil
	}
	if pixels > maxDecodePixels {
		return nil, "", fmt.Errorf("%s: %dx%d is too large to decode (more than %d pixels)", img.name, cfg.Width, cfg.Height, maxDecodePixels)
	}
	src, _, err := image.Decode(bytes.NewReader(img.data))
	if err != nil {
		return nil, "", fmt.Errorf("%s: decode %s: %w", img.name, format, err)
	}
	w, h := scaledSize(cfg.Width, cfg.Height, maxPixels)
	// *image.RGBA is the destination x/image/draw has fast paths for; any
	// other type goes pixel by pixel through interfaces, ten times slower.
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	// Catmull-Rom keeps small text and thin chart lines legible, which
	// matters more here than the few milliseconds a cheaper filter saves.
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Src, nil)
	var buf bytes.Buffer
	// BestSpeed: a third of the default level's time for a slightly larger
	// body, which the server decodes once.
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, dst); err != nil {
		return nil, "", fmt.Errorf("%s: encode scaled image: %w", img.name, err)
	}
	return buf.Bytes(), "image/png", nil
}

// scaledSize is the largest size with the aspect ratio of w×h and at most
// maxPixels pixels (at least 1×1).
func scaledSize(w, h, maxPixels int) (int, int) {
	scale := math.Sqrt(float64(maxPixels) / (float64(w) * float64(h)))
	nw := max(1, int(math.Floor(float64(w)*scale)))
	nh := max(1, int(math.Floor(float64(h)*scale)))
	// Floating point can land one pixel over; step down until within budget.
	for nw*nh > maxPixels && (nw > 1 || nh > 1) {
		if nw >= nh {
			nw--
		} else {
			nh--
		}
	}
	return nw, nh
}

// describeBytes says what data looks like, for the message refusing it.
func describeBytes(data []byte) string {
	m := http.DetectContentType(data)
	if i := strings.IndexByte(m, ';'); i >= 0 {
		m = m[:i]
	}
	return fmt.Sprintf("%d bytes of %s", len(data), m)
}

func dataURL(data []byte, mimeType string) string {
	return "data:" + mimeType + ";base64," + base64.StdEncoding.EncodeToString(data)
}
