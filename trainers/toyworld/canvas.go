package toyworld

import (
	"image"
	"image/color"
	"strings"

	"golang.org/x/image/font/basicfont"
)

// Palette indices. Scenes draw with a fixed palette into indexed images,
// which encode as small PNGs.
const (
	white uint8 = iota
	black
	gray
	lightGray
	red
	blue
	green
	yellow
	purple
	orange
)

// palette is shared read-only by every canvas. It is padded past 16
// entries: image/png copies whole rows of an 8-bit paletted image but looks
// up every pixel of a 4-bit one, which made encoding twice as slow.
var palette = padPalette(color.Palette{
	white:     color.RGBA{255, 255, 255, 255},
	black:     color.RGBA{0, 0, 0, 255},
	gray:      color.RGBA{110, 110, 110, 255},
	lightGray: color.RGBA{215, 215, 215, 255},
	red:       color.RGBA{220, 40, 40, 255},
	blue:      color.RGBA{40, 80, 220, 255},
	green:     color.RGBA{30, 160, 60, 255},
	yellow:    color.RGBA{230, 180, 0, 255},
	purple:    color.RGBA{140, 60, 180, 255},
	orange:    color.RGBA{245, 120, 20, 255},
})

func padPalette(p color.Palette) color.Palette {
	for len(p) <= 16 {
		p = append(p, color.RGBA{255, 255, 255, 255})
	}
	return p
}

// Colour is a named object colour of the toy world.
type Colour struct {
	Name  string
	index uint8
}

// Colours are the object colours questions may name.
var Colours = []Colour{
	{"red", red}, {"blue", blue}, {"green", green},
	{"yellow", yellow}, {"purple", purple}, {"orange", orange},
}

// RGBA returns the colour as drawn.
func (c Colour) RGBA() color.RGBA { return palette[c.index].(color.RGBA) }

// canvas draws into a paletted image with direct pixel access.
type canvas struct {
	img *image.Paletted
}

func newCanvas(w, h int) *canvas {
	return &canvas{img: image.NewPaletted(image.Rect(0, 0, w, h), palette)}
}

func (c *canvas) set(x, y int, ci uint8) {
	if x < 0 || y < 0 || x >= c.img.Rect.Max.X || y >= c.img.Rect.Max.Y {
		return
	}
	c.img.Pix[y*c.img.Stride+x] = ci
}

func (c *canvas) fillRect(r image.Rectangle, ci uint8) {
	r = r.Intersect(c.img.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := c.img.Pix[y*c.img.Stride+r.Min.X : y*c.img.Stride+r.Max.X]
		for i := range row {
			row[i] = ci
		}
	}
}

func (c *canvas) strokeRect(r image.Rectangle, ci uint8, width int) {
	c.fillRect(image.Rect(r.Min.X, r.Min.Y, r.Max.X, r.Min.Y+width), ci)
	c.fillRect(image.Rect(r.Min.X, r.Max.Y-width, r.Max.X, r.Max.Y), ci)
	c.fillRect(image.Rect(r.Min.X, r.Min.Y, r.Min.X+width, r.Max.Y), ci)
	c.fillRect(image.Rect(r.Max.X-width, r.Min.Y, r.Max.X, r.Max.Y), ci)
}

// fillCircle fills the pixels whose centres lie within radius r of (cx, cy).
func (c *canvas) fillCircle(cx, cy, r int, ci uint8) {
	for dy := -r; dy <= r; dy++ {
		for dx := -r; dx <= r; dx++ {
			if dx*dx+dy*dy <= r*r {
				c.set(cx+dx, cy+dy, ci)
			}
		}
	}
}

// fillTriangle fills a triangle with the edge-function test over its bounding box.
func (c *canvas) fillTriangle(p0, p1, p2 image.Point, ci uint8) {
	minX, maxX := min(p0.X, p1.X, p2.X), max(p0.X, p1.X, p2.X)
	minY, maxY := min(p0.Y, p1.Y, p2.Y), max(p0.Y, p1.Y, p2.Y)
	edge := func(a, b image.Point, x, y int) int {
		return (b.X-a.X)*(y-a.Y) - (b.Y-a.Y)*(x-a.X)
	}
	for y := minY; y <= maxY; y++ {
		for x := minX; x <= maxX; x++ {
			w0, w1, w2 := edge(p1, p2, x, y), edge(p2, p0, x, y), edge(p0, p1, x, y)
			if (w0 >= 0 && w1 >= 0 && w2 >= 0) || (w0 <= 0 && w1 <= 0 && w2 <= 0) {
				c.set(x, y, ci)
			}
		}
	}
}

