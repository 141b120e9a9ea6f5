package remote

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vlmlab/harness/trainers/reward"
)

// countingReader counts what the server read of a body; block, when set,
// holds every read until it is closed.
type countingReader struct {
	n     atomic.Int64
	size  int64
	block chan struct{}
}

func (c *countingReader) Read(p []byte) (int, error) {
	if c.block != nil {
		<-c.block
	}
	left := c.size - c.n.Load()
	if left <= 0 {
		return 0, io.EOF
	}
	k := min(int64(len(p)), left)
	for i := range p[:k] {
		p[i] = ' '
	}
	c.n.Add(k)
	return int(k), nil
}

func quietHandler(opts Options) http.Handler {
	opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	return NewHandler(opts)
}

// TestRewardServerMemoryBounded (issue 11 item 2): a body is read only once
// its request holds a scoring slot and its bytes of the in-flight budget, so
// a crowd of large bodies waits (and gets 503) instead of being read into
// memory all at once.
func TestRewardServerMemoryBounded(t *testing.T) {
	t.Run("no body read before a slot", func(t *testing.T) {
		gate := newGate()
		h := quietHandler(Options{Reward: reward.Mixed{Open: gate}, MaxConcurrent: 1, QueueWait: 50 * time.Millisecond})
		done := make(chan int, 1)
		go func() {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", strings.NewReader(string(openBody()))))
			done <- rec.Code
		}()
		<-gate.entered // the only slot is held by a request being scored

		body := &countingReader{size: 8 << 20}
		req := httptest.NewRequest(http.MethodPost, "/", body)
		req.ContentLength = body.size
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "slots busy") {
			t.Errorf("second request: %d %s, want 503 slots busy", rec.Code, rec.Body)
		}
		if n := body.n.Load(); n != 0 {
			t.Errorf("the server read %d bytes of a body it had no slot for", n)
		}
		close(gate.release)
		if c := <-done; c != http.StatusOK {
			t.Errorf("first request: %d", c)
		}
	})
	t.Run("in-flight bytes bounded", func(t *testing.T) {
		h := quietHandler(Options{MaxConcurrent: 8, MaxBodyBytes: 1 << 20, MaxInFlightBytes: 1 << 20, QueueWait: 50 * time.Millisecond})
		slow := &countingReader{size: 600 << 10, block: make(chan struct{})}
		done := make(chan int, 1)
		go func() {
			req := httptest.NewRequest(http.MethodPost, "/", slow)
			req.ContentLength = slow.size
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			done <- rec.Code
		}()
		// Wait until the slow request holds its bytes.
		deadline := time.Now().Add(5 * time.Second)
		for len(h.(*handler).slots) == 0 && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		second := &countingReader{size: 600 << 10}
		req := httptest.NewRequest(http.MethodPost, "/", second)
		req.ContentLength = second.size
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "in flight") || rec.Header().Get("Retry-After") == "" {
			t.Errorf("request past the byte budget: %d %s, want 503 naming the in-flight limit", rec.Code, rec.Body)
		}
		if n := second.n.Load(); n != 0 {
			t.Errorf("read %d bytes of a body past the budget", n)
		}
		close(slow.block)
		<-done // a body of spaces is a 400; what matters is that it ends
		ok := httptest.NewRecorder()
		h.ServeHTTP(ok, httptest.NewRequest(http.MethodPost, "/", strings.NewReader(string(request(sample("7", labelJSON("7", "digit")))))))
		if ok.Code != http.StatusOK {
			t.Errorf("after the budget is free: %d %s", ok.Code, ok.Body)
		}
	})
	t.Run("declared length over the limit refused unread", func(t *testing.T) {
		h := quietHandler(Options{MaxBodyBytes: 1 << 20})
		body := &countingReader{size: 2 << 20}
		req := httptest.NewRequest(http.MethodPost, "/", body)
		req.ContentLength = body.size
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusRequestEntityTooLarge || body.n.Load() != 0 {
			t.Errorf("%d after reading %d bytes; want 413 unread", rec.Code, body.n.Load())
		}
	})
}

// TestRewardServerSlowClients (issue 11 item 2): a client that stops
// sending mid-request is cut off after ReadTimeout, an idle keep-alive
// connection after IdleTimeout, and slow clients do not hold shutdown.
func TestRewardServerSlowClients(t *testing.T) {
	opts := Options{ReadTimeout: 300 * time.Millisecond, IdleTimeout: 300 * time.Millisecond, MaxConcurrent: 2, QueueWait: 10 * time.Second}
	url, _ := start(t, opts)
	addr := strings.TrimPrefix(url, "http://")

	// closed reports whether the server closes conn within d.
	closed := func(conn net.Conn, d time.Duration) bool {
		conn.SetReadDeadline(time.Now().Add(d))
		_, err := io.Copy(io.Discard, conn)
		return err == nil // EOF: the server closed it
	}
	dial := func() net.Conn {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() })
		return conn
	}
	t.Run("stalled body", func(t *testing.T) {
		conn := dial()
		io.WriteString(conn, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"query\":")
		if !closed(conn, 5*time.Second) {
			t.Error("a stalled body kept its connection past ReadTimeout")
		}
	})
	t.Run("idle keep-alive", func(t *testing.T) {
		conn := dial()
		io.WriteString(conn, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if !closed(conn, 5*time.Second) {
			t.Error("an idle connection was kept past IdleTimeout")
		}
	})
	t.Run("shutdown not held", func(t *testing.T) {
		// A long ReadTimeout: only the server's stop may cut these off.
		opts := opts
		opts.ReadTimeout = time.Minute
		url, stop := start(t, opts)
		// Slow bodies: two hold the slots while reading, the rest wait.
		for range 20 {
			conn, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			io.WriteString(conn, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{\"query\":")
		}
		time.Sleep(100 * time.Millisecond)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		errc := make(chan error, 1)
		begun := time.Now()
		go func() { errc <- stop() }()
		select {
		case err := <-errc:
			if err != nil {
				t.Errorf("Serve: %v", err)
			}
			if d := time.Since(begun); d > 2*time.Second {
				t.Errorf("shutdown took %v with slow clients connected", d)
			}
		case <-ctx.Done():
			t.Fatal("slow clients held shutdown for over 5 s")
		}
	})
}
