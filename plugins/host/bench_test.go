package host

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/vlmlab/harness/plugins/python/pythontest"
	"github.com/vlmlab/harness/plugins/sdk"
)

// benchPlugins are the plugins measured side by side: the Go test plugin
// (this test binary) and its Python twin under plugins/python/testdata, which
// serves the same "echo" benchmark and the same echo model.
func benchPlugin(b *testing.B, lang, kind string) Spec {
	if lang == "go" {
		role := map[string]string{sdk.KindModel: "model", sdk.KindEvaluator: "evaluator"}[kind]
		return Spec{Name: "bench", Kind: kind, Command: []string{os.Args[0]}, Env: []string{roleEnv + "=" + role}}
	}
	script := map[string]string{sdk.KindModel: "testdata/model.py", sdk.KindEvaluator: "testdata/evaluator.py"}[kind]
	return Spec{Name: "bench", Kind: kind, Command: pythontest.Command(b, script), Env: pythontest.Env()}
}

// BenchmarkStartup measures plugin start-up to the first successful call
// (Describe), with AutoMTLS as the host uses it and without as a baseline,
// for a Go plugin and a Python one.
func BenchmarkStartup(b *testing.B) {
	for _, lang := range []string{"go", "python"} {
		for _, tc := range []struct {
			name   string
			noMTLS bool
		}{{"mtls", false}, {"plain", true}} {
			b.Run(lang+"/"+tc.name, func(b *testing.B) {
				spec := benchPlugin(b, lang, sdk.KindModel)
				spec.NoMTLS = tc.noMTLS
				h := New(Options{})
				defer h.Close()
				for b.Loop() {
					p, err := h.Launch(context.Background(), spec)
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
}

// BenchmarkEvaluatorStream moves 10,000 items of about 2 KB through the
// Evaluator boundary: items out (Open), responses of the same size in
// (Submit), item results and the report back (Score), for the Go evaluator
// and its Python twin.
func BenchmarkEvaluatorStream(b *testing.B) {
	const n, size = 10000, 2048
	for _, lang := range []string{"go", "python"} {
		b.Run(lang, func(b *testing.B) {
			h := New(Options{})
			defer h.Close()
			p, err := h.Launch(context.Background(), benchPlugin(b, lang, sdk.KindEvaluator))
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
		})
	}
}