// line draws a segment with square pens of the given width (Bresenham).
func (c *canvas) line(p0, p1 image.Point, ci uint8, width int) {
	dx, dy := abs(p1.X-p0.X), -abs(p1.Y-p0.Y)
	sx, sy := 1, 1
	if p0.X > p1.X {
		sx = -1
	}
	if p0.Y > p1.Y {
		sy = -1
	}
	e := dx + dy
	x, y := p0.X, p0.Y
	lo, hi := -(width-1)/2, width/2
	for {
		for oy := lo; oy <= hi; oy++ {
			for ox := lo; ox <= hi; ox++ {
				c.set(x+ox, y+oy, ci)
			}
		}
		if x == p1.X && y == p1.Y {
			return
		}
		e2 := 2 * e
		if e2 >= dy {
			e += dy
			x += sx
		}
		if e2 <= dx {
			e += dx
			y += sy
		}
	}
}

// Text uses the built-in 7x13 bitmap font. It covers printable ASCII only, so
// the degree sign is drawn by hand as a small ring.
const (
	glyphAdvance = 7
	lineHeight   = 13
)

// textWidth is the width in pixels of s in the bitmap font.
func textWidth(s string) int { return len([]rune(s)) * glyphAdvance }

// text draws s with its top-left corner at (x, y).
func (c *canvas) text(x, y int, s string, ci uint8) {
	face := basicfont.Face7x13
	mask := face.Mask.(*image.Alpha)
	glyphH := face.Ascent + face.Descent
	for _, r := range s {
		if r == '°' {
			c.degree(x, y+1, ci)
			x += glyphAdvance
			continue
		}
		if r < 0x20 || r >= 0x7f {
			r = '?'
		}
		top := int(r-0x20) * glyphH
		for gy := 0; gy < glyphH; gy++ {
			row := mask.Pix[(top+gy)*mask.Stride:]
			for gx := 0; gx < face.Width; gx++ {
				if row[gx] >= 0x80 {
					c.set(x+gx, y+gy, ci)
				}
			}
		}
		x += glyphAdvance
	}
}

func (c *canvas) degree(x, y int, ci uint8) {
	for _, p := range [...]image.Point{{2, 1}, {3, 1}, {1, 2}, {4, 2}, {1, 3}, {4, 3}, {2, 4}, {3, 4}} {
		c.set(x+p.X, y+p.Y, ci)
	}
}

// wrap breaks s into lines of at most width pixels, at spaces and newlines.
func wrap(s string, width int) []string {
	maxChars := max(1, width/glyphAdvance)
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
			for len(word) > maxChars { // a word longer than the line is split
				if line != "" {
					lines = append(lines, line)
					line = ""
				}
				lines = append(lines, word[:maxChars])
				word = word[maxChars:]
			}
			switch {
			case line == "":
				line = word
			case len([]rune(line))+1+len([]rune(word)) <= maxChars:
				line += " " + word
			default:
				lines = append(lines, line)
				line = word
			}
		}
		lines = append(lines, line)
	}
	return lines
}

// withCaption returns a copy of img with text printed below it on a white
// band, for benchmarks (MathVerse Vision Only) whose question is in the image.
func withCaption(img *image.Paletted, caption string) *image.Paletted {
	w := img.Rect.Dx()
	lines := wrap(caption, w-8)
	h := img.Rect.Dy() + len(lines)*lineHeight + 8
	c := newCanvas(w, h)
	for y := 0; y < img.Rect.Dy(); y++ {
		copy(c.img.Pix[y*c.img.Stride:y*c.img.Stride+w], img.Pix[y*img.Stride:y*img.Stride+w])
	}
	c.fillRect(image.Rect(0, img.Rect.Dy(), w, img.Rect.Dy()+1), lightGray)
	for i, l := range lines {
		c.text(4, img.Rect.Dy()+4+i*lineHeight, l, black)
	}
	return c.img
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
