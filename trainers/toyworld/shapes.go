package toyworld

import (
	"fmt"
	"image"
	"math/rand/v2"
	"strings"
)

// Shape names.
const (
	ShapeCircle   = "circle"
	ShapeSquare   = "square"
	ShapeTriangle = "triangle"
)

var shapeNames = []string{ShapeCircle, ShapeSquare, ShapeTriangle}

// Object is one drawn shape. Box is its exact pixel extent (Max exclusive).
type Object struct {
	Shape  string
	Colour string
	X, Y   int // centre
	R      int // half of the side / radius
	Box    image.Rectangle
}

func newObject(shape string, colour Colour, x, y, r int) Object {
	return Object{Shape: shape, Colour: colour.Name, X: x, Y: y, R: r, Box: image.Rect(x-r, y-r, x+r+1, y+r+1)}
}

func (o Object) draw(c *canvas) {
	ci := colourIndex(o.Colour)
	switch o.Shape {
	case ShapeCircle:
		c.fillCircle(o.X, o.Y, o.R, ci)
	case ShapeSquare:
		c.fillRect(o.Box, ci)
	case ShapeTriangle:
		c.fillTriangle(image.Pt(o.X, o.Y-o.R), image.Pt(o.X-o.R, o.Y+o.R), image.Pt(o.X+o.R, o.Y+o.R), ci)
	}
}

func colourIndex(name string) uint8 {
	for _, c := range Colours {
		if c.Name == name {
			return c.index
		}
	}
	return black
}

// colourChoices returns the colours other than the excluded one.
func colourChoices(exclude string) []Colour {
	var out []Colour
	for _, c := range Colours {
		if c.Name != exclude {
			out = append(out, c)
		}
	}
	return out
}

// newShapesScene scatters 3-9 shapes over a 4x4 grid of 32-pixel cells, one
// shape per cell so none overlap. Object 0's colour is used by no other
// object, so "the <colour> object" always names exactly one shape.
func newShapesScene(rng *rand.Rand) *Scene {
	const size, cell = 128, 32
	n := intRange(rng, 3, 9)
	c := newCanvas(size, size)
	first := pick(rng, Colours)
	others := colourChoices(first.Name)
	cells := rng.Perm(16)[:n]
	objs := make([]Object, n)
	for i, ci := range cells {
		colour := first
		if i > 0 {
			colour = pick(rng, others)
		}
		r := intRange(rng, 7, 11)
		x0, y0 := (ci%4)*cell, (ci/4)*cell
		x := intRange(rng, x0+r+2, x0+cell-r-3)
		y := intRange(rng, y0+r+2, y0+cell-r-3)
		objs[i] = newObject(pick(rng, shapeNames), colour, x, y, r)
		objs[i].draw(c)
	}
	s := &Scene{Kind: KindShapes, Image: c.img, Objects: objs}
	s.Questions = shapesQuestions(rng, objs)
	return s
}

