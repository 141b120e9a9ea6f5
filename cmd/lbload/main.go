// Command lbload is the leaderboard's load test: it fills a store with
// synthetic entries, starts `harness serve` on it as a separate process on
// 127.0.0.1, and drives GET / and GET /api/v1/entries with concurrent
// keep-alive clients for a bounded time, printing requests per second and
// latency percentiles per endpoint. A static file is measured alongside as
// the baseline (what the HTTP stack costs without the store or templates).
//
//	go build -o /tmp/harness ./cmd/harness
//	go run ./cmd/lbload -harness /tmp/harness -db /tmp/lb.db
//	go run ./cmd/lbload -harness /tmp/harness -db postgres://postgres@127.0.0.1:55432/postgres
//
// Every request goes to the loopback address the server prints; the run
// stops after -duration per scenario.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/vlmlab/harness/leaderboard"
	"github.com/vlmlab/harness/leaderboard/store"
)

func main() {
	harness := flag.String("harness", "harness", "harness binary to serve with")
	dsn := flag.String("db", "", "store to fill and serve (SQLite path or postgres:// URL)")
	entries := flag.Int("entries", 10000, "synthetic entries to put in the store")
	conc := flag.Int("c", 32, "concurrent clients")
	duration := flag.Duration("duration", 10*time.Second, "how long each scenario runs")
	flag.Parse()
	if *dsn == "" {
		fmt.Fprintln(os.Stderr, "lbload: -db is required")
		os.Exit(2)
	}
	if err := run(*harness, *dsn, *entries, *conc, *duration); err != nil {
		fmt.Fprintln(os.Stderr, "lbload:", err)
		os.Exit(1)
	}
}

func run(harness, dsn string, n, conc int, duration time.Duration) error {
	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		return err
	}
	t0 := time.Now()
	if err := fill(ctx, st, n); err != nil {
		st.Close()
		return err
	}
	page, err := st.List(ctx, store.Query{Ablations: true, Limit: 1})
	st.Close()
	if err != nil {
		return err
	}
	fmt.Printf("store %s: %d rows (filled in %s)\n", redact(dsn), page.Total, time.Since(t0).Round(time.Millisecond))

	cmd := exec.Command(harness, "serve", "--addr", "127.0.0.1:0", "--db", dsn, "--no-scoring")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	}()
	base, err := waitAddr(stderr)
	if err != nil {
		return err
	}
	fmt.Printf("server %s (pid %d), %d clients, %s per scenario\n\n", base, cmd.Process.Pid, conc, duration)
	fmt.Printf("%-44s %9s %8s %8s %8s %8s\n", "scenario", "req/s", "p50 ms", "p90 ms", "p99 ms", "errors")
	mixed := mixedQueries()
	for _, sc := range []struct {
		name  string
		paths func(i int) string
	}{
		{"baseline GET /static/style.css", func(int) string { return "/static/style.css" }},
		{"GET / (first page)", func(int) string { return "/" }},
		{"GET /api/v1/entries (first page)", func(int) string { return "/api/v1/entries" }},
		{fmt.Sprintf("GET / (%d filter/sort/page mixes)", len(mixed)), func(i int) string { return "/?" + mixed[i%len(mixed)] }},
		{fmt.Sprintf("GET /api/v1/entries (%d mixes)", len(mixed)), func(i int) string { return "/api/v1/entries?" + mixed[i%len(mixed)] }},
		// A new search each request: never in the rendered-page cache.
		{"GET / (new search each request)", func(i int) string { return fmt.Sprintf("/?q=model-%d", i%100000) }},
		{"GET /api/v1/entries (new search each request)", func(i int) string { return fmt.Sprintf("/api/v1/entries?q=model-%d", i%100000) }},
	} {
		r := drive(base, sc.paths, conc, duration)
		fmt.Printf("%-44s %9.0f %8.2f %8.2f %8.2f %8d\n", sc.name, r.rps, r.p(50), r.p(90), r.p(99), r.errors)
	}
	return nil
}

