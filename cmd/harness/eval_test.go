package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vlmlab/harness/harness/openai/openaitest"
	"github.com/vlmlab/harness/internal/testenv"
)

// synthSuites writes the tiny toy world once per test binary and returns its
// eval folder: one suite per benchmark in the official layouts.
var synthSuites = sync.OnceValues(func() (string, error) { return synth("tiny") })

// synthLarge has enough items that a run takes seconds against a slow server.
var synthLarge = sync.OnceValues(func() (string, error) { return synth("sft=1,rl=1,pretrain=1,eval=60") })

func synth(size string) (string, error) {
	dir, err := os.MkdirTemp("", "harness-eval-data")
	if err != nil {
		return "", err
	}
	out, err := exec.Command(harnessBin, "data", "synth", "--out", dir, "--seed", "3", "--size", size).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("data synth: %v\n%s", err, out)
	}
	return filepath.Join(dir, "eval"), nil
}

func suites(t *testing.T) string {
	t.Helper()
	d, err := synthSuites()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// evalReport is what the tests read of eval.json.
type evalReport struct {
	Harness string `json:"harness_version"`
	Model   struct {
		Endpoint, Name string
		Generation     struct {
			MaxTokens int `json:"max_tokens"`
		}
		MaxPixels int `json:"max_pixels"`
	}
	Judge      *struct{ Name string }
	Benchmarks []struct {
		Benchmark string
		Plugin    struct{ Name, Version string }
		DataHash  string `json:"data_hash"`
		Items     int
		Scored    bool
		Score     float64
		Failed    []struct{ ID, Reason string }
		Error     string
	}
	Average *float64
	Usage   struct {
		ModelRequests  int64 `json:"model_requests"`
		ModelCacheHits int64 `json:"model_cache_hits"`
	}
}

func readEval(t *testing.T, path string) evalReport {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var r evalReport
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return r
}

func evalArgs(srv *openaitest.Server, data string, extra ...string) []string {
	return append([]string{"eval", "--endpoint", srv.URL(), "--model", "toy-3b", "--data-dir", data,
		"--allow-partial", "--judge", "none", "--out", "out", "--cache", "cache.jsonl"}, extra...)
}

func TestEvalAllBenchmarksThenFromCache(t *testing.T) {
	data := suites(t)
	srv := openaitest.New(openaitest.Config{Answer: func(openaitest.Request, int) string {
		return "<think>Count, then check again.</think><answer>A</answer>"
	}})
	defer srv.Close()
	dir := t.TempDir()
	r := harness(t, dir, evalArgs(srv, data)...)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"mathvista", "mathvision", "mathverse", "dynamath", "wemath", "logicvista", "average", "SYNTHETIC"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, r.stdout)
		}
	}
	// The paper's diagnostics, per benchmark and pooled on the average's
	// row: the fixed answer is 57 characters, has an aha word ("again"),
	// is in format and never cut.
	checkDiagnostics(t, r.stdout, `57 +│ 100\.0 +│ 100\.0 +│ 0\.0 +│`)
	// stderr is not a terminal: plain progress lines.
	if !strings.Contains(r.stderr, "mathvista: started") || !strings.Contains(r.stderr, "answered") {
		t.Errorf("no plain progress lines:\n%s", r.stderr)
	}
	first := readEval(t, filepath.Join(dir, "out", "eval.json"))
	if len(first.Benchmarks) != 6 || first.Average == nil {
		t.Fatalf("eval.json: %+v", first)
	}
	items := 0
	for _, b := range first.Benchmarks {
		if !b.Scored || b.Plugin.Version == "" || !strings.HasPrefix(b.DataHash, "sha256:") || b.Items == 0 {
			t.Errorf("%s: incomplete provenance %+v", b.Benchmark, b)
		}
		items += b.Items
		if _, err := os.Stat(filepath.Join(dir, "out", b.Benchmark+".items.jsonl")); err != nil {
			t.Errorf("%s: %v", b.Benchmark, err)
		}
	}
	if first.Model.Endpoint != srv.URL() || first.Model.Generation.MaxTokens != 800 || first.Model.MaxPixels != 262144 || first.Harness == "" {
		t.Errorf("model provenance: %+v", first.Model)
	}
	if got := srv.Calls(); got != items || first.Usage.ModelRequests != int64(items) {
		t.Errorf("first run: %d server calls, %d requests counted, want %d", got, first.Usage.ModelRequests, items)
	}

	// The same eval again makes no model call and gives the same numbers,
	// here beside the published ones.
	r = harness(t, dir, evalArgs(srv, data, "--compare", "vlaa-thinker-qwen2.5vl-3b")...)
	if r.code != 0 {
		t.Fatalf("second run: exit %d\n%s", r.code, r.stderr)
	}
	second := readEval(t, filepath.Join(dir, "out", "eval.json"))
	for _, want := range []string{"compared with vlaa-thinker-qwen2.5vl-3b", "PUBLISHED", "61.0", "24.4", "36.4", "18.2", "33.8", "38.5", "35.4"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("compare table lacks %q:\n%s", want, r.stdout)
		}
	}
	// LogicVista: measured 20.0 on this fixed answer, published 38.5;
	// the published number and the difference stand beside the score.
	if !regexp.MustCompile(`(?m)^│ logicvista .*│ 20\.0 +│ 38\.5 +│ -18\.5 +│`).MatchString(r.stdout) {
		t.Errorf("compare table lacks the LogicVista difference beside its score:\n%s", r.stdout)
	}
	checkDiagnostics(t, r.stdout, `[-+0-9.]+ +│ 57 +│ 100\.0 +│ 100\.0 +│ 0\.0 +│`)
	if srv.Calls() != items || second.Usage.ModelRequests != 0 || second.Usage.ModelCacheHits != int64(items) {
		t.Errorf("second run called the model: %d calls, usage %+v", srv.Calls()-items, second.Usage)
	}
	if *second.Average != *first.Average {
		t.Errorf("average %v then %v", *first.Average, *second.Average)
	}
}