func shapesQuestions(rng *rand.Rand, objs []Object) []Question {
	n := len(objs)
	census := describeObjects(objs)
	var qs []Question

	qs = append(qs, Question{
		Template: "count_total", Verifier: VerifierDigit, Topic: "counting",
		Text:   "How many objects are there in the image?",
		Answer: itoa(n), Numeric: true, Value: float64(n),
		Distractors: nearInts(n, 0, 12),
		Steps:       []string{"The image shows " + census + ".", fmt.Sprintf("Adding these up gives %d objects.", n)},
	})

	o := pick(rng, objs)
	k := countWhere(objs, func(p Object) bool { return p.Colour == o.Colour && p.Shape == o.Shape })
	qs = append(qs, Question{
		Template: "count_colour_shape", Verifier: VerifierDigit, Topic: "counting",
		Text:   fmt.Sprintf("How many %s %ss are there?", o.Colour, o.Shape),
		Answer: itoa(k), Numeric: true, Value: float64(k),
		Distractors: nearInts(k, 0, 9),
		Steps: []string{
			"The image shows " + census + ".",
			fmt.Sprintf("Only the %s %ss count here, and there %s %d of them.", o.Colour, o.Shape, isAre(k), k),
		},
	})

	o = pick(rng, objs)
	k = countWhere(objs, func(p Object) bool { return p.Colour == o.Colour })
	qs = append(qs, Question{
		Template: "subtract_colour", Verifier: VerifierDigit, Topic: "counting",
		Text:   fmt.Sprintf("Subtract all %s objects. How many objects are left?", o.Colour),
		Answer: itoa(n - k), Numeric: true, Value: float64(n - k),
		Distractors: nearInts(n-k, 0, 9),
		Steps: []string{
			fmt.Sprintf("There are %d objects in total: %s.", n, census),
			fmt.Sprintf("%s of them %s %s.", capitalise(itoa(k)), isAre(k), o.Colour),
			fmt.Sprintf("Removing them leaves %d - %d = %d objects.", n, k, n-k),
		},
	})

	shape := pick(rng, shapeNames)
	k = countWhere(objs, func(p Object) bool { return p.Shape == shape })
	qs = append(qs, Question{
		Template: "count_shape_choice", Verifier: VerifierMCQ, Topic: "counting",
		Text:   fmt.Sprintf("How many %ss are there?", shape),
		Answer: itoa(k), Numeric: true, Value: float64(k),
		Distractors: nearInts(k, 0, 9),
		Steps: []string{
			"The image shows " + census + ".",
			fmt.Sprintf("Counting every %s whatever its colour gives %d.", shape, k),
		},
	})

	// A fraction strictly between 0 and 1 when some shape allows it.
	shape = pick(rng, shapeNames)
	for _, s := range rng.Perm(len(shapeNames)) {
		if k := countWhere(objs, func(p Object) bool { return p.Shape == shapeNames[s] }); k > 0 && k < n {
			shape = shapeNames[s]
			break
		}
	}
	k = countWhere(objs, func(p Object) bool { return p.Shape == shape })
	frac := fracLatex(k, n)
	qs = append(qs, Question{
		Template: "fraction_shape", Verifier: VerifierMath, Topic: "counting",
		Text:   fmt.Sprintf("What fraction of the objects are %ss?", shape),
		Hint:   "Give the fraction in lowest terms.",
		Answer: frac, Numeric: true, Value: float64(k) / float64(n),
		Distractors: fracDistractors(k, n),
		Steps: []string{
			fmt.Sprintf("There are %d objects in total: %s.", n, census),
			fmt.Sprintf("%s of them %s %ss, so the fraction is %d/%d = %s.", capitalise(itoa(k)), isAre(k), shape, k, n, frac),
		},
	})

	tri := countWhere(objs, func(p Object) bool { return p.Shape == ShapeTriangle })
	sq := countWhere(objs, func(p Object) bool { return p.Shape == ShapeSquare })
	sides := 3*tri + 4*sq
	qs = append(qs, Question{
		Template: "sides_total", Verifier: VerifierMath, Topic: "counting",
		Text:   "A triangle has 3 straight sides, a square has 4 and a circle has none. How many straight sides do all the shapes in the image have together?",
		Answer: itoa(sides), Numeric: true, Value: float64(sides),
		Distractors: nearInts(sides, 0, 40),
		Steps: []string{
			fmt.Sprintf("There %s %d %s and %d %s.", isAre(tri), tri, plural(tri, "triangle"), sq, plural(sq, "square")),
			fmt.Sprintf("The sides add up to 3 x %d + 4 x %d = %d.", tri, sq, sides),
		},
	})

	u := objs[0]
	qs = append(qs, Question{
		Template: "shape_of_colour", Verifier: VerifierMCQ, Topic: "counting",
		Text:        fmt.Sprintf("What shape is the %s object?", u.Colour),
		Answer:      u.Shape,
		Distractors: without(shapeNames, u.Shape),
		Steps:       []string{fmt.Sprintf("Only one object is %s, and it is a %s.", u.Colour, u.Shape)},
	})

	qs = append(qs, Question{
		Template: "describe", Verifier: VerifierOpenEnded, Topic: "counting",
		Text:   "Describe the objects in the image.",
		Answer: fmt.Sprintf("The image shows %d %s on a white background: %s.", n, plural(n, "shape"), census),
		Steps:  []string{"The image shows " + census + " on a white background."},
	})
	return qs
}

// newLocateScene places 2-4 larger shapes anywhere without overlap. Object 0
// has a colour no other object has, and its centre keeps clear of the middle
// lines so its quadrant is unambiguous.
func newLocateScene(rng *rand.Rand) *Scene {
	const size, gap, clear = 128, 4, 8
	n := intRange(rng, 2, 4)
	c := newCanvas(size, size)
	first := pick(rng, Colours)
	others := colourChoices(first.Name)
	var objs []Object
	for len(objs) < n {
		colour := first
		if len(objs) > 0 {
			colour = pick(rng, others)
		}
		placed := false
		for try := 0; try < 200 && !placed; try++ {
			r := intRange(rng, 9, 20)
			x, y := intRange(rng, r+1, size-r-2), intRange(rng, r+1, size-r-2)
			o := newObject(pick(rng, shapeNames), colour, x, y, r)
			if len(objs) == 0 && (abs(2*x-size) < 2*clear || abs(2*y-size) < 2*clear) {
				continue
			}
			if overlapsAny(o.Box.Inset(-gap), objs) {
				continue
			}
			objs = append(objs, o)
			placed = true
		}
		if !placed { // crowded: settle for fewer objects
			break
		}
	}
	for _, o := range objs {
		o.draw(c)
	}
	s := &Scene{Kind: KindLocate, Image: c.img, Objects: objs}
	s.Questions = locateQuestions(objs, size)
	return s
}

