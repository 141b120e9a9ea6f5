package toyworld_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/vlmlab/harness/trainers/toyworld"
)

// Short traces keep the answer and the styles' difference: direct short is
// no longer than direct full, pseudo short still carries aha words and is
// longer than direct short, and both end in the same answer.
func TestShortTraces(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var fullWords, shortWords, pseudoWords int
	for i := range 1000 {
		it, err := toyworld.NewItem(rng, toyworld.VerifierTypes()[i%5])
		if err != nil {
			t.Fatal(err)
		}
		full, _ := toyworld.TraceWithLength(rng, it.Question, it.Posed, toyworld.StyleDirect, toyworld.TracesFull)
		short, err := toyworld.TraceWithLength(rng, it.Question, it.Posed, toyworld.StyleDirect, toyworld.TracesShort)
		if err != nil {
			t.Fatal(err)
		}
		pseudo, _ := toyworld.TraceWithLength(rng, it.Question, it.Posed, toyworld.StylePseudo, toyworld.TracesShort)
		if len(short) > len(full) {
			t.Errorf("%s: short trace longer than the full one:\n%s\n%s", it.Question.Template, short, full)
		}
		if found := toyworld.AhaFound(pseudo); len(found) < 2 || len(pseudo) <= len(short) {
			t.Errorf("%s: short pseudo trace %q (aha %v) vs direct %q", it.Question.Template, pseudo, found, short)
		}
		if found := toyworld.AhaFound(short); len(found) > 0 {
			t.Errorf("short direct trace has aha words %v: %s", found, short)
		}
		suffix := "<answer>" + it.Posed.Answer + "</answer>"
		if !strings.HasSuffix(short, suffix) || !strings.HasSuffix(pseudo, suffix) {
			t.Errorf("short traces do not end in %s", suffix)
		}
		fullWords += len(strings.Fields(full))
		shortWords += len(strings.Fields(short))
		pseudoWords += len(strings.Fields(pseudo))
	}
	if shortWords*10 > fullWords*8 {
		t.Errorf("short traces average %d words against %d for full ones: not much shorter", shortWords/1000, fullWords/1000)
	}
	t.Logf("mean words: full direct %d, short direct %d, short pseudo %d", fullWords/1000, shortWords/1000, pseudoWords/1000)
	if _, err := toyworld.TraceWithLength(rng, toyworld.Question{}, toyworld.Posed{}, toyworld.StyleDirect, "tiny"); err == nil || !strings.Contains(err.Error(), `unknown trace length "tiny"`) {
		t.Errorf("bad length: %v", err)
	}
}
