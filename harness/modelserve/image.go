package modelserve

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	_ "image/gif" // decoders: a data URL's image must decode before the model sees it
	_ "image/jpeg"
	_ "image/png"
	"strings"

	_ "golang.org/x/image/webp"

	"github.com/vlmlab/harness/plugins/sdk"
)

// decodeImage reads a base64 data URL (data:image/png;base64,...) and checks
// that it holds an image that decodes, of at most maxPixels pixels. The
// server never fetches a URL: a remote image is refused.
func decodeImage(param, url string, maxPixels int) (*sdk.Image, *apiError) {
	rest, ok := strings.CutPrefix(url, "data:")
	if !ok {
		if strings.HasPrefix(url, "http://") || strings.HasPrefix(url, "https://") {
			return nil, badRequest(param, "image URLs are not fetched by this server: send the image inline as a base64 data URL (data:image/png;base64,...)")
		}
		return nil, badRequest(param, "image_url.url must be a base64 data URL (data:image/png;base64,...)")
	}
	meta, payload, ok := strings.Cut(rest, ",")
	if !ok {
		return nil, badRequest(param, "data URL has no ',' before its data")
	}
	mediaType, isBase64 := strings.CutSuffix(meta, ";base64")
	if !isBase64 {
		return nil, badRequest(param, "data URL must be base64-encoded (data:%s;base64,...)", mediaType)
	}
	if mediaType != "" && !strings.HasPrefix(mediaType, "image/") {
		return nil, badRequest(param, "data URL has media type %q; want an image (png, jpeg, gif or webp)", mediaType)
	}
	data, err := base64.StdEncoding.DecodeString(payload)
	if err != nil {
		// Some clients drop the padding.
		var err2 error
		if data, err2 = base64.RawStdEncoding.DecodeString(payload); err2 != nil {
			return nil, badRequest(param, "data URL is not valid base64: %v", err)
		}
	}
	if len(data) == 0 {
		return nil, badRequest(param, "data URL holds no image")
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, withCode(badRequest(param, "image does not decode (%v); send a PNG, JPEG, GIF or WebP", err), "invalid_image")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxPixels {
		return nil, withCode(badRequest(param, "image is %dx%d pixels; this server takes at most %d pixels", cfg.Width, cfg.Height, maxPixels), "invalid_image")
	}
	// The header can be fine and the rest truncated or corrupt: decode it all.
	if _, _, err := image.Decode(bytes.NewReader(data)); err != nil {
		return nil, withCode(badRequest(param, "image does not decode (%s: %v)", format, err), "invalid_image")
	}
	return &sdk.Image{Data: data, MIME: "image/" + format}, nil
}

// describeParam names a message part for error messages: messages[1].content[0].
func describeParam(msg, part int) string {
	if part < 0 {
		return fmt.Sprintf("messages[%d].content", msg)
	}
	return fmt.Sprintf("messages[%d].content[%d]", msg, part)
}
