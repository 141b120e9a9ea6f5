package engine

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/vlmlab/harness/internal/testenv"
	"github.com/vlmlab/harness/plugins/sdk"
)

// standinParams runs the stand-in in mode with the test's timeouts.
func standinParams(mode string, extra map[string]any) []byte {
	p := map[string]any{
		"engine":      "verl",
		"base_model":  "Qwen/Qwen2.5-VL-3B-Instruct",
		"command":     []string{os.Args[0], "{{.Output}}", "{{.RewardURL}}"},
		"env":         map[string]string{"ENGINE_STANDIN": mode},
		"stop_grace":  "500ms",
		"reward_addr": "127.0.0.1:0",
	}
	for k, v := range extra {
		p[k] = v
	}
	b, _ := json.Marshal(p)
	return b
}

type events struct {
	mu    sync.Mutex
	steps []sdk.Progress
	logs  []string
}

func (e *events) emit(ev sdk.TrainEvent) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if ev.Progress != nil {
		e.steps = append(e.steps, *ev.Progress)
	}
	if ev.Log != nil {
		e.logs = append(e.logs, ev.Log.Message)
	}
	return nil
}

func train(t *testing.T, ctx context.Context, params []byte, ev *events) (*sdk.Checkpoint, string, error) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "stage")
	data := filepath.Join(t.TempDir(), "rl.parquet")
	os.WriteFile(data, []byte("rows"), 0o644)
	ck, err := Trainer{}.Train(ctx, sdk.TrainRequest{Stage: "grpo", OutputDir: out, Data: []string{data}, Params: params, Seed: 1}, ev.emit)
	return ck, out, err
}

func TestVerlStage(t *testing.T) {
	var ev events
	ck, out, err := train(t, context.Background(), standinParams("verl", nil), &ev)
	if err != nil {
		t.Fatal(err)
	}
	if ck.Format != "hf" || ck.Dir != out || ck.Files["model.safetensors"] == "" || ck.Files["config.json"] == "" || len(ck.Files) != 3 {
		t.Fatalf("checkpoint %+v, want the hf folder of the last step in %s", ck, out)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "model.safetensors")); string(b) != "weights of step 3" {
		t.Errorf("output holds %q, want the last step's weights", b)
	}
	if err := sdk.VerifyCheckpoint(ck); err != nil {
		t.Errorf("manifest does not verify: %v", err)
	}
	if len(ev.steps) != 3 {
		t.Fatalf("progress %+v, want 3 steps", ev.steps)
	}
	for i, p := range ev.steps {
		step := i + 1
		if p.Step != step || p.Total != 3 {
			t.Errorf("event %d: step %d/%d, want %d/3 (total from verl's 'Total training steps')", i, p.Step, p.Total, step)
		}
		if p.Metrics[sdk.MetricReward] != 0.25*float64(step) || p.Metrics["critic/score/mean"] != 0.25*float64(step) ||
			p.Metrics[sdk.MetricLoss] != 0.5/float64(step) || p.Metrics[sdk.MetricKL] != 0.001 ||
			p.Metrics[sdk.MetricResponseLength] != float64(200+step) || p.Metrics[sdk.MetricLearningRate] != 1e-6 {
			t.Errorf("step %d metrics %v", step, p.Metrics)
		}
		if _, ok := p.Metrics["timing_s/gen"]; ok {
			t.Errorf("step %d: nan was passed on", step)
		}
	}
	log, _ := os.ReadFile(filepath.Join(WorkDir(out), LogFile))
	if !strings.Contains(string(log), "reward server answered with floats") || !strings.Contains(string(log), "WorkerDict") {
		t.Errorf("%s misses the engine's output:\n%s", LogFile, log)
	}
	for _, f := range []string{"verl_reward.py", "easyr1_reward.py", "harness_reward_client.py"} {
		if _, err := os.Stat(filepath.Join(WorkDir(out), "reward_adapters", f)); err != nil {
			t.Errorf("reward adapter not written: %v", err)
		}
	}
}

