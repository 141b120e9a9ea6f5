package datafetch

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// tsvServer serves one file with Range support (http.ServeContent), and can
// ignore Range, cut the body short, or answer with a fixed status.
type tsvServer struct {
	content     []byte
	ignoreRange bool
	cutAfter    int // >0: a full response stops after this many bytes
	status      int // >0: answer only this status

	mu        sync.Mutex
	requests  int
	ranges    []string
	encodings []string
	sent      int64
}

func (s *tsvServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests++
	s.ranges = append(s.ranges, r.Header.Get("Range"))
	s.encodings = append(s.encodings, r.Header.Get("Accept-Encoding"))
	s.mu.Unlock()
	if s.status != 0 {
		http.Error(w, http.StatusText(s.status), s.status)
		return
	}
	if s.ignoreRange {
		r.Header.Del("Range")
	}
	cw := &countingWriter{ResponseWriter: w, s: s}
	if s.cutAfter > 0 && r.Header.Get("Range") == "" {
		w.Header().Set("Content-Length", strconv.Itoa(len(s.content)))
		w.WriteHeader(http.StatusOK)
		cw.Write(s.content[:s.cutAfter])
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler) // drop the connection mid-body
	}
	http.ServeContent(cw, r, "file.tsv", time.Time{}, bytes.NewReader(s.content))
}

type countingWriter struct {
	http.ResponseWriter
	s *tsvServer
}

func (c *countingWriter) Write(b []byte) (int, error) {
	c.s.mu.Lock()
	c.s.sent += int64(len(b))
	c.s.mu.Unlock()
	return c.ResponseWriter.Write(b)
}

func payload(n int) ([]byte, string) {
	r := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.IntN(256))
	}
	sum := md5.Sum(b)
	return b, hex.EncodeToString(sum[:])
}

func start(t *testing.T, s *tsvServer) string {
	t.Helper()
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	return hs.URL
}

func noFile(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s should not exist (stat: %v)", path, err)
	}
}

