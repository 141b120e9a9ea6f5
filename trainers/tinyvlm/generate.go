package tinyvlm

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"sort"
	"strings"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive
	"github.com/gomlx/gomlx/core/tensors"
)

// Sampling are the decoding settings of one Generate call.
type Sampling struct {
	// MaxTokens bounds the response (0: as many as the context holds).
	MaxTokens int
	// Temperature 0 is greedy decoding (arg max, lowest id on ties).
	Temperature float64
	// TopP keeps the smallest set of most likely tokens whose probability
	// reaches TopP (0 or 1: all).
	TopP float64
	// TopK keeps the K most likely tokens (0: all).
	TopK int
	// Seed fixes sampling: each sequence draws from its own stream derived
	// from Seed and Request.Key, so a sequence's output does not depend on
	// what else is in the batch.
	Seed int64
	// Stop strings end a response; the text is cut before the first one.
	Stop []string
}

// Request is one sequence to complete.
type Request struct {
	Patches []float32 // Config.ImagePatches of its image
	Prompt  []int     // EncodePrompt
	// Key selects the sampling stream; give the n samples of one prompt
	// different keys (SampleKey does).
	Key uint64
}

// SampleKey derives a sampling stream key from a prompt's content and a
// sample index, so identical prompts in different batches sample the same.
func SampleKey(prompt []int, patches []float32, sample int) uint64 {
	h := fnv.New64a()
	var b [8]byte
	for _, id := range prompt {
		putU32(b[:4], uint32(id))
		h.Write(b[:4])
	}
	for _, v := range patches {
		putU32(b[:4], math.Float32bits(v))
		h.Write(b[:4])
	}
	putU32(b[:4], uint32(sample))
	h.Write(b[:4])
	return h.Sum64()
}