func overlapsAny(r image.Rectangle, objs []Object) bool {
	for _, o := range objs {
		if r.Overlaps(o.Box) {
			return true
		}
	}
	return false
}

var quadrants = []string{"top left", "top right", "bottom left", "bottom right"}

func quadrant(x, y, size int) string {
	i := 0
	if 2*x >= size {
		i++
	}
	if 2*y >= size {
		i += 2
	}
	return quadrants[i]
}

func locateQuestions(objs []Object, size int) []Question {
	t := objs[0]
	name := t.Colour + " " + t.Shape
	box := normBox(t.Box, size, size)
	where := quadrant(t.X, t.Y, size)
	var parts []string
	for _, o := range objs {
		parts = append(parts, fmt.Sprintf("%s %s %s in the %s", article(o.Colour), o.Colour, o.Shape, quadrant(o.X, o.Y, size)))
	}
	list := joinAnd(parts)
	n := len(objs)
	return []Question{
		{
			Template: "locate_box", Verifier: VerifierIoU, Topic: "locating",
			Text:   fmt.Sprintf("Locate the %s in the image.", name),
			Answer: formatBox(box), Box: &box,
			Steps: []string{
				fmt.Sprintf("The %s sits in the %s of the image.", name, where),
				fmt.Sprintf("Its left edge is at x = %.2f and its right edge at x = %.2f of the width; its top is at y = %.2f and its bottom at y = %.2f of the height.", box[0], box[2], box[1], box[3]),
			},
		},
		{
			Template: "quadrant", Verifier: VerifierMCQ, Topic: "locating",
			Text:        fmt.Sprintf("In which part of the image is the %s?", name),
			Answer:      where,
			Distractors: without(quadrants, where),
			Steps:       []string{fmt.Sprintf("The %s is centred at about (%d, %d) in a %d by %d image, which is the %s.", name, t.X, t.Y, size, size, where)},
		},
		{
			Template: "count_total", Verifier: VerifierDigit, Topic: "counting",
			Text:   "How many objects are there in the image?",
			Answer: itoa(n), Numeric: true, Value: float64(n),
			Distractors: nearInts(n, 0, 9),
			Steps:       []string{"The image shows " + list + ".", fmt.Sprintf("That makes %d objects.", n)},
		},
		{
			Template: "describe", Verifier: VerifierOpenEnded, Topic: "locating",
			Text:   "Describe the image.",
			Answer: fmt.Sprintf("The image shows %d %s on a white background: %s.", n, plural(n, "shape"), list),
			Steps:  []string{"The image shows " + list + "."},
		},
	}
}

// normBox scales a pixel box to [0,1] coordinates, rounded to two decimals
// (the precision a model is asked to write).
func normBox(r image.Rectangle, w, h int) [4]float64 {
	return [4]float64{
		round(float64(r.Min.X)/float64(w), 2), round(float64(r.Min.Y)/float64(h), 2),
		round(float64(r.Max.X)/float64(w), 2), round(float64(r.Max.Y)/float64(h), 2),
	}
}

func formatBox(b [4]float64) string {
	return fmt.Sprintf("[%.2f, %.2f, %.2f, %.2f]", b[0], b[1], b[2], b[3])
}

// describeObjects groups objects by colour and shape: "2 red circles, 1 blue square and 3 green triangles".
func describeObjects(objs []Object) string {
	type key struct{ colour, shape string }
	counts := map[key]int{}
	var order []key
	for _, o := range objs {
		k := key{o.Colour, o.Shape}
		if counts[k] == 0 {
			order = append(order, k)
		}
		counts[k]++
	}
	var parts []string
	for _, k := range order {
		parts = append(parts, fmt.Sprintf("%d %s %s", counts[k], k.colour, plural(counts[k], k.shape)))
	}
	return joinAnd(parts)
}

func countWhere(objs []Object, f func(Object) bool) int {
	n := 0
	for _, o := range objs {
		if f(o) {
			n++
		}
	}
	return n
}

func joinAnd(parts []string) string {
	switch len(parts) {
	case 0:
		return "nothing"
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}
