package toyworld

import (
	"fmt"
	"image"
	"math/rand/v2"
	"strings"
)

// optionLetters names options drawn in an image.
var optionLetters = []string{"A", "B", "C", "D", "E", "F", "G", "H"}

// Sequence is a row of dot counts in an arithmetic progression, the next
// count hidden, with four candidate counts drawn as options A-D.
type Sequence struct {
	Shown   []int // the visible counts
	Next    int   // the hidden count
	Options []int // counts drawn under A, B, C, D
	Correct int   // index of Next in Options
}

// newSequenceScene draws three cells of dots growing by a fixed step, a "?"
// cell, and below them four option cells labelled A-D.
func newSequenceScene(rng *rand.Rand) *Scene {
	const w, h, cell = 168, 128, 36
	start, step := intRange(rng, 1, 3), intRange(rng, 1, 2)
	seq := &Sequence{Shown: []int{start, start + step, start + 2*step}, Next: start + 3*step}
	opts := append([]int{seq.Next}, parseInts(nearInts(seq.Next, 1, 9)[:3])...)
	rng.Shuffle(len(opts), func(i, j int) { opts[i], opts[j] = opts[j], opts[i] })
	seq.Options = opts
	for i, o := range opts {
		if o == seq.Next {
			seq.Correct = i
		}
	}
	colour := pick(rng, Colours).index
	c := newCanvas(w, h)
	for i := 0; i < 4; i++ {
		r := image.Rect(6+i*(cell+4), 8, 6+i*(cell+4)+cell, 8+cell)
		c.strokeRect(r, gray, 1)
		if i < 3 {
			drawDots(c, r, seq.Shown[i], colour)
		} else {
			c.text(r.Min.X+cell/2-3, r.Min.Y+cell/2-6, "?", red)
		}
	}
	c.line(image.Pt(4, 56), image.Pt(w-4, 56), lightGray, 1)
	for i, o := range opts {
		r := image.Rect(6+i*(cell+4), 78, 6+i*(cell+4)+cell, 78+cell)
		c.strokeRect(r, gray, 1)
		drawDots(c, r, o, colour)
		c.text(r.Min.X+cell/2-3, 63, optionLetters[i], black)
	}
	s := &Scene{Kind: KindSequence, Image: c.img, Sequence: seq}
	s.Questions = sequenceQuestions(seq)
	return s
}

// drawDots puts n (at most 9) dots on a 3x3 grid inside r, row by row.
func drawDots(c *canvas, r image.Rectangle, n int, ci uint8) {
	gx, gy := r.Dx()/3, r.Dy()/3
	for i := 0; i < n && i < 9; i++ {
		c.fillCircle(r.Min.X+gx*(i%3)+gx/2, r.Min.Y+gy*(i/3)+gy/2, 4, ci)
	}
}

func parseInts(xs []string) []int {
	out := make([]int, len(xs))
	for i, x := range xs {
		fmt.Sscan(x, &out[i])
	}
	return out
}

func sequenceQuestions(s *Sequence) []Question {
	step := s.Shown[1] - s.Shown[0]
	rule := fmt.Sprintf("The cells show %d, %d and %d dots: each cell has %d more than the one before, so the next has %d.",
		s.Shown[0], s.Shown[1], s.Shown[2], step, s.Next)
	letter := optionLetters[s.Correct]
	var wrongLetters []string
	for i := range s.Options {
		if i != s.Correct {
			wrongLetters = append(wrongLetters, optionLetters[i])
		}
	}
	return []Question{
		{
			Template: "sequence_next", Verifier: VerifierMCQ, Topic: "logic",
			Text:   "The top row follows a pattern. Which option (A, B, C or D) should replace the question mark?",
			Answer: letter, Letters: true, Options: len(s.Options),
			Distractors: wrongLetters,
			Steps:       []string{rule, fmt.Sprintf("Option %s shows %d dots.", letter, s.Next)},
		},
		{
			Template: "sequence_count", Verifier: VerifierDigit, Topic: "logic",
			Text:   "The top row follows a pattern. How many dots belong in the cell with the question mark?",
			Answer: itoa(s.Next), Numeric: true, Value: float64(s.Next),
			Distractors: nearInts(s.Next, 1, 9),
			Steps:       []string{rule},
		},
	}
}