// checkDiagnostics checks that the eval table has the diagnostics columns
// and that every benchmark's row and the average's end with cells (a
// regular expression matched at the end of each row).
func checkDiagnostics(t *testing.T, stdout, cells string) {
	t.Helper()
	// The table writer spaces a header's hyphen: "AHA - WORD".
	header := strings.ReplaceAll(stdout, " - ", "-")
	for _, col := range []string{"RESP CHARS", "AHA-WORD", "IN FORMAT", "TRUNCATED"} {
		if !strings.Contains(header, col) {
			t.Errorf("table lacks the %s column:\n%s", col, stdout)
		}
	}
	for _, row := range []string{"mathvista", "mathvision", "mathverse", "dynamath", "wemath", "logicvista", "average"} {
		if !regexp.MustCompile(`(?m)^│ ` + row + ` .*│ ` + cells + `$`).MatchString(stdout) {
			t.Errorf("the %s row lacks the diagnostics %s:\n%s", row, cells, stdout)
		}
	}
	if !strings.Contains(stdout, "aha-word: % of responses with an aha word") {
		t.Errorf("no legend under the table:\n%s", stdout)
	}
}

func TestEvalFaultsEndWithEveryItemAccountedFor(t *testing.T) {
	data := suites(t)
	// Every distinct request fails first with one of the faults real servers
	// show; the retry succeeds, except for prompts that always fail.
	faults := []openaitest.Fault{openaitest.RateLimit, openaitest.ServerError, openaitest.Slow,
		openaitest.Reset, openaitest.Malformed, openaitest.EmptyChoices, openaitest.Unavailable}
	var mu sync.Mutex
	seen := map[string]int{}
	injected := map[openaitest.Fault]int{}
	srv := openaitest.New(openaitest.Config{
		RetryAfter: "0",
		SlowDelay:  5 * time.Second,
		Faults: func(c openaitest.Call) openaitest.Fault {
			p := c.Request.Prompt()
			if alwaysFails(p) {
				return openaitest.ServerError // this prompt never gets an answer
			}
			if c.Attempt > 1 {
				return openaitest.None
			}
			mu.Lock()
			defer mu.Unlock()
			seen[p]++
			f := faults[len(seen)%len(faults)]
			injected[f]++
			return f
		},
	})
	defer srv.Close()
	dir := t.TempDir()
	r := harness(t, dir, evalArgs(srv, data, "--benchmarks", "mathvista,logicvista,wemath",
		"--timeout", "300ms", "--max-retries", "2", "--backoff", "10ms", "--max-consecutive-failures", "-1")...)
	rep := readEval(t, filepath.Join(dir, "out", "eval.json"))
	failed := 0
	for _, b := range rep.Benchmarks {
		if !b.Scored {
			t.Errorf("%s not scored: %s", b.Benchmark, b.Error)
		}
		for _, f := range b.Failed {
			if !strings.Contains(f.Reason, "HTTP 500") {
				t.Errorf("%s/%s failed with reason %q, want the server's HTTP 500", b.Benchmark, f.ID, f.Reason)
			}
		}
		failed += len(b.Failed)
		lines := countLines(t, filepath.Join(dir, "out", b.Benchmark+".items.jsonl"))
		if lines != b.Items {
			t.Errorf("%s: %d item lines for %d items", b.Benchmark, lines, b.Items)
		}
	}
	if failed == 0 {
		t.Fatalf("no item failed; the always-failing prompts should have")
	}
	mu.Lock()
	for _, f := range faults {
		if injected[f] == 0 {
			t.Errorf("fault %v never injected: %v", f, injected)
		}
	}
	mu.Unlock()
	if r.code == 0 || !strings.Contains(r.stderr, "item(s) got no answer") {
		t.Errorf("failed items but exit %d:\n%s", r.code, r.stderr)
	}
}

