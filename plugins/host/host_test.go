package host

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/vlmlab/harness/benchmarks/bench"
	"github.com/vlmlab/harness/plugins/sdk"
)

func TestMain(m *testing.M) {
	if role := os.Getenv(roleEnv); role != "" {
		runRole(role)
	}
	os.Exit(m.Run())
}

func launch(t testing.TB, h *Host, role, kind string) *Plugin {
	t.Helper()
	p, err := h.Launch(context.Background(), Spec{Name: "test-" + role, Kind: kind, Command: []string{os.Args[0]}, Env: []string{roleEnv + "=" + role}})
	if err != nil {
		t.Fatalf("launch %s: %v", role, err)
	}
	return p
}

func newHost(t testing.TB) *Host {
	h := New(Options{})
	t.Cleanup(h.Close)
	return h
}

func TestDescribeAcrossProcess(t *testing.T) {
	h := newHost(t)
	for _, tc := range []struct{ role, kind, name string }{
		{"trainer", sdk.KindTrainer, "test-trainer"},
		{"evaluator", sdk.KindEvaluator, "test-evaluator"},
		{"model", sdk.KindModel, "test-model"},
	} {
		p := launch(t, h, tc.role, tc.kind)
		info, err := p.Describe(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if info.Name != tc.name || info.Kind != tc.kind || info.Version != "0.1.0" || len(info.APIVersions) != 1 || info.APIVersions[0] != sdk.APIVersion {
			t.Errorf("%s: Describe = %+v", tc.role, info)
		}
		if p.PID() == os.Getpid() || p.PID() == 0 {
			t.Errorf("%s: plugin runs in pid %d, want a child process", tc.role, p.PID())
		}
		if err := p.Configure(context.Background(), []byte(`{"a":1}`)); err == nil || !strings.Contains(err.Error(), "takes no config") {
			t.Errorf("%s: Configure with a block for a plugin without config: %v", tc.role, err)
		}
	}
}

func TestTrainerRoundTrip(t *testing.T) {
	h := newHost(t)
	p := launch(t, h, "trainer", sdk.KindTrainer)
	var steps []int
	out := t.TempDir()
	ckpt, err := p.Trainer().Train(context.Background(), sdk.TrainRequest{Stage: "sft", OutputDir: out, Params: []byte(`{"steps":5}`)},
		func(ev sdk.TrainEvent) error {
			if ev.Progress != nil {
				steps = append(steps, ev.Progress.Step)
			}
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(steps) != "[1 2 3 4 5]" || ckpt.Dir != out || ckpt.Format != "test" {
		t.Errorf("steps %v checkpoint %+v", steps, ckpt)
	}
	// The host re-verifies what a trainer returns: a forged manifest is an
	// internal failure of the plugin, named as such.
	_, err = p.Trainer().Train(context.Background(), sdk.TrainRequest{Stage: "forged", OutputDir: t.TempDir()}, func(sdk.TrainEvent) error { return nil })
	if !errors.Is(err, sdk.ErrInternal) || !strings.Contains(err.Error(), `plugin test-trainer: stage "forged" returned a checkpoint that does not verify`) {
		t.Errorf("forged checkpoint: %v", err)
	}
	_, err = p.Trainer().Train(context.Background(), sdk.TrainRequest{Stage: "fail", Params: []byte(`{"steps":1}`)}, func(sdk.TrainEvent) error { return nil })
	var pe *PluginError
	if !errors.As(err, &pe) || !errors.Is(err, sdk.ErrInternal) || !strings.Contains(err.Error(), "plugin test-trainer: train fail: stage refused: learning rate must be positive") {
		t.Errorf("failing stage: %v", err)
	}
	// The plugin survives a failed stage.
	if _, err := p.Describe(context.Background()); err != nil {
		t.Errorf("after a failed stage: %v", err)
	}
}

func TestTrainerCancel(t *testing.T) {
	h := newHost(t)
	p := launch(t, h, "trainer", sdk.KindTrainer)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := p.Trainer().Train(ctx, sdk.TrainRequest{Stage: "block"}, func(sdk.TrainEvent) error { return nil })
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("cancelled train: %v", err)
	}
}

func TestModelRoundTrip(t *testing.T) {
	h := newHost(t)
	p := launch(t, h, "model", sdk.KindModel)
	var got []string
	err := p.Model().Generate(context.Background(), nil, []sdk.Prompt{{ID: "a", Parts: []sdk.Part{{Text: "hi"}}}, {ID: "b", Parts: []sdk.Part{{Text: "yo"}}}},
		sdk.GenerateParams{MaxTokens: 8}, func(g sdk.Generation) error { got = append(got, g.PromptID+"="+g.Text); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "[a=echo: hi b=echo: yo]" {
		t.Errorf("got %v", got)
	}
}

func TestEvaluatorRoundTrip(t *testing.T) {
	h := newHost(t)
	p := launch(t, h, "evaluator", sdk.KindEvaluator)
	ctx := context.Background()
	ev := p.Evaluator()
	bs, err := ev.Benchmarks(ctx)
	if err != nil || len(bs) != 1 || bs[0].Name != "echo" {
		t.Fatalf("Benchmarks = %v, %v", bs, err)
	}
	ds, err := ev.Open(ctx, "echo", sdk.LoadRequest{Path: "data", Profile: sdk.ProfileLeaderboard, Judge: "judge-model"})
	if err != nil {
		t.Fatal(err)
	}
	defer ds.Close(ctx)
	if len(ds.Items()) != 3 || ds.Info().Count != 3 {
		t.Fatalf("items %d info %+v", len(ds.Items()), ds.Info())
	}
	responses := []sdk.Response{{ItemID: "q0", Text: "ok"}, {ItemID: "q1", Text: "?"}, {ItemID: "q2", Text: "no"}}
	judged := 0
	rep, err := bench.Drive(ctx, ds, responses, func(q sdk.JudgeRequest) sdk.JudgeAnswer {
		judged++
		if q.Attempt == 0 {
			return sdk.JudgeAnswer{Key: q.Key, Text: "maybe"} // invalid: retried at the next temperature
		}
		return sdk.JudgeAnswer{Key: q.Key, Text: "yes"}
	})
	if err != nil {
		t.Fatal(err)
	}
	if judged != 2 || rep.Score < 66.6 || rep.Score > 66.7 || len(rep.Items) != 3 || rep.Items[1].Path != sdk.PathJudge {
		t.Errorf("judged %d, report %+v", judged, rep)
	}

	_, err = ev.Open(ctx, "echo", sdk.LoadRequest{Path: "data", Options: map[string]string{"n": "2"}})
	if err == nil || !strings.Contains(err.Error(), "has 2 items, the benchmark has 3; pass --allow-partial") {
		t.Errorf("wrong count: %v", err)
	}
	_, err = ev.Open(ctx, "nope", sdk.LoadRequest{Path: "data"})
	if err == nil || !strings.Contains(err.Error(), `no benchmark "nope"`) {
		t.Errorf("unknown benchmark: %v", err)
	}
	ds2, err := ev.Open(ctx, "echo", sdk.LoadRequest{Path: "data"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = ds2.Score(ctx, []sdk.Response{{ItemID: "zzz", Text: "ok"}}, nil)
	if err == nil || !strings.Contains(err.Error(), `item "zzz", which the data file does not have`) {
		t.Errorf("unknown item: %v", err)
	}
}

func TestCrashMidStream(t *testing.T) {
	for _, tc := range []struct {
		stage, status, log string
	}{
		{"crash", "exit status 3", "about to exit with status 3"},
		{"panic", "exit status 2", "panic: simulated trainer crash"},
	} {
		t.Run(tc.stage, func(t *testing.T) {
			h := newHost(t)
			p := launch(t, h, "trainer", sdk.KindTrainer)
			pid := p.PID()
			events := 0
			_, err := p.Trainer().Train(context.Background(), sdk.TrainRequest{Stage: tc.stage, Params: []byte(`{"steps":10,"after":4}`)},
				func(ev sdk.TrainEvent) error { events++; return nil })
			var ce *CrashError
			if !errors.As(err, &ce) {
				t.Fatalf("want a CrashError, got %T: %v", err, err)
			}
			msg := err.Error()
			for _, want := range []string{"plugin test-trainer crashed", tc.status, tc.log} {
				if !strings.Contains(msg, want) {
					t.Errorf("error lacks %q:\n%s", want, msg)
				}
			}
			// Events sent just before the exit may be lost with the process.
			if events > 4 {
				t.Errorf("got %d events before the crash, want at most 4", events)
			}
			h.Close()
			if alive(pid) {
				t.Errorf("plugin pid %d still alive after the crash", pid)
			}
		})
	}
}

func TestRefusedPlugins(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	sum, err := fileSHA256(self)
	if err != nil {
		t.Fatal(err)
	}
	wrong := sha256.Sum256([]byte("something else"))
	for _, tc := range []struct {
		name string
		spec Spec
		want []string
	}{
		{"wrong cookie", Spec{Env: []string{roleEnv + "=wrong-cookie"}}, []string{"plugin p: start", "exit status 1", "not meant to be executed directly"}},
		{"wrong version", Spec{Env: []string{roleEnv + "=wrong-version"}}, []string{"plugin p: refused: it speaks another plugin protocol version", "harness.v1"}},
		{"checksum mismatch", Spec{Env: []string{roleEnv + "=trainer"}, SHA256: hex.EncodeToString(wrong[:])}, []string{"refused to start: sha256 of", "is " + sum, "pins " + hex.EncodeToString(wrong[:])}},
		{"bad pin", Spec{Env: []string{roleEnv + "=trainer"}, SHA256: "abc"}, []string{`sha256 "abc" is not 64 hex digits`}},
		{"missing executable", Spec{Command: []string{"/nonexistent/plugin"}}, []string{"plugin p:", "/nonexistent/plugin", "check the command in harness.yaml"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHost(t)
			spec := tc.spec
			spec.Name, spec.Kind = "p", sdk.KindTrainer
			if spec.Command == nil {
				spec.Command = []string{self}
			}
			_, err := h.Launch(context.Background(), spec)
			if err == nil {
				t.Fatal("launch succeeded")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
	// The right pin starts the plugin.
	h := newHost(t)
	if _, err := h.Launch(context.Background(), Spec{Name: "p", Kind: sdk.KindTrainer, Command: []string{self}, Env: []string{roleEnv + "=trainer"}, SHA256: sum}); err != nil {
		t.Errorf("matching pin: %v", err)
	}
}

// What a plugin declares is checked at launch, before any call of its kind.
func TestLaunchValidatesDeclaration(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, role, kind string
		want             []string
	}{
		{"evaluator used as a trainer", "evaluator", sdk.KindTrainer, []string{"plugin p: refused: it is an evaluator plugin", "uses it as a trainer"}},
		{"trainer used as a model", "trainer", sdk.KindModel, []string{"plugin p: refused: it is a trainer plugin", "as a model"}},
		{"unsupported API version", "declares-v7", sdk.KindTrainer, []string{"plugin p: refused: it declares API versions [7] but the handshake negotiated 1"}},
		{"schema that does not compile", "bad-schema", sdk.KindTrainer, []string{"plugin p: refused: its config schema is not valid JSON Schema"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHost(t)
			p, err := h.Launch(context.Background(), Spec{Name: "p", Kind: tc.kind, Command: []string{self}, Env: []string{roleEnv + "=" + tc.role}})
			if err == nil {
				t.Fatal("launch succeeded")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			if p != nil {
				t.Error("a refused launch returned a plugin")
			}
		})
	}
}

func TestConfigureValidatesSchema(t *testing.T) {
	h := newHost(t)
	p := launch(t, h, "schema", sdk.KindTrainer)
	if p.APIVersion() != sdk.APIVersion || p.Info().Name != "schema" {
		t.Errorf("negotiated %d, info %+v", p.APIVersion(), p.Info())
	}
	for _, tc := range []struct{ config, want string }{
		{`{"lr": "fast"}`, "at lr: got string, want number"},
		{`{"lr": 0}`, "at lr: exclusiveMinimum"},
		{`{"lr": 1, "tags": ["a", 2]}`, "at tags.1: got number, want string"},
		{`{"lr": 1, "typo": 1}`, "at the top level: additional properties 'typo' not allowed"},
		{``, "at the top level: missing property 'lr'"},
	} {
		err := p.Configure(context.Background(), []byte(tc.config))
		var se *SchemaError
		if !errors.As(err, &se) || !errors.Is(err, sdk.ErrInvalid) || !strings.Contains(err.Error(), "plugin test-schema: config does not match the plugin's schema: "+tc.want) {
			t.Errorf("Configure(%s) = %v, want %q", tc.config, err, tc.want)
		}
	}
	if err := p.Configure(context.Background(), []byte(`{"lr": 0.1, "tags": ["x"]}`)); err != nil {
		t.Errorf("valid config: %v", err)
	}
}

func TestConcurrentCalls(t *testing.T) {
	h := newHost(t)
	p := launch(t, h, "model", sdk.KindModel)
	m := p.Model()
	var g errgroup.Group
	for i := range 1000 {
		g.Go(func() error {
			id := strconv.Itoa(i)
			var got string
			err := m.Generate(context.Background(), nil, []sdk.Prompt{{ID: id, Parts: []sdk.Part{{Text: id}}}}, sdk.GenerateParams{},
				func(g sdk.Generation) error { got = g.Text; return nil })
			if err != nil {
				return err
			}
			if got != "echo: "+id {
				return fmt.Errorf("call %d got %q", i, got)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
}

// startHostProcess runs the test binary as a host that launched one plugin
// and returns the host command and the plugin's pid.
func startHostProcess(t *testing.T) (*exec.Cmd, int) {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), roleEnv+"=host")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		t.Fatalf("host printed no plugin pid: %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		cmd.Process.Kill()
		t.Fatalf("host said %q", line)
	}
	t.Cleanup(func() {
		if alive(pid) {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	})
	return cmd, pid
}

func TestSIGTERMEndsChildren(t *testing.T) {
	cmd, pid := startHostProcess(t)
	if !alive(pid) {
		t.Fatalf("plugin %d not running", pid)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Errorf("host exit after SIGTERM: %v", err)
	}
	if !waitGone(pid, 5*time.Second) {
		t.Errorf("plugin %d outlived its host's SIGTERM", pid)
	}
}

func TestSIGKILLedHostOrphanExits(t *testing.T) {
	cmd, pid := startHostProcess(t)
	cmd.Process.Kill()
	cmd.Wait()
	if !waitGone(pid, 5*time.Second) {
		t.Errorf("plugin %d still running 5s after its host was SIGKILLed", pid)
	}
}

func waitGone(pid int, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if !alive(pid) {
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}

// alive reports whether pid is a live process (a zombie waiting to be reaped
// by whoever adopted it counts as gone).
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 && i+2 < len(s) {
		return s[i+2] != 'Z'
	}
	return true
}
