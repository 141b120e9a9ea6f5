package toyworld

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"

	"github.com/vlmlab/harness/benchmarks/answer"
	"github.com/vlmlab/harness/benchmarks/dynamath"
	"github.com/vlmlab/harness/benchmarks/mathvision"
	"github.com/vlmlab/harness/benchmarks/registry"
	"github.com/vlmlab/harness/benchmarks/wemath"
)

// StyledShare is the share of training items (pre-training, SFT and RL) whose
// question is posed the way one of the benchmarks' evaluators poses it, with
// the same hint lines and instructions; the rest keep the toy world's own
// prompt. A small model trained only on one prompt layout answers another
// layout's prompts poorly: the paper's base model had seen such prompts
// before RL, and so does the toy one.
const StyledShare = 0.5

// PromptStyles lists the benchmarks a training item can be posed like.
// MathVerse is not among them: its evaluated variant (Vision Only) draws the
// question into the image, which the toy world's training images do not.
func PromptStyles() []string {
	return []string{registry.MathVista, registry.MathVision, registry.DynaMath, registry.WeMath, registry.LogicVista}
}

// PoseAs writes q the way benchmark's evaluator poses such an item: the
// prompt text it sends (from the same builders the suites and the
// evaluators use), the answer in the form it scores, and the ground truth
// for the item's verifier. ok is false when that benchmark does not ask
// questions of q's kind (WeMath asks multiple choice only, for example).
func PoseAs(rng *rand.Rand, q Question, benchmark string) (p Posed, ok bool, err error) {
	p = Posed{Verifier: q.Verifier, Correct: -1}
	choice := func(n int) error {
		opts, correct, err := Choices(rng, q, n)
		if err != nil {
			return err
		}
		p.Options, p.Correct, p.Answer = opts, correct, optionLetters[correct]
		return nil
	}
	mcq := q.Verifier == VerifierMCQ && isChoice(q, 2)
	switch benchmark {
	case registry.MathVista:
		switch {
		case mcq:
			if err := choice(intRange(rng, 2, 5)); err != nil {
				return Posed{}, false, err
			}
			p.Question = mathVistaQuery("choice", q, p.Options)
		case isInteger(q) && (q.Verifier == VerifierDigit || q.Verifier == VerifierMath):
			p.Question, p.Answer = mathVistaQuery("integer", q, nil), q.Answer
		case q.Numeric && (q.Precision == 1 || q.Precision == 2) && q.Verifier == VerifierMath:
			p.Question, p.Answer = mathVistaQuery("float", q, nil), formatFloat(q.Value, q.Precision)
		default:
			return Posed{}, false, nil
		}
	case registry.MathVision:
		text := withHint(q) + "\n<image1>"
		switch {
		case q.Verifier == VerifierMCQ && isChoice(q, 5):
			if err := choice(5); err != nil {
				return Posed{}, false, err
			}
			p.Question = mathvision.Query(text, p.Options)
		case q.Numeric && q.Precision == 0 && (q.Verifier == VerifierDigit || q.Verifier == VerifierMath):
			p.Question, p.Answer = mathvision.Query(text, nil), q.Answer
		default:
			return Posed{}, false, nil
		}
	case registry.DynaMath:
		var typ string
		switch {
		case q.Verifier == VerifierMCQ && (q.Letters || isChoice(q, 2)):
			typ = dynamath.TypeChoice
		case q.Numeric && !isInteger(q) && q.Verifier == VerifierMath:
			typ = dynamath.TypeFloat
		case q.Verifier == VerifierDigit || q.Verifier == VerifierMath:
			typ = dynamath.TypeText
		default:
			return Posed{}, false, nil
		}
		question, ans, err := dynaMathQuestion(rng, q, typ)
		if err != nil {
			return Posed{}, false, err
		}
		p.Question, p.Answer = dynamath.Prompt(question, typ), ans
	case registry.WeMath:
		if !mcq {
			return Posed{}, false, nil
		}
		// Four options and "E. No correct answer", as the WeMath suite.
		if err := choice(4); err != nil {
			return Posed{}, false, err
		}
		p.Options = append(p.Options, weMathNone)
		p.Question = wemath.Prompt("", q.Text+"\n"+wemath.FormatTemplate, answer.Lettered(p.Options))
	case registry.LogicVista:
		// LogicVista sends the question as written; its options are drawn
		// in the image, so only questions whose letters the image shows fit.
		if !(q.Verifier == VerifierMCQ && q.Letters) && q.Verifier != VerifierDigit {
			return Posed{}, false, nil
		}
		p.Question, p.Answer = q.Text, q.Answer
	default:
		return Posed{}, false, fmt.Errorf("pose as %q: not one of %v", benchmark, PromptStyles())
	}
	var gt any = p.Answer
	if q.Verifier == VerifierDigit {
		gt = int(q.Value)
	}
	if p.GT, err = json.Marshal(gt); err != nil {
		return Posed{}, false, err
	}
	return p, true, nil
}

// styleItem poses it like one of the benchmarks with probability
// StyledShare (trying them in a random order until one asks questions of
// its kind) and returns the benchmark's name, or "" when it keeps the toy
// world's own prompt.
func styleItem(rng *rand.Rand, it *Item) (string, error) {
	if rng.Float64() >= StyledShare {
		return "", nil
	}
	styles := PromptStyles()
	for _, k := range rng.Perm(len(styles)) {
		p, ok, err := PoseAs(rng, it.Question, styles[k])
		if err != nil {
			return "", err
		}
		if ok {
			it.Posed = p
			return styles[k], nil
		}
	}
	return "", nil
}
