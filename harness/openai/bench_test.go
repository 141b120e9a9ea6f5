package openai

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/vlmlab/harness/harness/openai/openaitest"
	"github.com/vlmlab/harness/plugins/sdk"
)

const benchConcurrency = 64

// BenchmarkGenerate compares the client's throughput with a bare net/http
// request loop at the same concurrency against the same loopback server,
// which answers at once. The target is harness ≥ 90% of bare. Run both in one
// invocation: go test -run '^$' -bench Generate -benchtime 20000x ./harness/openai/
func BenchmarkGenerate(b *testing.B) {
	srv := openaitest.New(openaitest.Config{})
	defer srv.Close()

	b.Run("harness", func(b *testing.B) {
		c, err := New(Config{BaseURL: srv.URL(), Getenv: func(string) string { return "" }, Model: "bench", Concurrency: benchConcurrency})
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		prompts := make([]sdk.Prompt, b.N)
		for i := range prompts {
			prompts[i] = sdk.Prompt{ID: fmt.Sprint(i), Parts: []sdk.Part{{Text: fmt.Sprintf("question %d", i)}}}
		}
		params := sdk.GenerateParams{MaxTokens: 800}
		var failed atomic.Int64
		b.ResetTimer()
		cpu := startCPU()
		err = c.Generate(context.Background(), prompts, params, func(g sdk.Generation) error {
			if g.Error != "" {
				failed.Add(1)
			}
			return nil
		})
		b.StopTimer()
		cpu.report(b)
		if err != nil || failed.Load() > 0 {
			b.Fatalf("%v, %d failed", err, failed.Load())
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	})

	b.Run("bare", func(b *testing.B) {
		// The least any client does: encode a request, POST it over pooled
		// connections, read and decode the answer.
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = benchConcurrency
		hc := &http.Client{Transport: t}
		defer hc.CloseIdleConnections()
		url := srv.URL() + "/chat/completions"
		type msg struct {
			Role    string `json:"role"`
			Content string `json:"content"`
		}
		type req struct {
			Model       string  `json:"model"`
			Messages    []msg   `json:"messages"`
			Temperature float64 `json:"temperature"`
			MaxTokens   int     `json:"max_tokens"`
		}
		var next, failed atomic.Int64
		var wg sync.WaitGroup
		b.ResetTimer()
		cpu := startCPU()
		for range benchConcurrency {
			wg.Go(func() {
				for {
					i := next.Add(1) - 1
					if i >= int64(b.N) {
						return
					}
					body, _ := json.Marshal(req{Model: "bench", Messages: []msg{{"user", fmt.Sprintf("question %d", i)}}, MaxTokens: 800})
					resp, err := hc.Post(url, "application/json", bytes.NewReader(body))
					if err != nil {
						failed.Add(1)
						continue
					}
					data, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					var out struct {
						Choices []struct {
							Message struct{ Content string } `json:"message"`
						} `json:"choices"`
					}
					if json.Unmarshal(data, &out) != nil || len(out.Choices) == 0 {
						failed.Add(1)
					}
				}
			})
		}
		wg.Wait()
		b.StopTimer()
		cpu.report(b)
		if failed.Load() > 0 {
			b.Fatalf("%d failed", failed.Load())
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	})
}

// cpuClock measures the process's CPU time (user+system; client and
// in-process server together). On a shared machine wall-clock throughput
// swings with the neighbours' load, while CPU per request does not, and when
// the CPU is the bottleneck throughput is its inverse: compare cpu-µs/req.
type cpuClock struct{ start time.Duration }

func startCPU() cpuClock { return cpuClock{processCPU()} }

func (c cpuClock) report(b *testing.B) {
	b.ReportMetric(float64((processCPU()-c.start).Microseconds())/float64(b.N), "cpu-µs/req")
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkFit measures scaling one 1000×800 PNG to the paper's budget.
func BenchmarkFit(b *testing.B) {
	img := rawImage{data: pngBytes(b, 1000, 800), name: "bench"}
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := fit(img, PaperMaxPixels); err != nil {
			b.Fatal(err)
		}
	}
}
