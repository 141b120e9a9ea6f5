package python_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"golang.org/x/sync/errgroup"
	"google.golang.org/grpc/codes"

	"github.com/vlmlab/harness/plugins/host"
	"github.com/vlmlab/harness/plugins/python/pythontest"
	"github.com/vlmlab/harness/plugins/sdk"
)

// The test binary doubles as a host process for the orphan test.
const roleEnv = "HARNESS_PYTHON_TEST_ROLE"

func TestMain(m *testing.M) {
	if os.Getenv(roleEnv) == "host" {
		runHost()
	}
	os.Exit(m.Run())
}

// logBuffer collects what the host logs from its plugins.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func newHost(t testing.TB) (*host.Host, *logBuffer) {
	logs := &logBuffer{}
	h := host.New(host.Options{Logger: hclog.New(&hclog.LoggerOptions{Output: logs, Level: hclog.Debug})})
	t.Cleanup(h.Close)
	return h, logs
}

// spec is how the host starts a Python plugin script, AutoMTLS on as for
// every plugin.
func spec(t testing.TB, name, kind, script string) host.Spec {
	return host.Spec{Name: name, Kind: kind, Command: pythontest.Command(t, script), Env: pythontest.Env()}
}

func launch(t testing.TB, h *host.Host, name, kind, script string) *host.Plugin {
	t.Helper()
	p, err := h.Launch(context.Background(), spec(t, name, kind, script))
	if err != nil {
		t.Fatalf("launch %s: %v", script, err)
	}
	return p
}

