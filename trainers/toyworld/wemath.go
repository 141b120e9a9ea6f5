package toyworld

import (
	"context"
	"fmt"
	"image"
	"math/rand/v2"
	"strings"

	"github.com/vlmlab/harness/benchmarks/registry"
)

// WeMath testmini.json record (We-Math/We-Math data/testmini.json).
type weMathRecord struct {
	ID                   string `json:"ID"` // the problem group
	Split                string `json:"split"`
	KnowledgeConcept     string `json:"knowledge concept"`
	Question             string `json:"question"`
	Option               string `json:"option"` // "A. 14; B. 12; C. 16; D. 7; E. No correct answer"
	Answer               string `json:"answer"` // a letter
	ImagePath            string `json:"image_path"`
	Key                  string `json:"key"` // role in the group: 2steps_1, 2steps_2, 2steps_multi, 3steps_1..3, 3steps_multi
	QuestionNumber       int    `json:"question number"`
	KnowledgeDescription string `json:"knowledge concept description"`
}

// weMathStep is one problem of a group before it is laid out as a record.
type weMathStep struct {
	concept  string
	question string
	answer   int
	wrong    []int // plausible wrong values, most plausible first
	img      *image.Paletted
}

var weMathConcepts = map[string]string{
	"Perimeter of Rectangles": "Perimeter of Rectangles:\n1. The perimeter of a rectangle is the total length of its four sides.\n2. Perimeter of a rectangle = (length + width) × 2.",
	"Side Length of Squares":  "Side Length of Squares:\n1. A square has four equal sides.\n2. Side length of a square = perimeter ÷ 4.",
	"Area of Squares":         "Area of Squares:\n1. The area of a square is the side length multiplied by itself.\n2. Area of a square = side × side.",
	"Pythagorean Theorem":     "Pythagorean Theorem:\n1. In a right triangle, the square of the hypotenuse equals the sum of the squares of the two legs: c² = a² + b².",
	"Perimeter of Triangles":  "Perimeter of Triangles:\n1. The perimeter of a triangle is the sum of the lengths of its three sides.",
}

// pythagoreanTriples are right triangles with whole sides small enough to draw.
var pythagoreanTriples = [][3]int{{3, 4, 5}, {4, 3, 5}, {6, 8, 10}, {8, 6, 10}, {5, 12, 13}, {12, 5, 13}, {9, 12, 15}, {12, 9, 15}}

// rectangleToSquare draws a rectangle whose half-perimeter is even, so the
// square of equal perimeter has a whole side.
func rectangleToSquare(rng *rand.Rand) (w, h, per, side int) {
	for {
		w, h = intRange(rng, 3, 14), intRange(rng, 2, 10)
		if w != h && (w+h)%2 == 0 {
			per = 2 * (w + h)
			return w, h, per, per / 4
		}
	}
}

func rectangleFigure(w, h int) *image.Paletted {
	return renderRectangle(w, h, itoa(w)+" cm", itoa(h)+" cm", "").Image
}

// weMathTwoStep builds a two-step group: two one-step problems and the
// composite that needs both.
func weMathTwoStep(rng *rand.Rand) []weMathStep {
	if rng.IntN(2) == 0 {
		w, h, per, side := rectangleToSquare(rng)
		rect := rectangleFigure(w, h)
		return []weMathStep{
			{"Perimeter of Rectangles", "As shown in the figure, the sides of the rectangle are labelled. What is the perimeter of the rectangle? ( ) cm", per, []int{w + h, w * h, per + 2, per - 2}, rect},
			{"Side Length of Squares", fmt.Sprintf("As shown in the figure, the perimeter of the square is %d cm. What is the length of its side? ( ) cm", per), side, []int{per / 2, side + 1, side - 1, side + 2}, renderRectangle(side, side, "", "", fmt.Sprintf("P = %d cm", per)).Image},
			{"Perimeter of Rectangles;Side Length of Squares", "As shown in the figure, a square has the same perimeter as the rectangle. What is the length of the square's side? ( ) cm", side, []int{per, (w + h), side + 1, side - 1}, rect},
		}
	}
	t := pick(rng, pythagoreanTriples)
	a, b, c := t[0], t[1], t[2]
	legs := renderRightTriangle(a, b, "?").Image
	return []weMathStep{
		{"Pythagorean Theorem", "As shown in the figure, the legs of the right triangle are labelled in cm. How long is its hypotenuse? ( ) cm", c, []int{a + b, c + 1, c - 1, c + 2}, legs},
		{"Perimeter of Triangles", "As shown in the figure, the sides of the triangle are labelled in cm. What is its perimeter? ( ) cm", a + b + c, []int{a + b, a * b / 2, a + b + c + 1, a + b + c - 1}, renderRightTriangle(a, b, itoa(c)).Image},
		{"Pythagorean Theorem;Perimeter of Triangles", "As shown in the figure, the legs of the right triangle are labelled in cm. What is its perimeter? ( ) cm", a + b + c, []int{a + b, 2 * (a + b), a + b + c + 1, a + b + c - 1}, legs},
	}
}

