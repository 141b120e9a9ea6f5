package host

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/vlmlab/harness/plugins/sdk"
)

// BenchmarkStartup measures plugin start-up to the first successful call
// (Describe), with AutoMTLS as the host uses it and without as a baseline.
func BenchmarkStartup(b *testing.B) {
	for _, tc := range []struct {
		name   string
		noMTLS bool
	}{{"mtls", false}, {"plain", true}} {
		b.Run(tc.name, func(b *testing.B) {
			h := New(Options{})
			defer h.Close()
			for b.Loop() {
				p, err := h.Launch(context.Background(), Spec{Name: "bench", Kind: sdk.KindModel, Command: []string{os.Args[0]}, Env: []string{roleEnv + "=model"}, NoMTLS: tc.noMTLS})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := p.Describe(context.Background()); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				p.Kill()
				b.StartTimer()
			}
		})
	}
}

// BenchmarkEvaluatorStream moves 10,000 items of about 2 KB through the
// Evaluator boundary: items out (Open), responses of the same size in
// (Submit), item results and the report back (Score).
func BenchmarkEvaluatorStream(b *testing.B) {
	const n, size = 10000, 2048
	h := New(Options{})
	defer h.Close()
	p, err := h.Launch(context.Background(), Spec{Name: "bench", Kind: sdk.KindEvaluator, Command: []string{os.Args[0]}, Env: []string{roleEnv + "=evaluator"}})
	if err != nil {
		b.Fatal(err)
	}
	ev := p.Evaluator()
	responses := make([]sdk.Response, n)
	text := string(make([]byte, size))
	for i := range responses {
		responses[i] = sdk.Response{ItemID: fmt.Sprintf("q%d", i), Text: text}
	}
	ctx := context.Background()
	b.SetBytes(2 * n * size)
	for b.Loop() {
		ds, err := ev.Open(ctx, "echo", sdk.LoadRequest{Path: "bench", AllowPartial: true, Options: map[string]string{"n": fmt.Sprint(n), "size": fmt.Sprint(size)}})
		if err != nil {
			b.Fatal(err)
		}
		if len(ds.Items()) != n {
			b.Fatalf("got %d items", len(ds.Items()))
		}
		res, err := ds.Score(ctx, responses, nil)
		if err != nil || res.Report == nil || len(res.Report.Items) != n {
			b.Fatalf("score: %v", err)
		}
		ds.Close(ctx)
	}
}
