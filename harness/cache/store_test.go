package cache

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func openT(t *testing.T, path string, opts Options) *Store {
	t.Helper()
	s, err := OpenWith(path, opts)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	return s
}

func fileLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.TrimSuffix(string(b), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func TestPutGetReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.jsonl")
	s := openT(t, path, Options{})
	if err := s.Put("k1", map[string]string{"text": "first"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Put("k2", json.RawMessage(`{"text":"two"}`)); err != nil {
		t.Fatal(err)
	}
	// A second answer for a key is ignored: the first one stays.
	if err := s.Put("k1", map[string]string{"text": "second"}); err != nil {
		t.Fatal(err)
	}
	if v, ok := s.Get("k1"); !ok || string(v) != `{"text":"first"}` {
		t.Errorf("Get(k1) = %s, %v", v, ok)
	}
	if _, ok := s.Get("missing"); ok {
		t.Error("Get(missing) found something")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Put("k3", 1); err == nil {
		t.Error("Put after Close: want an error")
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}

	s = openT(t, path, Options{})
	defer s.Close()
	if s.Len() != 2 {
		t.Errorf("reopened Len = %d, want 2", s.Len())
	}
	if v, _ := s.Get("k2"); string(v) != `{"text":"two"}` {
		t.Errorf("reopened Get(k2) = %s", v)
	}
	if w := s.Warnings(); len(w) != 0 {
		t.Errorf("clean file gave warnings: %v", w)
	}
	if n := len(fileLines(t, path)); n != 2 {
		t.Errorf("file has %d lines, want 2", n)
	}
}

func TestPutRejectsBadInput(t *testing.T) {
	s := openT(t, filepath.Join(t.TempDir(), "c.jsonl"), Options{})
	defer s.Close()
	if err := s.Put("", 1); err == nil {
		t.Error("empty key: want an error")
	}
	if err := s.Put("k", func() {}); err == nil {
		t.Error("unmarshallable value: want an error")
	}
	if err := s.Put("k", json.RawMessage(`{"broken`)); err == nil {
		t.Error("invalid raw JSON: want an error")
	}
}

func TestOpenBadPath(t *testing.T) {
	_, err := Open(filepath.Join(t.TempDir(), "no", "such", "dir", "c.jsonl"))
	if err == nil || !strings.Contains(err.Error(), "open cache") {
		t.Fatalf("want an open error, got %v", err)
	}
}

func TestTornLastLineIsDroppedAndAppendsStayClean(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.jsonl")
	s := openT(t, path, Options{})
	for i := range 3 {
		if err := s.Put(fmt.Sprint("k", i), i); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// What a kill in the middle of a write leaves behind.
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(`{"key":"k3","val`); err != nil {
		t.Fatal(err)
	}
	f.Close()

	s = openT(t, path, Options{})
	if s.Len() != 3 {
		t.Errorf("Len = %d, want 3 (torn line dropped)", s.Len())
	}
	w := s.Warnings()
	if len(w) != 1 || !strings.Contains(w[0], ":4: incomplete last line") {
		t.Errorf("warnings = %q, want one naming line 4 as incomplete", w)
	}
	if err := s.Put("k3", 3); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openT(t, path, Options{})
	defer s.Close()
	if s.Len() != 4 || len(s.Warnings()) != 0 {
		t.Errorf("after resume: Len = %d, warnings %q; want 4 and none", s.Len(), s.Warnings())
	}
}

func TestCorruptMiddleLineIsAnError(t *testing.T) {
	tests := []struct {
		name, content string
		line          int
	}{
		{"not json", `{"key":"a","value":1}` + "\n" + `garbage` + "\n" + `{"key":"b","value":2}` + "\n", 2},
		{"no key", `{"value":1}` + "\n", 1},
		{"no value", `{"key":"a"}` + "\n" + `{"key":"b","value":2}` + "\n", 1},
		{"trailing data", `{"key":"a","value":1} x` + "\n", 1},
		{"complete last line broken", `{"key":"a","value":1}` + "\n" + `{"key":` + "\n", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "c.jsonl")
			if err := os.WriteFile(path, []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Open(path)
			var ce *CorruptError
			if !errors.As(err, &ce) {
				t.Fatalf("want a CorruptError, got %v", err)
			}
			if ce.Line != tt.line {
				t.Errorf("line = %d, want %d (%v)", ce.Line, tt.line, err)
			}
			if !strings.Contains(err.Error(), fmt.Sprintf("c.jsonl:%d:", tt.line)) {
				t.Errorf("message %q does not name file:line", err)
			}
			// The store must not have touched the damaged file.
			if b, _ := os.ReadFile(path); string(b) != tt.content {
				t.Error("Open changed a corrupt file")
			}
		})
	}
}

func TestDuplicateLinesKeepFirstWithWarning(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.jsonl")
	content := `{"key":"a","value":1}` + "\n" + `{"key":"a","value":2}` + "\n"
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	s := openT(t, path, Options{})
	defer s.Close()
	if v, _ := s.Get("a"); string(v) != "1" {
		t.Errorf("Get(a) = %s, want the first value 1", v)
	}
	if w := s.Warnings(); len(w) != 1 || !strings.Contains(w[0], "1 lines repeat") {
		t.Errorf("warnings = %q", w)
	}
}

func TestSecondOpenIsLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.jsonl")
	s := openT(t, path, Options{})
	_, err := Open(path)
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open: want ErrLocked, got %v", err)
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("lock error %q does not name the file", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(path)
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	s2.Close()
}

func TestBatchesByCountAndTime(t *testing.T) {
	t.Run("count", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "c.jsonl")
		s := openT(t, path, Options{BatchSize: 4, FlushInterval: time.Hour})
		defer s.Close()
		// Each entry is in the file as soon as Put returns; only the
		// fsync waits for the batch.
		for i := range 3 {
			s.Put(fmt.Sprint(i), i)
			if n := len(fileLines(t, path)); n != i+1 {
				t.Fatalf("%d lines in the file after %d Puts", n, i+1)
			}
		}
		s.Put("3", 3)
		waitLines(t, path, 4)
	})
	t.Run("time", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "c.jsonl")
		s := openT(t, path, Options{BatchSize: 1000, FlushInterval: 10 * time.Millisecond})
		defer s.Close()
		s.Put("a", 1)
		waitLines(t, path, 1)
	})
	t.Run("sync", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "c.jsonl")
		s := openT(t, path, Options{BatchSize: 1000, FlushInterval: time.Hour})
		s.Put("a", 1)
		if err := s.Sync(); err != nil {
			t.Fatal(err)
		}
		if n := len(fileLines(t, path)); n != 1 {
			t.Fatalf("after Sync %d lines on disk, want 1", n)
		}
		s.Close()
		if err := s.Sync(); err == nil {
			t.Error("Sync after Close: want an error")
		}
	})
}

