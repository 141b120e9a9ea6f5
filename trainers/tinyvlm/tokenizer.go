package tinyvlm

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Special tokens. Their ids are fixed (the first entries of every
// vocabulary), so code and other implementations can rely on them.
const (
	PadToken       = "<pad>"
	UnknownToken   = "<unk>"
	EndToken       = "<eos>"
	UserToken      = "<user>"
	AssistantToken = "<assistant>"
	ThinkOpen      = "<think>"
	ThinkClose     = "</think>"
	AnswerOpen     = "<answer>"
	AnswerClose    = "</answer>"
)

// Fixed token ids.
const (
	PadID       = 0
	UnknownID   = 1
	EndID       = 2
	UserID      = 3
	AssistantID = 4
)

// NumSystemTokens is how many reserved system-prompt tokens a vocabulary
// holds: <system0> … <system7>.
const NumSystemTokens = 8

func systemToken(i int) string { return fmt.Sprintf("<system%d>", i) }

// tags are the reasoning tags, always single tokens.
var tags = []string{ThinkOpen, ThinkClose, AnswerOpen, AnswerClose}

// Tokenizer maps text to token ids and back. A vocabulary entry is a whole
// word or word piece, optionally with one leading space (" answer"), a single
// character (" x", "x"), a digit (digits are always single tokens, so numbers
// are spelled digit by digit), a special token, or a phrase: a whole line
// that recurs in the corpus (a benchmark's fixed instruction such as
// DynaMath's JSON-format paragraph, which spelled word by word would not fit
// the context, and which carries no more information as one token than as
// eighty). Encoding is greedy longest
// match over the entries, so any text made of known characters round-trips
// exactly; a character outside the vocabulary becomes <unk>.
//
// System prompts are not spelled out: the paper's ~70-word prompt would fill
// most of the context. Each registered system prompt maps to one reserved
// token (<system0>, <system1>, …), compared after collapsing white space, so
// the prompt still conditions the model. An unregistered system prompt is
// encoded as ordinary text.
type Tokenizer struct {
	vocab  []string
	ids    map[string]int
	maxLen int // longest entry in bytes, phrases left out
	// phrases are the entries with white space after their first byte, by
	// first byte, longest first: matched with a prefix test rather than by
	// trying every length up to theirs.
	phrases map[byte][]string
	systems []string
}

// Phrase entries: a corpus line becomes one when it is at least
// phraseMinBytes long and occurs at least phraseMinCount times.
const (
	phraseMinBytes = 20
	phraseMinCount = 50
)

// tokenizerFile is tokenizer.json.
type tokenizerFile struct {
	Format        string   `json:"format"`
	Vocab         []string `json:"vocab"`
	SystemPrompts []string `json:"system_prompts"`
}

const tokenizerFormat = "tinyvlm-tokenizer/1"

// BuildTokenizer makes a vocabulary from a corpus: every word spelling
// (with or without a leading space) that occurs at least minCount times,
// every character of
// the corpus and of printable ASCII, the digits, the tags and the special
// tokens. systemPrompts are registered in order (at most NumSystemTokens).
func BuildTokenizer(corpus []string, minCount int, systemPrompts []string) (*Tokenizer, error) {
	if len(systemPrompts) > NumSystemTokens {
		return nil, fmt.Errorf("tokenizer: %d system prompts given, at most %d can be registered", len(systemPrompts), NumSystemTokens)
	}
	vocab := []string{PadToken, UnknownToken, EndToken, UserToken, AssistantToken}
	for i := range NumSystemTokens {
		vocab = append(vocab, systemToken(i))
	}
	vocab = append(vocab, tags...)
	seen := map[string]bool{}
	for _, v := range vocab {
		seen[v] = true
	}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			vocab = append(vocab, s)
		}
	}
	for c := rune(32); c < 127; c++ {
		add(string(c))
		if c != ' ' {
			add(" " + string(c))
		}
	}
	add("\n")
	add("\t")
	add("\r")
	words := map[string]int{}
	lines := map[string]int{}
	chars := map[rune]bool{}
	for _, text := range corpus {
		for _, line := range strings.Split(text, "\n") {
			if len(line) >= phraseMinBytes && !hasTag(line) {
				lines[line]++
			}
		}
		for _, t := range tags {
			text = strings.ReplaceAll(text, t, " ")
		}
		for _, r := range text {
			chars[r] = true
		}
		for _, w := range splitWords(text) {
			words[w]++
		}
	}
	var rs []rune
	for r := range chars {
		if r >= 127 && unicode.IsPrint(r) {
			rs = append(rs, r)
		}
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i] < rs[j] })
	for _, r := range rs {
		add(string(r))
		add(" " + string(r))
	}
	var ws []string
	for w, n := range words {
		if n >= minCount && utf8.RuneCountInString(strings.TrimPrefix(w, " ")) > 1 {
			ws = append(ws, w)
		}
	}
	sort.Strings(ws)
	for _, w := range ws {
		add(w)
	}
	var ps []string
	for l, n := range lines {
		if n >= max(minCount, phraseMinCount) && isPhrase(l) {
			ps = append(ps, l)
		}
	}
	sort.Strings(ps)
	for _, p := range ps {
		add(p)
	}
	return newTokenizer(vocab, systemPrompts)
}

