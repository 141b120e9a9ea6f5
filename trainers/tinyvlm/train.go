package tinyvlm

import (
	"errors"
	"fmt"
	"math"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive
	"github.com/gomlx/gomlx/core/tensors"
)

// OptimizerOptions configure AdamW and gradient clipping.
type OptimizerOptions struct {
	Beta1, Beta2, Eps float64
	// WeightDecay is decoupled (AdamW) and applies to matrices only (see
	// ParamSpec.Decay): GoMLX's own Adam decays every variable, biases and
	// norms included, which is why tinyvlm carries its own optimiser.
	WeightDecay float64
	// ClipNorm clips the global gradient norm (0: no clipping).
	ClipNorm float64
	// FreezeVision leaves the image encoder's weights unchanged.
	FreezeVision bool
}

// DefaultOptimizer is AdamW(0.9, 0.95, 1e-8), weight decay 0.01, clip 1.
func DefaultOptimizer() OptimizerOptions {
	return OptimizerOptions{Beta1: 0.9, Beta2: 0.95, Eps: 1e-8, WeightDecay: 0.01, ClipNorm: 1}
}

// LossFunc builds a training loss from the weights and the batch inputs
// given to Trainer.Step (in order). It returns a scalar loss to minimise
// and any extra scalar metrics to report.
type LossFunc func(w *Weights, batch []*Node) (loss *Node, metrics []*Node)

// Trainer runs optimisation steps on a Model: each Step computes the loss
// and its gradient, clips the gradient, applies AdamW and replaces the
// model's weight tensors. The loss is any LossFunc, so SFT and GRPO share
// the optimiser.
type Trainer struct {
	model     *Model
	opts      OptimizerOptions
	trainable []int // indices into Params
	m, v      []*tensors.Tensor
	step      int
	exec      *Exec
	nMetrics  int
}

// NewTrainer prepares an optimiser for m. The graph is compiled at the first
// Step for each new batch shape.
func NewTrainer(backend compute.Backend, m *Model, opts OptimizerOptions, loss LossFunc) (*Trainer, error) {
	t := &Trainer{model: m, opts: opts, nMetrics: -1}
	for i, s := range m.Config.ParamSpecs() {
		if opts.FreezeVision && s.Vision {
			continue
		}
		t.trainable = append(t.trainable, i)
		t.m = append(t.m, tensors.FromShape(shapes.Make(dtypes.Float32, s.Shape...)))
		t.v = append(t.v, tensors.FromShape(shapes.Make(dtypes.Float32, s.Shape...)))
	}
	specs := m.Config.ParamSpecs()
	np, nt := len(specs), len(t.trainable)
	exec, err := NewExec(backend, func(in []*Node) []*Node {
		w := NewWeights(m.Config, in[:np])
		ms, vs := in[np:np+nt], in[np+nt:np+2*nt]
		lr, c1, c2 := in[np+2*nt], in[np+2*nt+1], in[np+2*nt+2]
		batch := in[np+2*nt+3:]
		lossNode, metrics := loss(w, batch)
		var wrt []*Node
		for _, i := range t.trainable {
			wrt = append(wrt, w.Nodes[i])
		}
		grads := Gradient(lossNode, wrt...)
		var sq *Node
		for _, g := range grads {
			s := ReduceAllSum(Square(g))
			if sq == nil {
				sq = s
			} else {
				sq = Add(sq, s)
			}
		}
		norm := Sqrt(sq)
		scale := OnesLike(norm)
		if opts.ClipNorm > 0 {
			scale = Min(scale, Div(Scalar(norm.Graph(), dtypes.Float32, opts.ClipNorm), AddScalar(norm, 1e-6)))
		}
		var newP, newM, newV []*Node
		for k, i := range t.trainable {
			g := Mul(grads[k], scale)
			mk := Add(MulScalar(ms[k], opts.Beta1), MulScalar(g, 1-opts.Beta1))
			vk := Add(MulScalar(vs[k], opts.Beta2), MulScalar(Square(g), 1-opts.Beta2))
			upd := Div(Mul(mk, c1), AddScalar(Sqrt(Mul(vk, c2)), opts.Eps))
			p := w.Nodes[i]
			if specs[i].Decay && opts.WeightDecay > 0 {
				upd = Add(upd, MulScalar(p, opts.WeightDecay))
			}
			newP = append(newP, Sub(p, Mul(upd, lr)))
			newM, newV = append(newM, mk), append(newV, vk)
		}
		out := append(append(append(newP, newM...), newV...), lossNode, norm)
		return append(out, metrics...)
	})
	if err != nil {
		return nil, fmt.Errorf("tinyvlm trainer: %w", err)
	}
	t.exec = exec
	return t, nil
}

// StepResult is what one optimisation step measured.
type StepResult struct {
	Loss float64
	// GradNorm is the global gradient norm before clipping.
	GradNorm float64
	Metrics  []float64
}