// Panel is one of four lettered panels of shapes.
type Panel struct {
	Letter  string
	Objects []Object
}

// newPanelsScene draws panels A-D holding 1, 2, 3 and 4 shapes in a shuffled
// order, so exactly one panel has the most. A random non-empty set of panels
// holds only shapes of one kind; every other panel holds at least one shape
// of another kind.
func newPanelsScene(rng *rand.Rand) *Scene {
	const size = 128
	counts := rng.Perm(4)
	target := pick(rng, shapeNames)
	others := without(shapeNames, target)
	match := rng.IntN(14) + 1 // a bit mask over the 4 panels, never 0 or all 4
	c := newCanvas(size, size)
	panels := make([]Panel, 4)
	for i := range panels {
		r := image.Rect(4+(i%2)*62, 4+(i/2)*62, 4+(i%2)*62+58, 4+(i/2)*62+58)
		c.strokeRect(r, gray, 1)
		c.text(r.Min.X+3, r.Min.Y+2, optionLetters[i], black)
		n := counts[i] + 1
		mixedAt := -1
		if match&(1<<i) == 0 {
			mixedAt = rng.IntN(n) // this panel breaks the rule here
		}
		p := Panel{Letter: optionLetters[i]}
		for j := 0; j < n; j++ {
			shape := target
			if j == mixedAt {
				shape = pick(rng, others)
			}
			x := r.Min.X + 16 + (j%2)*24
			y := r.Min.Y + 20 + (j/2)*22
			o := newObject(shape, pick(rng, Colours), x, y, 8)
			o.draw(c)
			p.Objects = append(p.Objects, o)
		}
		panels[i] = p
	}
	s := &Scene{Kind: KindPanels, Image: c.img, Panels: panels}
	s.Questions = panelsQuestions(rng, panels, target)
	return s
}

func panelsQuestions(rng *rand.Rand, panels []Panel, target string) []Question {
	var matching, notMatching, facts []string
	most := panels[0]
	for _, p := range panels {
		only := countWhere(p.Objects, func(o Object) bool { return o.Shape == target }) == len(p.Objects)
		if only {
			matching = append(matching, p.Letter)
		} else {
			notMatching = append(notMatching, p.Letter)
		}
		facts = append(facts, fmt.Sprintf("panel %s has %s", p.Letter, describeObjects(p.Objects)))
		if len(p.Objects) > len(most.Objects) {
			most = p
		}
	}
	seen := "Looking at each panel: " + strings.Join(facts, "; ") + "."
	asked := pick(rng, panels)
	n := len(asked.Objects)
	var wrongSets []string
	for _, l := range notMatching {
		wrongSets = append(wrongSets, strings.Join(append(append([]string{}, matching...), l), ", "))
	}
	var fewer []string
	for _, p := range panels {
		if p.Letter != most.Letter {
			fewer = append(fewer, p.Letter)
		}
	}
	return []Question{
		{
			Template: "panels_only_shape", Verifier: VerifierMCQ, Topic: "logic",
			Text:   fmt.Sprintf("Which panels in the image (A-D) contain only %ss? Give every letter that applies.", target),
			Answer: strings.Join(matching, ", "), Letters: true, Options: len(panels),
			Distractors: wrongSets,
			Steps:       []string{seen, fmt.Sprintf("The %s holding nothing but %ss: %s.", plural(len(matching), "panel"), target, joinAnd(matching))},
		},
		{
			Template: "panels_most", Verifier: VerifierMCQ, Topic: "logic",
			Text:   "Which panel (A-D) contains the most shapes?",
			Answer: most.Letter, Letters: true, Options: len(panels),
			Distractors: fewer,
			Steps:       []string{seen, fmt.Sprintf("Panel %s has %d shapes, more than any other.", most.Letter, len(most.Objects))},
		},
		{
			Template: "panels_count", Verifier: VerifierDigit, Topic: "logic",
			Text:   fmt.Sprintf("How many shapes are there in panel %s?", asked.Letter),
			Answer: itoa(n), Numeric: true, Value: float64(n),
			Distractors: nearInts(n, 1, 9),
			Steps:       []string{fmt.Sprintf("Panel %s has %s, %d in all.", asked.Letter, describeObjects(asked.Objects), n)},
		},
	}
}