// splitWords returns the runs of letters of s, each with a leading space
// when one precedes it: the two spellings are separate entries.
func splitWords(s string) []string {
	var out []string
	rs := []rune(s)
	for i := 0; i < len(rs); {
		if !unicode.IsLetter(rs[i]) {
			i++
			continue
		}
		j := i
		for j < len(rs) && unicode.IsLetter(rs[j]) {
			j++
		}
		w := string(rs[i:j])
		if i > 0 && rs[i-1] == ' ' {
			w = " " + w
		}
		out = append(out, w)
		i = j
	}
	return out
}

func newTokenizer(vocab []string, systems []string) (*Tokenizer, error) {
	t := &Tokenizer{vocab: vocab, ids: make(map[string]int, len(vocab))}
	fixed := []string{PadToken, UnknownToken, EndToken, UserToken, AssistantToken}
	for i, f := range fixed {
		if i >= len(vocab) || vocab[i] != f {
			return nil, fmt.Errorf("tokenizer: entry %d must be %s", i, f)
		}
	}
	for i, v := range vocab {
		if v == "" {
			return nil, fmt.Errorf("tokenizer: entry %d is empty", i)
		}
		if _, dup := t.ids[v]; dup {
			return nil, fmt.Errorf("tokenizer: entry %q appears twice", v)
		}
		if isDigitPiece(v) && len(strings.TrimPrefix(v, " ")) > 1 {
			return nil, fmt.Errorf("tokenizer: entry %q: numbers are spelled digit by digit", v)
		}
		t.ids[v] = i
		if isPhrase(v) {
			if t.phrases == nil {
				t.phrases = map[byte][]string{}
			}
			t.phrases[v[0]] = append(t.phrases[v[0]], v)
			continue
		}
		t.maxLen = max(t.maxLen, len(v))
	}
	for _, ps := range t.phrases {
		sort.Slice(ps, func(i, j int) bool { return len(ps[i]) > len(ps[j]) })
	}
	for i := range NumSystemTokens {
		if _, ok := t.ids[systemToken(i)]; !ok {
			return nil, fmt.Errorf("tokenizer: reserved token %s is missing", systemToken(i))
		}
	}
	for _, s := range systems {
		t.systems = append(t.systems, normalizeSpace(s))
	}
	if len(t.systems) > NumSystemTokens {
		return nil, fmt.Errorf("tokenizer: %d system prompts, at most %d", len(t.systems), NumSystemTokens)
	}
	return t, nil
}

