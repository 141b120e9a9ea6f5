package tinyvlm

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestTokenizerRoundTrip(t *testing.T) {
	corpus, err := ToyCorpus(200, 1)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := BuildTokenizer(corpus, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
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
