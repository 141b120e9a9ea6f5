package tinyvlm

import (
	"bytes"
	"fmt"
	"image"
	_ "image/gif" // decoders the toy world and benchmark files use
	_ "image/jpeg"
	_ "image/png"
	"os"

	_ "golang.org/x/image/webp"
)

// Patches turns an encoded image (PNG, JPEG, GIF or WebP) into the
// encoder's input: the image is resized to ImageSize×ImageSize by area
// averaging, turned into ink (1 - v for a channel value v in [0, 1], so a
// white background is 0 and black is 1), and cut into PatchSize×PatchSize
// patches in row-major order, each flattened as (row, column, RGB). The
// result has Patches()·PatchDim() values. nil data gives a blank (white)
// image: all zeros.
//
// Ink rather than brightness because the toy world's (and most diagrams')
// images are marks on white: a zero background leaves the patch embedding
// only the marks to fit. A counting probe learned clearly faster with it
// (README "Learning check").
func (c Config) ImagePatches(data []byte) ([]float32, error) {
	if data == nil {
		return make([]float32, c.Patches()*c.PatchDim()), nil
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("image does not decode (%d bytes; want PNG, JPEG, GIF or WebP): %v", len(data), err)
	}
	return c.ImagePatchesOf(img)
}

// ImagePatchesOf is ImagePatches of a decoded image.
func (c Config) ImagePatchesOf(img image.Image) ([]float32, error) {
	out := make([]float32, c.Patches()*c.PatchDim())
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= 0 || h <= 0 {
		return nil, fmt.Errorf("image has no pixels (%dx%d)", w, h)
	}
	n := c.ImageSize
	// Area averaging: each target pixel averages the source pixels whose
	// centres fall inside it (at least the nearest one).
	pix := make([]float32, n*n*3)
	for ty := range n {
		y0, y1 := ty*h/n, max((ty+1)*h/n, ty*h/n+1)
		for tx := range n {
			x0, x1 := tx*w/n, max((tx+1)*w/n, tx*w/n+1)
			var r, g, bl, cnt float64
			for y := y0; y < y1; y++ {
				for x := x0; x < x1; x++ {
					cr, cg, cb, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
					r, g, bl = r+float64(cr), g+float64(cg), bl+float64(cb)
					cnt++
				}
			}
			i := (ty*n + tx) * 3
			pix[i] = float32(1 - r/cnt/65535)
			pix[i+1] = float32(1 - g/cnt/65535)
			pix[i+2] = float32(1 - bl/cnt/65535)
		}
	}
	ps, side := c.PatchSize, n/c.PatchSize
	k := 0
	for py := range side {
		for px := range side {
			for y := range ps {
				for x := range ps {
					src := ((py*ps+y)*n + px*ps + x) * 3
					copy(out[k:k+3], pix[src:src+3])
					k += 3
				}
			}
		}
	}
	return out, nil
}

// ReadImagePatches reads an image file and returns its patches.
func (c Config) ReadImagePatches(path string) ([]float32, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read image: %w", err)
	}
	p, err := c.ImagePatches(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}