func isDigitPiece(v string) bool {
	v = strings.TrimPrefix(v, " ")
	if v == "" {
		return false
	}
	for _, r := range v {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func normalizeSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// VocabSize is the number of tokens.
func (t *Tokenizer) VocabSize() int { return len(t.vocab) }

// Token returns the text of id ("" for an id out of range).
func (t *Tokenizer) Token(id int) string {
	if id < 0 || id >= len(t.vocab) {
		return ""
	}
	return t.vocab[id]
}

// ID returns the id of a vocabulary entry.
func (t *Tokenizer) ID(token string) (int, bool) {
	id, ok := t.ids[token]
	return id, ok
}

// SystemPrompts lists the registered system prompts (white space collapsed).
func (t *Tokenizer) SystemPrompts() []string { return append([]string(nil), t.systems...) }

// SystemID returns the reserved token of a registered system prompt.
func (t *Tokenizer) SystemID(prompt string) (int, bool) {
	p := normalizeSpace(prompt)
	for i, s := range t.systems {
		if s == p {
			return t.ids[systemToken(i)], true
		}
	}
	return 0, false
}

// Encode splits text into token ids by greedy longest match. Special tokens
// other than the four reasoning tags are never produced from text, so a user
// cannot forge <eos> or <assistant>.
func (t *Tokenizer) Encode(text string) []int {
	var out []int
	for i := 0; i < len(text); {
		if id, n := t.match(text[i:]); n > 0 {
			out = append(out, id)
			i += n
			continue
		}
		_, size := utf8.DecodeRuneInString(text[i:])
		out = append(out, UnknownID)
		i += size
	}
	return out
}

// isPhrase reports whether a vocabulary entry is a phrase: white space
// after its first byte (a word has at most one leading space).
func isPhrase(v string) bool {
	return len(v) > 1 && strings.ContainsAny(v[1:], " \t\n")
}

// match finds the longest entry that prefixes s; digits never merge.
func (t *Tokenizer) match(s string) (id, n int) {
	if len(s) > 0 {
		for _, p := range t.phrases[s[0]] {
			if len(p) > t.maxLen && strings.HasPrefix(s, p) {
				return t.ids[p], len(p)
			}
		}
	}
	for l := min(t.maxLen, len(s)); l > 0; l-- {
		p := s[:l]
		if !utf8.ValidString(p) {
			continue
		}
		v, ok := t.ids[p]
		if !ok || (v < len(tags)+5+NumSystemTokens && !isTag(p)) {
			continue
		}
		return v, l
	}
	return 0, 0
}

// hasTag reports whether s holds a reasoning tag, which must stay a token
// of its own.
func hasTag(s string) bool {
	for _, t := range tags {
		if strings.Contains(s, t) {
			return true
		}
	}
	return false
}

func isTag(s string) bool {
	for _, t := range tags {
		if s == t {
			return true
		}
	}
	return false
}

// Decode turns ids back into text. Special tokens other than the tags
// decode to nothing; <unk> decodes to U+FFFD.
func (t *Tokenizer) Decode(ids []int) string {
	var b strings.Builder
	for _, id := range ids {
		switch {
		case id == UnknownID:
			b.WriteRune(utf8.RuneError)
		case id < 0 || id >= len(t.vocab):
			b.WriteRune(utf8.RuneError)
		case id < 5+NumSystemTokens:
		default:
			b.WriteString(t.vocab[id])
		}
	}
	return b.String()
}

// Save writes tokenizer.json.
func (t *Tokenizer) Save(path string) error {
	blob, err := json.MarshalIndent(tokenizerFile{Format: tokenizerFormat, Vocab: t.vocab, SystemPrompts: t.systems}, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(blob, '\n'), 0o644)
}

// LoadTokenizer reads a tokenizer.json written by Save.
func LoadTokenizer(path string) (*Tokenizer, error) {
	blob, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read tokenizer: %w", err)
	}
	var f tokenizerFile
	if err := json.Unmarshal(blob, &f); err != nil {
		return nil, fmt.Errorf("%s: not a tokenizer file: %v", path, err)
	}
	if f.Format != tokenizerFormat {
		return nil, fmt.Errorf("%s: format %q, want %q", path, f.Format, tokenizerFormat)
	}
	t, err := newTokenizer(f.Vocab, f.SystemPrompts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}
