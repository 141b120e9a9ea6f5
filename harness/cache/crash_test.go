package cache

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The crash tests re-run this test binary as a child process. The child runs
// TestMain's helper branch instead of the tests, selected by these variables.
const (
	envChildMode = "CACHE_TEST_CHILD"
	envChildPath = "CACHE_TEST_PATH"
	crashItems   = 1000
)

func TestMain(m *testing.M) {
	switch os.Getenv(envChildMode) {
	case "":
		os.Exit(m.Run())
	case "write":
		os.Exit(childWrite(os.Getenv(envChildPath)))
	case "put-then-hang":
		os.Exit(childPutThenHang(os.Getenv(envChildPath)))
	case "open":
		if _, err := Open(os.Getenv(envChildPath)); err != nil {
			fmt.Println(err)
			if errors.Is(err, ErrLocked) {
				os.Exit(3)
			}
			os.Exit(1)
		}
		os.Exit(0)
	default:
		fmt.Fprintln(os.Stderr, "unknown child mode")
		os.Exit(2)
	}
}

func crashKey(i int) string   { return fmt.Sprintf("item-%05d", i) }
func crashValue(i int) string { return fmt.Sprintf(`{"text":"answer %d"}`, i) }

// childWrite plays an evaluation run: it answers every item not yet in the
// store, slowly, and reports how many entries are known to be on disk.
func childWrite(path string) int {
	s, err := OpenWith(path, Options{BatchSize: 8, FlushInterval: 5 * time.Millisecond})
	if err != nil {
		fmt.Println("open:", err)
		return 1
	}
	for i := range crashItems {
		if _, ok := s.Get(crashKey(i)); ok {
			continue
		}
		if err := s.Put(crashKey(i), json.RawMessage(crashValue(i))); err != nil {
			fmt.Println("put:", err)
			return 1
		}
		if i%50 == 49 {
			if err := s.Sync(); err != nil {
				fmt.Println("sync:", err)
				return 1
			}
			fmt.Println("durable", s.Len())
		}
		time.Sleep(100 * time.Microsecond)
	}
	if err := s.Close(); err != nil {
		fmt.Println("close:", err)
		return 1
	}
	fmt.Println("done")
	return 0
}

// childPutThenHang stores answers with an fsync that never comes (the
// batch and the interval are both out of reach), saying "put N" after each
// Put returns, and then waits to be killed.
func childPutThenHang(path string) int {
	s, err := OpenWith(path, Options{BatchSize: 1 << 30, FlushInterval: time.Hour})
	if err != nil {
		fmt.Println("open:", err)
		return 1
	}
	for i := range crashItems {
		if err := s.Put(crashKey(i), json.RawMessage(crashValue(i))); err != nil {
			fmt.Println("put:", err)
			return 1
		}
		fmt.Println("put", i+1)
	}
	select {}
}

// TestResumeLosesNoReceivedAnswer (issue 11 item 3): an answer whose Put
// returned survives a kill -9 of the process, however far the next fsync.
func TestResumeLosesNoReceivedAnswer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	path := filepath.Join(t.TempDir(), "c.jsonl")
	cmd := childCmd(t, "put-then-hang", path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer cmd.Process.Kill()
	stored := 0
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		n, ok := strings.CutPrefix(sc.Text(), "put ")
		if !ok {
			t.Fatalf("child: %s", sc.Text())
		}
		stored, _ = strconv.Atoi(n)
		if stored == 300 {
			break
		}
	}
	if stored != 300 {
		t.Fatalf("child stopped after %d Puts", stored)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	s := openT(t, path, Options{})
	defer s.Close()
	if s.Len() < stored {
		t.Errorf("after kill -9: %d entries, want the %d whose Put had returned", s.Len(), stored)
	}
	checkCrashEntries(t, s, path)
}

func childCmd(t *testing.T, mode, path string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), envChildMode+"="+mode, envChildPath+"="+path)
	return cmd
}

func TestKilledWriterLosesOnlyUnsyncedTailAndResumes(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	path := filepath.Join(t.TempDir(), "c.jsonl")
	cmd := childCmd(t, "write", path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	durable := 0
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		line := sc.Text()
		if n, ok := strings.CutPrefix(line, "durable "); ok {
			durable, _ = strconv.Atoi(n)
			if durable >= 300 {
				break
			}
			continue
		}
		t.Fatalf("child: %s", line)
	}
	if durable < 300 {
		t.Fatalf("child stopped before writing 300 entries (saw %d)", durable)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()

	// Reopen: everything reported durable is there, every line is a valid
	// entry with the right value, and no key appears twice.
	s := openT(t, path, Options{})
	got := s.Len()
	if got < durable || got >= crashItems {
		t.Errorf("after kill: %d entries, want at least %d and fewer than %d", got, durable, crashItems)
	}
	checkCrashEntries(t, s, path)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// Resume in a fresh process; it must finish with every item exactly once.
	if b, err := childCmd(t, "write", path).CombinedOutput(); err != nil || !strings.HasSuffix(strings.TrimSpace(string(b)), "done") {
		t.Fatalf("resume: %v\n%s", err, b)
	}
	s = openT(t, path, Options{})
	defer s.Close()
	if s.Len() != crashItems {
		t.Errorf("after resume: %d entries, want %d", s.Len(), crashItems)
	}
	checkCrashEntries(t, s, path)
}

func checkCrashEntries(t *testing.T, s *Store, path string) {
	t.Helper()
	lines := fileLines(t, path)
	if len(lines) != s.Len() {
		t.Errorf("%d lines on disk for %d entries: duplicates written", len(lines), s.Len())
	}
	for _, w := range s.Warnings() {
		if !strings.Contains(w, "incomplete last line") {
			t.Errorf("unexpected warning: %s", w)
		}
	}
	for i := range crashItems {
		v, ok := s.Get(crashKey(i))
		if ok && string(v) != crashValue(i) {
			t.Errorf("%s = %s, want %s", crashKey(i), v, crashValue(i))
		}
	}
}

func TestSecondProcessGetsLockError(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	path := filepath.Join(t.TempDir(), "c.jsonl")
	s := openT(t, path, Options{})
	defer s.Close()
	b, err := childCmd(t, "open", path).CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 3 {
		t.Fatalf("child Open: want exit 3 (ErrLocked), got %v\n%s", err, b)
	}
	if !strings.Contains(string(b), "in use by another process") {
		t.Errorf("child message %q does not say the file is in use", b)
	}
}