// Step runs one update at learning rate lr on a batch (the tensors the
// LossFunc reads).
func (t *Trainer) Step(lr float64, batch ...*tensors.Tensor) (res StepResult, err error) {
	defer catch(&err)
	t.step++
	c1 := 1 / (1 - math.Pow(t.opts.Beta1, float64(t.step)))
	c2 := 1 / (1 - math.Pow(t.opts.Beta2, float64(t.step)))
	args := make([]any, 0, len(t.model.Params)+2*len(t.m)+3+len(batch))
	for _, p := range t.model.Params {
		args = append(args, p)
	}
	for _, x := range t.m {
		args = append(args, x)
	}
	for _, x := range t.v {
		args = append(args, x)
	}
	args = append(args, float32(lr), float32(c1), float32(c2))
	for _, b := range batch {
		args = append(args, b)
	}
	out, err := t.exec.Call(args...)
	if err != nil {
		return res, fmt.Errorf("train step %d: %w", t.step, err)
	}
	nt := len(t.trainable)
	for k, i := range t.trainable {
		t.model.Params[i] = out[k]
	}
	copy(t.m, out[nt:2*nt])
	copy(t.v, out[2*nt:3*nt])
	rest := out[3*nt:]
	res.Loss = float64(tensors.ToScalar[float32](rest[0]))
	res.GradNorm = float64(tensors.ToScalar[float32](rest[1]))
	for _, x := range rest[2:] {
		res.Metrics = append(res.Metrics, float64(tensors.ToScalar[float32](x)))
	}
	if math.IsNaN(res.Loss) || math.IsInf(res.Loss, 0) {
		return res, fmt.Errorf("train step %d: loss is %v (lower the learning rate)", t.step, res.Loss)
	}
	return res, nil
}

// Steps is the number of steps taken.
func (t *Trainer) Steps() int { return t.step }

// catch turns a panic of graph building into an error: GoMLX reports shape
// mistakes by panicking, and nothing a user gives us may crash the process.
func catch(err *error) {
	if r := recover(); r != nil {
		if e, ok := r.(error); ok {
			*err = fmt.Errorf("tinyvlm: %w", e)
			return
		}
		*err = fmt.Errorf("tinyvlm: %v", r)
	}
}

// Schedule is a learning-rate schedule: linear warmup from 0 to Peak over
// Warmup steps, then a cosine from Peak down to Min at Total steps.
type Schedule struct {
	Peak, Min     float64
	Warmup, Total int
}

// At returns the learning rate of step (1-based).
func (s Schedule) At(step int) float64 {
	if s.Warmup > 0 && step <= s.Warmup {
		return s.Peak * float64(step) / float64(s.Warmup)
	}
	span := s.Total - s.Warmup
	if span <= 0 {
		return s.Peak
	}
	p := math.Min(1, float64(step-s.Warmup)/float64(span))
	return s.Min + (s.Peak-s.Min)*0.5*(1+math.Cos(math.Pi*p))
}

// ResponseLoss is the SFT loss: the mean negative log-likelihood of the
// tokens whose mask is 1 (the response; prompt, image and padding are 0).
// Batch inputs: patches [B, P, PatchDim] float32, tokens [B, S] int32,
// mask [B, S] float32. It reports the number of masked-in tokens.
func ResponseLoss(w *Weights, batch []*Node) (*Node, []*Node) {
	if len(batch) != 3 {
		panic(errors.New("ResponseLoss takes patches, tokens and mask"))
	}
	logp, _ := w.TokenLogProbs(batch[0], batch[1])
	mask := batch[2]
	n := ReduceAllSum(mask)
	loss := Div(Neg(ReduceAllSum(Mul(logp, mask))), Max(n, OnesLike(n)))
	return loss, []*Node{n}
}

// SequenceMeanLoss is ResponseLoss averaged per sequence first: each
// sequence's mean negative log-likelihood over its response tokens, then the
// mean over the sequences that have any (verl's "seq-mean-token-mean").
// Token-mean lets long responses outweigh short ones: in the toy world's
// pre-training split the captions are over 80% of the answer text, so a
// one-digit answer's gradient is a sliver of the batch's; here every record
// counts the same. Same inputs and metric as ResponseLoss.
func SequenceMeanLoss(w *Weights, batch []*Node) (*Node, []*Node) {
	if len(batch) != 3 {
		panic(errors.New("SequenceMeanLoss takes patches, tokens and mask"))
	}
	logp, _ := w.TokenLogProbs(batch[0], batch[1])
	mask := batch[2]
	perSeq := ReduceSum(mask, 1)
	nll := Div(Neg(ReduceSum(Mul(logp, mask), 1)), Max(perSeq, OnesLike(perSeq)))
	has := ConvertDType(GreaterThan(perSeq, ZerosLike(perSeq)), dtypes.Float32)
	seqs := ReduceAllSum(has)
	loss := Div(ReduceAllSum(Mul(nll, has)), Max(seqs, OnesLike(seqs)))
	return loss, []*Node{ReduceAllSum(mask)}
}