func TestEvalStopsAfterConsecutiveFailures(t *testing.T) {
	data := suites(t)
	srv := openaitest.New(openaitest.Config{Faults: openaitest.Always(openaitest.ServerError)})
	defer srv.Close()
	dir := t.TempDir()
	r := harness(t, dir, evalArgs(srv, data, "--benchmarks", "logicvista", "--max-retries", "0", "--max-consecutive-failures", "3")...)
	if r.code == 0 || !strings.Contains(r.stderr, "stopped") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if srv.Calls() > 3+16 { // the stop lands while up to --concurrency calls are in flight
		t.Errorf("%d calls after the stop", srv.Calls())
	}
	rep := readEval(t, filepath.Join(dir, "out", "eval.json"))
	if len(rep.Benchmarks) != 1 || len(rep.Benchmarks[0].Failed) != rep.Benchmarks[0].Items {
		t.Errorf("every item should be listed as failed: %+v", rep.Benchmarks)
	}
}

func TestEvalResumesAfterSIGKILL(t *testing.T) {
	data, err := synthLarge()
	if err != nil {
		t.Fatal(err)
	}
	srv := openaitest.New(openaitest.Config{})
	defer srv.Close()
	dir := t.TempDir()
	cmd, _ := startSlowEval(t, dir, data, 20)
	cachePath := filepath.Join(dir, "cache.jsonl")
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	cached := countLinesIfExists(cachePath)

	// The resumed run asks the (fast) server only for what is not cached.
	r := harness(t, dir, evalArgs(srv, data, "--benchmarks", "dynamath")...)
	if r.code != 0 {
		t.Fatalf("resume: exit %d\n%s", r.code, r.stderr)
	}
	rep := readEval(t, filepath.Join(dir, "out", "eval.json"))
	items := rep.Benchmarks[0].Items
	// Items asking exactly the same request share one cache entry.
	keys := uniqueKeys(t, cachePath)
	if lines := countLinesIfExists(cachePath); lines != keys || keys > items || keys < items*9/10 {
		t.Errorf("cache holds %d keys in %d lines for %d items", keys, lines, items)
	}
	if got := srv.Calls(); got != keys-cached || rep.Usage.ModelCacheHits != int64(items-got) {
		t.Errorf("resume made %d calls with %d of %d requests cached (cache hits %d, %d items)", got, cached, keys, rep.Usage.ModelCacheHits, items)
	}
	if lines := countLines(t, filepath.Join(dir, "out", "dynamath.items.jsonl")); lines != items || len(rep.Benchmarks[0].Failed) != 0 {
		t.Errorf("report: %d item lines, %d failed, want %d and 0", lines, len(rep.Benchmarks[0].Failed), items)
	}
}

