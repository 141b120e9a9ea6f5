package tinyvlm

import (
	"context"
	"testing"
	"time"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive
	"github.com/gomlx/gomlx/core/tensors"
)

// benchModel is the default architecture over a toy-world vocabulary.
func benchModel(b *testing.B) *Model {
	corpus, err := ToyCorpus(500, 1)
	if err != nil {
		b.Fatal(err)
	}
	tok, err := BuildTokenizer(corpus, 2, []string{"You are VL-Thinking."})
	if err != nil {
		b.Fatal(err)
	}
	m, err := New(DefaultConfig(), tok, 1)
	if err != nil {
		b.Fatal(err)
	}
	return m
}

// benchBatch is 32 sequences of 48 text tokens (a default-study SFT batch).
func benchBatch(b *testing.B, m *Model, n, length int) []Example {
	patches, err := m.Config.ImagePatches(squaresPNG(b, 3))
	if err != nil {
		b.Fatal(err)
	}
	var exs []Example
	for i := range n {
		prompt := make([]int, length/2)
		resp := make([]int, length-length/2)
		for k := range prompt {
			prompt[k] = 20 + (i+k)%(m.Config.Vocab-20)
		}
		for k := range resp {
			resp[k] = 20 + (i*7+k)%(m.Config.Vocab-20)
		}
		exs = append(exs, Example{Patches: patches, Prompt: prompt, Response: resp})
	}
	return exs
}

// trainFlops estimates one training step's floating-point operations: the
// forward matrix products ×3 (forward, and two products per weight in the
// backward pass).
func trainFlops(cfg Config, b, s int) float64 {
	t := float64(cfg.Patches() + s)
	d, f, v := float64(cfg.DModel), float64(cfg.FFN), float64(cfg.Vocab)
	bf := float64(b)
	perLayer := 2*bf*t*(4*d*d+2*d*f) + 2*2*bf*t*t*d // projections + attention
	fwd := float64(cfg.Layers)*perLayer + 2*bf*float64(s)*d*v + 2*bf*float64(cfg.Patches())*float64(cfg.PatchDim())*d
	return 3 * fwd
}

// BenchmarkTrainStep measures an SFT step at the default size and, in the
// same run, a large float32 matrix product on the same backend, and reports
// the step's achieved FLOP/s as a share of the product's.
func BenchmarkTrainStep(b *testing.B) {
	m := benchModel(b)
	be := testBackend(b)
	exs := benchBatch(b, m, 32, 48)
	pt, tk, mk, err := m.SFTBatch(exs)
	if err != nil {
		b.Fatal(err)
	}
	tr, err := NewTrainer(be, m, DefaultOptimizer(), ResponseLoss)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := tr.Step(1e-3, pt, tk, mk); err != nil { // compile
		b.Fatal(err)
	}
	// The baseline: a 1024×1024 by 1024×1024 product.
	const n = 1024
	x := tensors.FromShape(shapes.Make(dtypes.Float32, n, n))
	mm, err := NewExec(be, func(a, c *Node) *Node { return MatMul(a, c) })
	if err != nil {
		b.Fatal(err)
	}
	if _, err := mm.Call(x, x); err != nil {
		b.Fatal(err)
	}
	var stepTime, mmTime time.Duration
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		if _, err := tr.Step(1e-3, pt, tk, mk); err != nil {
			b.Fatal(err)
		}
		stepTime += time.Since(t0)
		t0 = time.Now()
		if _, err := mm.Call(x, x); err != nil {
			b.Fatal(err)
		}
		mmTime += time.Since(t0)
	}
	s := tk.Shape().Dimensions[1]
	stepFlops := trainFlops(m.Config, 32, s) * float64(b.N) / stepTime.Seconds()
	mmFlops := 2 * n * n * n * float64(b.N) / mmTime.Seconds()
	b.ReportMetric(float64(32*s)*float64(b.N)/stepTime.Seconds(), "train_tokens/s")
	b.ReportMetric(stepTime.Seconds()/float64(b.N), "s/step")
	b.ReportMetric(stepFlops/1e9, "step_GFLOP/s")
	b.ReportMetric(mmFlops/1e9, "matmul_GFLOP/s")
	b.ReportMetric(stepFlops/mmFlops, "ratio")
}

// BenchmarkGenerate measures KV-cache decoding: 16 prompts of 24 tokens,
// 32 new tokens each (sampled, so no sequence stops early at <eos> by
// chance of greedy ties... <eos> still may end some), with re-running the
// full sequence for every token as the baseline.
func BenchmarkGenerate(b *testing.B) {
	m := benchModel(b)
	be := testBackend(b)
	gen, err := NewGenerator(be, m)
	if err != nil {
		b.Fatal(err)
	}
	var reqs []Request
	for i, e := range benchBatch(b, m, 16, 48) {
		reqs = append(reqs, Request{Patches: e.Patches, Prompt: e.Prompt, Key: uint64(i)})
	}
	s := Sampling{MaxTokens: 32, Temperature: 1, Seed: 1}
	if _, err := gen.Generate(context.Background(), reqs, s); err != nil {
		b.Fatal(err)
	}
	tokens := 0
	b.ResetTimer()
	for range b.N {
		out, err := gen.Generate(context.Background(), reqs, s)
		if err != nil {
			b.Fatal(err)
		}
		for _, c := range out {
			tokens += len(c.Tokens)
		}
	}
	b.ReportMetric(float64(tokens)/b.Elapsed().Seconds(), "gen_tokens/s")
}
