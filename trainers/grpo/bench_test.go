package grpo

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/vlmlab/harness/plugins/sdk"
	"github.com/vlmlab/harness/trainers/tinyvlm"
)

// BenchmarkStep times GRPO steps at the default params (16 prompts × 4
// samples, train batch 32, responses up to 48 tokens) on a model of
// tinyvlm's default size. The model is untrained, so responses run to the
// token limit: the worst case for rollouts. Each iteration is a two-step
// stage; the figures are the second step's (the first pays for compiling
// the graphs), reported beside the whole stage's ns/op.
func BenchmarkStep(b *testing.B) {
	if raceEnabled {
		b.Skip("GoMLX's kernels under -race are not what users run")
	}
	tok, err := tinyvlm.BuildTokenizer([]string{testQuestion, "<think></think><answer>0123456789</answer>"}, 1, nil)
	if err != nil {
		b.Fatal(err)
	}
	m, err := tinyvlm.New(tinyvlm.DefaultConfig(), tok, 1)
	if err != nil {
		b.Fatal(err)
	}
	base, err := m.Save(filepath.Join(b.TempDir(), "base"), nil)
	if err != nil {
		b.Fatal(err)
	}
	data := rlFile(b, 64)
	var last map[string]float64
	b.ResetTimer()
	for i := range b.N {
		_, err := Trainer{}.Train(context.Background(), sdk.TrainRequest{Stage: "grpo", Base: base,
			OutputDir: filepath.Join(b.TempDir(), fmt.Sprint("out", i)), Data: []string{data},
			Params: []byte(`{"steps": 2}`), Seed: 1},
			func(ev sdk.TrainEvent) error {
				if ev.Progress != nil {
					last = ev.Progress.Metrics
				}
				return nil
			})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	ro, rw, up := last["rollout_s"], last["reward_s"], last["update_s"]
	total := ro + rw + up
	b.ReportMetric(last["rollout_tokens_per_s"], "rollout_tok/s")
	b.ReportMetric(up, "update_s/step")
	b.ReportMetric(total, "s/step")
	b.ReportMetric(100*ro/total, "%generate")
	b.ReportMetric(100*rw/total, "%score")
	b.ReportMetric(100*up/total, "%update")
}