func TestFetchDownloadsAndVerifies(t *testing.T) {
	content, sum := payload(300_000)
	srv := &tsvServer{content: content}
	base := start(t, srv)
	dir := filepath.Join(t.TempDir(), "data")
	var last Progress
	calls := 0
	res, err := Fetch(context.Background(), "MathVista", dir, Options{BaseURL: base + "/", MD5: strings.ToUpper(sum), Progress: func(p Progress) {
		if p.Done < last.Done {
			t.Errorf("progress went back from %d to %d", last.Done, p.Done)
		}
		last = p
		calls++
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(dir, "MathVista_MINI.tsv")
	if res.Path != want || !res.Downloaded || res.Resumed || res.Bytes != int64(len(content)) || res.MD5 != sum {
		t.Errorf("result %+v", res)
	}
	if got, _ := os.ReadFile(want); !bytes.Equal(got, content) {
		t.Error("file content differs from the server's")
	}
	noFile(t, want+".part")
	if calls < 2 || last.Done != int64(len(content)) || last.Total != int64(len(content)) || last.Benchmark != "mathvista" || last.File != "MathVista_MINI.tsv" {
		t.Errorf("%d progress calls, last %+v", calls, last)
	}
	if srv.encodings[0] != "identity" {
		t.Errorf("Accept-Encoding %q, want identity (ranges of a gzip are not ranges of the file)", srv.encodings[0])
	}

	// Again: the verified file is kept, no request is made.
	res, err = Fetch(context.Background(), "mathvista", dir, Options{BaseURL: base, MD5: sum})
	if err != nil || res.Downloaded || srv.requests != 1 {
		t.Errorf("second fetch: %+v %v, %d requests", res, err, srv.requests)
	}
}

func TestFetchReplacesWrongFile(t *testing.T) {
	content, sum := payload(10_000)
	base := start(t, &tsvServer{content: content})
	dir := t.TempDir()
	path := filepath.Join(dir, "LogicVista.tsv")
	os.WriteFile(path, []byte("stale"), 0o644)
	res, err := Fetch(context.Background(), "logicvista", dir, Options{URL: base + "/any/name.tsv", MD5: sum})
	if err != nil || !res.Replaced || !res.Downloaded {
		t.Fatalf("%+v %v", res, err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, content) {
		t.Error("stale file not replaced")
	}
}

func TestFetchLeavesImportedFileAlone(t *testing.T) {
	content, sum := payload(100)
	base := start(t, &tsvServer{content: content})
	dir := t.TempDir()
	path := filepath.Join(dir, "LogicVista.tsv")
	os.WriteFile(path, []byte("imported"), 0o644)
	os.WriteFile(ImportMarker(path), []byte("{}"), 0o644)
	_, err := Fetch(context.Background(), "logicvista", dir, Options{URL: base + "/x.tsv", MD5: sum})
	if err == nil || !strings.Contains(err.Error(), "written by `harness data import`") {
		t.Fatalf("err = %v", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "imported" {
		t.Errorf("imported file changed: %q", got)
	}
}

func TestFetchResumesInterruptedDownload(t *testing.T) {
	content, sum := payload(300_000)
	srv := &tsvServer{content: content, cutAfter: 120_000}
	base := start(t, srv)
	dir := t.TempDir()
	path := filepath.Join(dir, "DynaMath.tsv")

	_, err := Fetch(context.Background(), "dynamath", dir, Options{BaseURL: base, MD5: sum})
	if err == nil || !strings.Contains(err.Error(), "run again to resume") {
		t.Fatalf("cut download: err = %v, want an interrupted download", err)
	}
	noFile(t, path)
	st, err := os.Stat(path + ".part")
	if err != nil || st.Size() == 0 || st.Size() > 120_000 {
		t.Fatalf("part file: %v %v, want up to 120000 bytes kept", st, err)
	}

	res, err := Fetch(context.Background(), "dynamath", dir, Options{BaseURL: base, MD5: sum})
	if err != nil || !res.Resumed {
		t.Fatalf("resume: %+v %v", res, err)
	}
	if srv.ranges[1] != "bytes="+strconv.FormatInt(st.Size(), 10)+"-" {
		t.Errorf("second request Range %q, want from byte %d", srv.ranges[1], st.Size())
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, content) {
		t.Error("resumed file differs")
	}
	if srv.sent > int64(len(content))+1000 {
		t.Errorf("server sent %d bytes for a %d byte file: resume re-downloaded", srv.sent, len(content))
	}
}

func TestFetchRestartsWhenRangeIgnored(t *testing.T) {
	content, sum := payload(50_000)
	srv := &tsvServer{content: content, ignoreRange: true}
	base := start(t, srv)
	dir := t.TempDir()
	path := filepath.Join(dir, "WeMath.tsv")
	os.WriteFile(path+".part", content[:20_000], 0o644)
	res, err := Fetch(context.Background(), "wemath", dir, Options{BaseURL: base, MD5: sum})
	if err != nil || res.Resumed {
		t.Fatalf("%+v %v", res, err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, content) {
		t.Errorf("file is %d bytes, want the %d byte file (no doubled prefix)", len(got), len(content))
	}
}

func TestFetchStartsOverWhenResumedPartIsFromAnotherFile(t *testing.T) {
	content, sum := payload(50_000)
	srv := &tsvServer{content: content}
	base := start(t, srv)
	dir := t.TempDir()
	path := filepath.Join(dir, "MathVision.tsv")
	os.WriteFile(path+".part", bytes.Repeat([]byte("x"), 20_000), 0o644)
	res, err := Fetch(context.Background(), "mathvision", dir, Options{BaseURL: base, MD5: sum})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, content) || res.Resumed {
		t.Errorf("result %+v; file correct: %v", res, bytes.Equal(got, content))
	}
	if srv.requests != 2 || srv.ranges[1] != "" {
		t.Errorf("requests %d ranges %q, want a ranged one then a full one", srv.requests, srv.ranges)
	}
}

func TestFetchCompletePartGetsRangeNotSatisfiable(t *testing.T) {
	content, sum := payload(5_000)
	srv := &tsvServer{content: content}
	dir := t.TempDir()
	path := filepath.Join(dir, "MathVerse_MINIVOnly.tsv")
	os.WriteFile(path+".part", content, 0o644)
	res, err := Fetch(context.Background(), "MathVerse_MINI_Vision_Only", dir, Options{BaseURL: start(t, srv), MD5: sum})
	if err != nil || !res.Resumed || srv.sent > 200 {
		t.Fatalf("%+v %v, sent %d", res, err, srv.sent)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, content) {
		t.Error("file differs")
	}
}

func TestFetchChecksumMismatchKeepsNothing(t *testing.T) {
	content, _ := payload(20_000)
	base := start(t, &tsvServer{content: content})
	dir := t.TempDir()
	_, err := Fetch(context.Background(), "mathvista", dir, Options{BaseURL: base})
	if !errors.Is(err, ErrChecksum) || !strings.Contains(err.Error(), "want f199b98e178e5a2a20e7048f5dcb0464") {
		t.Fatalf("err = %v, want a checksum error naming VLMEvalKit's MD5", err)
	}
	noFile(t, filepath.Join(dir, "MathVista_MINI.tsv"))
	noFile(t, filepath.Join(dir, "MathVista_MINI.tsv.part"))
}

func TestFetchErrors(t *testing.T) {
	content, sum := payload(1000)
	dir := t.TempDir()
	t.Run("http status", func(t *testing.T) {
		base := start(t, &tsvServer{content: content, status: http.StatusNotFound})
		_, err := Fetch(context.Background(), "mathvista", dir, Options{BaseURL: base, MD5: sum})
		if err == nil || !strings.Contains(err.Error(), "404") || !strings.Contains(err.Error(), base+"/MathVista_MINI.tsv") {
			t.Errorf("err = %v, want 404 naming the URL", err)
		}
		noFile(t, filepath.Join(dir, "MathVista_MINI.tsv.part"))
	})
	t.Run("unknown benchmark", func(t *testing.T) {
		_, err := Fetch(context.Background(), "mmmu", dir, Options{})
		if err == nil || !strings.Contains(err.Error(), "dynamath, logicvista, mathverse, mathvision, mathvista, wemath") {
			t.Errorf("err = %v, want the list of benchmarks", err)
		}
	})
	t.Run("bad md5", func(t *testing.T) {
		if _, err := Fetch(context.Background(), "mathvista", dir, Options{MD5: "abc"}); err == nil || !strings.Contains(err.Error(), "32 hex") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("bad url", func(t *testing.T) {
		if _, err := Fetch(context.Background(), "mathvista", dir, Options{URL: "http://[::1"}); err == nil {
			t.Error("want an error")
		}
	})
	t.Run("dir is a file", func(t *testing.T) {
		f := filepath.Join(dir, "plain")
		os.WriteFile(f, nil, 0o644)
		if _, err := Fetch(context.Background(), "mathvista", f, Options{MD5: sum}); err == nil {
			t.Error("want an error")
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		base := start(t, &tsvServer{content: content})
		if _, err := Fetch(ctx, "wemath", dir, Options{BaseURL: base, MD5: sum}); !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	})
	t.Run("concurrent fetch of one file", func(t *testing.T) {
		d := t.TempDir()
		part, err := os.Create(filepath.Join(d, "WeMath.tsv.part"))
		if err != nil {
			t.Fatal(err)
		}
		defer part.Close()
		if err := lockForTest(part); err != nil {
			t.Fatal(err)
		}
		base := start(t, &tsvServer{content: content})
		if _, err := Fetch(context.Background(), "wemath", d, Options{BaseURL: base, MD5: sum}); err == nil || !strings.Contains(err.Error(), "another process") {
			t.Errorf("err = %v, want in use by another process", err)
		}
	})
}

func TestParseContentRange(t *testing.T) {
	tests := []struct {
		in            string
		start, length int64
		ok            bool
	}{
		{"bytes 100-199/200", 100, 200, true},
		{"bytes */200", 0, 200, true},
		{"bytes 0-0/1", 0, 1, true},
		{"bytes 1-2", 0, 0, false},
		{"items 1-2/3", 0, 0, false},
		{"bytes x-2/3", 0, 0, false},
		{"bytes 1-2/x", 0, 0, false},
		{"", 0, 0, false},
	}
	for _, tt := range tests {
		s, l, ok := parseContentRange(tt.in)
		if s != tt.start || l != tt.length || ok != tt.ok {
			t.Errorf("parseContentRange(%q) = %d %d %v", tt.in, s, l, ok)
		}
	}
}

// TestFetchAllKeepsFileFetchedWithMD5 (issue 11 item 5): a file fetched with
// an explicit MD5 (a republished file) is kept by a later fetch that names
// none, as `harness data fetch all` does, instead of being deleted for not
// matching VLMEvalKit's checksum.
func TestFetchAllKeepsFileFetchedWithMD5(t *testing.T) {
	content, sum := payload(10_000)
	srv := &tsvServer{content: content}
	base := start(t, srv)
	dir := t.TempDir()
	res, err := Fetch(context.Background(), "logicvista", dir, Options{BaseURL: base, MD5: sum})
	if err != nil || !res.Downloaded {
		t.Fatalf("fetch with --md5: %+v %v", res, err)
	}
	if b, err := os.ReadFile(PinFile(res.Path)); err != nil || !strings.HasPrefix(string(b), sum+"  LogicVista.tsv") {
		t.Errorf("pin file: %q %v", b, err)
	}
	requests := srv.requests
	res, err = Fetch(context.Background(), "logicvista", dir, Options{BaseURL: base})
	if err != nil || !res.Pinned || res.Downloaded || res.MD5 != sum {
		t.Fatalf("fetch without --md5: %+v %v; want the pinned file kept", res, err)
	}
	if got, _ := os.ReadFile(res.Path); !bytes.Equal(got, content) {
		t.Error("the file fetched with --md5 was changed")
	}
	if srv.requests != requests {
		t.Errorf("%d more requests for a file that was there", srv.requests-requests)
	}
	// A file with neither checksum is still replaced.
	os.WriteFile(res.Path, []byte("stale"), 0o644)
	if res, err = Fetch(context.Background(), "logicvista", dir, Options{BaseURL: base, MD5: sum}); err != nil || !res.Replaced {
		t.Errorf("stale file: %+v %v", res, err)
	}
}

// TestFetchErrorsSayWhetherRerunHelps (issue 11 item 5): only failures a
// rerun can get past (a cut download, a server error) are resumable; a 404
// or a checksum mismatch is not.
func TestFetchErrorsSayWhetherRerunHelps(t *testing.T) {
	content, sum := payload(10_000)
	for _, tc := range []struct {
		name      string
		srv       *tsvServer
		md5       string
		resumable bool
	}{
		{"404", &tsvServer{content: content, status: http.StatusNotFound}, sum, false},
		{"checksum mismatch", &tsvServer{content: content}, strings.Repeat("0", 32), false},
		{"503", &tsvServer{content: content, status: http.StatusServiceUnavailable}, sum, true},
		{"cut off", &tsvServer{content: content, cutAfter: 4000}, sum, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := start(t, tc.srv)
			_, err := Fetch(context.Background(), "wemath", t.TempDir(), Options{BaseURL: base, MD5: tc.md5})
			if err == nil {
				t.Fatal("no error")
			}
			if got := Resumable(err); got != tc.resumable {
				t.Errorf("Resumable(%v) = %v, want %v", err, got, tc.resumable)
			}
		})
	}
}
