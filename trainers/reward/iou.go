package reward

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/vlmlab/harness/benchmarks/answer"
)

// Box is an axis-aligned box [X1, Y1, X2, Y2] with (X1, Y1) the top-left and
// (X2, Y2) the bottom-right corner.
type Box struct{ X1, Y1, X2, Y2 float64 }

// Valid reports whether the box has finite corners and a positive width and
// height. A degenerate box (a line, a point, or corners swapped) is not valid.
func (b Box) Valid() bool {
	for _, v := range [4]float64{b.X1, b.Y1, b.X2, b.Y2} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return b.X2 > b.X1 && b.Y2 > b.Y1
}

// Normalised reports whether every coordinate lies in [0, 1]. Such a box is
// taken to be in normalised coordinates, any other in pixels. A pixel box
// within [0, 1] (a box in the top-left pixel) is therefore read as normalised:
// no real grounding target is that small.
func (b Box) Normalised() bool {
	for _, v := range [4]float64{b.X1, b.Y1, b.X2, b.Y2} {
		if v < 0 || v > 1 {
			return false
		}
	}
	return true
}

func (b Box) String() string {
	return fmt.Sprintf("[%g, %g, %g, %g]", b.X1, b.Y1, b.X2, b.Y2)
}

// IoUOf returns the intersection over union of two valid boxes, in [0, 1]; 0
// when either box is not valid.
func IoUOf(a, b Box) float64 {
	if !a.Valid() || !b.Valid() {
		return 0
	}
	// IoU does not change with scale; scaling to unit size keeps the areas of
	// huge boxes (1e300) from overflowing to +Inf.
	if m := maxAbs(a, b); m > 0 && m != 1 {
		a, b = a.scaled(1/m), b.scaled(1/m)
	}
	w := math.Min(a.X2, b.X2) - math.Max(a.X1, b.X1)
	h := math.Min(a.Y2, b.Y2) - math.Max(a.Y1, b.Y1)
	if w <= 0 || h <= 0 {
		return 0
	}
	inter := w * h
	union := (a.X2-a.X1)*(a.Y2-a.Y1) + (b.X2-b.X1)*(b.Y2-b.Y1) - inter
	iou := inter / union
	// Rounding can push a perfect match a hair past 1.
	if math.IsNaN(iou) || iou < 0 {
		return 0
	}
	return math.Min(iou, 1)
}

func (b Box) scaled(f float64) Box { return Box{b.X1 * f, b.Y1 * f, b.X2 * f, b.Y2 * f} }

func maxAbs(boxes ...Box) float64 {
	m := 0.0
	for _, b := range boxes {
		for _, v := range [4]float64{b.X1, b.Y1, b.X2, b.Y2} {
			m = math.Max(m, math.Abs(v))
		}
	}
	return m
}

// ParseBox reads a box from text: the first bracketed group ([…] or (…)) of
// exactly four numbers, or else the only four numbers in the text. Numbers may
// use a Unicode minus, full-width digits and exponents; digits glued to a
// letter (the 1 in "x1") are not numbers. It fails when no such group exists.
func ParseBox(text string) (Box, error) {
	text = answer.Normalize(text)
	if nums, ok := firstBracketedQuad(text); ok {
		return Box{nums[0], nums[1], nums[2], nums[3]}, nil
	}
	nums := scanNumbers(text)
	if len(nums) == 4 {
		return Box{nums[0], nums[1], nums[2], nums[3]}, nil
	}
	return Box{}, fmt.Errorf("no box of four numbers [x1, y1, x2, y2] in %s", clip(text))
}

// firstBracketedQuad finds the first innermost […] or (…) group holding
// exactly four numbers.
func firstBracketedQuad(text string) ([]float64, bool) {
	for i := 0; i < len(text); i++ {
		if text[i] != '[' && text[i] != '(' {
			continue
		}
		closer := byte(']')
		if text[i] == '(' {
			closer = ')'
		}
		end := strings.IndexAny(text[i+1:], "[]()")
		if end < 0 {
			return nil, false
		}
		if text[i+1+end] != closer {
			continue // nested or mismatched: try the next opener
		}
		if nums := scanNumbers(text[i+1 : i+1+end]); len(nums) == 4 {
			return nums, true
		}
	}
	return nil, false
}

