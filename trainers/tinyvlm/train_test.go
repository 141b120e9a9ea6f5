package tinyvlm

import (
	"math"
	"slices"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive
	"github.com/gomlx/gomlx/core/tensors"
)

// withParams is the argument list of a graph over the model's weights then
// the inputs, as NewWeights reads them.
func withParams(m *Model, inputs ...any) []any {
	args := make([]any, 0, len(m.Params)+len(inputs))
	for _, p := range m.Params {
		args = append(args, p)
	}
	return append(args, inputs...)
}

// fullLogits runs the full forward pass and returns the logits after the
// last token of seq.
func fullLogits(t testing.TB, m *Model, patches []float32, seq []int) []float32 {
	t.Helper()
	cfg := m.Config
	np := len(m.Params)
	tk := make([]int32, len(seq))
	for i, id := range seq {
		tk[i] = int32(id)
	}
	args := withParams(m, tensors.FromFlatDataAndDimensions(patches, 1, cfg.Patches(), cfg.PatchDim()), tensors.FromFlatDataAndDimensions(tk, 1, len(seq)))
	out, err := CallOnceN(testBackend(t), func(in []*Node) []*Node {
		w := NewWeights(cfg, in[:np])
		l := w.Logits(in[np], in[np+1])
		return []*Node{Slice(l, AxisRange(), AxisElem(len(seq)-1))}
	}, args...)
	if err != nil {
		t.Fatal(err)
	}
	return tensors.MustCopyFlatData[float32](out[0])
}

// Masking: the loss of a hand-made batch is the mean NLL of its response
// tokens only, and changing prompt tokens' targets does not change it.
func TestResponseLossMasksPrompt(t *testing.T) {
	m := tinyModel(t, 2)
	cfg := m.Config
	patches, _ := cfg.ImagePatches(squaresPNG(t, 2))
	tok := m.Tokenizer
	prompt, _ := m.EncodePrompt("", "How many squares are there?")
	resp := m.EncodeResponse("<answer>2</answer>")
	ex := Example{Patches: patches, Prompt: prompt, Response: resp}
	pt, tk, mk, err := m.SFTBatch([]Example{ex, {Patches: patches, Prompt: prompt[:3], Response: resp[:2]}})
	if err != nil {
		t.Fatal(err)
	}
	mask := tensors.MustCopyFlatData[float32](mk)
	s := tk.Shape().Dimensions[1]
	if s%8 != 0 {
		t.Errorf("padded length %d not a multiple of 8", s)
	}
	for j := range s {
		want := float32(0)
		if j >= len(prompt) && j < len(prompt)+len(resp) {
			want = 1
		}
		if mask[j] != want {
			t.Fatalf("mask[0][%d] = %v, want %v", j, mask[j], want)
		}
	}
	if n := int(sum(mask)); n != len(resp)+2 {
		t.Errorf("mask has %d ones, want %d", n, len(resp)+2)
	}
	lossOf := func(tokens *tensors.Tensor) float64 {
		np := len(m.Params)
		args := withParams(m, pt, tokens, mk)
		out, err := CallOnceN(testBackend(t), func(in []*Node) []*Node {
			l, _ := ResponseLoss(NewWeights(cfg, in[:np]), in[np:])
			return []*Node{l}
		}, args...)
		if err != nil {
			t.Fatal(err)
		}
		return float64(tensors.ToScalar[float32](out[0]))
	}
	got := lossOf(tk)
	// By hand: the mean over response tokens of -log p(token | prefix).
	var nll float64
	var count int
	for r, e := range []Example{ex, {Patches: patches, Prompt: prompt[:3], Response: resp[:2]}} {
		seq := append(slices.Clone(e.Prompt), e.Response...)
		for k := len(e.Prompt); k < len(seq); k++ {
			logits := fullLogits(t, m, patches, seq[:k])
			nll -= logSoftmaxAt(logits, seq[k])
			count++
		}
		_ = r
	}
	if want := nll / float64(count); math.Abs(got-want) > 1e-4 {
		t.Errorf("loss %v, by hand %v", got, want)
	}
	// Changing a prompt token's identity changes the inputs, but the
	// loss is still over the same response positions; changing the padding
	// changes nothing at all.
	flat := tensors.MustCopyFlatData[int32](tk)
	flat[s-1] = int32(tok.VocabSize() - 1) // padding of row 0
	if got2 := lossOf(tensors.FromFlatDataAndDimensions(flat, 2, s)); math.Abs(got2-got) > 1e-6 {
		t.Errorf("padding changed the loss: %v vs %v", got2, got)
	}
	_ = shapes.Make(dtypes.Float32)
}