func TestEvalBadInput(t *testing.T) {
	data := suites(t)
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"eval", "--model", "m", "--data-dir", data}, "--endpoint is required"},
		{[]string{"eval", "--endpoint", "http://127.0.0.1:1/v1", "--data-dir", data}, "--model is required"},
		{[]string{"eval", "--endpoint", "http://127.0.0.1:1/v1", "--model", "m"}, "--data-dir is required"},
		{[]string{"eval", "--endpoint", "http://127.0.0.1:1/v1", "--model", "m", "--data-dir", dir}, "benchmark mathvista: no data in " + dir},
		{[]string{"eval", "--endpoint", "http://127.0.0.1:1/v1", "--model", "m", "--data-dir", data, "--benchmarks", "mmmu"}, `--benchmarks: unknown benchmark "mmmu"`},
		{[]string{"eval", "--endpoint", "http://127.0.0.1:1/v1", "--model", "m", "--data-dir", data, "--profile", "fast"}, `--profile "fast"`},
		{[]string{"eval", "--endpoint", "http://127.0.0.1:1/v1", "--model", "m", "--data-dir", data, "--compare", "vlaa-thinker-3b"}, `--compare: `},
		{[]string{"eval", "--endpoint", "http://127.0.0.1:1/v1", "--model", "m", "--data-dir", data, "--judge", "gpt-4o-mini-2024-07-18", "--judge-api-key-env", "HARNESS_TEST_NO_SUCH_KEY"}, "needs an API key in $HARNESS_TEST_NO_SUCH_KEY"},
	} {
		r := harness(t, dir, tc.args...)
		if r.code == 0 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr lacks %q:\n%s", tc.args, r.code, tc.want, r.stderr)
		}
	}
}

func countLines(t *testing.T, path string) int {
	t.Helper()
	n := countLinesIfExists(path)
	if n < 0 {
		t.Fatalf("missing %s", path)
	}
	return n
}

func countLinesIfExists(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return -1
	}
	return strings.Count(string(b), "\n")
}

func uniqueKeys(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	keys := map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var e struct{ Key string }
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		keys[e.Key] = true
	}
	return len(keys)
}

// alwaysFails picks about one prompt in five, deterministically.
func alwaysFails(prompt string) bool {
	h := fnv.New32a()
	h.Write([]byte(prompt))
	return h.Sum32()%5 == 0
}