// scanNumbers returns the decimal numbers in text, in order.
func scanNumbers(text string) []float64 {
	var nums []float64
	for i := 0; i < len(text); {
		start, ok := numberStart(text, i)
		if !ok {
			i++
			continue
		}
		end := numberEnd(text, start)
		lit := text[start:end]
		if lit[0] == '+' {
			lit = lit[1:]
		}
		v, err := strconv.ParseFloat(lit, 64)
		if err != nil && !isRangeErr(err) {
			i = end
			continue
		}
		nums = append(nums, v) // a range error yields ±Inf, later refused by Valid
		i = end
	}
	return nums
}

// numberStart reports whether a number starts at i (optionally with a sign),
// and not in the middle of a word such as "x1" or another number.
func numberStart(text string, i int) (int, bool) {
	if i > 0 && (isLetter(text[i-1]) || isDigit(text[i-1]) || text[i-1] == '.' || text[i-1] == '_') {
		return 0, false
	}
	j := i
	if text[j] == '-' || text[j] == '+' {
		j++
	}
	if j < len(text) && isDigit(text[j]) {
		return i, true
	}
	if j+1 < len(text) && text[j] == '.' && isDigit(text[j+1]) {
		return i, true
	}
	return 0, false
}

func numberEnd(text string, i int) int {
	if text[i] == '-' || text[i] == '+' {
		i++
	}
	for i < len(text) && isDigit(text[i]) {
		i++
	}
	if i < len(text) && text[i] == '.' {
		i++
		for i < len(text) && isDigit(text[i]) {
			i++
		}
	}
	if i < len(text) && (text[i] == 'e' || text[i] == 'E') {
		j := i + 1
		if j < len(text) && (text[j] == '-' || text[j] == '+') {
			j++
		}
		if j < len(text) && isDigit(text[j]) {
			for j < len(text) && isDigit(text[j]) {
				j++
			}
			i = j
		}
	}
	return i
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// scoreIoU rewards a predicted box by its IoU with the label's box.
//
// Mixed coordinate spaces: when one box is normalised and the other is in
// pixels, the pixel box is divided by the image size if the sample carries it;
// without an image size the pair cannot be compared and the reward is 0 (the
// prompt asked for one space, and the model answered in the other).
func scoreIoU(s Sample, answer string) (float64, string, error) {
	want, err := iouLabel(s.Label)
	if err != nil {
		return 0, "", err
	}
	got, err := ParseBox(answer)
	if err != nil {
		return 0, "no box in answer", nil
	}
	if !got.Valid() {
		return 0, "degenerate box " + got.String(), nil
	}
	if got.Normalised() != want.Normalised() {
		if s.ImageWidth <= 0 || s.ImageHeight <= 0 {
			return 0, "box coordinate spaces differ (normalised vs pixel) and the image size is unknown", nil
		}
		w, h := float64(s.ImageWidth), float64(s.ImageHeight)
		if got.Normalised() {
			want = Box{want.X1 / w, want.Y1 / h, want.X2 / w, want.Y2 / h}
		} else {
			got = Box{got.X1 / w, got.Y1 / h, got.X2 / w, got.Y2 / h}
		}
	}
	iou := IoUOf(got, want)
	return iou, fmt.Sprintf("iou %.4f", iou), nil
}

func iouLabel(label string) (Box, error) {
	b, err := ParseBox(label)
	if err != nil {
		return Box{}, fmt.Errorf("label: %w", err)
	}
	if !b.Valid() {
		return Box{}, fmt.Errorf("label box %s is degenerate: want x2 > x1 and y2 > y1, finite", b)
	}
	return b, nil
}