func putU32(b []byte, v uint32) {
	b[0], b[1], b[2], b[3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
}

// Completion is one generated response.
type Completion struct {
	// Tokens are the response's token ids, <eos> included when it ended
	// the response (what a trainer scores log-probabilities of).
	Tokens []int
	Text   string
	// Truncated is true when the response hit MaxTokens or the context.
	Truncated bool
	// PromptTokens counts the text prompt tokens (image tokens excluded).
	PromptTokens int
}

// Generator decodes with a fixed-length KV cache: one prefill pass over
// image and prompt, then one step per token that writes its key and value
// at the sequence's own position (a one-hot Where, since the Go backend has
// no DynamicUpdateSlice). Sequences of different lengths share a batch:
// prompts are right-padded and each row keeps its own position.
type Generator struct {
	model   *Model
	backend compute.Backend
	prefill *Exec
	decode  *Exec
}

// NewGenerator compiles (lazily, per batch shape) the prefill and decode
// graphs of m. It reads m.Params at each call, so it follows training.
func NewGenerator(backend compute.Backend, m *Model) (*Generator, error) {
	cfg := m.Config
	np := len(cfg.ParamSpecs())
	gen := &Generator{model: m, backend: backend}
	var err error
	// Prefill: params, patches [B,P,PD], tokens [B,S], last [B] ->
	// logits [B,V] at each row's last prompt token, caches [L,B,T,D].
	gen.prefill, err = NewExec(backend, func(in []*Node) []*Node {
		w := NewWeights(cfg, in[:np])
		patches, tokens, last := in[np], in[np+1], in[np+2]
		hidden, ks, vs := w.forward(patches, tokens)
		s := tokens.Shape().Dimensions[1]
		oh := OneHot(last, s, dtypes.Float32)           // [B,S]
		h := einsum("bs,bsd->bd", oh, hidden)           // [B,D]
		logits := linear(h, w.Get("embed.weight"), nil) // [B,V]
		pad := cfg.Context() - (cfg.Patches() + s)
		stack := func(xs []*Node) *Node {
			st := Stack(xs, 0) // [L,B,P+S,D]
			if pad > 0 {
				st = Pad(st, Scalar(st.Graph(), dtypes.Float32, 0), compute.PadAxis{}, compute.PadAxis{}, compute.PadAxis{End: pad})
			}
			return st
		}
		return []*Node{logits, stack(ks), stack(vs)}
	})
	if err != nil {
		return nil, err
	}
	gen.decode, err = NewExec(backend, func(in []*Node) []*Node {
		w := NewWeights(cfg, in[:np])
		kc, vc, token, pos := in[np], in[np+1], in[np+2], in[np+3]
		logits, kc2, vc2 := w.decodeStep(kc, vc, token, pos)
		return []*Node{logits, kc2, vc2}
	})
	if err != nil {
		return nil, err
	}
	return gen, nil
}

// decodeStep feeds one token per row (token, pos: [B] int32, pos the text
// position) and returns the next-token logits [B,V] and updated caches.
func (w *Weights) decodeStep(kc, vc, token, pos *Node) (*Node, *Node, *Node) {
	cfg := w.Config
	g := token.Graph()
	b := token.Shape().Dimensions[0]
	t := cfg.Context()
	h, dh := cfg.Heads, cfg.DModel/cfg.Heads
	x := w.textTokens(ExpandAxes(token, -1), ExpandAxes(pos, -1)) // [B,1,D]
	x = Reshape(x, b, cfg.DModel)
	at := AddScalar(pos, cfg.Patches()) // cache index [B]
	idx := Iota(g, shapes.Make(dtypes.Int32, b, t), 1)
	write := Equal(idx, BroadcastToDims(ExpandAxes(at, -1), b, t))         // [B,T]
	visible := LessOrEqual(idx, BroadcastToDims(ExpandAxes(at, -1), b, t)) // [B,T]
	bias := Where(visible, Scalar(g, dtypes.Float32, 0), Scalar(g, dtypes.Float32, -1e9))
	bias = BroadcastToDims(ExpandAxes(bias, 1), b, h, t) // [B,H,T]
	writeD := BroadcastToDims(ExpandAxes(write, -1), b, t, cfg.DModel)
	var newK, newV []*Node
	for l := range cfg.Layers {
		pre := fmt.Sprintf("layers.%d.", l)
		qkv := linear(w.rmsNorm(x, pre+"attn_norm.weight"), w.Get(pre+"attn.qkv.weight"), nil) // [B,3D]
		qkv = Reshape(qkv, b, 3, cfg.DModel)
		q := Reshape(Slice(qkv, AxisRange(), AxisElem(0)), b, h, dh)
		k := Reshape(Slice(qkv, AxisRange(), AxisElem(1)), b, 1, cfg.DModel)
		v := Reshape(Slice(qkv, AxisRange(), AxisElem(2)), b, 1, cfg.DModel)
		kl := Squeeze(Slice(kc, AxisElem(l)), 0) // [B,T,D]
		vl := Squeeze(Slice(vc, AxisElem(l)), 0)
		kl = Where(writeD, BroadcastToDims(k, b, t, cfg.DModel), kl)
		vl = Where(writeD, BroadcastToDims(v, b, t, cfg.DModel), vl)
		newK, newV = append(newK, kl), append(newV, vl)
		scores := MulScalar(einsum("bhd,bthd->bht", q, Reshape(kl, b, t, h, dh)), 1/math.Sqrt(float64(dh)))
		att := Softmax(Add(scores, bias), -1)
		o := Reshape(einsum("bht,bthd->bhd", att, Reshape(vl, b, t, h, dh)), b, cfg.DModel)
		x = Add(x, linear(o, w.Get(pre+"attn.out.weight"), nil))
		x = Add(x, w.mlp(w.rmsNorm(x, pre+"mlp_norm.weight"), pre))
	}
	logits := linear(w.rmsNorm(x, "final_norm.weight"), w.Get("embed.weight"), nil)
	return logits, Stack(newK, 0), Stack(newV, 0)
}

// Generate completes every request in one batch. It stops when every
// sequence has produced <eos>, met a stop string, or reached its limit, and
// checks ctx between tokens.
func (gen *Generator) Generate(ctx context.Context, reqs []Request, s Sampling) (out []Completion, err error) {
	defer catch(&err)
	if len(reqs) == 0 {
		return nil, nil
	}
	m := gen.model
	cfg := m.Config
	if s.Temperature < 0 || math.IsNaN(s.Temperature) {
		return nil, fmt.Errorf("temperature %v: want 0 (greedy) or more", s.Temperature)
	}
	if s.TopP < 0 || s.TopP > 1 || math.IsNaN(s.TopP) {
		return nil, fmt.Errorf("top_p %v: want a number in [0, 1]", s.TopP)
	}
	if s.TopK < 0 || s.MaxTokens < 0 {
		return nil, fmt.Errorf("top_k %d and max_tokens %d must not be negative", s.TopK, s.MaxTokens)
	}
	b := len(reqs)
	pd := cfg.Patches() * cfg.PatchDim()
	longest := 0
	for i, r := range reqs {
		if len(r.Patches) != pd {
			return nil, fmt.Errorf("request %d: %d patch values, want %d", i, len(r.Patches), pd)
		}
		if len(r.Prompt) == 0 {
			return nil, fmt.Errorf("request %d: empty prompt", i)
		}
		if len(r.Prompt) >= cfg.MaxText {
			return nil, fmt.Errorf("request %d: %w: %d tokens, the text context is %d", i, ErrContext, len(r.Prompt), cfg.MaxText)
		}
		for _, id := range r.Prompt {
			if id < 0 || id >= cfg.Vocab {
				return nil, fmt.Errorf("request %d: token id %d outside the vocabulary of %d", i, id, cfg.Vocab)
			}
		}
		longest = max(longest, len(r.Prompt))
	}
	// Prefill length: rounded up to 16 so batches of similar prompts share
	// one compiled graph.
	sl := min(cfg.MaxText, (longest+15)/16*16)
	pf := make([]float32, b*pd)
	tk := make([]int32, b*sl)
	last := make([]int32, b)
	for i, r := range reqs {
		copy(pf[i*pd:], r.Patches)
		for j, id := range r.Prompt {
			tk[i*sl+j] = int32(id)
		}
		last[i] = int32(len(r.Prompt) - 1)
	}
	args := gen.paramArgs()
	args = append(args, tensors.FromFlatDataAndDimensions(pf, b, cfg.Patches(), cfg.PatchDim()),
		tensors.FromFlatDataAndDimensions(tk, b, sl), tensors.FromFlatDataAndDimensions(last, b))
	res, err := gen.prefill.Call(args...)
	if err != nil {
		return nil, fmt.Errorf("prefill: %w", err)
	}
	logits, kc, vc := res[0], res[1], res[2]

	out = make([]Completion, b)
	rngs := make([]*rand.Rand, b)
	limit := make([]int, b)
	done := make([]bool, b)
	pos := make([]int32, b)
	for i, r := range reqs {
		rngs[i] = rand.New(rand.NewPCG(uint64(s.Seed), r.Key))
		room := cfg.MaxText - len(r.Prompt)
		limit[i] = room
		if s.MaxTokens > 0 {
			limit[i] = min(room, s.MaxTokens)
		}
		out[i].PromptTokens = len(r.Prompt)
		pos[i] = int32(len(r.Prompt))
	}
	v := cfg.Vocab
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		flat, err := tensors.CopyFlatData[float32](logits)
		if err != nil {
			return nil, err
		}
		next := make([]int32, b)
		active := 0
		for i := range reqs {
			if done[i] {
				next[i] = PadID
				continue
			}
			id := sampleToken(flat[i*v:(i+1)*v], s, rngs[i])
			c := &out[i]
			c.Tokens = append(c.Tokens, id)
			next[i] = int32(id)
			switch {
			case id == EndID:
				done[i] = true
			case stopHit(m.Tokenizer, c, s.Stop):
				done[i] = true
			case len(c.Tokens) >= limit[i]:
				done[i], c.Truncated = true, true
			}
			if !done[i] {
				active++
			}
		}
		if active == 0 {
			break
		}
		args := gen.paramArgs()
		for i := range pos {
			if !done[i] {
				pos[i]++
			}
		}
		// pos is where the fed token sits: its text index is pos-1 after the
		// increment above, so feed pos-1.
		feed := make([]int32, b)
		for i := range pos {
			feed[i] = min(pos[i]-1, int32(cfg.MaxText-1))
		}
		args = append(args, kc, vc, tensors.FromFlatDataAndDimensions(next, b), tensors.FromFlatDataAndDimensions(feed, b))
		res, err := gen.decode.Call(args...)
		if err != nil {
			return nil, fmt.Errorf("decode: %w", err)
		}
		logits, kc, vc = res[0], res[1], res[2]
	}
	for i := range out {
		c := &out[i]
		if c.Text == "" {
			c.Text = m.Tokenizer.Decode(c.Tokens)
		}
	}
	return out, nil
}

