package toyworld_test

import (
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/vlmlab/harness/trainers/toyworld"
)

// scenesPerKind is how many random scenes of each kind the re-derivation
// tests look at.
const scenesPerKind = 300

// rederive recomputes the answer of q from the scene's facts, independently
// of the generator's own code, and reports a mismatch.
type rederive func(t *testing.T, s *toyworld.Scene, q toyworld.Question) (want string)

func match(t *testing.T, re string, text string) []string {
	t.Helper()
	m := regexp.MustCompile(re).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("question %q does not match %s", text, re)
	}
	return m
}

func count(objs []toyworld.Object, f func(toyworld.Object) bool) int {
	n := 0
	for _, o := range objs {
		if f(o) {
			n++
		}
	}
	return n
}

func fraction(k, n int) string {
	for d := n; d > 1; d-- {
		if k%d == 0 && n%d == 0 {
			k, n = k/d, n/d
		}
	}
	switch {
	case k == 0:
		return "0"
	case n == 1:
		return strconv.Itoa(k)
	}
	return fmt.Sprintf("\\frac{%d}{%d}", k, n)
}

func quadrantOf(o toyworld.Object, size int) string {
	v, h := "top", "left"
	if 2*o.Y >= size {
		v = "bottom"
	}
	if 2*o.X >= size {
		h = "right"
	}
	return v + " " + h
}

