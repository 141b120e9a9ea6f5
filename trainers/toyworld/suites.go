package toyworld

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

// topicMeta maps a question topic to each benchmark's metadata vocabulary.
type topicMeta struct {
	// MathVista
	task, context, category, grade string
	skills                         []string
	// MathVision
	subject string
	level   int
	// DynaMath
	dynaSubject, dynaLevel string
	// MathVerse
	subfield string
}

var topics = map[string]topicMeta{
	"counting": {
		task: "visual question answering", context: "synthetic scene", category: "general-vqa", grade: "elementary school",
		skills: []string{"arithmetic reasoning"}, subject: "counting", level: 1,
		dynaSubject: "arithmetic", dynaLevel: "elementary school",
	},
	"locating": {
		task: "visual question answering", context: "synthetic scene", category: "general-vqa", grade: "elementary school",
		skills: []string{"numeric commonsense"}, subject: "analytic geometry", level: 1,
		dynaSubject: "analytic geometry", dynaLevel: "elementary school",
	},
	"statistics": {
		task: "figure question answering", context: "bar chart", category: "math-targeted-vqa", grade: "elementary school",
		skills: []string{"statistical reasoning"}, subject: "statistics", level: 2,
		dynaSubject: "statistics", dynaLevel: "elementary school",
	},
	"angle": {
		task: "geometry problem solving", context: "geometry diagram", category: "math-targeted-vqa", grade: "high school",
		skills: []string{"geometry reasoning", "algebraic reasoning"}, subject: "metric geometry - angle", level: 3,
		dynaSubject: "plane geometry", dynaLevel: "high school", subfield: "Angle",
	},
	"length": {
		task: "geometry problem solving", context: "geometry diagram", category: "math-targeted-vqa", grade: "high school",
		skills: []string{"geometry reasoning", "algebraic reasoning"}, subject: "metric geometry - length", level: 3,
		dynaSubject: "plane geometry", dynaLevel: "high school", subfield: "Length",
	},
	"area": {
		task: "geometry problem solving", context: "geometry diagram", category: "math-targeted-vqa", grade: "elementary school",
		skills: []string{"geometry reasoning", "arithmetic reasoning"}, subject: "metric geometry - area", level: 2,
		dynaSubject: "plane geometry", dynaLevel: "elementary school", subfield: "Area",
	},
	"logic": {
		task: "figure question answering", context: "puzzle test", category: "math-targeted-vqa", grade: "elementary school",
		skills: []string{"logical reasoning"}, subject: "logic", level: 2,
		dynaSubject: "puzzle test", dynaLevel: "elementary school",
	},
}

// meta returns the topic's metadata, failing loudly on a topic a scene
// forgot to map (a bug, caught by the tests).
func meta(q Question) (topicMeta, error) {
	m, ok := topics[q.Topic]
	if !ok {
		return topicMeta{}, fmt.Errorf("question %s has topic %q with no benchmark metadata", q.Template, q.Topic)
	}
	return m, nil
}

// syntheticSource names the toy world in benchmark "source" fields.
const syntheticSource = "synthetic toyworld"

// findQuestion draws scenes of the kinds until one has a question that ok
// accepts, and picks one of those.
func findQuestion(rng *rand.Rand, kinds []Kind, ok func(Question) bool) (*Scene, Question, error) {
	for try := 0; try < 100; try++ {
		s, err := NewScene(rng, pick(rng, kinds))
		if err != nil {
			return nil, Question{}, err
		}
		var cands []Question
		for _, q := range s.Questions {
			if ok(q) {
				cands = append(cands, q)
			}
		}
		if len(cands) > 0 {
			return s, pick(rng, cands), nil
		}
	}
	return nil, Question{}, fmt.Errorf("no scene of kinds %v has a fitting question", kinds)
}

// isInteger reports whether q's answer is a plain integer.
func isInteger(q Question) bool {
	return q.Numeric && q.Value == math.Trunc(q.Value) && q.Answer == itoa(int(q.Value))
}

// isChoice reports whether q can be asked as multiple choice with text
// options and at least n options.
func isChoice(q Question, n int) bool {
	return !q.Letters && len(q.Distractors) >= n-1 && q.Verifier != VerifierOpenEnded && q.Verifier != VerifierIoU
}

// withHint joins the question and its answer-form hint.
func withHint(q Question) string {
	return strings.TrimSpace(q.Text + " " + q.Hint)
}

// ptr returns a pointer to v, for JSON fields that may be null.
func ptr[T any](v T) *T { return &v }
