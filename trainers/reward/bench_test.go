package reward

import (
	"context"
	"strings"
	"testing"

	"github.com/vlmlab/harness/benchmarks/answer"
)

// typical returns a ~1 KB response in the trained format: a paragraph of
// reasoning and a short answer.
func typical(ans string) string {
	think := strings.Repeat("The image shows several objects; subtracting the balls leaves the cubes and cylinders. ", 12)
	return "<think>" + think[:1000] + "</think>\n<answer>" + ans + "</answer>"
}

var benchOrder = []string{"digit", "mcq", "math-numeric", "math-symbolic", "iou"}

var benchSamples = map[string]Sample{
	"digit":         digit(typical("3"), "3"),
	"mcq":           mcq(typical("(B) 45°"), "B"),
	"math-numeric":  mathS(typical(`\boxed{\frac{3}{4}}`), "0.75"),
	"math-symbolic": mathS(typical(`\boxed{\frac{1}{3}\pi r^2 h}`), `\frac{\pi r^{2} h}{3}`),
	"iou":           iou(typical("[0.12, 0.20, 0.71, 0.52]"), "[0.1, 0.2, 0.7, 0.5]"),
}

// BenchmarkSplitStrict is the baseline: the bare tag split every reward
// starts with. Compare its ns/op with BenchmarkCompute's.
func BenchmarkSplitStrict(b *testing.B) {
	resp := benchSamples["digit"].Response
	b.SetBytes(int64(len(resp)))
	for b.Loop() {
		if _, ok := answer.SplitStrict(resp); !ok {
			b.Fatal("no answer")
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "splits/s")
}

// BenchmarkCompute measures one rule-based reward on a ~1 KB response; the
// target is 50,000 rewards/s on one core (go test -bench . -cpu 1).
func BenchmarkCompute(b *testing.B) {
	for _, name := range benchOrder {
		s := benchSamples[name]
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			b.SetBytes(int64(len(s.Response)))
			for b.Loop() {
				if _, err := Compute(ctx, s); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rewards/s")
		})
	}
}

// BenchmarkMixedBatch scores an OpenRLHF-sized batch (2,048 rollouts, rule
// types mixed) through Mixed with its default worker pool.
func BenchmarkMixedBatch(b *testing.B) {
	var batch []Sample
	for i := range 2048 {
		batch = append(batch, benchSamples[benchOrder[i%len(benchOrder)]])
	}
	ctx := context.Background()
	for b.Loop() {
		if _, err := (Mixed{}).Score(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(batch))/b.Elapsed().Seconds(), "rewards/s")
}