// The committed VLAA-Thinker profile sends the paper's settings.
func TestEvalWithPaperProfile(t *testing.T) {
	data := suites(t)
	srv := openaitest.New(openaitest.Config{Record: true})
	defer srv.Close()
	dir := t.TempDir()
	profile := filepath.Join(testenv.RepoRoot(), "examples", "vlaa-thinker-3b.yaml")
	cmd := exec.Command(harnessBin, "-c", profile, "eval", "--judge", "none", "--data-dir", data,
		"--allow-partial", "--benchmarks", "logicvista", "--out", "out", "--cache", "cache.jsonl")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "VLAA_ENDPOINT="+srv.URL(), "OPENAI_API_KEY=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	reqs := srv.Requests()
	if len(reqs) == 0 {
		t.Fatal("no request reached the server")
	}
	const paperPrompt = "You are VL-Thinking🤔, a helpful assistant with excellent reasoning ability." +
		" A user asks you a question, and you should try to solve it." +
		" You should first think about the reasoning process in the mind and then provides the user with the answer." +
		" The reasoning process and answer are enclosed within <think> </think> and" +
		" <answer> </answer> tags, respectively, i.e., <think> reasoning process here </think>" +
		" <answer> answer here </answer>"
	for _, r := range reqs {
		if r.Model != "UCSC-VLAA/VLAA-Thinker-Qwen2.5VL-3B" || r.System() != paperPrompt ||
			r.MaxTokens == nil || *r.MaxTokens != 800 || r.Temperature == nil || *r.Temperature != 0 {
			t.Fatalf("request does not carry the paper's settings: model %q, system %q, max_tokens %v, temperature %v",
				r.Model, r.System(), r.MaxTokens, r.Temperature)
		}
		if len(r.Messages[len(r.Messages)-1].ImageURLs()) == 0 {
			t.Fatalf("request without an image: %+v", r.Messages)
		}
	}
}

// Ctrl-C stops the eval cleanly: what was answered is cached and reported,
// the rest is listed as failed, the evaluator plugin is gone, and the exit
// status says the run stopped.
func TestEvalInterrupted(t *testing.T) {
	data, err := synthLarge()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cmd, stderr := startSlowEval(t, dir, data, 16)
	cachePath := filepath.Join(dir, "cache.jsonl")
	if len(processesRunning(harnessBin, "plugin", "serve", "dynamath")) == 0 {
		t.Fatal("no dynamath plugin process found while the eval runs: the leftover check below would prove nothing")
	}
	cmd.Process.Signal(os.Interrupt)
	err = cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("exit: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "eval stopped") || !strings.Contains(stderr.String(), "run the same command again") {
		t.Errorf("stderr:\n%s", stderr.String())
	}
	rep := readEval(t, filepath.Join(dir, "out", "eval.json"))
	if len(rep.Benchmarks) != 1 || rep.Benchmarks[0].Scored || len(rep.Benchmarks[0].Failed) == 0 {
		t.Fatalf("eval.json after the interrupt: %+v", rep.Benchmarks)
	}
	cached := countLinesIfExists(cachePath)
	if answered := rep.Benchmarks[0].Items - len(rep.Benchmarks[0].Failed); answered < cached {
		t.Errorf("%d answered items reported, %d cached", answered, cached)
	}
	// No evaluator plugin outlives the host.
	if pids := processesRunning(harnessBin, "plugin", "serve", "dynamath"); len(pids) > 0 {
		t.Errorf("plugin processes left: %v", pids)
	}
}

