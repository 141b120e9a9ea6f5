package tinyvlm

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vlmlab/harness/benchmarks/dynamath"
)

// toyTokenizer builds a vocabulary from n toy-world items with no system
// prompt; it also returns the corpus.
func toyTokenizer(t *testing.T, n, minCount int) (*Tokenizer, []string) {
	t.Helper()
	corpus, err := ToyCorpus(n, 1)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := BuildTokenizer(corpus, minCount, nil)
	if err != nil {
		t.Fatal(err)
	}
	return tok, corpus
}

func TestTokenizerRoundTrip(t *testing.T) {
	tok, corpus := toyTokenizer(t, 200, 1)
	extra := []string{
		"",
		"Two angles of triangle ABC are marked. What is angle C in degrees?",
		"<think>180° - 35° - 70° = 75°. So the answer is 75.</think><answer>75</answer>",
		`<answer>\frac{2}{5}</answer> and \sqrt{41} cm`,
		"[0.11, 0.23, 0.34, 0.46]\nChoices:\n(A) top left",
		"Zebras xylophone qwertyuiop", // words outside the vocabulary: pieces
		"  double  spaces\tand tabs ",
	}
	for _, s := range append(corpus[:50], extra...) {
		ids := tok.Encode(s)
		if got := tok.Decode(ids); got != s {
			t.Errorf("round trip of %q gave %q", s, got)
		}
	}
	// Digits are single tokens, the tags are single tokens.
	ids := tok.Encode("<answer>1234</answer>")
	if len(ids) != 6 {
		t.Errorf("<answer>1234</answer> is %d tokens %v, want 6 (tag, 4 digits, tag)", len(ids), ids)
	}
	// A known word is one token.
	if ids := tok.Encode(" answer"); len(ids) != 1 {
		t.Errorf("\" answer\" is %d tokens, want 1", len(ids))
	}
}

func TestTokenizerUnknownAndSpecials(t *testing.T) {
	tok, err := BuildTokenizer([]string{"hello world"}, 1, []string{"Be  brief.\n Think first."})
	if err != nil {
		t.Fatal(err)
	}
	// A character outside the vocabulary is <unk>, decoded as U+FFFD.
	ids := tok.Encode("hello 世")
	if ids[len(ids)-1] != UnknownID {
		t.Errorf("unknown character: got %v, want trailing <unk>", ids)
	}
	if got := tok.Decode(ids); got != "hello \uFFFD" {
		t.Errorf("decode of unknown: %q", got)
	}
	// Special tokens other than the tags cannot be forged from text.
	for _, s := range []string{"<eos>", "<assistant>", "<system0>", "<pad>"} {
		for _, id := range tok.Encode(s) {
			if id < 5+NumSystemTokens {
				t.Errorf("text %q encoded to special id %d", s, id)
			}
		}
		if got := tok.Decode(tok.Encode(s)); got != s {
			t.Errorf("round trip of %q gave %q", s, got)
		}
	}
	// The system prompt maps to one reserved token, white space collapsed.
	id, ok := tok.SystemID("Be brief. Think first.")
	if !ok || tok.Token(id) != "<system0>" {
		t.Errorf("SystemID = %d, %v; want <system0>", id, ok)
	}
	if _, ok := tok.SystemID("Be verbose."); ok {
		t.Error("an unregistered system prompt matched")
	}
	// Save and load give the same tokenizer.
	p := filepath.Join(t.TempDir(), "tokenizer.json")
	if err := tok.Save(p); err != nil {
		t.Fatal(err)
	}
	back, err := LoadTokenizer(p)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(back.vocab, tok.vocab) || !slices.Equal(back.SystemPrompts(), tok.SystemPrompts()) {
		t.Error("tokenizer changed through Save/Load")
	}
	if _, err := BuildTokenizer(nil, 1, make([]string, 9)); err == nil || !strings.Contains(err.Error(), "at most 8") {
		t.Errorf("9 system prompts: %v", err)
	}
}

func TestPromptTooLong(t *testing.T) {
	m := tinyModel(t, 1)
	_, err := m.EncodePrompt("", strings.Repeat("How many squares? ", 40))
	if err == nil || !strings.Contains(err.Error(), "exceeds the context") || !strings.Contains(err.Error(), "max_text") {
		t.Fatalf("long prompt: %v", err)
	}
	// An unregistered system prompt is spelled out, and the error says so.
	_, err = m.EncodePrompt(strings.Repeat("Be careful. ", 20), "How many squares?")
	if err == nil || !strings.Contains(err.Error(), "not registered") {
		t.Fatalf("long unregistered system prompt: %v", err)
	}
	ids, err := m.EncodePrompt("You are a test assistant.   Use <think> and <answer> tags.", "How many squares?")
	if err != nil {
		t.Fatal(err)
	}
	if m.Tokenizer.Token(ids[0]) != "<system0>" || ids[1] != UserID || ids[len(ids)-1] != AssistantID {
		t.Errorf("prompt layout %v", ids)
	}
}

// A line that recurs in the corpus becomes one phrase entry; a rarer one is
// spelled in words; text around and inside phrases still round-trips.
func TestTokenizerPhrases(t *testing.T) {
	frequent := "Please answer the question, e.g., 1, 2, 3, at the end."
	rare := "Answer the question using a single word or phrase please."
	var corpus []string
	for i := range 60 {
		corpus = append(corpus, "How many squares?\n"+frequent)
		if i < 10 {
			corpus = append(corpus, rare)
		}
	}
	tok, err := BuildTokenizer(corpus, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ids := tok.Encode(frequent); len(ids) != 1 {
		t.Errorf("the frequent line is %d tokens, want 1 (a phrase)", len(ids))
	}
	if ids := tok.Encode(rare); len(ids) < 5 {
		t.Errorf("the rare line is %d tokens, want it spelled in words", len(ids))
	}
	for _, s := range []string{
		"Hint: " + frequent + "\nQuestion: what?",
		frequent[:30] + " cut short",
		frequent + frequent,
		"<answer>3</answer>" + frequent,
	} {
		if got := tok.Decode(tok.Encode(s)); got != s {
			t.Errorf("round trip of %q gave %q", s, got)
		}
	}
	// Saved and loaded, the phrase is still one token.
	path := filepath.Join(t.TempDir(), "tokenizer.json")
	if err := tok.Save(path); err != nil {
		t.Fatal(err)
	}
	back, err := LoadTokenizer(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := back.Encode("x\n" + frequent); !slices.Equal(got, tok.Encode("x\n"+frequent)) || len(got) != 3 {
		t.Errorf("after load: %v", got)
	}
}

// The toy corpus makes each benchmark's fixed instructions phrases, so a
// DynaMath prompt (a ~90-word JSON-format paragraph after the question) fits
// the default context with room for the answer.
func TestToyCorpusFitsBenchmarkPrompts(t *testing.T) {
	tok, _ := toyTokenizer(t, 3000, 2)
	q := "How many squares are there? Choices: (A) 3 (B) 4 (C) 5 (D) 6"
	for _, typ := range []string{dynamath.TypeChoice, dynamath.TypeFloat, dynamath.TypeText} {
		p := dynamath.Prompt(q, typ)
		if n, words := len(tok.Encode(p)), len(tok.Encode(q)); n > words+40 {
			t.Errorf("DynaMath %s prompt: %d tokens for a %d-token question; its instructions should be a few phrases", typ, n, words)
		}
	}
}