// SequenceMeanLoss is the mean over sequences of each one's mean response
// NLL, by hand; a sequence with no response tokens does not count.
func TestSequenceMeanLoss(t *testing.T) {
	m := tinyModel(t, 2)
	cfg := m.Config
	patches, _ := cfg.ImagePatches(squaresPNG(t, 2))
	prompt, _ := m.EncodePrompt("", "How many squares are there?")
	resp := m.EncodeResponse("<think>There are 2 squares.</think><answer>2</answer>")
	exs := []Example{
		{Patches: patches, Prompt: prompt, Response: resp},
		{Patches: patches, Prompt: prompt[:3], Response: resp[:1]},
		{Patches: patches, Prompt: prompt}, // no response: weighs nothing
	}
	pt, tk, mk, err := m.SFTBatch(exs)
	if err != nil {
		t.Fatal(err)
	}
	np := len(m.Params)
	args := withParams(m, pt, tk, mk)
	out, err := CallOnceN(testBackend(t), func(in []*Node) []*Node {
		seq, mseq := SequenceMeanLoss(NewWeights(cfg, in[:np]), in[np:])
		tok, _ := ResponseLoss(NewWeights(cfg, in[:np]), in[np:])
		return []*Node{seq, tok, mseq[0]}
	}, args...)
	if err != nil {
		t.Fatal(err)
	}
	got, tokenMean := float64(tensors.ToScalar[float32](out[0])), float64(tensors.ToScalar[float32](out[1]))
	if n := tensors.ToScalar[float32](out[2]); int(n) != len(resp)+1 {
		t.Errorf("response tokens %v, want %d", n, len(resp)+1)
	}
	var perSeq []float64
	for _, e := range exs[:2] {
		seq := append(slices.Clone(e.Prompt), e.Response...)
		nll := 0.0
		for k := len(e.Prompt); k < len(seq); k++ {
			nll -= logSoftmaxAt(fullLogits(t, m, patches, seq[:k]), seq[k])
		}
		perSeq = append(perSeq, nll/float64(len(e.Response)))
	}
	if want := (perSeq[0] + perSeq[1]) / 2; math.Abs(got-want) > 1e-4 {
		t.Errorf("sequence-mean loss %v, by hand %v", got, want)
	}
	// The one-token sequence weighs half here, 1/len(resp)+1 of the
	// token mean: the two aggregations must differ on this batch.
	if math.Abs(got-tokenMean) < 1e-4 {
		t.Errorf("sequence mean %v equals token mean %v on sequences of different lengths", got, tokenMean)
	}
}

func sum(xs []float32) float64 {
	s := 0.0
	for _, x := range xs {
		s += float64(x)
	}
	return s
}

func logSoftmaxAt(logits []float32, k int) float64 {
	mx := float64(logits[0])
	for _, l := range logits {
		mx = math.Max(mx, float64(l))
	}
	z := 0.0
	for _, l := range logits {
		z += math.Exp(float64(l) - mx)
	}
	return float64(logits[k]) - mx - math.Log(z)
}

func TestScheduleAndTraining(t *testing.T) {
	s := Schedule{Peak: 1e-3, Min: 1e-4, Warmup: 10, Total: 110}
	for _, c := range []struct {
		step int
		want float64
	}{{1, 1e-4}, {5, 5e-4}, {10, 1e-3}, {60, 5.5e-4}, {110, 1e-4}, {200, 1e-4}} {
		if got := s.At(c.step); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("At(%d) = %v, want %v", c.step, got, c.want)
		}
	}
	// A few steps on one batch lower its loss; a frozen encoder stays put.
	m := tinyModel(t, 4)
	patches, _ := m.Config.ImagePatches(squaresPNG(t, 3))
	prompt, _ := m.EncodePrompt("", "How many squares are there?")
	exs := []Example{{Patches: patches, Prompt: prompt, Response: m.EncodeResponse("<think>I count.</think><answer>3</answer>")}}
	pt, tk, mk, _ := m.SFTBatch(exs)
	opt := DefaultOptimizer()
	opt.FreezeVision = true
	vision := tensors.MustCopyFlatData[float32](m.Params[0])
	embed := tensors.MustCopyFlatData[float32](m.Params[3])
	tr, err := NewTrainer(testBackend(t), m, opt, ResponseLoss)
	if err != nil {
		t.Fatal(err)
	}
	var first, last StepResult
	for i := range 30 {
		r, err := tr.Step(1e-2, pt, tk, mk)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = r
		}
		last = r
	}
	if !(last.Loss < first.Loss*0.5) || first.GradNorm <= 0 {
		t.Errorf("loss %v -> %v (grad norm %v)", first.Loss, last.Loss, first.GradNorm)
	}
	if !slices.Equal(vision, tensors.MustCopyFlatData[float32](m.Params[0])) {
		t.Error("frozen image encoder changed")
	}
	if slices.Equal(embed, tensors.MustCopyFlatData[float32](m.Params[3])) {
		t.Error("embeddings did not change")
	}
}