// byName finds the one object of a colour (and shape, if given).
func byName(t *testing.T, objs []toyworld.Object, colour, shape string) toyworld.Object {
	t.Helper()
	var found []toyworld.Object
	for _, o := range objs {
		if o.Colour == colour && (shape == "" || o.Shape == shape) {
			found = append(found, o)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d objects are %s %s, the question needs exactly one", len(found), colour, shape)
	}
	return found[0]
}

var shapesRules = map[string]rederive{
	"count_total": func(t *testing.T, s *toyworld.Scene, q toyworld.Question) string {
		return strconv.Itoa(len(s.Objects))
	},
	"count_colour_shape": func(t *testing.T, s *toyworld.Scene, q toyworld.Question) string {
		m := match(t, `^How many (\w+) (\w+)s are there\?$`, q.Text)
		return strconv.Itoa(count(s.Objects, func(o toyworld.Object) bool { return o.Colour == m[1] && o.Shape == m[2] }))
	},
	"subtract_colour": func(t *testing.T, s *toyworld.Scene, q toyworld.Question) string {
		m := match(t, `^Subtract all (\w+) objects\. How many objects are left\?$`, q.Text)
		return strconv.Itoa(count(s.Objects, func(o toyworld.Object) bool { return o.Colour != m[1] }))
	},
	"count_shape_choice": func(t *testing.T, s *toyworld.Scene, q toyworld.Question) string {
		m := match(t, `^How many (\w+)s are there\?$`, q.Text)
		return strconv.Itoa(count(s.Objects, func(o toyworld.Object) bool { return o.Shape == m[1] }))
	},
	"fraction_shape": func(t *testing.T, s *toyworld.Scene, q toyworld.Question) string {
		m := match(t, `^What fraction of the objects are (\w+)s\?$`, q.Text)
		return fraction(count(s.Objects, func(o toyworld.Object) bool { return o.Shape == m[1] }), len(s.Objects))
	},
	"sides_total": func(t *testing.T, s *toyworld.Scene, q toyworld.Question) string {
		sides := map[string]int{toyworld.ShapeTriangle: 3, toyworld.ShapeSquare: 4}
		n := 0
		for _, o := range s.Objects {
			n += sides[o.Shape]
		}
		return strconv.Itoa(n)
	},
	"shape_of_colour": func(t *testing.T, s *toyworld.Scene, q toyworld.Question) string {
		m := match(t, `^What shape is the (\w+) object\?$`, q.Text)
		return byName(t, s.Objects, m[1], "").Shape
	},
	"describe": func(t *testing.T, s *toyworld.Scene, q toyworld.Question) string {
		if !strings.Contains(q.Answer, fmt.Sprintf("shows %d ", len(s.Objects))) {
			t.Errorf("description %q does not give the object count %d", q.Answer, len(s.Objects))
		}
		return q.Answer
	},
}

var locateRules = map[string]rederive{
	"locate_box": func(t *testing.T, s *toyworld.Scene, q toyworld.Question) string {
		m := match(t, `^Locate the (\w+) (\w+) in the image\.$`, q.Text)
		o := byName(t, s.Objects, m[1], m[2])
		w, h := float64(s.Image.Rect.Dx()), float64(s.Image.Rect.Dy())
		want := [4]float64{float64(o.Box.Min.X) / w, float64(o.Box.Min.Y) / h, float64(o.Box.Max.X) / w, float64(o.Box.Max.Y) / h}
		for i := range want {
			if math.Abs(q.Box[i]-want[i]) > 0.005+1e-9 { // rounded to two decimals
				t.Errorf("box %v, object spans %v", *q.Box, want)
			}
		}
		return fmt.Sprintf("[%.2f, %.2f, %.2f, %.2f]", q.Box[0], q.Box[1], q.Box[2], q.Box[3])
	},
	"quadrant": func(t *testing.T, s *toyworld.Scene, q toyworld.Question) string {
		m := match(t, `^In which part of the image is the (\w+) (\w+)\?$`, q.Text)
		return quadrantOf(byName(t, s.Objects, m[1], m[2]), s.Image.Rect.Dx())
	},
	"count_total": shapesRules["count_total"],
	"describe":    shapesRules["describe"],
}

func barStats(bars []toyworld.Bar) (sum int, hi, lo toyworld.Bar) {
	hi, lo = bars[0], bars[0]
	for _, b := range bars {
		sum += b.Value
		if b.Value > hi.Value {
			hi = b
		}
		if b.Value < lo.Value {
			lo = b
		}
	}
	return sum, hi, lo
}

var barsRules = map[string]rederive{
	"bar_value": func(t *testing.T, s *toyworld.Scene, q toyworld.Question) string {
		m := match(t, `^What is the value of the (\w+) bar\?$`, q.Text)
		for _, b := range s.Bars {
			if b.Label == m[1] {
				return strconv.Itoa(b.Value)
			}
		}
		t.Fatalf("no bar %q", m[1])
		return ""
	},
	"bar_max": func(t *testing.T, s *toyworld.Scene, q toyworld.Question) string {
		_, hi, _ := barStats(s.Bars)
		return hi.Label
	},
	"bar_min": func(t *testing.T, s *toyworld.Scene, q toyworld.Question) string {
		_, _, lo := barStats(s.Bars)
		return lo.Label
	},
	"bar_sum": func(t *testing.T, s *toyworld.Scene, q toyworld.Question) string {
		sum, _, _ := barStats(s.Bars)
		return strconv.Itoa(sum)
	},
	"bar_diff": func(t *testing.T, s *toyworld.Scene, q toyworld.Question) string {
		_, hi, lo := barStats(s.Bars)
		return strconv.Itoa(hi.Value - lo.Value)
	},
	"bar_mean": func(t *testing.T, s *toyworld.Scene, q toyworld.Question) string {
		sum, _, _ := barStats(s.Bars)
		decimals := 2
		if strings.Contains(q.Hint, "one decimal place") {
			decimals = 1
		}
		return strconv.FormatFloat(float64(sum)/float64(len(s.Bars)), 'f', decimals, 64)
	},
	"describe": func(t *testing.T, s *toyworld.Scene, q toyworld.Question) string {
		for _, b := range s.Bars {
			if !strings.Contains(q.Answer, fmt.Sprintf("%s = %d", b.Label, b.Value)) {
				t.Errorf("description %q misses %s = %d", q.Answer, b.Label, b.Value)
			}
		}
		return q.Answer
	},
}

// angleAt measures the drawn angle at vertex v, in degrees.
func angleAt(v, a, b image.Point) float64 {
	ax, ay := float64(a.X-v.X), float64(a.Y-v.Y)
	bx, by := float64(b.X-v.X), float64(b.Y-v.Y)
	return math.Acos((ax*bx+ay*by)/(math.Hypot(ax, ay)*math.Hypot(bx, by))) * 180 / math.Pi
}

var triangleRules = map[string]rederive{
	"triangle_angle": func(t *testing.T, s *toyworld.Scene, q toyworld.Question) string {
		tr := s.Triangle
		v := tr.Vertices
		// The drawing must show the angles the question states.
		if a := angleAt(v[0], v[1], v[2]); math.Abs(a-float64(tr.A)) > 2.5 {
			t.Errorf("angle A drawn as %.1f°, labelled %d°", a, tr.A)
		}
		if b := angleAt(v[1], v[0], v[2]); math.Abs(b-float64(tr.B)) > 2.5 {
			t.Errorf("angle B drawn as %.1f°, labelled %d°", b, tr.B)
		}
		return strconv.Itoa(180 - tr.A - tr.B)
	},
	"triangle_angle_choice": func(t *testing.T, s *toyworld.Scene, q toyworld.Question) string {
		return strconv.Itoa(180-s.Triangle.A-s.Triangle.B) + "°"
	},
	"triangle_type": func(t *testing.T, s *toyworld.Scene, q toyworld.Question) string {
		largest := max(s.Triangle.A, s.Triangle.B, 180-s.Triangle.A-s.Triangle.B)
		switch {
		case largest > 90:
			return "obtuse"
		case largest == 90:
			return "right"
		}
		return "acute"
	},
	"describe": func(t *testing.T, s *toyworld.Scene, q toyworld.Question) string { return q.Answer },
}

// sqrtValue reads "k", "\sqrt{m}" or "k\sqrt{m}" and returns its square.
func sqrtSquare(t *testing.T, s string) int {
	m := match(t, `^(\d*)(?:\\sqrt\{(\d+)\})?$`, s)
	k, r := 1, 1
	if m[1] != "" {
		k, _ = strconv.Atoi(m[1])
	}
	if m[2] != "" {
		r, _ = strconv.Atoi(m[2])
	}
	return k * k * r
}

var rightTriangleRules = map[string]rederive{
	"hypotenuse": func(t *testing.T, s *toyworld.Scene, q toyworld.Question) string {
		a, b := s.Triangle.LegA, s.Triangle.LegB
		if sq := sqrtSquare(t, q.Answer); sq != a*a+b*b {
			t.Errorf("hypotenuse %s squared is %d, legs %d and %d give %d", q.Answer, sq, a, b, a*a+b*b)
		}
		v := s.Triangle.Vertices // ends of the horizontal and vertical legs, then the right angle
		drawn := float64(v[0].X-v[2].X) / float64(v[2].Y-v[1].Y)
		if math.Abs(drawn-float64(a)/float64(b)) > 0.06*float64(a)/float64(b) {
			t.Errorf("legs drawn in ratio %.2f, labelled %d:%d", drawn, a, b)
		}
		return q.Answer
	},
	"hypotenuse_choice": func(t *testing.T, s *toyworld.Scene, q toyworld.Question) string {
		a, b := s.Triangle.LegA, s.Triangle.LegB
		return strconv.FormatFloat(math.Hypot(float64(a), float64(b)), 'f', 1, 64) + " cm"
	},
	"right_triangle_area": func(t *testing.T, s *toyworld.Scene, q toyworld.Question) string {
		return strconv.FormatFloat(float64(s.Triangle.LegA*s.Triangle.LegB)/2, 'f', -1, 64)
	},
	"describe": func(t *testing.T, s *toyworld.Scene, q toyworld.Question) string { return q.Answer },
}

var rectangleRules = map[string]rederive{
	"rectangle_area": func(t *testing.T, s *toyworld.Scene, q toyworld.Question) string {
		r := s.Rect
		drawn := float64(r.Box.Dx()) / float64(r.Box.Dy())
		if math.Abs(drawn-float64(r.W)/float64(r.H)) > 0.06*float64(r.W)/float64(r.H) {
			t.Errorf("rectangle drawn in ratio %.2f, labelled %d:%d", drawn, r.W, r.H)
		}
		return strconv.Itoa(r.W * r.H)
	},
	"rectangle_perimeter": func(t *testing.T, s *toyworld.Scene, q toyworld.Question) string {
		return strconv.Itoa(2 * (s.Rect.W + s.Rect.H))
	},
	"rectangle_area_choice": func(t *testing.T, s *toyworld.Scene, q toyworld.Question) string {
		return strconv.Itoa(s.Rect.W*s.Rect.H) + " cm^2"
	},
	"describe": func(t *testing.T, s *toyworld.Scene, q toyworld.Question) string { return q.Answer },
}

var sequenceRules = map[string]rederive{
	"sequence_next": func(t *testing.T, s *toyworld.Scene, q toyworld.Question) string {
		seq := s.Sequence
		next := seq.Shown[2] + seq.Shown[1] - seq.Shown[0]
		i := slices.Index(seq.Options, next)
		if i < 0 || slices.Index(seq.Options[i+1:], next) >= 0 {
			t.Fatalf("options %v hold the next count %d %s", seq.Options, next, "not exactly once")
		}
		return string(rune('A' + i))
	},
	"sequence_count": func(t *testing.T, s *toyworld.Scene, q toyworld.Question) string {
		seq := s.Sequence
		return strconv.Itoa(seq.Shown[2] + seq.Shown[1] - seq.Shown[0])
	},
}

var panelsRules = map[string]rederive{
	"panels_only_shape": func(t *testing.T, s *toyworld.Scene, q toyworld.Question) string {
		m := match(t, `^Which panels in the image \(A-D\) contain only (\w+)s\?`, q.Text)
		var letters []string
		for _, p := range s.Panels {
			if count(p.Objects, func(o toyworld.Object) bool { return o.Shape == m[1] }) == len(p.Objects) {
				letters = append(letters, p.Letter)
			}
		}
		return strings.Join(letters, ", ")
	},
	"panels_most": func(t *testing.T, s *toyworld.Scene, q toyworld.Question) string {
		best := s.Panels[0]
		for _, p := range s.Panels[1:] {
			if len(p.Objects) == len(best.Objects) {
				t.Fatalf("panels %s and %s tie", p.Letter, best.Letter)
			}
			if len(p.Objects) > len(best.Objects) {
				best = p
			}
		}
		return best.Letter
	},
	"panels_count": func(t *testing.T, s *toyworld.Scene, q toyworld.Question) string {
		m := match(t, `^How many shapes are there in panel ([A-D])\?$`, q.Text)
		for _, p := range s.Panels {
			if p.Letter == m[1] {
				return strconv.Itoa(len(p.Objects))
			}
		}
		t.Fatalf("no panel %s", m[1])
		return ""
	},
}

var rulesByKind = map[toyworld.Kind]map[string]rederive{
	toyworld.KindShapes: shapesRules, toyworld.KindLocate: locateRules, toyworld.KindBars: barsRules,
	toyworld.KindTriangle: triangleRules, toyworld.KindRightTriangle: rightTriangleRules,
	toyworld.KindRectangle: rectangleRules, toyworld.KindSequence: sequenceRules, toyworld.KindPanels: panelsRules,
}

var topicNames = []string{"counting", "locating", "statistics", "angle", "length", "area", "logic"}

// Every answer is re-derived from the scene's facts; every kind asks the
// same templates in every scene (DynaMath variants rely on it).
func TestAnswersAreCorrectByConstruction(t *testing.T) {
	for _, kind := range toyworld.Kinds() {
		t.Run(string(kind), func(t *testing.T) {
			rules := rulesByKind[kind]
			var templates []string
			for i := 0; i < scenesPerKind; i++ {
				rng := rand.New(rand.NewPCG(uint64(i), 99))
				s, err := toyworld.NewScene(rng, kind)
				if err != nil {
					t.Fatal(err)
				}
				if s.Kind != kind || s.Image == nil {
					t.Fatalf("scene %+v", s)
				}
				var names []string
				for _, q := range s.Questions {
					names = append(names, q.Template)
					rule, ok := rules[q.Template]
					if !ok {
						t.Fatalf("no re-derivation for template %s", q.Template)
					}
					if want := rule(t, s, q); q.Answer != want {
						t.Fatalf("scene %d %s: %q answers %q, the scene says %q", i, q.Template, q.Text, q.Answer, want)
					}
					checkQuestion(t, q)
				}
				if templates == nil {
					templates = names
				} else if !slices.Equal(templates, names) {
					t.Fatalf("templates %v, earlier scenes had %v", names, templates)
				}
				checkPixels(t, s)
			}
		})
	}
}

// checkQuestion checks what every question promises whatever its kind.
func checkQuestion(t *testing.T, q toyworld.Question) {
	t.Helper()
	if !slices.Contains(toyworld.VerifierTypes(), q.Verifier) || !slices.Contains(topicNames, q.Topic) {
		t.Fatalf("%s: verifier %q topic %q", q.Template, q.Verifier, q.Topic)
	}
	if q.Text == "" || q.Answer == "" || len(q.Steps) == 0 {
		t.Fatalf("%s: empty text, answer or steps: %+v", q.Template, q)
	}
	seen := map[string]bool{q.Answer: true}
	for _, d := range q.Distractors {
		if seen[d] {
			t.Fatalf("%s: option %q repeats (answer %q, distractors %v)", q.Template, d, q.Answer, q.Distractors)
		}
		seen[d] = true
	}
	if q.Numeric && q.Precision == 0 {
		if v, err := strconv.ParseFloat(q.Answer, 64); err == nil && v != q.Value {
			t.Fatalf("%s: answer %q but value %v", q.Template, q.Answer, q.Value)
		}
	}
	if (q.Verifier == toyworld.VerifierIoU) != (q.Box != nil) {
		t.Fatalf("%s: verifier %s with box %v", q.Template, q.Verifier, q.Box)
	}
}

// checkPixels checks that each shape is drawn in its colour at its centre,
// so the facts the answers come from are what the image shows.
func checkPixels(t *testing.T, s *toyworld.Scene) {
	t.Helper()
	objs := s.Objects
	for _, p := range s.Panels {
		objs = append(objs, p.Objects...)
	}
	colours := map[string]toyworld.Colour{}
	for _, c := range toyworld.Colours {
		colours[c.Name] = c
	}
	for _, o := range objs {
		r, g, b, _ := s.Image.At(o.X, o.Y).RGBA()
		want := colours[o.Colour].RGBA()
		if uint8(r>>8) != want.R || uint8(g>>8) != want.G || uint8(b>>8) != want.B {
			t.Fatalf("%s %s at (%d,%d) is drawn %v", o.Colour, o.Shape, o.X, o.Y, s.Image.At(o.X, o.Y))
		}
		if !o.Box.In(s.Image.Rect) {
			t.Fatalf("%s %s box %v leaves the image %v", o.Colour, o.Shape, o.Box, s.Image.Rect)
		}
	}
	for i, a := range objs {
		if len(s.Panels) > 0 {
			break // panels place shapes on a fixed grid
		}
		for _, b := range objs[i+1:] {
			if a.Box.Overlaps(b.Box) {
				t.Fatalf("objects overlap: %v and %v", a.Box, b.Box)
			}
		}
	}
}

func TestNewSceneRefusesBadInput(t *testing.T) {
	if _, err := toyworld.NewScene(rand.New(rand.NewPCG(1, 1)), "clock"); err == nil || !strings.Contains(err.Error(), `unknown scene kind "clock"`) {
		t.Errorf("err = %v", err)
	}
	if _, err := toyworld.NewScene(nil, toyworld.KindBars); err == nil {
		t.Errorf("nil rng accepted")
	}
}

// NewItem must be able to ask every verifier type, many times over.
func TestNewItemCoversEveryVerifier(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, v := range toyworld.VerifierTypes() {
		kinds := map[toyworld.Kind]bool{}
		for i := 0; i < 200; i++ {
			it, err := toyworld.NewItem(rng, v)
			if err != nil {
				t.Fatal(err)
			}
			if it.Question.Verifier != v || it.Posed.Verifier != v {
				t.Fatalf("asked for %s, got %s/%s", v, it.Question.Verifier, it.Posed.Verifier)
			}
			kinds[it.Scene.Kind] = true
			if it.Posed.Options != nil && it.Posed.Options[it.Posed.Correct] != it.Question.Answer {
				t.Fatalf("option %s is %q, the answer is %q", it.Posed.Answer, it.Posed.Options[it.Posed.Correct], it.Question.Answer)
			}
		}
		t.Logf("%s comes from %d scene kinds", v, len(kinds))
	}
}

func TestSameRNGSameScene(t *testing.T) {
	for _, kind := range toyworld.Kinds() {
		a, _ := toyworld.NewScene(rand.New(rand.NewPCG(7, 8)), kind)
		b, _ := toyworld.NewScene(rand.New(rand.NewPCG(7, 8)), kind)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: same rng state, different scenes", kind)
		}
	}
}
