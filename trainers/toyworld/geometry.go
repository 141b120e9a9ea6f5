package toyworld

import (
	"fmt"
	"image"
	"math"
	"math/rand/v2"
)

// Triangle is a drawn triangle: its angles in degrees (A, B, C) for a
// general triangle, or its legs (right angle at C) for a right triangle.
type Triangle struct {
	Right      bool
	A, B, C    int // general triangle: angles at the vertices, degrees
	LegA, LegB int // right triangle: horizontal and vertical legs, cm
	Vertices   [3]image.Point
}

// RectFig is a drawn rectangle with labelled width and height (cm).
type RectFig struct {
	W, H int
	Box  image.Rectangle
}

// newTriangleScene draws triangle ABC from its angles, with the angles at A
// and B printed and C marked "?".
func newTriangleScene(rng *rand.Rand) *Scene {
	const size = 128
	var a, b int
	for {
		a, b = 5*intRange(rng, 6, 20), 5*intRange(rng, 6, 20) // 30°-100°
		if c := 180 - a - b; c >= 25 && a != b {
			break
		}
	}
	t := &Triangle{A: a, B: b, C: 180 - a - b}
	// Place A=(0,0), B=(1,0) and C from the law of sines, y up; then fit.
	ra, rb, rc := rad(a), rad(b), rad(t.C)
	ac := math.Sin(rb) / math.Sin(rc)
	cx, cy := ac*math.Cos(ra), ac*math.Sin(ra)
	minX, maxX := math.Min(0, cx), math.Max(1, cx)
	scale := math.Min(96/(maxX-minX), 84/cy)
	off := (float64(size) - scale*(maxX-minX)) / 2
	px := func(x, y float64) image.Point {
		return image.Pt(int(math.Round(off+(x-minX)*scale)), int(math.Round(112-y*scale)))
	}
	t.Vertices = [3]image.Point{px(0, 0), px(1, 0), px(cx, cy)}
	c := newCanvas(size, size)
	drawPolygon(c, t.Vertices[:])
	va, vb, vc := t.Vertices[0], t.Vertices[1], t.Vertices[2]
	c.text(va.X-9, va.Y-4, "A", black)
	c.text(vb.X+3, vb.Y-4, "B", black)
	c.text(vc.X-3, vc.Y-15, "C", black)
	centroid := image.Pt((va.X+vb.X+vc.X)/3, (va.Y+vb.Y+vc.Y)/3)
	labelToward(c, va, centroid, itoa(a)+"°", blue)
	labelToward(c, vb, centroid, itoa(b)+"°", blue)
	labelToward(c, vc, centroid, "?", red)
	s := &Scene{Kind: KindTriangle, Image: c.img, Triangle: t}
	s.Questions = triangleQuestions(t)
	return s
}

func rad(deg int) float64 { return float64(deg) * math.Pi / 180 }

func drawPolygon(c *canvas, pts []image.Point) {
	for i := range pts {
		c.line(pts[i], pts[(i+1)%len(pts)], black, 2)
	}
}

// labelToward prints s inside the figure, a little way from vertex v toward p.
func labelToward(c *canvas, v, p image.Point, s string, ci uint8) {
	dx, dy := float64(p.X-v.X), float64(p.Y-v.Y)
	d := math.Hypot(dx, dy)
	if d == 0 {
		d = 1
	}
	step := math.Min(24, d*0.7)
	x := float64(v.X) + dx/d*step
	y := float64(v.Y) + dy/d*step
	c.text(int(x)-textWidth(s)/2, int(y)-lineHeight/2, s, ci)
}

func triangleQuestions(t *Triangle) []Question {
	given := fmt.Sprintf("The figure marks angle A = %d° and angle B = %d°.", t.A, t.B)
	solve := fmt.Sprintf("The angles of a triangle add up to 180°, so angle C = 180° - %d° - %d° = %d°.", t.A, t.B, t.C)
	// Angles are multiples of 5, so wrong options step by 5 too.
	var angleOpts []string
	for d := 5; len(angleOpts) < 8 && d < 180; d += 5 {
		for _, v := range []int{t.C + d, t.C - d} {
			if v > 0 && v < 180 && v != t.A && v != t.B && len(angleOpts) < 8 {
				angleOpts = append(angleOpts, itoa(v)+"°")
			}
		}
	}
	largest := max(t.A, t.B, t.C)
	kind := "acute"
	switch {
	case largest == 90:
		kind = "right"
	case largest > 90:
		kind = "obtuse"
	}
	why := fmt.Sprintf("The largest angle is %d°, so the triangle is %s.", largest, kind)
	return []Question{
		{
			Template: "triangle_angle", Verifier: VerifierMath, Topic: "angle",
			Text:   "Two angles of triangle ABC are marked in the figure. What is the measure of angle C in degrees?",
			Answer: itoa(t.C), Numeric: true, Value: float64(t.C), Unit: "°",
			Distractors: nearInts(t.C, 1, 179),
			Steps:       []string{given, solve},
		},
		{
			Template: "triangle_angle_choice", Verifier: VerifierMCQ, Topic: "angle",
			Text:   "Two angles of triangle ABC are marked in the figure. What is the measure of angle C?",
			Answer: itoa(t.C) + "°", Numeric: true, Value: float64(t.C),
			Distractors: angleOpts,
			Steps:       []string{given, solve},
		},
		{
			Template: "triangle_type", Verifier: VerifierMCQ, Topic: "angle",
			Text:        "Is triangle ABC acute, right or obtuse?",
			Answer:      kind,
			Distractors: without([]string{"acute", "right", "obtuse"}, kind),
			Steps:       []string{given, solve, why},
		},
		{
			Template: "describe", Verifier: VerifierOpenEnded, Topic: "angle",
			Text: "Describe the figure.",
			Answer: fmt.Sprintf("The figure shows %s %s triangle ABC with angle A = %d° and angle B = %d° marked; angle C, marked with a question mark, is %d°.",
				article(kind), kind, t.A, t.B, t.C),
			Steps: []string{given, solve},
		},
	}
}