func TestDescribeAndConfigure(t *testing.T) {
	h, _ := newHost(t)
	ctx := context.Background()
	for _, tc := range []struct{ script, kind, name string }{
		{"testdata/trainer.py", sdk.KindTrainer, "py-trainer"},
		{"testdata/evaluator.py", sdk.KindEvaluator, "py-evaluator"},
		{"testdata/model.py", sdk.KindModel, "py-model"},
	} {
		p := launch(t, h, tc.name, tc.kind, tc.script)
		info, err := p.Describe(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if info.Name != tc.name || info.Kind != tc.kind || info.Version != "0.1.0" || fmt.Sprint(info.APIVersions) != "[1]" || info.ConfigSchema == "" {
			t.Errorf("%s: Describe = %+v", tc.script, info)
		}
		if p.PID() == 0 || p.PID() == os.Getpid() {
			t.Errorf("%s runs in pid %d, want a child process", tc.script, p.PID())
		}
		if tc.kind == sdk.KindEvaluator && fmt.Sprint(info.Provides) != "[]" {
			t.Logf("evaluator provides %v", info.Provides)
		}
	}
	tr := launch(t, h, "py-trainer", sdk.KindTrainer, "testdata/trainer.py")
	if err := tr.Configure(ctx, []byte(`{"lr":0.001}`)); err != nil {
		t.Errorf("valid config: %v", err)
	}
	err := tr.Configure(ctx, []byte(`{"lr":-1}`))
	var pe *host.PluginError
	if !errors.As(err, &pe) || pe.Code != codes.InvalidArgument || !strings.Contains(err.Error(), "plugin py-trainer: configure py-trainer: lr must be positive, got -1") {
		t.Errorf("invalid config: %v", err)
	}
	m := launch(t, h, "py-model", sdk.KindModel, "testdata/model.py")
	if err := m.Configure(ctx, []byte(`{"a":1}`)); err == nil || !strings.Contains(err.Error(), "takes no config block") {
		t.Errorf("config for a plugin without configure(): %v", err)
	}
	if err := m.Configure(ctx, nil); err != nil {
		t.Errorf("no config for a plugin without configure(): %v", err)
	}
}

func TestTrainerRoundTrip(t *testing.T) {
	h, logs := newHost(t)
	p := launch(t, h, "py-trainer", sdk.KindTrainer, "testdata/trainer.py")
	out := t.TempDir()
	var steps []int
	var lines []string
	base := &sdk.Checkpoint{Dir: "/nonexistent/base", Format: "test", Hash: "sha256:abc"}
	ck, err := p.Trainer().Train(context.Background(), sdk.TrainRequest{Stage: "sft", Base: base, OutputDir: out, Data: []string{"a.jsonl", "b.jsonl"}, Params: []byte(`{"steps":5}`), Seed: 7},
		func(ev sdk.TrainEvent) error {
			switch {
			case ev.Progress != nil:
				steps = append(steps, ev.Progress.Step)
				if ev.Progress.Total != 5 || ev.Progress.Metrics["loss"] != 1/float64(ev.Progress.Step) {
					t.Errorf("progress %+v", ev.Progress)
				}
			case ev.Log != nil:
				lines = append(lines, ev.Log.Level+" "+ev.Log.Message)
			}
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(steps) != "[1 2 3 4 5]" || fmt.Sprint(lines) != "[info trained 5 steps with seed 7 on 2 files]" {
		t.Errorf("steps %v, log lines %v", steps, lines)
	}
	if ck.Dir != out || ck.Format != "test" || ck.Parent != "sha256:abc" || len(ck.Files) != 2 {
		t.Fatalf("checkpoint %+v", ck)
	}
	for name, digest := range ck.Files {
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		if digest != "sha256:"+hex.EncodeToString(sum[:]) {
			t.Errorf("%s: manifest says %s", name, digest)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "checkpoint.json")); err != nil {
		t.Errorf("no manifest: %v", err)
	}
	// The plugin's logging records arrive through hclog with their fields.
	// (go-plugin re-emits a JSON line's fields in map order.)
	if !hasLine(logs.String(), "[INFO]  py-trainer: step done:", "step=3", "loss=0.333", "logger=test-trainer") {
		t.Errorf("plugin log lines not forwarded:\n%s", logs.String())
	}
}

// hasLine reports whether one line of log holds every part.
func hasLine(log string, parts ...string) bool {
	for _, line := range strings.Split(log, "\n") {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(line, p)
		}
		if all {
			return true
		}
	}
	return false
}

func TestTrainerRaisesMidStream(t *testing.T) {
	h, logs := newHost(t)
	p := launch(t, h, "py-trainer", sdk.KindTrainer, "testdata/trainer.py")
	events := 0
	_, err := p.Trainer().Train(context.Background(), sdk.TrainRequest{Stage: "raise", Params: []byte(`{"steps":10,"after":2}`)},
		func(sdk.TrainEvent) error { events++; return nil })
	var pe *host.PluginError
	if !errors.As(err, &pe) {
		t.Fatalf("want a PluginError, got %T: %v", err, err)
	}
	if pe.Code != codes.Internal || !strings.Contains(err.Error(), "plugin py-trainer: train raise: ValueError: simulated bug at step 3 (at trainer.py:") {
		t.Errorf("error: %v (code %v)", err, pe.Code)
	}
	if events != 2 {
		t.Errorf("got %d events before the exception, want 2", events)
	}
	// The traceback reached the host's log, at error level. The log comes
	// over the plugin's stderr, which may arrive after the gRPC error does,
	// so wait for it (bounded).
	hasTraceback := func(l string) bool {
		return strings.Contains(l, "[ERROR] py-trainer: train raise: ValueError") && strings.Contains(l, "Traceback (most recent call last)")
	}
	for deadline := time.Now().Add(10 * time.Second); !hasTraceback(logs.String()) && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	if l := logs.String(); !hasTraceback(l) {
		t.Errorf("no traceback in the host log within 10 s:\n%s", l)
	}
	// A plugin whose stage failed keeps serving.
	if _, err := p.Describe(context.Background()); err != nil {
		t.Errorf("after a failed stage: %v", err)
	}
	_, err = p.Trainer().Train(context.Background(), sdk.TrainRequest{Stage: "invalid", Data: []string{"sft.jsonl"}, Params: []byte(`{"steps":3,"after":1}`)},
		func(sdk.TrainEvent) error { return nil })
	if !errors.As(err, &pe) || pe.Code != codes.InvalidArgument || !strings.Contains(err.Error(), `plugin py-trainer: train invalid: data file 'sft.jsonl' line 3: no answer field`) {
		t.Errorf("classed error: %v", err)
	}
	_, err = p.Trainer().Train(context.Background(), sdk.TrainRequest{Stage: "sft", Params: []byte(`{"steps":`)}, func(sdk.TrainEvent) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "train sft: params are not JSON") {
		t.Errorf("bad params JSON: %v", err)
	}
}

func TestTrainerExitsMidStream(t *testing.T) {
	h, _ := newHost(t)
	p := launch(t, h, "py-trainer", sdk.KindTrainer, "testdata/trainer.py")
	pid := p.PID()
	events := 0
	_, err := p.Trainer().Train(context.Background(), sdk.TrainRequest{Stage: "exit", Params: []byte(`{"steps":10,"after":4}`)},
		func(sdk.TrainEvent) error { events++; return nil })
	var ce *host.CrashError
	if !errors.As(err, &ce) {
		t.Fatalf("want a CrashError, got %T: %v", err, err)
	}
	for _, want := range []string{"plugin py-trainer crashed", "exit status 3", "about to exit with status 3"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if events > 4 {
		t.Errorf("%d events before the exit, want at most 4", events)
	}
	h.Close()
	if pythontest.Alive(pid) {
		t.Errorf("plugin pid %d alive after its exit", pid)
	}
}

func TestTrainerCancel(t *testing.T) {
	h, _ := newHost(t)
	p := launch(t, h, "py-trainer", sdk.KindTrainer, "testdata/trainer.py")
	marker := filepath.Join(t.TempDir(), "cancelled")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Cancel once the stage is running (its first event), as a user's Ctrl-C
	// or a failed sibling cell would.
	_, err := p.Trainer().Train(ctx, sdk.TrainRequest{Stage: "block", Params: []byte(`{"marker":"` + marker + `"}`)}, func(sdk.TrainEvent) error { cancel(); return nil })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled stage: %v", err)
	}
	// The cancellation reaches the plugin's generator (its finally block runs).
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := os.Stat(marker); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the plugin's train() never saw the cancellation")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestStdoutReachesHostLog(t *testing.T) {
	h, logs := newHost(t)
	p := launch(t, h, "py-trainer", sdk.KindTrainer, "testdata/trainer.py")
	if _, err := p.Trainer().Train(context.Background(), sdk.TrainRequest{Stage: "print", OutputDir: t.TempDir(), Params: []byte(`{"steps":1}`)}, func(sdk.TrainEvent) error { return nil }); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for _, want := range []string{"py-trainer: hello from print()", "py-trainer: second line", "py-trainer: raw fd write"} {
		for !strings.Contains(logs.String(), want) {
			if time.Now().After(deadline) {
				t.Fatalf("host log lacks %q:\n%s", want, logs.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

func TestModelRoundTrip(t *testing.T) {
	h, _ := newHost(t)
	p := launch(t, h, "py-model", sdk.KindModel, "testdata/model.py")
	m := p.Model()
	var got []string
	err := m.Generate(context.Background(), &sdk.Checkpoint{Dir: "/ck", Format: "test"},
		[]sdk.Prompt{{ID: "a", Parts: []sdk.Part{{Text: "hi"}, {Image: &sdk.Image{Data: []byte{1, 2}, MIME: "image/png"}}}}, {ID: "b", Parts: []sdk.Part{{Text: "yo"}}}},
		sdk.GenerateParams{MaxTokens: 1, N: 2}, func(g sdk.Generation) error {
			got = append(got, fmt.Sprintf("%s/%d=%s/%v", g.PromptID, g.Sample, g.Text, g.Truncated))
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "[a/0=echo: hi/true a/1=echo: hi/true b/0=echo: yo/true b/1=echo: yo/true]" {
		t.Errorf("got %v", got)
	}
	var g errgroup.Group
	for i := range 200 {
		g.Go(func() error {
			id := strconv.Itoa(i)
			var text string
			err := m.Generate(context.Background(), nil, []sdk.Prompt{{ID: id, Parts: []sdk.Part{{Text: id}}}}, sdk.GenerateParams{},
				func(g sdk.Generation) error { text = g.Text; return nil })
			if err == nil && text != "echo: "+id {
				err = fmt.Errorf("call %d got %q", i, text)
			}
			return err
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
}

// drive scores responses with the judge answering attempt 0 invalidly and
// later attempts "yes", as the Go host tests' judge does.
func drive(ctx context.Context, ds *sdk.RemoteDataset, responses []sdk.Response) (*sdk.Report, int, error) {
	var answers []sdk.JudgeAnswer
	judged := 0
	for round := 0; round < 10; round++ {
		res, err := ds.Score(ctx, responses, answers)
		if err != nil {
			return nil, judged, err
		}
		if res.Report != nil {
			return res.Report, judged, nil
		}
		for _, q := range res.Pending {
			judged++
			text := "yes"
			if q.Attempt == 0 {
				text = "maybe"
			}
			answers = append(answers, sdk.JudgeAnswer{Key: q.Key, Text: text})
		}
	}
	return nil, judged, errors.New("no report after 10 rounds")
}

func TestEvaluatorRoundTrip(t *testing.T) {
	h, _ := newHost(t)
	p := launch(t, h, "py-evaluator", sdk.KindEvaluator, "testdata/evaluator.py")
	ctx := context.Background()
	ev := p.Evaluator()
	bs, err := ev.Benchmarks(ctx)
	if err != nil || len(bs) != 1 || bs[0].Name != "echo" || bs[0].Items != 3 || bs[0].Primary != "Overall acc" {
		t.Fatalf("Benchmarks = %+v, %v", bs, err)
	}
	ds, err := ev.Open(ctx, "echo", sdk.LoadRequest{Path: "data", Profile: sdk.ProfileLeaderboard, Judge: "judge-model"})
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.Items()) != 3 || ds.Info().Count != 3 || ds.Info().Benchmark != "echo" || ds.Items()[0].Prompt[0].Text != strings.Repeat("x", 10) {
		t.Fatalf("items %+v info %+v", ds.Items(), ds.Info())
	}
	rep, judged, err := drive(ctx, ds, []sdk.Response{{ItemID: "q0", Text: "ok"}, {ItemID: "q1", Text: "?"}, {ItemID: "q2", Text: "no"}})
	if err != nil {
		t.Fatal(err)
	}
	if judged != 2 || rep.Score < 66.6 || rep.Score > 66.7 || len(rep.Items) != 3 || rep.Items[1].Path != sdk.PathJudge || rep.Judged != 1 || rep.Rule != 2 || rep.Judge != "judge-model" || rep.Dataset.Count != 3 {
		t.Errorf("judged %d, report %+v", judged, rep)
	}
	if err := ds.Close(ctx); err != nil {
		t.Errorf("close: %v", err)
	}
	if _, err := ds.Score(ctx, nil, nil); err == nil || !strings.Contains(err.Error(), "no scoring session") {
		t.Errorf("score after close: %v", err)
	}

	for _, tc := range []struct {
		bench string
		req   sdk.LoadRequest
		want  string
	}{
		{"echo", sdk.LoadRequest{Path: "data", Options: map[string]string{"n": "2"}}, "has 2 items, the benchmark has 3; pass --allow-partial"},
		{"echo", sdk.LoadRequest{Path: "missing"}, "plugin py-evaluator: open missing: no such file or directory"},
		{"nope", sdk.LoadRequest{Path: "data"}, `no benchmark 'nope'`},
	} {
		if _, err := ev.Open(ctx, tc.bench, tc.req); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("open %s %+v: %v, want %q", tc.bench, tc.req, err, tc.want)
		}
	}
	ds2, err := ev.Open(ctx, "echo", sdk.LoadRequest{Path: "data"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ds2.Score(ctx, []sdk.Response{{ItemID: "zzz", Text: "ok"}}, nil); err == nil || !strings.Contains(err.Error(), `item 'zzz', which the data file does not have`) {
		t.Errorf("unknown item: %v", err)
	}
	// Without a judge, "?" is unresolved and no judge request is made.
	ds3, err := ev.Open(ctx, "echo", sdk.LoadRequest{Path: "data"})
	if err != nil {
		t.Fatal(err)
	}
	rep, judged, err = drive(ctx, ds3, []sdk.Response{{ItemID: "q0", Text: "ok"}, {ItemID: "q1", Text: "?"}})
	if err != nil || judged != 0 || rep.Unresolved != 1 || rep.Items[2].Hit {
		t.Errorf("no judge: judged %d, %+v, %v", judged, rep, err)
	}
}

// TestRefusedPlugins: Python plugins that cannot start each give an error
// naming the plugin and saying why, and leave no process behind.
func TestRefusedPlugins(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no_such_plugin.py")
	for _, tc := range []struct {
		name, script string
		want         []string
	}{
		{"py-garbage", "testdata/garbage.py", []string{"plugin py-garbage: start", `it wrote "Loading model weights... done" to stdout before its handshake line`}},
		{"py-wrong-cookie", "testdata/wrong_cookie.py", []string{"plugin py-wrong-cookie: start", "exit status 1", "not meant to be executed directly"}},
		{"py-v2", "testdata/wrong_version.py", []string{"plugin py-v2: refused: it speaks another plugin protocol version", "harness.v1"}},
		{"py-missing", missing, []string{"plugin py-missing: start", "it ended without writing its handshake line", "exit status 2", "can't open file"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, _ := newHost(t)
			sp := spec(t, tc.name, sdk.KindTrainer, tc.script)
			_, err := h.Launch(context.Background(), sp)
			if err == nil {
				t.Fatal("launch succeeded")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			h.Close()
			if left := pythontest.Processes(sp.Command[1]); len(left) > 0 {
				t.Errorf("processes %v of %s still running", left, tc.script)
			}
		})
	}
}

// TestKillIsGraceful: the host's Kill goes through GRPCController.Shutdown,
// so the plugin exits by itself before go-plugin's 2s force-kill (which
// would log "plugin failed to exit gracefully").
func TestKillIsGraceful(t *testing.T) {
	h, logs := newHost(t)
	p := launch(t, h, "py-model", sdk.KindModel, "testdata/model.py")
	pid := p.PID()
	start := time.Now()
	p.Kill()
	t.Logf("Kill returned after %v", time.Since(start))
	if pythontest.Alive(pid) {
		t.Errorf("pid %d alive after Kill", pid)
	}
	if l := logs.String(); strings.Contains(l, "plugin failed to exit gracefully") || !strings.Contains(l, "host asked for shutdown") {
		t.Errorf("not a graceful exit:\n%s", l)
	}
}

func TestWithoutMTLS(t *testing.T) {
	h, _ := newHost(t)
	sp := spec(t, "py-model", sdk.KindModel, "testdata/model.py")
	sp.NoMTLS = true
	p, err := h.Launch(context.Background(), sp)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Describe(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// runHost launches a Python trainer that blocks, prints its pid and waits to
// be killed.
func runHost() {
	h := host.New(host.Options{})
	p, err := h.Launch(context.Background(), host.Spec{Name: "py-blocker", Kind: sdk.KindTrainer,
		Command: []string{os.Getenv("HARNESS_PYTHON_TEST_PY"), filepath.Join(pythontest.Dir(), "testdata", "trainer.py")}, Env: pythontest.Env()})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	fmt.Println(p.PID())
	_, _ = p.Trainer().Train(context.Background(), sdk.TrainRequest{Stage: "block", Params: []byte(`{"marker":"/dev/null"}`)}, func(sdk.TrainEvent) error { return nil })
	os.Exit(0)
}

// TestSIGKILLedHostLeavesNoOrphan: a host killed with SIGKILL cannot stop its
// plugins; the Python plugin notices and exits by itself.
func TestSIGKILLedHostLeavesNoOrphan(t *testing.T) {
	py := pythontest.Interpreter(t)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), roleEnv+"=host", "HARNESS_PYTHON_TEST_PY="+py)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	pid, perr := strconv.Atoi(strings.TrimSpace(line))
	if err != nil || perr != nil {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("host said %q (%v)", line, err)
	}
	t.Cleanup(func() {
		if pythontest.Alive(pid) {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	})
	if !pythontest.Alive(pid) {
		t.Fatalf("plugin %d not running", pid)
	}
	cmd.Process.Kill()
	cmd.Wait()
	deadline := time.Now().Add(5 * time.Second)
	for pythontest.Alive(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("plugin %d still running 5s after its host was SIGKILLed", pid)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
