package openai

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/image/bmp"

	"github.com/vlmlab/harness/plugins/sdk"
)

func TestScaledSize(t *testing.T) {
	tests := []struct{ w, h, max, ww, wh int }{
		{1000, 1000, 250000, 500, 500},
		{2000, 1000, 200000, 632, 316},
		{4000, 10, 1000, 632, 1},
		{10, 100000, 100, 1, 100},
		{3, 3, 1, 1, 1},
	}
	for _, tt := range tests {
		w, h := scaledSize(tt.w, tt.h, tt.max)
		if w != tt.ww || h != tt.wh {
			t.Errorf("scaledSize(%d, %d, %d) = %dx%d, want %dx%d", tt.w, tt.h, tt.max, w, h, tt.ww, tt.wh)
		}
		if w*h > tt.max && tt.max >= 1 {
			t.Errorf("%dx%d is over the budget %d", w, h, tt.max)
		}
	}
}

func TestFit(t *testing.T) {
	small := pngBytes(t, 20, 10)
	var jpg bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 90, 60))
	for i := range img.Pix {
		img.Pix[i] = uint8(i)
	}
	if err := jpeg.Encode(&jpg, img, nil); err != nil {
		t.Fatal(err)
	}

	t.Run("small image untouched", func(t *testing.T) {
		data, mime, err := fit(rawImage{data: small, name: "s"}, 200)
		if err != nil || !bytes.Equal(data, small) || mime != "image/png" {
			t.Errorf("got %d bytes %s %v, want the original PNG", len(data), mime, err)
		}
	})
	t.Run("no budget", func(t *testing.T) {
		data, _, err := fit(rawImage{data: jpg.Bytes(), name: "j"}, 0)
		if err != nil || !bytes.Equal(data, jpg.Bytes()) {
			t.Errorf("MaxPixels 0 changed the image (%v)", err)
		}
	})
	t.Run("large jpeg scaled to png", func(t *testing.T) {
		data, mime, err := fit(rawImage{data: jpg.Bytes(), name: "j"}, 600)
		if err != nil {
			t.Fatal(err)
		}
		cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil || format != "png" || mime != "image/png" || cfg.Width != 30 || cfg.Height != 20 {
			t.Errorf("got %s %dx%d (%v), want png 30x20", format, cfg.Width, cfg.Height, err)
		}
	})
	t.Run("scaled content is the image", func(t *testing.T) {
		// A uniform colour must stay that colour after scaling.
		u := image.NewRGBA(image.Rect(0, 0, 40, 40))
		for i := 0; i < len(u.Pix); i += 4 {
			u.Pix[i], u.Pix[i+1], u.Pix[i+2], u.Pix[i+3] = 200, 10, 30, 255
		}
		var buf bytes.Buffer
		if err := encodePNG(&buf, u); err != nil {
			t.Fatal(err)
		}
		data, _, err := fit(rawImage{data: buf.Bytes(), name: "u"}, 100)
		if err != nil {
			t.Fatal(err)
		}
		out, _, err := image.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if c := color.NRGBAModel.Convert(out.At(5, 5)).(color.NRGBA); c != (color.NRGBA{200, 10, 30, 255}) {
			t.Errorf("pixel %v, want {200 10 30 255}", c)
		}
	})
	t.Run("not an image refused", func(t *testing.T) {
		// TestLocalFilesDoNotLeak (issue 11 item 1): bytes that are no
		// image are never sent, whatever MIME type the name suggests.
		for _, img := range []rawImage{
			{data: []byte("password=hunter2\n"), name: "/data/../secret.txt"},
			{data: []byte("RIFF\x00\x00\x00\x00WEBPVP8 "), mime: "image/webp", name: "w.webp"},
			{data: []byte("<svg xmlns='http://www.w3.org/2000/svg'/>"), mime: "image/svg+xml", name: "x.svg"},
		} {
			if got, _, err := fit(img, 0); err == nil || got != nil || !strings.Contains(err.Error(), "not a") || !strings.Contains(err.Error(), img.name) {
				t.Errorf("%s: got %d bytes, err %v; want refused naming the file", img.name, len(got), err)
			}
		}
	})
	t.Run("webp and bmp decoded", func(t *testing.T) {
		webp, err := os.ReadFile(filepath.Join("testdata", "gopher.webp"))
		if err != nil {
			t.Fatal(err)
		}
		var bm bytes.Buffer
		if err := bmp.Encode(&bm, img); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			data []byte
			mime string
		}{{webp, "image/webp"}, {bm.Bytes(), "image/bmp"}} {
			got, mime, err := fit(rawImage{data: c.data, name: c.mime}, 0)
			if err != nil || !bytes.Equal(got, c.data) || mime != c.mime {
				t.Errorf("%s: got %s %v, want the bytes as they are", c.mime, mime, err)
			}
			scaled, mime, err := fit(rawImage{data: c.data, name: c.mime}, 100)
			if err != nil || mime != "image/png" {
				t.Errorf("%s scaled: got %s %v, want a PNG", c.mime, mime, err)
			} else if _, _, err := image.Decode(bytes.NewReader(scaled)); err != nil {
				t.Errorf("%s scaled: %v", c.mime, err)
			}
		}
	})
	t.Run("corrupt png", func(t *testing.T) {
		bad := append([]byte(nil), small[:40]...)
		_, _, err := fit(rawImage{data: bad, mime: "image/png", name: "/data/x.png"}, 10)
		if err == nil || !strings.Contains(err.Error(), "/data/x.png") {
			t.Errorf("err = %v, want an error naming the file", err)
		}
	})
	t.Run("decompression bomb refused", func(t *testing.T) {
		_, _, err := fit(rawImage{data: pngHeader(100000, 100000), name: "bomb.png"}, 10)
		if err == nil || !strings.Contains(err.Error(), "too large") {
			t.Errorf("err = %v, want too large", err)
		}
	})
}

// pngHeader is the signature and IHDR chunk of a w×h RGBA PNG with no data:
// enough for DecodeConfig, never decodable.
func pngHeader(w, h uint32) []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6
	chunk := append([]byte("IHDR"), ihdr...)
	out := []byte("\x89PNG\r\n\x1a\n")
	out = binary.BigEndian.AppendUint32(out, 13)
	out = append(out, chunk...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(chunk))
}

func TestReadImage(t *testing.T) {
	dir := t.TempDir()
	jpgPath := filepath.Join(dir, "a.JPG")
	if err := os.WriteFile(jpgPath, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := readImage(&sdk.Image{Path: jpgPath})
	if err != nil || r.mime != "image/jpeg" || r.name != jpgPath || len(r.hash) != 64 {
		t.Errorf("got %+v %v", r, err)
	}
	if _, err := readImage(&sdk.Image{Path: filepath.Join(dir, "none.png")}); err == nil || !strings.Contains(err.Error(), "none.png does not exist") {
		t.Errorf("missing: %v", err)
	}
	if _, err := readImage(&sdk.Image{}); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("empty: %v", err)
	}
	if _, err := readImage(&sdk.Image{Path: dir}); err == nil {
		t.Error("a directory: want an error")
	}
}