// newRightTriangleScene draws a right triangle with integer legs (cm)
// printed beside them and "?" on the hypotenuse.
func newRightTriangleScene(rng *rand.Rand) *Scene {
	a, b := intRange(rng, 3, 12), intRange(rng, 3, 12)
	s := renderRightTriangle(a, b, "?")
	s.Questions = rightTriangleQuestions(s.Triangle)
	return s
}

// renderRightTriangle draws legs a (horizontal) and b (vertical) with their
// lengths printed, and hyp printed on the hypotenuse.
func renderRightTriangle(a, b int, hyp string) *Scene {
	const size = 128
	scale := 84.0 / float64(max(a, b))
	x0, y0 := 24, 104
	pa := image.Pt(x0+int(math.Round(float64(a)*scale)), y0) // end of the horizontal leg
	pb := image.Pt(x0, y0-int(math.Round(float64(b)*scale))) // end of the vertical leg
	t := &Triangle{Right: true, LegA: a, LegB: b, Vertices: [3]image.Point{pa, pb, image.Pt(x0, y0)}}
	c := newCanvas(size, size)
	drawPolygon(c, t.Vertices[:])
	c.strokeRect(image.Rect(x0, y0-8, x0+9, y0+1), gray, 1) // right-angle mark
	la, lb := itoa(a), itoa(b)
	c.text((x0+pa.X)/2-textWidth(la)/2, y0+4, la, blue)
	c.text(x0-6-textWidth(lb), (y0+pb.Y)/2-lineHeight/2, lb, blue)
	hx := min((pa.X+pb.X)/2+4, size-textWidth(hyp)-1)
	c.text(hx, (pa.Y+pb.Y)/2-lineHeight/2-4, hyp, red)
	return &Scene{Kind: KindRightTriangle, Image: c.img, Triangle: t}
}

func rightTriangleQuestions(t *Triangle) []Question {
	a, b := t.LegA, t.LegB
	sq := a*a + b*b
	hyp := math.Sqrt(float64(sq))
	given := fmt.Sprintf("The legs of the right triangle are %d cm and %d cm.", a, b)
	exact := sqrtLatex(sq)
	pyth := fmt.Sprintf("By the Pythagorean theorem the hypotenuse is sqrt(%d^2 + %d^2) = sqrt(%d) = %s cm.", a, b, sq, exact)
	area := float64(a*b) / 2
	return []Question{
		{
			Template: "hypotenuse", Verifier: VerifierMath, Topic: "length",
			Text:   "The legs of the right triangle are labelled in centimetres. How long is the hypotenuse, in centimetres?",
			Hint:   "Give the exact value.",
			Answer: exact, Numeric: true, Value: hyp, Unit: "cm",
			Distractors: distinctOptions(hyp, []option{
				{float64(a + b), itoa(a + b)},
				{math.Sqrt(float64(abs(a*a - b*b))), sqrtLatex(abs(a*a - b*b))},
				{math.Sqrt(float64(sq + 1)), sqrtLatex(sq + 1)},
				{math.Sqrt(float64(sq - 1)), sqrtLatex(sq - 1)},
				{float64(max(a, b) + 1), itoa(max(a, b) + 1)},
				{math.Sqrt(float64(sq + 2)), sqrtLatex(sq + 2)},
				{math.Sqrt(float64(2 * sq)), sqrtLatex(2 * sq)},
			}),
			Steps: []string{given, pyth},
		},
		{
			Template: "hypotenuse_choice", Verifier: VerifierMCQ, Topic: "length",
			Text:   "The legs of the right triangle are labelled in centimetres. About how long is the hypotenuse?",
			Answer: formatFloat(hyp, 1) + " cm", Numeric: true, Value: round(hyp, 1), Precision: 1,
			Distractors: withUnit(nearValues(hyp, 1, 1, 8, true, formatFloat), " cm"),
			Steps:       []string{given, pyth, fmt.Sprintf("That is about %s cm.", formatFloat(hyp, 1))},
		},
		{
			Template: "right_triangle_area", Verifier: VerifierMath, Topic: "area",
			Text:   "The legs of the right triangle are labelled in centimetres. What is its area in square centimetres?",
			Answer: formatNumber(area, 1), Numeric: true, Value: area, Precision: 1, Unit: "cm^2",
			Distractors: nearValues(area, 0.5, 1, 8, true, formatNumber),
			Steps:       []string{given, fmt.Sprintf("The area is half the product of the legs: %d x %d / 2 = %s square centimetres.", a, b, formatNumber(area, 1))},
		},
		{
			Template: "describe", Verifier: VerifierOpenEnded, Topic: "length",
			Text:   "Describe the figure.",
			Answer: fmt.Sprintf("The figure shows a right triangle with legs of %d cm and %d cm; the hypotenuse, marked with a question mark, is %s cm long.", a, b, exact),
			Steps:  []string{given, pyth},
		},
	}
}

