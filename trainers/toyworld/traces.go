package toyworld

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Expert trace styles of the SFT split.
const (
	// StyleDirect states the facts and the answer, with no self-reflection.
	StyleDirect = "direct"
	// StylePseudo imitates the "pseudo reasoning paths" the paper finds in
	// R1-distilled traces: long, hesitant, full of aha words, sometimes with a
	// wrong step that is then taken back. The final answer is still right.
	StylePseudo = "pseudo"
)

// Styles lists the trace styles.
func Styles() []string { return []string{StyleDirect, StylePseudo} }

// AhaWords are the paper's self-reflection keywords (App. A.2), matched as
// substrings of the lower-cased answer.
var AhaWords = []string{"wait", "again", "double-check", "hmm", "mistake", "alternatively", "check", "i should confirm"}

// AhaFound returns the aha words present in s, in AhaWords order; the paper's
// has_aha is len(AhaFound(s)) > 0.
func AhaFound(s string) []string {
	low := strings.ToLower(s)
	var found []string
	for _, w := range AhaWords {
		if strings.Contains(low, w) {
			found = append(found, w)
		}
	}
	return found
}

// Trace lengths.
const (
	// TracesFull states every step (the longer toy study).
	TracesFull = "full"
	// TracesShort keeps only the last step, the one that reaches the answer,
	// so a whole SFT sequence stays within ~32-64 tokens of the tiny model (the
	// default five-minute study). The pseudo style stays longer and hesitant
	// than the direct one.
	TracesShort = "short"
)

// TraceLengths lists the trace lengths.
func TraceLengths() []string { return []string{TracesFull, TracesShort} }

// Trace writes an expert answer "<think>…</think><answer>…</answer>" for
// the posed question in the style, with full traces.
func Trace(rng *rand.Rand, q Question, p Posed, style string) (string, error) {
	return TraceWithLength(rng, q, p, style, TracesFull)
}

// TraceWithLength is Trace with a trace length ("" means full).
func TraceWithLength(rng *rand.Rand, q Question, p Posed, style, length string) (string, error) {
	switch length {
	case "", TracesFull:
	case TracesShort:
		if len(q.Steps) > 1 {
			q.Steps = q.Steps[len(q.Steps)-1:]
		}
	default:
		return "", fmt.Errorf("trace %s: unknown trace length %q: want one of %v", q.Template, length, TraceLengths())
	}
	var think string
	switch style {
	case StyleDirect:
		think = strings.Join(q.Steps, " ") + " " + conclusion(p)
	case StylePseudo:
		if length == TracesShort {
			think = pseudoShort(rng, q, p)
		} else {
			think = pseudoThink(rng, q, p)
		}
	default:
		return "", fmt.Errorf("trace %s: unknown style %q: want one of %v", q.Template, style, Styles())
	}
	return "<think>" + think + "</think><answer>" + p.Answer + "</answer>", nil
}

// pseudoShort is the short pseudo-reasoning trace: an opening, the step,
// one doubt with the step repeated, sometimes a wrong answer taken back, and
// the closing "I should confirm". It is still about twice the direct trace.
func pseudoShort(rng *rand.Rand, q Question, p Posed) string {
	step := strings.Join(q.Steps, " ")
	b := []string{pick(rng, pseudoOpenings), step, pick(rng, pseudoDoubts)}
	if wrong, ok := wrongAnswer(rng, q, p); ok && rng.IntN(2) == 0 {
		b = append(b, fmt.Sprintf("So the answer should be %s.", wrong), "Wait, I think I made a mistake there.")
	}
	b = append(b, "I should confirm the answer once more.", conclusion(p))
	return strings.Join(b, " ")
}

func conclusion(p Posed) string {
	if p.Options != nil {
		return fmt.Sprintf("That is option (%s) %s, so the answer is %s.", p.Answer, p.Options[p.Correct], p.Answer)
	}
	if p.Verifier == VerifierOpenEnded {
		return "That describes the image."
	}
	return fmt.Sprintf("So the answer is %s.", p.Answer)
}

var (
	pseudoOpenings = []string{
		"Okay, let me think about this.",
		"Hmm, let me look at the image carefully.",
		"Alright, let me try to work this out step by step.",
		"Let me see. I need to be careful here.",
	}
	pseudoDoubts = []string{
		"Wait, let me look at that again.",
		"Hmm, is that right? I think so, but I am not entirely sure.",
		"Let me check this part once more.",
		"Wait, maybe I misread something. No, that seems fine.",
		"I need to double-check this.",
	}
	pseudoPrefixes = []string{"Hmm, ", "Wait, ", "So, ", "Maybe ", "Okay, "}
	pseudoDetours  = []string{
		"Alternatively, I could approach it another way, but that should give the same result.",
		"Alternatively, maybe the question means something else? No, I think it is asking exactly this.",
		"Hmm, maybe I am overthinking this.",
	}
)

// pseudoThink builds a long, hesitant trace around the expert steps. It
// always carries aha words: at least one doubt, a closing "I should
// confirm", and about half the time a wrong answer that is noticed and taken
// back.
func pseudoThink(rng *rand.Rand, q Question, p Posed) string {
	var b []string
	b = append(b, pick(rng, pseudoOpenings))
	doubted := false
	for i, step := range q.Steps {
		said := step
		if rng.IntN(3) == 0 {
			said = pick(rng, pseudoPrefixes) + lowerFirst(step)
		}
		b = append(b, said)
		// At least one doubt per trace: the last step gets one if none came before.
		if rng.IntN(2) == 0 || (!doubted && i == len(q.Steps)-1) {
			b = append(b, pick(rng, pseudoDoubts), "Going over it again: "+lowerFirst(step))
			doubted = true
		}
	}
	if wrong, ok := wrongAnswer(rng, q, p); ok && rng.IntN(2) == 0 {
		b = append(b,
			fmt.Sprintf("So the answer should be %s.", wrong),
			"Wait, that does not match what I found. I think I made a mistake there.",
			"Let me go through it again.")
		b = append(b, q.Steps...)
	}
	if rng.IntN(2) == 0 {
		b = append(b, pick(rng, pseudoDetours))
	}
	b = append(b, "I should confirm the answer once more before I write it.", conclusion(p))
	return strings.Join(b, " ")
}

// wrongAnswer is a plausible wrong final answer for the pseudo trace.
func wrongAnswer(rng *rand.Rand, q Question, p Posed) (string, bool) {
	switch {
	case p.Options != nil && len(p.Options) > 1:
		i := rng.IntN(len(p.Options) - 1)
		if i >= p.Correct {
			i++
		}
		return fmt.Sprintf("option (%s) %s", optionLetters[i], p.Options[i]), true
	case q.Box != nil:
		b := *q.Box
		dx := 0.1
		if b[2]+dx > 1 {
			dx = -0.1
		}
		return formatBox([4]float64{b[0] + dx, b[1], b[2] + dx, b[3]}), true
	case len(q.Distractors) > 0:
		return q.Distractors[rng.IntN(min(2, len(q.Distractors)))], true
	}
	return "", false
}

func lowerFirst(s string) string {
	if len(s) < 2 || s[1] == ' ' || strings.ToUpper(s[:2]) == s[:2] {
		return s // "A triangle", "ABC": keep
	}
	return strings.ToLower(s[:1]) + s[1:]
}
