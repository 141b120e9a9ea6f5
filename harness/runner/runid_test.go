package runner

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// TestRunIDsUnique (issue 11 item 4): runs started in the same second, at
// once, get distinct ids and folders, and an existing folder is never
// reused.
func TestRunIDsUnique(t *testing.T) {
	runs := filepath.Join(t.TempDir(), "runs")
	start := time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)
	// A folder from an earlier run with that id, holding its run.json.
	old := filepath.Join(runs, "20260102-150405")
	if err := os.MkdirAll(old, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(old, "run.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	const n = 8
	ids := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id, dir, err := newRunDir(runs, start)
			if err != nil {
				t.Error(err)
				return
			}
			if filepath.Base(dir) != id {
				t.Errorf("id %s, folder %s", id, dir)
			}
			ids[i] = id
		}()
	}
	wg.Wait()
	seen := map[string]bool{"20260102-150405": true}
	for _, id := range ids {
		if seen[id] {
			t.Errorf("run id %s given twice (or reused)", id)
		}
		seen[id] = true
	}
	if b, err := os.ReadFile(filepath.Join(old, "run.json")); err != nil || string(b) != "{}" {
		t.Errorf("the earlier run's run.json was touched: %q %v", b, err)
	}
}