// The Scorer's log-probabilities are those the loss trains on.
func TestScorerMatchesLoss(t *testing.T) {
	m := tinyModel(t, 8)
	patches, _ := m.Config.ImagePatches(squaresPNG(t, 1))
	prompt, _ := m.EncodePrompt("", "What colour is the circle?")
	pt, tk, mk, _ := m.SFTBatch([]Example{{Patches: patches, Prompt: prompt, Response: m.EncodeResponse("<answer>red</answer>")}})
	sc, err := NewScorer(testBackend(t), m)
	if err != nil {
		t.Fatal(err)
	}
	logp, ent, err := sc.Score(pt, tk)
	if err != nil {
		t.Fatal(err)
	}
	lp := tensors.MustCopyFlatData[float32](logp)
	en := tensors.MustCopyFlatData[float32](ent)
	mask := tensors.MustCopyFlatData[float32](mk)
	seq := tensors.MustCopyFlatData[int32](tk)
	var nll, n float64
	for j := range lp {
		if mask[j] == 1 {
			nll -= float64(lp[j])
			n++
			ids := make([]int, j)
			for k := range j {
				ids[k] = int(seq[k])
			}
			if want := logSoftmaxAt(fullLogits(t, m, patches, ids), int(seq[j])); math.Abs(want-float64(lp[j])) > 1e-4 {
				t.Errorf("logp[%d] = %v, by hand %v", j, lp[j], want)
			}
		}
		if en[j] < 0 || float64(en[j]) > math.Log(float64(m.Config.Vocab))+1e-3 {
			t.Errorf("entropy[%d] = %v outside [0, log V]", j, en[j])
		}
	}
	if lp[0] != 0 || en[0] != 0 {
		t.Errorf("column 0: logp %v entropy %v, want 0", lp[0], en[0])
	}
	_ = nll / n
}

// The broadcast path of einsum computes what a matrix product does.
func TestSmallEinsum(t *testing.T) {
	a := []float32{1, 2, 3, 4, 5, 6}          // [2,3]
	b := []float32{1, 0, -1, 2, 1, 0.5, 0, 3} // [2,4]
	out, err := CallOnceN(testBackend(t), func(x, y *Node) []*Node {
		dims := map[byte]int{'i': 3, 'j': 2, 'k': 4}
		xt := Transpose(x, 0, 1)
		if !checkptrOn { // the DotGeneral path, and the broadcast one
			return []*Node{einsum("ij,jk->ik", xt, y), einsum("bi,bi->b", x, x), broadcastEinsum("ij,jk->ik", "ij", "jk", "ik", dims, xt, y)}
		}
		return []*Node{einsum("ij,jk->ik", xt, y), einsum("bi,bi->b", x, x), einsum("ij,jk->ik", xt, y)}
	}, tensors.FromFlatDataAndDimensions(a, 2, 3), tensors.FromFlatDataAndDimensions(b, 2, 4))
	if err != nil {
		t.Fatal(err)
	}
	// aᵀ [3,2] · b [2,4]
	got := tensors.MustCopyFlatData[float32](out[0])
	if !slices.Equal(got, tensors.MustCopyFlatData[float32](out[2])) {
		t.Errorf("broadcast einsum %v differs from DotGeneral %v", tensors.MustCopyFlatData[float32](out[2]), got)
	}
	for i := range 3 {
		for k := range 4 {
			want := a[i]*b[k] + a[3+i]*b[4+k]
			if got[i*4+k] != want {
				t.Errorf("[%d,%d] = %v, want %v", i, k, got[i*4+k], want)
			}
		}
	}
	if sq := tensors.MustCopyFlatData[float32](out[1]); sq[0] != 14 || sq[1] != 77 {
		t.Errorf("row norms %v, want [14 77]", sq)
	}
}