func TestEasyR1AndJSONLMetrics(t *testing.T) {
	var ev events
	p := standinParams("easyr1", map[string]any{"engine": "easyr1"})
	if _, _, err := train(t, context.Background(), p, &ev); err != nil {
		t.Fatal(err)
	}
	if len(ev.steps) != 2 || ev.steps[1].Metrics[sdk.MetricReward] != 0.6 || ev.steps[1].Metrics["reward/accuracy"] != 0.6 ||
		ev.steps[0].Metrics[sdk.MetricLoss] != 0.1 || ev.steps[0].Metrics[sdk.MetricResponseLength] != 180 {
		t.Errorf("EasyR1 blocks: %+v", ev.steps)
	}

	var jv events
	p = standinParams("jsonl", map[string]any{"log_format": "jsonl", "metrics_file": "{{.Output}}/metrics.jsonl", "total_steps": 3})
	if _, _, err := train(t, context.Background(), p, &jv); err != nil {
		t.Fatal(err)
	}
	if len(jv.steps) != 3 || math.Abs(jv.steps[2].Metrics[sdk.MetricReward]-0.3) > 1e-9 || jv.steps[2].Total != 3 {
		t.Errorf("JSONL metrics: %+v", jv.steps)
	}
}

func TestCrashQuotesTheEngine(t *testing.T) {
	var ev events
	_, out, err := train(t, context.Background(), standinParams("crash", nil), &ev)
	if err == nil || !errors.Is(err, sdk.ErrInternal) || !strings.Contains(err.Error(), "exit status 1") ||
		!strings.Contains(err.Error(), "CUDA out of memory") || !strings.Contains(err.Error(), filepath.Join(WorkDir(out), LogFile)) {
		t.Fatalf("crash: %v", err)
	}
	if len(ev.steps) != 1 {
		t.Errorf("the step before the crash was not reported: %+v", ev.steps)
	}
}

func TestNoWeightsAndMergeCommand(t *testing.T) {
	var ev events
	_, _, err := train(t, context.Background(), standinParams("noweights", nil), &ev)
	if err == nil || !strings.Contains(err.Error(), "no weights") || !strings.Contains(err.Error(), "save_contents") {
		t.Fatalf("config-only checkpoint: %v", err)
	}
	p := standinParams("noweights", map[string]any{
		"merge_command": []string{os.Args[0], "{{.Output}}", "{{.StepDir}}"},
		"env":           map[string]string{"ENGINE_STANDIN": "{{if .StepDir}}merge{{else}}noweights{{end}}"},
	})
	ck, out, err := train(t, context.Background(), p, &ev)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "model.safetensors")); ck.Dir != out || string(b) != "merged" {
		t.Errorf("merged checkpoint %+v", ck)
	}
}

// pids reads the stand-in's and its worker's process ids.
func pids(t *testing.T, out string) []int {
	t.Helper()
	var b []byte
	for i := 0; i < 100; i++ {
		if b, _ = os.ReadFile(filepath.Join(out, "pids")); len(b) > 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	var ids []int
	for _, f := range strings.Fields(string(b)) {
		n, err := strconv.Atoi(f)
		if err != nil {
			t.Fatalf("pids file %q", b)
		}
		ids = append(ids, n)
	}
	if len(ids) != 2 {
		t.Fatalf("pids file %q", b)
	}
	return ids
}

// alive reports whether pid is a running process (a zombie is not).
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	i := strings.LastIndexByte(string(stat), ')')
	return i < 0 || i+2 >= len(stat) || stat[i+2] != 'Z'
}

