package tinyvlm

import (
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func testRequests(t testing.TB, m *Model, n int) []Request {
	var reqs []Request
	qs := []string{"How many squares are there?", "What colour is the circle?", "How many squares are there? Answer with a single digit."}
	for i := range n {
		p, err := m.Config.ImagePatches(squaresPNG(t, i%5+1))
		if err != nil {
			t.Fatal(err)
		}
		ids, err := m.EncodePrompt("", qs[i%len(qs)])
		if err != nil {
			t.Fatal(err)
		}
		reqs = append(reqs, Request{Patches: p, Prompt: ids, Key: SampleKey(ids, p, i/len(qs))})
	}
	return reqs
}

// The KV-cache decoder must give the logits of a full forward pass: a
// sampled generation is replayed by re-running the whole sequence for every
// token with the same random stream, and must come out the same.
func TestGenerationMatchesFullForward(t *testing.T) {
	m := tinyModel(t, 11)
	be := testBackend(t)
	gen, err := NewGenerator(be, m)
	if err != nil {
		t.Fatal(err)
	}
	reqs := testRequests(t, m, 3)
	s := Sampling{MaxTokens: 10, Temperature: 1, Seed: 9}
	out, err := gen.Generate(context.Background(), reqs, s)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range reqs {
		rng := rand.New(rand.NewPCG(uint64(s.Seed), r.Key))
		seq := append([]int(nil), r.Prompt...)
		var want []int
		for len(want) < 10 {
			id := sampleToken(fullLogits(t, m, r.Patches, seq), s, rng)
			want = append(want, id)
			seq = append(seq, id)
			if id == EndID {
				break
			}
		}
		if !slices.Equal(out[i].Tokens, want) {
			t.Errorf("request %d: KV cache %v, full forward %v", i, out[i].Tokens, want)
		}
		if len(slices.Compact(slices.Clone(want))) < 3 {
			t.Errorf("request %d: sampled %v, too uniform to test anything", i, want)
		}
	}
}

func TestSamplingDeterminism(t *testing.T) {
	m := tinyModel(t, 5)
	be := testBackend(t)
	gen, _ := NewGenerator(be, m)
	ctx := context.Background()
	reqs := testRequests(t, m, 6)
	s := Sampling{MaxTokens: 16, Temperature: 1.2, TopP: 0.95, TopK: 40, Seed: 42}
	all, err := gen.Generate(ctx, reqs, s)
	if err != nil {
		t.Fatal(err)
	}
	for i := range all {
		t.Logf("request %d: %d tokens %q", i, len(all[i].Tokens), all[i].Text)
	}
	again, _ := gen.Generate(ctx, reqs, s)
	for i := range all {
		if !slices.Equal(all[i].Tokens, again[i].Tokens) {
			t.Errorf("request %d differs between runs", i)
		}
	}
	// Batch size 1 and a batch in another order give the same sequences.
	for i := range reqs {
		one, err := gen.Generate(ctx, reqs[i:i+1], s)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(one[0].Tokens, all[i].Tokens) {
			t.Errorf("request %d alone %v, in a batch of %d %v", i, one[0].Tokens, len(reqs), all[i].Tokens)
		}
	}
	rev := slices.Clone(reqs)
	slices.Reverse(rev)
	back, _ := gen.Generate(ctx, rev, s)
	for i := range back {
		if !slices.Equal(back[i].Tokens, all[len(all)-1-i].Tokens) {
			t.Errorf("reversed batch: request %d differs", i)
		}
	}
	// Another seed samples differently (an untrained model is near uniform).
	s2 := s
	s2.Seed = 43
	other, _ := gen.Generate(ctx, reqs, s2)
	same := 0
	for i := range other {
		if slices.Equal(other[i].Tokens, all[i].Tokens) {
			same++
		}
	}
	if same == len(other) {
		t.Error("seed 43 sampled exactly what seed 42 did")
	}
	// Greedy equals temperature 0 whatever the other knobs and the seed.
	g1, _ := gen.Generate(ctx, reqs, Sampling{MaxTokens: 16})
	g2, _ := gen.Generate(ctx, reqs, Sampling{MaxTokens: 16, Temperature: 0, TopP: 0.5, TopK: 3, Seed: 99})
	for i := range g1 {
		if !slices.Equal(g1[i].Tokens, g2[i].Tokens) {
			t.Errorf("greedy request %d: %v vs %v", i, g1[i].Tokens, g2[i].Tokens)
		}
	}
}

func TestGenerationLimitsAndStops(t *testing.T) {
	m := tinyModel(t, 5)
	be := testBackend(t)
	gen, _ := NewGenerator(be, m)
	ctx := context.Background()
	reqs := testRequests(t, m, 2)
	out, err := gen.Generate(ctx, reqs, Sampling{MaxTokens: 4, Temperature: 1, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range out {
		ended := len(c.Tokens) > 0 && c.Tokens[len(c.Tokens)-1] == EndID
		if len(c.Tokens) > 4 || (!ended && (!c.Truncated || len(c.Tokens) != 4)) || (ended && c.Truncated) {
			t.Errorf("request %d: %d tokens, truncated %v", i, len(c.Tokens), c.Truncated)
		}
		if c.PromptTokens != len(reqs[i].Prompt) {
			t.Errorf("prompt tokens %d, want %d", c.PromptTokens, len(reqs[i].Prompt))
		}
	}
	// No max_tokens: the context bounds the response.
	out, _ = gen.Generate(ctx, reqs[:1], Sampling{Temperature: 1, Seed: 3})
	if room := m.Config.MaxText - len(reqs[0].Prompt); len(out[0].Tokens) > room {
		t.Errorf("%d tokens in a room of %d", len(out[0].Tokens), room)
	}
	// A stop string cuts the text before it.
	full, _ := gen.Generate(ctx, reqs[:1], Sampling{MaxTokens: 20, Temperature: 1, Seed: 7})
	text := full[0].Text
	if len(text) > 3 {
		stop := text[2:3]
		cut, _ := gen.Generate(ctx, reqs[:1], Sampling{MaxTokens: 20, Temperature: 1, Seed: 7, Stop: []string{stop}})
		if strings.Contains(cut[0].Text, stop) || !strings.HasPrefix(text, cut[0].Text) || cut[0].Truncated {
			t.Errorf("stop %q: %q from %q", stop, cut[0].Text, text)
		}
	}
	for _, bad := range []Sampling{{Temperature: -1}, {TopP: 2}, {TopK: -1}, {MaxTokens: -2}} {
		if _, err := gen.Generate(ctx, reqs, bad); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
	long := reqs[0]
	long.Prompt = make([]int, m.Config.MaxText)
	if _, err := gen.Generate(ctx, []Request{long}, Sampling{}); err == nil || !strings.Contains(err.Error(), "exceeds the context") {
		t.Errorf("long prompt: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := gen.Generate(cctx, reqs, Sampling{MaxTokens: 5}); err == nil {
		t.Error("cancelled context: no error")
	}
}
