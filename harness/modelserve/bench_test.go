package modelserve_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vlmlab/harness/harness/modelserve"
	"github.com/vlmlab/harness/plugins/sdk"
	"github.com/vlmlab/harness/trainers/tinyvlm"
)

// BenchmarkServe: 16 concurrent clients against a real server and a real
// plugin process, batched (up to 32 sequences a call) side by side with one
// request per Generate call. Each op is one request; the metrics are
// requests/s and the p50/p99 latency a client saw.
//
//	go test -run '^$' -bench Serve -benchtime 200x ./harness/modelserve
//
// "echo" is the test model (no model cost: what the server and the plugin
// boundary cost); "tinyvlm" is the built-in model with the default
// architecture (untrained weights: every answer runs to max_tokens, 16).
func BenchmarkServe(b *testing.B) {
	ck := benchCheckpoint(b)
	for _, m := range []struct {
		name, role string
		ck         *sdk.Checkpoint
		body       func(i int) string
	}{
		{"echo", "model", nil, func(i int) string {
			return fmt.Sprintf(`{"model":"m","temperature":0,"messages":[{"role":"user","content":"question %d"}]}`, i)
		}},
		{"tinyvlm", "tinyvlm", ck, func(i int) string {
			return fmt.Sprintf(`{"model":"m","temperature":0,"max_tokens":16,"messages":[{"role":"user","content":"How many squares are there? %d"}]}`, i)
		}},
	} {
		for _, mode := range []struct {
			name     string
			maxBatch int
		}{{"batched", 32}, {"one-at-a-time", 1}} {
			b.Run(m.name+"/"+mode.name, func(b *testing.B) {
				ctx, cancel := context.WithCancel(context.Background())
				s := servePlugin(b, ctx, m.role, m.ck, modelserve.Config{Model: "m", MaxBatch: mode.maxBatch})
				defer func() { cancel(); s.wait(b) }()
				runClients(b, s.URL+"/chat/completions", 16, m.body)
				st := s.Server.Stats()
				if st.Calls > 0 {
					b.ReportMetric(float64(st.Requests)/float64(st.Calls), "req/call")
				}
			})
		}
	}
}

// runClients sends b.N requests from clients goroutines and reports
// requests/s and latency percentiles. The first request of each client
// (connection set-up, the model's first load) is not timed.
func runClients(b *testing.B, url string, clients int, body func(int) string) {
	tr := &http.Transport{MaxIdleConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: time.Minute}
	do := func(i int) error {
		resp, err := hc.Post(url, "application/json", bytes.NewReader([]byte(body(i))))
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		msg, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			return fmt.Errorf("HTTP %d: %s", resp.StatusCode, msg)
		}
		return nil
	}
	var warm sync.WaitGroup
	for c := range clients {
		warm.Add(1)
		go func() {
			defer warm.Done()
			if err := do(-1 - c); err != nil {
				b.Error(err)
			}
		}()
	}
	warm.Wait()
	var next atomic.Int64
	lat := make([]time.Duration, b.N)
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= b.N {
					return
				}
				t0 := time.Now()
				if err := do(i); err != nil {
					b.Error(err)
					return
				}
				lat[i] = time.Since(t0)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(lat[b.N/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[min(b.N-1, b.N*99/100)].Microseconds())/1000, "p99-ms")
	b.ReportMetric(0, "ns/op")
}

// benchCheckpoint writes an untrained tinyvlm of the default architecture.
func benchCheckpoint(b *testing.B) *sdk.Checkpoint {
	b.Helper()
	corpus, err := tinyvlm.ToyCorpus(200, 1)
	if err != nil {
		b.Fatal(err)
	}
	tok, err := tinyvlm.BuildTokenizer(corpus, 1, nil)
	if err != nil {
		b.Fatal(err)
	}
	m, err := tinyvlm.New(tinyvlm.DefaultConfig(), tok, 1)
	if err != nil {
		b.Fatal(err)
	}
	ck, err := m.Save(filepath.Join(b.TempDir(), "ck"), nil)
	if err != nil {
		b.Fatal(err)
	}
	return ck
}