// weMathThreeStep builds a three-step group: rectangle perimeter, the side
// of the square of equal perimeter, that square's area, and the composite.
func weMathThreeStep(rng *rand.Rand) []weMathStep {
	w, h, per, side := rectangleToSquare(rng)
	rect := rectangleFigure(w, h)
	area := side * side
	return []weMathStep{
		{"Perimeter of Rectangles", "As shown in the figure, the sides of the rectangle are labelled. What is the perimeter of the rectangle? ( ) cm", per, []int{w + h, w * h, per + 2, per - 2}, rect},
		{"Side Length of Squares", fmt.Sprintf("As shown in the figure, the perimeter of the square is %d cm. What is the length of its side? ( ) cm", per), side, []int{per / 2, side + 1, side - 1, side + 2}, renderRectangle(side, side, "", "", fmt.Sprintf("P = %d cm", per)).Image},
		{"Area of Squares", fmt.Sprintf("As shown in the figure, the side of the square is %d cm. What is its area? ( ) cm²", side), area, []int{4 * side, 2 * side, area + side, area - 1}, renderRectangle(side, side, itoa(side)+" cm", "", "").Image},
		{"Perimeter of Rectangles;Side Length of Squares;Area of Squares", "As shown in the figure, a square has the same perimeter as the rectangle. What is the area of the square? ( ) cm²", area, []int{w * h, per, 4 * side, area + side}, rect},
	}
}

// weMathNone is the fifth option of every WeMath question.
const weMathNone = "No correct answer"

// weMathOptions writes four numeric options and "E. No correct answer".
func weMathOptions(rng *rand.Rand, s weMathStep) (string, string, error) {
	var cands []option
	for _, v := range s.wrong {
		cands = append(cands, option{float64(v), itoa(v)})
	}
	for _, v := range nearInts(s.answer, 1, 10*s.answer+10) {
		var x int
		fmt.Sscan(v, &x)
		cands = append(cands, option{float64(x), v})
	}
	q := Question{Template: "wemath", Answer: itoa(s.answer), Distractors: distinctOptions(float64(s.answer), cands)}
	opts, correct, err := Choices(rng, q, 4)
	if err != nil {
		return "", "", err
	}
	return LetterList(append(opts, weMathNone), "%s. %s", "; "), optionLetters[correct], nil
}

// weMathGroups splits a suite of size n into two- and three-step groups,
// about two to one as in testmini (360 and 165), at least one of each.
func weMathGroups(n int) (two, three int) {
	groups := max(2, n/3)
	three = max(1, groups/3)
	return groups - three, three
}

// writeWeMath writes eval/wemath: testmini.json (a list of records ordered
// as the official file: every group's first sub-problem, then the second,
// …, then the composites, two-step groups before three-step ones) and the
// images under 2steps/image/ and 3steps/image/.
func (g *generator) writeWeMath(ctx context.Context, n int) (SuiteManifest, error) {
	const dir = "eval/wemath"
	two, three := weMathGroups(n)
	type group struct {
		steps   []weMathStep
		options []string
		answers []string
	}
	groups, err := parallel(ctx, g.workers, two+three, func(i int) (group, error) {
		rng := itemRNG(g.seed, dir, i)
		var gr group
		if i < two {
			gr.steps = weMathTwoStep(rng)
		} else {
			gr.steps = weMathThreeStep(rng)
		}
		for _, s := range gr.steps {
			o, a, err := weMathOptions(rng, s)
			if err != nil {
				return group{}, fmt.Errorf("group %d: %w", i+1, err)
			}
			gr.options, gr.answers = append(gr.options, o), append(gr.answers, a)
		}
		return gr, nil
	})
	if err != nil {
		return SuiteManifest{}, err
	}
	var recs []weMathRecord
	layout := func(prefix string, gs []group) error {
		roles := len(gs[0].steps)
		for r := 0; r < roles; r++ {
			role := itoa(r + 1)
			if r == roles-1 {
				role = "multi"
			}
			for gi, gr := range gs {
				s := gr.steps[r]
				img := fmt.Sprintf("%s/image/%d-%s.png", prefix, gi+1, role)
				if err := g.tree.image(dir+"/"+img, s.img); err != nil {
					return err
				}
				recs = append(recs, weMathRecord{
					ID: fmt.Sprintf("synth-%s_%d", prefix, gi+1), Split: "testmini",
					KnowledgeConcept: s.concept, Question: s.question, Option: gr.options[r], Answer: gr.answers[r],
					ImagePath: img, Key: prefix + "_" + role, QuestionNumber: len(recs) + 1,
					KnowledgeDescription: conceptDescription(s.concept),
				})
			}
		}
		return nil
	}
	if err := layout("2steps", groups[:two]); err != nil {
		return SuiteManifest{}, err
	}
	if err := layout("3steps", groups[two:]); err != nil {
		return SuiteManifest{}, err
	}
	if err := g.tree.json(dir+"/testmini.json", recs, len(recs)); err != nil {
		return SuiteManifest{}, err
	}
	return g.writeSuiteManifest(SuiteManifest{
		Benchmark: registry.WeMath, Dir: dir, Items: len(recs), Layout: "We-Math/We-Math data/testmini.json",
		Files: []string{"testmini.json"},
		Note: fmt.Sprintf("Synthetic toy-world items in the benchmark's official record layout; not the benchmark. "+
			"%d two-step and %d three-step groups (%d composite problems, not 525). Score with allow-partial.", two, three, two+three),
	})
}

// conceptDescription joins the descriptions of a composite's concepts.
func conceptDescription(concepts string) string {
	var parts []string
	for _, c := range strings.Split(concepts, ";") {
		parts = append(parts, weMathConcepts[c])
	}
	return strings.Join(parts, "\n")
}