// A local OpenAI-compatible model can judge; its answers are cached too.
func TestEvalWithLocalJudge(t *testing.T) {
	data := suites(t)
	model := openaitest.New(openaitest.Config{Answer: func(openaitest.Request, int) string {
		return "<think>hmm</think><answer>The figure shows it is probably the second one</answer>"
	}})
	defer model.Close()
	judge := openaitest.New(openaitest.Config{Answer: func(openaitest.Request, int) string { return "B" }})
	defer judge.Close()
	dir := t.TempDir()
	args := []string{"eval", "--endpoint", model.URL(), "--model", "toy-3b", "--data-dir", data, "--allow-partial",
		"--judge", "local-judge", "--judge-endpoint", judge.URL(), "--out", "out", "--cache", "cache.jsonl"}
	// The judge answers "B" to everything, which several benchmarks cannot
	// use: those items stay unresolved, and (issue 11 item 10) the eval
	// says so and exits 1 unless --allow-unresolved accepts them.
	r := harness(t, dir, args...)
	if r.code != 1 || !strings.Contains(r.stderr, "the judge local-judge left") || !strings.Contains(r.stderr, "--allow-unresolved") {
		t.Fatalf("exit %d, want 1 naming the unresolved items\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	args = append(args, "--allow-unresolved")
	calls := judge.Calls()
	if calls == 0 {
		t.Fatal("the judge was never called")
	}
	if !strings.Contains(r.stderr, "judge round 1") {
		t.Errorf("no judge progress on stderr:\n%s", r.stderr)
	}
	rep := readEval(t, filepath.Join(dir, "out", "eval.json"))
	if rep.Judge == nil || rep.Judge.Name != "local-judge" {
		t.Errorf("judge provenance: %+v", rep.Judge)
	}
	var perBench struct{ Judge string }
	b, _ := os.ReadFile(filepath.Join(dir, "out", "mathvista.json"))
	if err := json.Unmarshal(b, &perBench); err != nil || perBench.Judge != "local-judge" {
		t.Errorf("mathvista.json judge %q (%v)", perBench.Judge, err)
	}
	r = harness(t, dir, args...)
	if r.code != 0 || judge.Calls() != calls {
		t.Errorf("second run: exit %d, %d more judge calls", r.code, judge.Calls()-calls)
	}
}

// startSlowEval starts an eval of DynaMath against a server that takes 40 ms
// per answer, and returns once at least n answers are in the cache file.
func startSlowEval(t *testing.T, dir, data string, n int) (*exec.Cmd, *strings.Builder) {
	t.Helper()
	slow := openaitest.New(openaitest.Config{SlowDelay: 40 * time.Millisecond, Faults: openaitest.Always(openaitest.Slow)})
	t.Cleanup(slow.Close)
	cmd := exec.Command(harnessBin, evalArgs(slow, data, "--benchmarks", "dynamath", "--concurrency", "2")...)
	cmd.Dir = dir
	stderr := &strings.Builder{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	cachePath := filepath.Join(dir, "cache.jsonl")
	deadline := time.Now().Add(60 * time.Second)
	for countLinesIfExists(cachePath) < n {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("the eval wrote fewer than %d cache entries in 60 s", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return cmd, stderr
}

// processesRunning lists the PIDs whose command line is exactly args.
func processesRunning(args ...string) []string {
	want := strings.Join(args, "\x00") + "\x00"
	cmdlines, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	var pids []string
	for _, f := range cmdlines {
		if b, err := os.ReadFile(f); err == nil && string(b) == want {
			pids = append(pids, filepath.Base(filepath.Dir(f)))
		}
	}
	return pids
}

// `harness run` with a served model and a judge caches both: a second run of
// the matrix calls neither server.
func TestRunServedModelFromCache(t *testing.T) {
	model := openaitest.New(openaitest.Config{Answer: func(openaitest.Request, int) string {
		return "<think>so</think><answer>it looks like the second one</answer>"
	}})
	defer model.Close()
	judge := openaitest.New(openaitest.Config{Answer: func(openaitest.Request, int) string { return "B" }})
	defer judge.Close()
	dir := t.TempDir()
	cfg := fmt.Sprintf(`version: 1
run_dir: .harness
data: {synthetic: {seed: 2, size: tiny}}
models:
  - {name: served, backend: openai, endpoint: %s, model: toy-served}
judge: {endpoint: %s, model: local-judge}
benchmarks: [{name: mathvista}, {name: mathverse}, {name: logicvista}]
recipes: [{name: base}]
matrix: {recipes: [base], models: [served], benchmarks: [all]}
`, model.URL(), judge.URL())
	if err := os.WriteFile(filepath.Join(dir, "harness.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	r := harness(t, dir, "run")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	modelCalls, judgeCalls := model.Calls(), judge.Calls()
	if modelCalls == 0 || judgeCalls == 0 {
		t.Fatalf("first run: %d model calls, %d judge calls", modelCalls, judgeCalls)
	}
	r = harness(t, dir, "run")
	if r.code != 0 {
		t.Fatalf("second run: exit %d\n%s", r.code, r.stderr)
	}
	if model.Calls() != modelCalls || judge.Calls() != judgeCalls {
		t.Errorf("second run called the model %d and the judge %d more times", model.Calls()-modelCalls, judge.Calls()-judgeCalls)
	}
}
