package toyworld

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
)

// Posed is a question written as a training prompt in the VLAA-Thinking
// layout: the prompt text (with the answer-format instruction and, for
// multiple choice, the options), the ground truth as a record stores it, and
// the short answer an expert writes inside <answer>.
type Posed struct {
	Question string
	// GT is the ground truth as JSON: a number for digit, an option letter
	// for mcq, a LaTeX or plain string for math, [x1,y1,x2,y2] for iou and the
	// reference answer for open_ended.
	GT       json.RawMessage
	Answer   string
	Verifier string
	// Options are the option texts shown for a multiple-choice question whose
	// options are not drawn in the image; Correct indexes the right one.
	Options []string
	Correct int
}

// Pose writes q as a training prompt. Multiple-choice options are shuffled
// with rng, so the same rng state gives the same prompt.
func Pose(rng *rand.Rand, q Question) (Posed, error) {
	p := Posed{Verifier: q.Verifier, Correct: -1}
	text := q.Text
	if q.Hint != "" {
		text += " " + q.Hint
	}
	var gt any
	switch q.Verifier {
	case VerifierDigit:
		if !q.Numeric || q.Value != float64(int(q.Value)) || q.Value < 0 || q.Value > 9 {
			return Posed{}, fmt.Errorf("pose %s: digit answer %q is not a single digit", q.Template, q.Answer)
		}
		p.Question = text + " Answer with a single digit."
		p.Answer = q.Answer
		gt = int(q.Value)
	case VerifierMCQ:
		if q.Letters {
			p.Question = text + " Answer with the option letter."
			p.Answer = q.Answer
		} else {
			opts, correct, err := Choices(rng, q, 4)
			if err != nil {
				return Posed{}, err
			}
			p.Options, p.Correct = opts, correct
			p.Question = text + "\nChoices:\n" + LetterList(opts, "(%s) %s", "\n") + "\nAnswer with the option letter."
			p.Answer = optionLetters[correct]
		}
		gt = p.Answer
	case VerifierMath:
		p.Question = text
		p.Answer = q.Answer
		gt = q.Answer
	case VerifierIoU:
		if q.Box == nil {
			return Posed{}, fmt.Errorf("pose %s: iou question without a box", q.Template)
		}
		p.Question = text + " Give its bounding box as [x1, y1, x2, y2] with coordinates normalised to [0, 1]."
		p.Answer = q.Answer
		gt = q.Box[:]
	case VerifierOpenEnded:
		p.Question = text
		p.Answer = q.Answer
		gt = q.Answer
	default:
		return Posed{}, fmt.Errorf("pose %s: unknown verifier type %q", q.Template, q.Verifier)
	}
	raw, err := json.Marshal(gt)
	if err != nil {
		return Posed{}, fmt.Errorf("pose %s: %w", q.Template, err)
	}
	p.GT = raw
	return p, nil
}

// Choices returns up to n options for q (its answer and its most plausible
// distractors) in a shuffled order, and the index of the answer. It refuses
// a question with no distractors.
func Choices(rng *rand.Rand, q Question, n int) ([]string, int, error) {
	if len(q.Distractors) == 0 {
		return nil, 0, fmt.Errorf("question %s has no wrong options to choose from", q.Template)
	}
	k := min(n-1, len(q.Distractors))
	opts := append([]string{q.Answer}, q.Distractors[:k]...)
	perm := rng.Perm(len(opts))
	shuffled := make([]string, len(opts))
	correct := 0
	for i, j := range perm {
		shuffled[i] = opts[j]
		if j == 0 {
			correct = i
		}
	}
	return shuffled, correct, nil
}

// LetterList writes options lettered A, B, ...: format gets the letter and
// the option, sep goes between options.
func LetterList(opts []string, format, sep string) string {
	parts := make([]string, len(opts))
	for i, o := range opts {
		parts[i] = fmt.Sprintf(format, optionLetters[i], o)
	}
	return strings.Join(parts, sep)
}

// Item is one freshly sampled training item: a scene, one of its questions
// and the question posed as a prompt.
type Item struct {
	Scene    *Scene
	Question Question
	Posed    Posed
	// PosedAs names the benchmark whose prompt layout Posed follows (see
	// PoseAs); empty for the toy world's own.
	PosedAs string
}

// trainingKinds says which scene kinds can ask a question of each verifier
// type; panels stay out of training because their answers can be several letters.
var trainingKinds = map[string][]Kind{
	VerifierDigit:     {KindShapes, KindLocate, KindBars, KindSequence},
	VerifierMCQ:       {KindShapes, KindLocate, KindBars, KindTriangle, KindRightTriangle, KindRectangle, KindSequence},
	VerifierMath:      {KindShapes, KindBars, KindTriangle, KindRightTriangle, KindRectangle},
	VerifierIoU:       {KindLocate},
	VerifierOpenEnded: {KindShapes, KindLocate, KindBars, KindTriangle, KindRightTriangle, KindRectangle},
}

// NewItem samples a training item whose question has the verifier type, from
// a scene of a kind chosen with rng. A trainer can call it to draw fresh
// items in memory.
func NewItem(rng *rand.Rand, verifier string) (Item, error) {
	kinds, ok := trainingKinds[verifier]
	if !ok {
		return Item{}, fmt.Errorf("new item: unknown verifier type %q: want one of %v", verifier, VerifierTypes())
	}
	scene, err := NewScene(rng, pick(rng, kinds))
	if err != nil {
		return Item{}, err
	}
	qs := scene.ByVerifier(verifier)
	if len(qs) == 0 {
		return Item{}, fmt.Errorf("new item: %s scene has no %s question", scene.Kind, verifier)
	}
	q := pick(rng, qs)
	p, err := Pose(rng, q)
	if err != nil {
		return Item{}, err
	}
	return Item{Scene: scene, Question: q, Posed: p}, nil
}