func withUnit(xs []string, unit string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = x + unit
	}
	return out
}

// newRectangleScene draws a rectangle with its width and height (cm) printed
// beside its sides.
func newRectangleScene(rng *rand.Rand) *Scene {
	var w, h int
	for w == h {
		w, h = intRange(rng, 3, 15), intRange(rng, 2, 12)
	}
	s := renderRectangle(w, h, itoa(w), itoa(h), "")
	s.Questions = rectangleQuestions(s.Rect)
	return s
}

// renderRectangle draws a w x h rectangle (a square when w == h) with the
// labels printed under it, left of it and inside it.
func renderRectangle(w, h int, below, left, inside string) *Scene {
	const size = 128
	scale := math.Min(92/float64(w), 84/float64(h))
	pw, ph := int(math.Round(float64(w)*scale)), int(math.Round(float64(h)*scale))
	x0, y0 := (size-pw)/2+6, (size-ph)/2-6
	box := image.Rect(x0, y0, x0+pw, y0+ph)
	c := newCanvas(size, size)
	c.fillRect(box, lightGray)
	c.strokeRect(box, black, 2)
	c.text(x0+pw/2-textWidth(below)/2, y0+ph+3, below, blue)
	c.text(max(1, x0-5-textWidth(left)), y0+ph/2-lineHeight/2, left, blue)
	c.text(max(1, x0+pw/2-textWidth(inside)/2), y0+ph/2-lineHeight/2, inside, black)
	return &Scene{Kind: KindRectangle, Image: c.img, Rect: &RectFig{W: w, H: h, Box: box}}
}

func rectangleQuestions(r *RectFig) []Question {
	w, h := r.W, r.H
	given := fmt.Sprintf("The rectangle is %d cm wide and %d cm high.", w, h)
	area, per := w*h, 2*(w+h)
	var areaOpts []string
	seen := map[int]bool{area: true}
	for _, v := range []int{per, area + w, area - h, area + h, area - w, w + h, area + 2, area - 2, area + 10} {
		if v > 0 && !seen[v] {
			seen[v] = true
			areaOpts = append(areaOpts, itoa(v))
		}
	}
	return []Question{
		{
			Template: "rectangle_area", Verifier: VerifierMath, Topic: "area",
			Text:   "The sides of the rectangle are labelled in centimetres. What is its area in square centimetres?",
			Answer: itoa(area), Numeric: true, Value: float64(area), Unit: "cm^2",
			Distractors: areaOpts,
			Steps:       []string{given, fmt.Sprintf("Its area is %d x %d = %d square centimetres.", w, h, area)},
		},
		{
			Template: "rectangle_perimeter", Verifier: VerifierMath, Topic: "length",
			Text:   "The sides of the rectangle are labelled in centimetres. What is its perimeter in centimetres?",
			Answer: itoa(per), Numeric: true, Value: float64(per), Unit: "cm",
			Distractors: nearInts(per, 1, 200),
			Steps:       []string{given, fmt.Sprintf("Its perimeter is 2 x (%d + %d) = %d centimetres.", w, h, per)},
		},
		{
			Template: "rectangle_area_choice", Verifier: VerifierMCQ, Topic: "area",
			Text:   "The sides of the rectangle are labelled in centimetres. What is its area?",
			Answer: itoa(area) + " cm^2", Numeric: true, Value: float64(area),
			Distractors: withUnit(areaOpts, " cm^2"),
			Steps:       []string{given, fmt.Sprintf("Its area is %d x %d = %d square centimetres.", w, h, area)},
		},
		{
			Template: "describe", Verifier: VerifierOpenEnded, Topic: "area",
			Text:   "Describe the figure.",
			Answer: fmt.Sprintf("The figure shows a grey rectangle %d cm wide and %d cm high, so its area is %d square centimetres and its perimeter %d cm.", w, h, area, per),
			Steps:  []string{given},
		},
	}
}
