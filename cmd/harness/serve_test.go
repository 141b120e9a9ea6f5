package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vlmlab/harness/harness/openai/openaitest"
	"github.com/vlmlab/harness/internal/testenv"
	"github.com/vlmlab/harness/leaderboard/store"
)

// lbProcess is a `harness serve` child process on 127.0.0.1.
type lbProcess struct {
	cmd    *exec.Cmd
	url    string
	stderr *strings.Builder
	mu     *sync.Mutex
}

const testAdminToken = "lb_admin_0123456789abcdef0123456789"

// startServe starts `harness serve` in dir and waits for its address.
func startServe(t *testing.T, dir string, args ...string) *lbProcess {
	t.Helper()
	cmd := exec.Command(harnessBin, append([]string{"serve", "--addr", "127.0.0.1:0", "--log-level", "info"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HARNESS_ADMIN_TOKEN="+testAdminToken)
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lb := &lbProcess{cmd: cmd, stderr: &strings.Builder{}, mu: &sync.Mutex{}}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			line := sc.Text()
			lb.mu.Lock()
			lb.stderr.WriteString(line + "\n")
			lb.mu.Unlock()
			if rest, ok := strings.CutPrefix(line, "harness: leaderboard at "); ok {
				addr <- strings.Fields(rest)[0]
			}
		}
		close(addr)
	}()
	t.Cleanup(func() { lb.stop() })
	select {
	case u, ok := <-addr:
		if !ok {
			cmd.Wait()
			t.Fatalf("harness serve exited before listening:\n%s", lb.log())
		}
		lb.url = u
	case <-time.After(60 * time.Second):
		t.Fatalf("harness serve did not listen within 60 s:\n%s", lb.log())
	}
	return lb
}

func (lb *lbProcess) log() string {
	lb.mu.Lock()
	defer lb.mu.Unlock()
	return lb.stderr.String()
}

func (lb *lbProcess) stop() {
	if lb.cmd.ProcessState != nil {
		return
	}
	lb.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { lb.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		lb.cmd.Process.Kill()
		<-done
	}
}

func (lb *lbProcess) getJSON(t *testing.T, path string, v any) {
	t.Helper()
	resp, err := http.Get(lb.url + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s %s", path, resp.Status, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("GET %s: %v: %s", path, err, b)
	}
}

// waitStatus polls a submission until it reaches one of want.
func (lb *lbProcess) waitStatus(t *testing.T, id string, limit time.Duration, want ...string) store.Submission {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		var s store.Submission
		lb.getJSON(t, "/api/v1/submissions/"+id, &s)
		for _, w := range want {
			if s.Status == w {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("submission %s is %s after %s, want %v:\n%s", id, s.Status, limit, want, lb.log())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// writeEvalDir lays out what `harness eval` leaves for one benchmark.
func writeEvalDir(t *testing.T, dir, benchmark, profile string, lines []string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	res := map[string]any{
		"harness_version": "0.1.0", "started": time.Now(), "finished": time.Now(),
		"model":      map[string]any{"endpoint": "http://127.0.0.1:8000/v1", "name": "golden-model", "generation": map[string]any{"MaxTokens": 800}},
		"benchmarks": []map[string]any{{"benchmark": benchmark, "plugin": map[string]any{"name": benchmark, "version": "0.1.0"}, "profile": profile, "items": len(lines), "score": 99.9, "scored": true}},
		"usage":      map[string]any{},
	}
	b, _ := json.Marshal(res)
	os.WriteFile(filepath.Join(dir, "eval.json"), b, 0o644)
	os.WriteFile(filepath.Join(dir, benchmark+".items.jsonl"), []byte(strings.Join(lines, "\n")+"\n"), 0o644)
	return dir
}

// goldenLines reads a MATH-V golden output as eval item lines (id, response).
func goldenLines(t *testing.T, model string, limit int) []string {
	t.Helper()
	f, err := os.Open(testenv.SharedPath(t, "goldens", "mathvision", model, "output.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() && (limit == 0 || len(out) < limit) {
		var rec struct {
			ID       any    `json:"id"`
			Response string `json:"response"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(map[string]any{"id": fmt.Sprint(rec.ID), "response": rec.Response, "extracted": "ignored", "path": "rule", "hit": true})
		out = append(out, string(b))
	}
	return out
}

func submit(t *testing.T, dir, url, token string, extra ...string) result {
	t.Helper()
	args := append([]string{"submit", "--server", url, "--token", token, "--organisation", "Test Org", "--type", "RL", "--params", "7", "--partial"}, extra...)
	return harness(t, dir, args...)
}

// The submission lifecycle against real `harness serve` processes: accepted,
// re-scored to exactly the numbers `harness score` gives, a failing one with
// its reason, concurrent ones, and a server killed with SIGKILL while scoring
// that finishes the submission after a restart.
func TestLeaderboardSubmissions(t *testing.T) {
	shared := testenv.SharedDir(t)
	data := filepath.Join(shared, "data")
	dir := t.TempDir()
	db := filepath.Join(dir, "lb.db")
	r := harness(t, dir, "serve", "token", "alice", "--db", db)
	if r.code != 0 {
		t.Fatalf("token: %s", r.stderr)
	}
	token := strings.TrimSpace(r.stdout)
	lb := startServe(t, dir, "--db", db, "--data-dir", data)

	// 1. Accepted, re-scored, identical to `harness score`.
	gemini := writeEvalDir(t, filepath.Join(dir, "gemini"), "mathvision", "official", goldenLines(t, "gemini-pro-cot", 0))
	r = submit(t, dir, lb.url, token, "--name", "Gemini Pro (golden)", "--wait", "2m", gemini)
	if r.code != 0 || !strings.Contains(r.stdout, "FINISHED") {
		t.Fatalf("submit: exit %d\n%s\n%s\n%s", r.code, r.stdout, r.stderr, lb.log())
	}
	var subs store.Page[store.Submission]
	lb.getJSON(t, "/api/v1/submissions", &subs)
	entryID := subs.Rows[0].EntryID
	var entry struct {
		Entry struct {
			Scores   map[string]float64 `json:"scores"`
			Verified bool               `json:"verified"`
			Complete bool               `json:"complete"`
		} `json:"entry"`
		Detail store.Detail `json:"detail"`
	}
	lb.getJSON(t, "/api/v1/entries/"+entryID, &entry)
	r = harness(t, dir, "score", "--benchmark", "mathvision", "--data", filepath.Join(data, "mathvision"), "--predictions",
		filepath.Join(gemini, "mathvision.items.jsonl"), "--profile", "official", "--out", filepath.Join(dir, "scored"))
	if r.code != 0 {
		t.Fatalf("harness score: %s", r.stderr)
	}
	var rep struct {
		Score   float64
		Metrics []struct {
			Name  string
			Value float64
		}
		Rule, Judged, Unresolved int
	}
	b, _ := os.ReadFile(filepath.Join(dir, "scored", "mathvision.json"))
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	got := entry.Detail.Benchmarks[0]
	if !entry.Entry.Verified || entry.Entry.Complete || entry.Entry.Scores["mathvision"] != rep.Score || got.Score != rep.Score || got.Score == 99.9 {
		t.Errorf("re-scored %v (verified %v), harness score %v", entry.Entry.Scores, entry.Entry.Verified, rep.Score)
	}
	if len(got.Metrics) != len(rep.Metrics) || got.Rule != rep.Rule || got.Unresolved != rep.Unresolved || got.Items != 3040 {
		t.Errorf("detail %+v vs harness score %+v", got, rep)
	}
	for i, m := range rep.Metrics {
		if i < len(got.Metrics) && (got.Metrics[i].Name != m.Name || got.Metrics[i].Value != m.Value) {
			t.Errorf("metric %d: server %v, harness score %v", i, got.Metrics[i], m)
		}
	}
	var items store.Page[store.Item]
	lb.getJSON(t, "/api/v1/entries/"+entryID+"/items?benchmark=mathvision&hit=1&limit=5", &items)
	if len(items.Rows) != 5 || items.Rows[0].Question == "" || !items.Rows[0].Hit {
		t.Errorf("items: %+v", items)
	}

	// 2. Unknown item ids: FAILED, with the ids in the reason.
	bad := goldenLines(t, "gpt4-cot-text-only", 20)
	bad = append(bad, `{"id": "no-such-item", "response": "A"}`)
	badDir := writeEvalDir(t, filepath.Join(dir, "bad"), "mathvision", "official", bad)
	r = submit(t, dir, lb.url, token, "--wait", "1m", badDir)
	if r.code == 0 || !strings.Contains(r.stderr, "FAILED") || !strings.Contains(r.stderr, `not in the benchmark data`) || !strings.Contains(r.stderr, `"no-such-item"`) {
		t.Errorf("unknown ids: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}

	// 3. Concurrent submissions all finish, each scored once.
	var wg sync.WaitGroup
	models := []string{"gpt4-cot-text-only", "llava-v1.5-7b", "random-chance"}
	for i, m := range models {
		d := writeEvalDir(t, filepath.Join(dir, m), "mathvision", "official", goldenLines(t, m, 300))
		wg.Add(1)
		go func() {
			defer wg.Done()
			if r := submit(t, dir, lb.url, token, "--name", m, "--wait", "3m", d); r.code != 0 {
				t.Errorf("concurrent submission %d: %s %s", i, r.stdout, r.stderr)
			}
		}()
	}
	wg.Wait()
	lb.getJSON(t, "/api/v1/submissions", &subs)
	finished := 0
	for _, s := range subs.Rows {
		if s.Status == store.Finished {
			finished++
		}
	}
	if subs.Total != 5 || finished != 4 {
		t.Errorf("%d submissions, %d finished; want 5 and 4", subs.Total, finished)
	}
	var cmp store.Page[store.ItemPair]
	lb.getJSON(t, "/api/v1/compare?differ=1&a="+entryID+"&b="+subs.Rows[0].EntryID, &cmp)
	if cmp.Total == 0 {
		t.Error("two models' items never disagree")
	}
	lb.stop()

	// 4. SIGKILL while scoring. The evaluator of this config starts
	// slowly, so the kill lands while the submission is RUNNING.
	cfg := filepath.Join(dir, "slow.yaml")
	os.WriteFile(cfg, []byte(fmt.Sprintf(`version: 1
plugins:
  - name: slow-mathvision
    kind: evaluator
    command: [/bin/sh, -c, "sleep 2; exec %s plugin serve mathvision"]
benchmarks:
  - {name: mathvision, evaluator: slow-mathvision}
`, harnessBin)), 0o644)
	lb = startServe(t, dir, "-c", cfg, "--db", db, "--data-dir", data)
	late := writeEvalDir(t, filepath.Join(dir, "late"), "mathvision", "official", goldenLines(t, "gemini-pro-cot", 500))
	r = submit(t, dir, lb.url, token, "--name", "killed while scoring", late)
	if r.code != 0 {
		t.Fatalf("submit: %s", r.stderr)
	}
	id := strings.Fields(strings.SplitN(r.stdout, "submission ", 2)[1])[0]
	lb.waitStatus(t, id, 30*time.Second, store.Running)
	lb.cmd.Process.Kill()
	lb.cmd.Wait()
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	s, err := st.Submission(context.Background(), id)
	st.Close()
	if err != nil || s.Status != store.Running {
		t.Fatalf("after SIGKILL: %+v %v", s, err)
	}
	lb = startServe(t, dir, "-c", cfg, "--db", db, "--data-dir", data)
	s = lb.waitStatus(t, id, 90*time.Second, store.Finished, store.Failed)
	if s.Status != store.Finished || s.Attempts != 2 {
		t.Errorf("after restart: %+v\n%s", s, lb.log())
	}
	lb.stop()
	// The plugins of the killed server do not outlive it for long.
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		left := append(processesRunning(harnessBin, "plugin", "serve", "mathvision"), processesRunning("/bin/sh", "-c", "sleep 2; exec "+harnessBin+" plugin serve mathvision")...)
		if len(left) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("plugin processes left behind: %v", left)
			break
		}
	}
}

// A submission whose profile needs the judge is scored with the server's
// judge, and its answers are cached: re-running it asks the judge nothing.
func TestLeaderboardJudge(t *testing.T) {
	data := testenv.SharedPath(t, "data")
	judge := openaitest.New(openaitest.Config{Answer: func(openaitest.Request, int) string { return "B" }})
	defer judge.Close()
	dir := t.TempDir()
	db := filepath.Join(dir, "lb.db")
	r := harness(t, dir, "serve", "token", "bob", "--db", db)
	token := strings.TrimSpace(r.stdout)
	lb := startServe(t, dir, "--db", db, "--data-dir", data, "--judge", "local-judge", "--judge-endpoint", judge.URL(),
		"--judge-cache", filepath.Join(dir, "judge.jsonl"))
	var lines []string
	for i := range 20 {
		lines = append(lines, fmt.Sprintf(`{"id": "v1_%d", "response": "it looks like the second one"}`, i))
	}
	ev := writeEvalDir(t, filepath.Join(dir, "eval"), "logicvista", "leaderboard", lines)
	r = submit(t, dir, lb.url, token, "--wait", "2m", ev)
	if r.code != 0 {
		t.Fatalf("submit: %s %s\n%s", r.stdout, r.stderr, lb.log())
	}
	calls := judge.Calls()
	var subs store.Page[store.Submission]
	lb.getJSON(t, "/api/v1/submissions", &subs)
	var entry struct {
		Entry struct {
			Judge  string             `json:"judge"`
			Scores map[string]float64 `json:"scores"`
		} `json:"entry"`
		Detail store.Detail `json:"detail"`
	}
	lb.getJSON(t, "/api/v1/entries/"+subs.Rows[0].EntryID, &entry)
	if calls == 0 || entry.Entry.Judge != "local-judge" || entry.Detail.Benchmarks[0].Judged == 0 || entry.Detail.Provenance.Judge != "local-judge" {
		t.Fatalf("judge calls %d, entry %+v", calls, entry)
	}
	req, _ := http.NewRequest(http.MethodPost, lb.url+"/api/v1/admin/submissions/"+subs.Rows[0].ID+"/rerun", nil)
	req.Header.Set("Authorization", "Bearer "+testAdminToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusAccepted {
		t.Fatalf("rerun: %v %v", err, resp)
	}
	resp.Body.Close()
	lb.waitStatus(t, subs.Rows[0].ID, time.Minute, store.Finished)
	if judge.Calls() != calls {
		t.Errorf("the re-run asked the judge %d more times; its answers were cached", judge.Calls()-calls)
	}
	lb.stop()
}

// `harness run --publish` submits each recipe × model row; the server's
// re-scored numbers are the run's own.
func TestRunPublish(t *testing.T) {
	data := testenv.SharedPath(t, "data")
	dir := t.TempDir()
	db := filepath.Join(dir, "lb.db")
	token := strings.TrimSpace(harness(t, dir, "serve", "token", "runner", "--db", db).stdout)
	lb := startServe(t, dir, "--db", db, "--data-dir", data)
	cfg := filepath.Join(dir, "h.yaml")
	os.WriteFile(cfg, []byte(fmt.Sprintf(`version: 1
project: pubtest
run_dir: .harness
data: {dir: %s}
models:
  - {name: chance, backend: chance}
benchmarks:
  - {name: logicvista}
  - {name: mathvision}
`, data)), 0o644)
	cmd := exec.Command(harnessBin, "run", "-c", cfg, "--publish", lb.url)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HARNESS_TOKEN="+token)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "submission ") {
		t.Fatalf("harness run --publish: %v\n%s", err, out)
	}
	id := strings.Fields(strings.SplitN(string(out), "submission ", 2)[1])[0]
	s := lb.waitStatus(t, id, time.Minute, store.Finished, store.Failed)
	if s.Status != store.Finished {
		t.Fatalf("published run: %+v\n%s", s, lb.log())
	}
	var entry struct {
		Entry struct {
			Model    string             `json:"model"`
			Type     string             `json:"type"`
			Scores   map[string]float64 `json:"scores"`
			Complete bool               `json:"complete"`
		} `json:"entry"`
	}
	lb.getJSON(t, "/api/v1/entries/"+s.EntryID, &entry)
	runs, _ := filepath.Glob(filepath.Join(dir, ".harness", "runs", "*", "run.json"))
	if len(runs) != 1 {
		t.Fatalf("run records: %v", runs)
	}
	var run struct {
		Cells []struct {
			Benchmark string  `json:"benchmark"`
			Score     float64 `json:"score"`
		} `json:"cells"`
	}
	b, _ := os.ReadFile(runs[0])
	json.Unmarshal(b, &run)
	if entry.Entry.Model != "pubtest: chance" || entry.Entry.Type != "base" || entry.Entry.Complete || len(run.Cells) != 2 {
		t.Errorf("entry %+v, run %+v", entry.Entry, run)
	}
	for _, c := range run.Cells {
		if got := entry.Entry.Scores[c.Benchmark]; got != c.Score {
			t.Errorf("%s: server %v, run %v", c.Benchmark, got, c.Score)
		}
	}
	lb.stop()
}