func (gen *Generator) paramArgs() []any {
	args := make([]any, 0, len(gen.model.Params)+4)
	for _, p := range gen.model.Params {
		args = append(args, p)
	}
	return args
}

// stopHit reports whether the response now contains a stop string, and if
// so sets its text, cut before the first one.
func stopHit(tok *Tokenizer, c *Completion, stops []string) bool {
	if len(stops) == 0 {
		return false
	}
	text := tok.Decode(c.Tokens)
	cut := -1
	for _, st := range stops {
		if st == "" {
			continue
		}
		if i := strings.Index(text, st); i >= 0 && (cut < 0 || i < cut) {
			cut = i
		}
	}
	if cut < 0 {
		return false
	}
	c.Text = text[:cut]
	return true
}

// sampleToken picks the next token from one row of logits.
func sampleToken(logits []float32, s Sampling, rng *rand.Rand) int {
	if s.Temperature == 0 {
		best := 0
		for i, l := range logits {
			if l > logits[best] {
				best = i
			}
		}
		return best
	}
	idx := make([]int, len(logits))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return logits[idx[a]] > logits[idx[b]] })
	if s.TopK > 0 && s.TopK < len(idx) {
		idx = idx[:s.TopK]
	}
	top := float64(logits[idx[0]])
	probs := make([]float64, len(idx))
	sum := 0.0
	for k, i := range idx {
		probs[k] = math.Exp((float64(logits[i]) - top) / s.Temperature)
		sum += probs[k]
	}
	if s.TopP > 0 && s.TopP < 1 {
		acc := 0.0
		for k := range probs {
			acc += probs[k] / sum
			if acc >= s.TopP {
				idx, probs = idx[:k+1], probs[:k+1]
				break
			}
		}
		sum = 0
		for _, p := range probs {
			sum += p
		}
	}
	u := rng.Float64() * sum
	for k, p := range probs {
		u -= p
		if u < 0 {
			return idx[k]
		}
	}
	return idx[len(idx)-1]
}
