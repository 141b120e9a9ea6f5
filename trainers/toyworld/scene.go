package toyworld

import (
	"fmt"
	"image"
	"math/rand/v2"
	"slices"
)

// Kind names a family of scenes.
type Kind string

// The scene kinds of the toy world.
const (
	KindShapes        Kind = "shapes"         // coloured shapes on a grid, to count
	KindLocate        Kind = "locate"         // a few larger shapes, one to locate with a box
	KindBars          Kind = "bars"           // a bar chart with value labels
	KindTriangle      Kind = "triangle"       // a triangle with two labelled angles
	KindRightTriangle Kind = "right_triangle" // a right triangle with labelled legs
	KindRectangle     Kind = "rectangle"      // a rectangle with labelled sides
	KindSequence      Kind = "sequence"       // dot counts in a progression; options A-D drawn in the image
	KindPanels        Kind = "panels"         // four panels A-D of shapes; which panels match a rule
)

// Kinds lists every scene kind, in a fixed order.
func Kinds() []Kind {
	return []Kind{KindShapes, KindLocate, KindBars, KindTriangle, KindRightTriangle, KindRectangle, KindSequence, KindPanels}
}

// Verifier types route an RL item to its reward (paper §4.1); the strings are
// the released VLAA-Thinking GRPO data's `verifier_type` values where known
// (digit, mcq, math) and this project's names for the other two.
const (
	VerifierDigit     = "digit"
	VerifierMCQ       = "mcq"
	VerifierMath      = "math"
	VerifierIoU       = "iou"
	VerifierOpenEnded = "open_ended"
)

// VerifierTypes lists the five verifier types in a fixed order.
func VerifierTypes() []string {
	return []string{VerifierDigit, VerifierMCQ, VerifierMath, VerifierIoU, VerifierOpenEnded}
}

// Question is one question about a scene with its answer, computed from the scene.
type Question struct {
	// Template names the question pattern (e.g. "count_total"); the same
	// template exists for every scene of a kind, which is what DynaMath
	// variants need.
	Template string
	// Text is the question without answer-format instructions.
	Text string
	// Hint is how the answer must be written when that is part of the
	// question ("Give the fraction in lowest terms."), empty if nothing special.
	Hint string
	// Verifier is how the answer is checked (VerifierDigit, ...).
	Verifier string
	// Answer is the canonical answer: a number ("3", "17.5"), LaTeX
	// ("\frac{2}{5}", "\sqrt{41}"), an option text for choice questions
	// ("dog", "70°"), option letters drawn in the image ("B", "A, C") when
	// Letters is set, a box "[x1, y1, x2, y2]", or a reference sentence.
	Answer string
	// Numeric is set when the answer has a numeric value: Value, exact
	// (the mean 16/3, not the 5.33 that Answer writes).
	Numeric bool
	Value   float64
	// Precision is the number of decimals Answer is written with when the
	// question asks for rounding (0 for integers and exact forms).
	Precision int
	// Unit names the unit of a numeric answer ("cm", "cm²"), empty if none.
	Unit string
	// Distractors are wrong answers written like Answer, for multiple-choice
	// forms; all differ from Answer and from each other.
	Distractors []string
	// Letters is set when the options are drawn in the image as letters and
	// Answer holds letters; Options then gives the count of drawn options.
	Letters bool
	Options int
	// Box is the target's box, normalised to [0,1] (x1, y1, x2, y2), for iou.
	Box *[4]float64
	// Topic is a coarse subject used for benchmark metadata: counting,
	// locating, statistics, angle, length, area, logic.
	Topic string
	// Steps are the facts a solver states on the way to the answer, in order,
	// for expert reasoning traces.
	Steps []string
}

// Scene is one rendered picture with the facts it was drawn from and the
// questions it answers.
type Scene struct {
	Kind  Kind
	Image *image.Paletted
	// Exactly the facts of the scene's kind are set.
	Objects  []Object  // shapes, locate
	Bars     []Bar     // bars
	Triangle *Triangle // triangle, right_triangle
	Rect     *RectFig  // rectangle
	Sequence *Sequence // sequence
	Panels   []Panel   // panels

	Questions []Question
}

// NewScene draws a fresh scene of the kind from rng. The same rng state gives
// the same scene.
func NewScene(rng *rand.Rand, kind Kind) (*Scene, error) {
	if rng == nil {
		return nil, fmt.Errorf("new %s scene: nil random source", kind)
	}
	switch kind {
	case KindShapes:
		return newShapesScene(rng), nil
	case KindLocate:
		return newLocateScene(rng), nil
	case KindBars:
		return newBarsScene(rng), nil
	case KindTriangle:
		return newTriangleScene(rng), nil
	case KindRightTriangle:
		return newRightTriangleScene(rng), nil
	case KindRectangle:
		return newRectangleScene(rng), nil
	case KindSequence:
		return newSequenceScene(rng), nil
	case KindPanels:
		return newPanelsScene(rng), nil
	}
	return nil, fmt.Errorf("unknown scene kind %q: want one of %v", kind, Kinds())
}

// Question returns the scene's question of the template, or false.
func (s *Scene) Question(template string) (Question, bool) {
	i := slices.IndexFunc(s.Questions, func(q Question) bool { return q.Template == template })
	if i < 0 {
		return Question{}, false
	}
	return s.Questions[i], true
}

// ByVerifier returns the scene's questions of one verifier type.
func (s *Scene) ByVerifier(verifier string) []Question {
	var out []Question
	for _, q := range s.Questions {
		if q.Verifier == verifier {
			out = append(out, q)
		}
	}
	return out
}

// pick returns a uniformly chosen element.
func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

// intRange returns a uniform integer in [lo, hi].
func intRange(rng *rand.Rand, lo, hi int) int { return lo + rng.IntN(hi-lo+1) }
