package tinyvlm

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // graph-building code reads better unqualified
	"github.com/gomlx/gomlx/core/tensors"
)

// Model is a tinyvlm checkpoint in memory: architecture, tokenizer and
// weights (host tensors in Config.ParamSpecs order). Weights are plain
// values; training replaces them with new tensors after each step.
type Model struct {
	Config    Config
	Tokenizer *Tokenizer
	// Params holds one tensor per ParamSpec, in order.
	Params []*tensors.Tensor
}

// New builds a freshly initialised model: linear and embedding weights drawn
// from N(0, 0.02²) (output projections of each block scaled by
// 1/sqrt(2·layers), as GPT-2 does), norms at 1, biases at 0, position tables
// from N(0, 0.01²). The same seed gives the same weights on any machine.
func New(cfg Config, tok *Tokenizer, seed int64) (*Model, error) {
	cfg.Vocab = tok.VocabSize()
	if cfg.Format == "" {
		cfg.Format = ConfigFormat
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("tinyvlm config: %w", err)
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0x7469_6e79_766c_6d))
	m := &Model{Config: cfg, Tokenizer: tok}
	outScale := 1 / math.Sqrt(2*float64(cfg.Layers))
	for _, s := range cfg.ParamSpecs() {
		data := make([]float32, shapeSize(s.Shape))
		std := 0.0
		switch {
		case hasSuffix(s.Name, "norm.weight"):
			for i := range data {
				data[i] = 1
			}
		case hasSuffix(s.Name, ".bias"):
		case hasSuffix(s.Name, "pos_embed"):
			std = 0.01
		case hasSuffix(s.Name, "attn.out.weight"), hasSuffix(s.Name, "mlp.down.weight"):
			std = 0.02 * outScale
		default:
			std = 0.02
		}
		if std > 0 {
			for i := range data {
				data[i] = float32(rng.NormFloat64() * std)
			}
		}
		m.Params = append(m.Params, tensors.FromFlatDataAndDimensions(data, s.Shape...))
	}
	return m, nil
}

func hasSuffix(s, suf string) bool { return len(s) >= len(suf) && s[len(s)-len(suf):] == suf }

// NumParams counts the weights.
func (m *Model) NumParams() int {
	n := 0
	for _, s := range m.Config.ParamSpecs() {
		n += shapeSize(s.Shape)
	}
	return n
}

// Clone returns a deep copy (for a frozen reference policy, say).
func (m *Model) Clone() (*Model, error) {
	c := &Model{Config: m.Config, Tokenizer: m.Tokenizer}
	for _, p := range m.Params {
		data, err := tensors.CopyFlatData[float32](p)
		if err != nil {
			return nil, err
		}
		c.Params = append(c.Params, tensors.FromFlatDataAndDimensions(data, p.Shape().Dimensions...))
	}
	return c, nil
}

// Weights are the model's parameters inside a graph being built: the
// forward functions below are methods on it, so a trainer can compose them
// into its own loss (the GRPO trainer does).
type Weights struct {
	Config Config
	Nodes  []*Node
	index  map[string]int
}

// NewWeights wraps parameter nodes given in Config.ParamSpecs order (for
// example the first inputs of a graph function).
func NewWeights(cfg Config, nodes []*Node) *Weights {
	w := &Weights{Config: cfg, Nodes: nodes, index: map[string]int{}}
	for i, s := range cfg.ParamSpecs() {
		w.index[s.Name] = i
	}
	return w
}

// Get returns the node of a weight by name.
func (w *Weights) Get(name string) *Node {
	i, ok := w.index[name]
	if !ok {
		panic(fmt.Sprintf("tinyvlm: no weight %q", name))
	}
	return w.Nodes[i]
}

// linear computes x·Wᵀ (+ b) for W stored [out, in].
func linear(x, weight, bias *Node) *Node {
	dims := x.Shape().Dimensions
	in := dims[len(dims)-1]
	outDims := append(append([]int(nil), dims[:len(dims)-1]...), weight.Shape().Dimensions[0])
	y := Reshape(einsum("ni,oi->no", Reshape(x, x.Shape().Size()/in, in), weight), outDims...)
	if bias != nil {
		y = Add(y, ExpandLeftToRank(bias, y.Rank()))
	}
	return y
}

func (w *Weights) rmsNorm(x *Node, name string) *Node {
	ms := ReduceAndKeep(Square(x), ReduceMean, -1)
	// Rsqrt has no gradient in GoMLX v0.28.2, so divide by Sqrt.
	y := Div(x, Sqrt(AddScalar(ms, w.Config.NormEps)))
	return Mul(y, ExpandLeftToRank(w.Get(name), y.Rank()))
}

// gelu is the tanh approximation (GPT-2's).
func gelu(x *Node) *Node {
	c := math.Sqrt(2 / math.Pi)
	inner := MulScalar(Add(x, MulScalar(Mul(Square(x), x), 0.044715)), c)
	return Mul(MulScalar(x, 0.5), OnePlus(Tanh(inner)))
}

// imageTokens embeds patches [B, P, PatchDim] as [B, P, D].
func (w *Weights) imageTokens(patches *Node) *Node {
	x := linear(patches, w.Get("vision.patch_embed.weight"), w.Get("vision.patch_embed.bias"))
	return Add(x, ExpandLeftToRank(w.Get("vision.pos_embed"), 3))
}