// fill puts n synthetic entries (ids load-NNNNN) in the store, beside the
// published ones, unless they are there already.
func fill(ctx context.Context, st store.Store, n int) error {
	if _, err := st.Entry(ctx, fmt.Sprintf("load-%05d", n-1)); err == nil {
		return nil
	}
	rng := rand.New(rand.NewPCG(1, 2))
	types := leaderboard.Types()
	var batch []store.Entry
	for i := range n {
		e := store.Entry{ID: fmt.Sprintf("load-%05d", i), Model: fmt.Sprintf("Synthetic-Model-%05d", i), Organisation: fmt.Sprintf("Load Lab %d", i%97),
			ParamsB: []float64{1.5, 2.2, 3.75, 7, 8.3, 13, 26, 34, 72}[rng.IntN(9)], Type: types[rng.IntN(len(types))], Kind: "model",
			Verified: rng.IntN(4) == 0, Profile: []string{"leaderboard", "official"}[rng.IntN(2)], EvalDate: "2026-11-30", Scores: map[string]float64{}}
		for j, b := range store.Benchmarks {
			if i%50 == 0 && j == 4 {
				continue // some incomplete rows
			}
			e.Scores[b] = float64(rng.IntN(1000)) / 10
		}
		batch = append(batch, e)
		if len(batch) == 1000 || i == n-1 {
			if err := st.PutEntries(ctx, batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	return nil
}

// mixedQueries are filter, sort and page combinations, so the server's
// cache of rendered rankings is cold for most of a scenario's requests.
func mixedQueries() []string {
	var out []string
	buckets := []string{"", "<4B", "4-10B", "10-20B", "20-40B", ">40B"}
	sorts := []string{"", "mathvista", "wemath", "model", "params"}
	for _, b := range buckets {
		for _, s := range sorts {
			for offset := 0; offset < 2000; offset += 100 {
				v := url.Values{}
				if b != "" {
					v.Set("bucket", b)
				}
				if s != "" {
					v.Set("sort", s)
					v.Set("desc", "1")
				}
				v.Set("offset", fmt.Sprint(offset))
				out = append(out, v.Encode())
			}
		}
	}
	rand.New(rand.NewPCG(3, 4)).Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

func waitAddr(r io.Reader) (string, error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "harness: leaderboard at "); ok {
			go io.Copy(io.Discard, r)
			return strings.Fields(rest)[0], nil
		}
	}
	return "", fmt.Errorf("harness serve exited before listening")
}

type result struct {
	rps    float64
	lat    []time.Duration
	errors int
}

func (r result) p(q int) float64 {
	if len(r.lat) == 0 {
		return 0
	}
	i := min(len(r.lat)-1, len(r.lat)*q/100)
	return float64(r.lat[i]) / 1e6
}

// drive runs conc clients for d; each request's latency is kept.
func drive(base string, path func(int) string, conc int, d time.Duration) result {
	tr := &http.Transport{MaxIdleConnsPerHost: conc, MaxConnsPerHost: conc, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	var (
		mu   sync.Mutex
		all  []time.Duration
		errs int
		wg   sync.WaitGroup
	)
	stop := time.Now().Add(d)
	start := time.Now()
	for w := range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			bad := 0
			for i := w; time.Now().Before(stop); i += conc {
				t := time.Now()
				resp, err := client.Get(base + path(i))
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 {
						err = fmt.Errorf("%s", resp.Status)
					}
				}
				if err != nil {
					bad++
					continue
				}
				lat = append(lat, time.Since(t))
			}
			mu.Lock()
			all = append(all, lat...)
			errs += bad
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(all)
	return result{rps: float64(len(all)) / elapsed.Seconds(), lat: all, errors: errs}
}

func redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		u.User = url.User(u.User.Username())
		return u.String()
	}
	return dsn
}