func checkGone(t *testing.T, ids []int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for _, pid := range ids {
		for alive(pid) && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if alive(pid) {
			t.Errorf("process %d outlived the stage", pid)
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

func TestCancelLeavesNoProcess(t *testing.T) {
	for _, mode := range []string{"slow", "trapterm"} {
		t.Run(mode, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			dir := t.TempDir()
			first := make(chan struct{})
			var once sync.Once
			done := make(chan error, 1)
			start := time.Now()
			go func() {
				_, err := Trainer{}.Train(ctx, sdk.TrainRequest{Stage: "grpo", OutputDir: dir, Params: standinParams(mode, nil)},
					func(ev sdk.TrainEvent) error {
						if ev.Progress != nil {
							once.Do(func() { close(first) })
						}
						return nil
					})
				done <- err
			}()
			select {
			case <-first:
			case <-time.After(10 * time.Second):
				t.Fatal("no progress from the stand-in")
			}
			ids := pids(t, WorkDir(dir))
			for _, pid := range ids {
				if !alive(pid) {
					t.Fatalf("process %d not running before the cancel", pid)
				}
			}
			cancel()
			select {
			case err := <-done:
				if !errors.Is(err, context.Canceled) {
					t.Errorf("cancelled stage returned %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("Train did not return after cancel")
			}
			if mode == "trapterm" && time.Since(start) < 500*time.Millisecond {
				t.Errorf("an engine ignoring SIGTERM was killed before the grace period")
			}
			checkGone(t, ids)
		})
	}
}

func TestHangIsStopped(t *testing.T) {
	var ev events
	dir := t.TempDir()
	p := standinParams("hang", map[string]any{"hang_timeout": "700ms"})
	_, err := Trainer{}.Train(context.Background(), sdk.TrainRequest{Stage: "grpo", OutputDir: dir, Params: p}, ev.emit)
	if err == nil || !errors.Is(err, sdk.ErrUnavailable) || !strings.Contains(err.Error(), "printed nothing for 700ms") || !strings.Contains(err.Error(), "starting workers") {
		t.Fatalf("hang: %v", err)
	}
	checkGone(t, pids(t, WorkDir(dir)))
}

func TestBadParams(t *testing.T) {
	for _, c := range []struct {
		name   string
		params string
		base   *sdk.Checkpoint
		want   string
	}{
		{"unknown key", `{"engine": "verl", "comand": ["x"]}`, nil, `comand`},
		{"no command", `{"engine": "verl", "base_model": "m"}`, nil, "params.command is empty"},
		{"unknown engine", `{"engine": "trl", "command": ["x"]}`, nil, `params.engine "trl"`},
		{"jsonl without file", `{"engine": "verl", "command": ["x"], "log_format": "jsonl"}`, nil, "metrics_file"},
		{"command preset without checkpoint", `{"command": ["x"], "base_model": "m"}`, nil, "params.checkpoint is empty"},
		{"bad duration", `{"engine": "verl", "command": ["x"], "hang_timeout": "soon"}`, nil, "params.hang_timeout"},
		{"no base", `{"engine": "verl", "command": ["x"]}`, nil, "params.base_model"},
		{"tinyvlm base", `{"engine": "verl", "command": ["x"]}`, &sdk.Checkpoint{Dir: "/c", Format: "tinyvlm"}, `format "tinyvlm"`},
		{"bad template", `{"engine": "verl", "command": ["{{.Ouput}}"], "base_model": "m"}`, nil, "params.command[0]"},
		{"missing program", `{"engine": "verl", "command": ["/nonexistent/engine"], "base_model": "m"}`, nil, "start engine"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Trainer{}.Train(context.Background(), sdk.TrainRequest{OutputDir: t.TempDir(), Params: []byte(c.params), Base: c.base}, func(sdk.TrainEvent) error { return nil })
			if err == nil || !errors.Is(err, sdk.ErrInvalid) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%v; want ErrInvalid containing %q", err, c.want)
			}
		})
	}
}

// TestExampleConfig expands the command of examples/grpo-verl.yaml, so the
// example stays a valid stage.
func TestExampleConfig(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(testenv.RepoRoot(), "examples", "grpo-verl.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Recipes []struct {
			Stages []struct {
				Params map[string]any `yaml:"params"`
			} `yaml:"stages"`
		} `yaml:"recipes"`
	}
	if err := yaml.Unmarshal([]byte(os.Expand(string(raw), func(string) string { return "" })), &cfg); err != nil {
		t.Fatal(err)
	}
	pj, _ := json.Marshal(cfg.Recipes[0].Stages[0].Params)
	p, err := parseParams(pj)
	if err != nil {
		t.Fatal(err)
	}
	v := Vars{Output: "/runs/x.engine", Base: "Qwen/Qwen2.5-VL-3B-Instruct", DataList: pyList([]string{"/d/a.parquet"}),
		RewardAdapter: "/runs/x.engine/reward_adapters/verl_reward.py", RewardURL: "http://127.0.0.1:5000/get_reward", Vars: p.Vars}
	argv, err := expandAll("command", p.Command, v)
	if err != nil {
		t.Fatal(err)
	}
	line := strings.Join(argv, " ")
	for _, want := range []string{"algorithm.adv_estimator=grpo", "data.train_files=['/d/a.parquet']", "actor_rollout_ref.model.path=Qwen/Qwen2.5-VL-3B-Instruct",
		"custom_reward_function.path=/runs/x.engine/reward_adapters/verl_reward.py", "trainer.default_local_dir=/runs/x.engine", "reward_url=http://127.0.0.1:5000/get_reward"} {
		if !strings.Contains(line, want) {
			t.Errorf("command lacks %q:\n%s", want, line)
		}
	}
}
