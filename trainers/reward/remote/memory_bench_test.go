package remote

import (
	"bytes"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// BenchmarkLargeBodiesAtOnce sends 16 bodies of about 20 MB at once (one
// rollout with a 20 MB response each) and reports the peak heap in use
// while they are read and scored: with the default in-flight byte budget,
// and with a budget large enough for all 16 (how the server behaved before
// it had one: every body read into memory together).
func BenchmarkLargeBodiesAtOnce(b *testing.B) {
	const clients, size = 16, 20 << 20
	q, p, l := rollout(strings.Repeat("x", size), labelJSON("x", "mcq"))
	body := request([3]any{q, p, l})
	for _, c := range []struct {
		name   string
		budget int64
	}{{"budget=default", 0}, {"budget=64MiB", 64 << 20}, {"budget=unbounded", clients * (size + 1<<20)}} {
		b.Run(c.name, func(b *testing.B) {
			url, _ := start(b, Options{MaxConcurrent: clients, MaxInFlightBytes: c.budget, QueueWait: time.Minute})
			var peak uint64
			for b.Loop() {
				runtime.GC()
				done := make(chan struct{})
				sampled := make(chan uint64)
				go func() {
					var m runtime.MemStats
					var top uint64
					for {
						runtime.ReadMemStats(&m)
						top = max(top, m.HeapInuse)
						select {
						case <-done:
							sampled <- top
							return
						case <-time.After(5 * time.Millisecond):
						}
					}
				}()
				var wg sync.WaitGroup
				for range clients {
					wg.Add(1)
					go func() {
						defer wg.Done()
						resp, err := http.Post(url, "application/json", bytes.NewReader(body))
						if err != nil {
							b.Error(err)
							return
						}
						resp.Body.Close()
						if resp.StatusCode != http.StatusOK {
							b.Errorf("status %d", resp.StatusCode)
						}
					}()
				}
				wg.Wait()
				close(done)
				peak = max(peak, <-sampled)
			}
			b.ReportMetric(float64(peak)/1e6, "peak-heap-MB")
		})
	}
}