func waitLines(t *testing.T, path string, want int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if len(fileLines(t, path)) == want {
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatalf("%s never reached %d lines (has %d)", path, want, len(fileLines(t, path)))
}

func TestConcurrentWriters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.jsonl")
	s := openT(t, path, Options{BatchSize: 7, FlushInterval: time.Millisecond})
	const writers, each = 8, 150
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				// Half the keys are shared between writers to race on "first wins".
				key := fmt.Sprintf("w%d-%d", w, i)
				if i%2 == 0 {
					key = fmt.Sprintf("shared-%d", i)
				}
				if err := s.Put(key, map[string]int{"w": w, "i": i}); err != nil {
					t.Error(err)
					return
				}
				s.Get(key)
			}
		})
	}
	wg.Wait()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	want := writers*each/2 + each/2
	lines := fileLines(t, path)
	if len(lines) != want {
		t.Errorf("%d lines on disk, want %d (one per distinct key)", len(lines), want)
	}
	s = openT(t, path, Options{})
	defer s.Close()
	if s.Len() != want || len(s.Warnings()) != 0 {
		t.Errorf("reopened: Len %d warnings %q, want %d and none", s.Len(), s.Warnings(), want)
	}
}

// TestBlankLineInMiddleNotFatal (issue 11 item 13): a blank line between
// entries (an editor, two files concatenated) is skipped, not a corrupt
// file; appending after it still works.
func TestBlankLineInMiddleNotFatal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.jsonl")
	text := `{"key":"a","value":1}` + "\n\n   \n" + `{"key":"b","value":2}` + "\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	s := openT(t, path, Options{})
	if s.Len() != 2 {
		t.Errorf("%d entries, want 2", s.Len())
	}
	if err := s.Put("c", 3); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = openT(t, path, Options{})
	defer s.Close()
	if v, ok := s.Get("c"); !ok || string(v) != "3" || s.Len() != 3 {
		t.Errorf("after reopening: %d entries, c = %s %v", s.Len(), v, ok)
	}
}