// textTokens embeds tokens [B, S] (int32) at text positions pos [B, S].
func (w *Weights) textTokens(tokens, pos *Node) *Node {
	x := Gather(w.Get("embed.weight"), ExpandAxes(tokens, -1))
	return Add(x, Gather(w.Get("pos_embed"), ExpandAxes(pos, -1)))
}

// mlp is one block's feed-forward part on normalised x.
func (w *Weights) mlp(x *Node, p string) *Node {
	h := gelu(linear(x, w.Get(p+"mlp.up.weight"), w.Get(p+"mlp.up.bias")))
	return linear(h, w.Get(p+"mlp.down.weight"), w.Get(p+"mlp.down.bias"))
}

// Hidden runs the decoder over image tokens then text tokens [B, S] and
// returns the final-norm hidden states of the text positions [B, S, D].
// Attention is causal, except that image tokens see each other.
func (w *Weights) Hidden(patches, tokens *Node) *Node {
	h, _, _ := w.forward(patches, tokens)
	return h
}

// forward is Hidden that also returns each layer's keys and values
// [B, P+S, D] (for the generation cache).
func (w *Weights) forward(patches, tokens *Node) (hidden *Node, keys, values []*Node) {
	cfg := w.Config
	g := tokens.Graph()
	b, s := tokens.Shape().Dimensions[0], tokens.Shape().Dimensions[1]
	p := cfg.Patches()
	pos := BroadcastToDims(Iota(g, shapes.Make(dtypes.Int32, 1, s), 1), b, s)
	x := Concatenate([]*Node{w.imageTokens(patches), w.textTokens(tokens, pos)}, 1)
	t := p + s
	// Mask [T, T]: query i sees key j when j <= i, or both are image tokens.
	qi := Iota(g, shapes.Make(dtypes.Int32, t, t), 0)
	kj := Iota(g, shapes.Make(dtypes.Int32, t, t), 1)
	pp := Scalar(g, dtypes.Int32, p)
	allowed := Or(LessOrEqual(kj, qi), And(LessThan(qi, pp), LessThan(kj, pp)))
	bias := Where(allowed, Scalar(g, dtypes.Float32, 0), Scalar(g, dtypes.Float32, -1e9))
	h, dh := cfg.Heads, cfg.DModel/cfg.Heads
	for l := range cfg.Layers {
		pre := fmt.Sprintf("layers.%d.", l)
		qkv := linear(w.rmsNorm(x, pre+"attn_norm.weight"), w.Get(pre+"attn.qkv.weight"), nil)
		qkv = Reshape(qkv, b, t, 3, h, dh)
		q := Squeeze(Slice(qkv, AxisRange(), AxisRange(), AxisElem(0)), 2)
		k := Squeeze(Slice(qkv, AxisRange(), AxisRange(), AxisElem(1)), 2)
		v := Squeeze(Slice(qkv, AxisRange(), AxisRange(), AxisElem(2)), 2)
		keys = append(keys, Reshape(k, b, t, cfg.DModel))
		values = append(values, Reshape(v, b, t, cfg.DModel))
		scores := MulScalar(einsum("bqhd,bkhd->bhqk", q, k), 1/math.Sqrt(float64(dh)))
		scores = Add(scores, ExpandLeftToRank(bias, 4))
		att := Softmax(scores, -1)
		o := Reshape(einsum("bhqk,bkhd->bqhd", att, v), b, t, cfg.DModel)
		x = Add(x, linear(o, w.Get(pre+"attn.out.weight"), nil))
		x = Add(x, w.mlp(w.rmsNorm(x, pre+"mlp_norm.weight"), pre))
	}
	x = Slice(x, AxisRange(), AxisRange(p, p+s))
	return w.rmsNorm(x, "final_norm.weight"), keys, values
}

// Logits returns next-token logits [B, S, V] for every text position.
func (w *Weights) Logits(patches, tokens *Node) *Node {
	return linear(w.Hidden(patches, tokens), w.Get("embed.weight"), nil)
}

// TokenLogProbs returns, for tokens [B, S], logp[b, t] = log p(tokens[b, t]
// | image, tokens[b, <t]) and the entropy of that predictive distribution,
// both [B, S]; column 0 (nothing predicts the first token) is 0. Multiply
// by a response mask to keep response tokens only. It is differentiable
// with respect to the weights: build a loss from it and call Gradient.
func (w *Weights) TokenLogProbs(patches, tokens *Node) (logp, entropy *Node) {
	b, s := tokens.Shape().Dimensions[0], tokens.Shape().Dimensions[1]
	logits := w.Logits(patches, tokens)
	prev := Slice(logits, AxisRange(), AxisRange(0, s-1)) // predicts tokens 1..S-1
	lsm := LogSoftmax(prev, -1)
	next := Slice(tokens, AxisRange(), AxisRange(1, s))
	oh := OneHot(next, w.Config.Vocab, dtypes.Float32)
	lp := ReduceSum(Mul(oh, lsm), -1)
	ent := Neg(ReduceSum(Mul(Exp(lsm), lsm), -1))
	zero := Zeros(tokens.Graph(), shapes.Make(dtypes.Float32, b, 1))
	return Concatenate([]*Node{zero, lp}, 1), Concatenate([]*Node{zero, ent}, 1)
}
