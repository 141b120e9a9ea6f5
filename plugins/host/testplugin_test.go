package host

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"

	"github.com/vlmlab/harness/benchmarks/bench"
	"github.com/vlmlab/harness/plugins/sdk"
)

// The test binary doubles as every plugin (and as a host process) these tests
// need: TestMain switches on HARNESS_TEST_ROLE before running any test.
const roleEnv = "HARNESS_TEST_ROLE"

func runRole(role string) {
	switch role {
	case "trainer":
		// Like a real plugin, log through hclog on the process's stderr,
		// captured before Serve redirects os.Stderr.
		log := hclog.New(&hclog.LoggerOptions{Name: "test-trainer", JSONFormat: true, Output: os.Stderr})
		sdk.Serve(&sdk.ServeConfig{Info: sdk.Info{Name: "test-trainer", Version: "0.1.0"}, Trainer: testTrainer{log: log}, Logger: log})
	case "evaluator":
		sdk.Serve(&sdk.ServeConfig{Info: sdk.Info{Name: "test-evaluator", Version: "0.1.0"}, Benchmarks: []sdk.Benchmark{testBenchmark{}}})
	case "model":
		sdk.Serve(&sdk.ServeConfig{Info: sdk.Info{Name: "test-model", Version: "0.1.0"}, Model: echoModel{}})
	case "wrong-cookie":
		hs := sdk.Handshake
		hs.MagicCookieValue = "not-the-harness-cookie"
		plugin.Serve(&plugin.ServeConfig{HandshakeConfig: hs, GRPCServer: plugin.DefaultGRPCServer,
			VersionedPlugins: map[int]plugin.PluginSet{1: sdk.PluginSet(&sdk.ServeConfig{Info: sdk.Info{Name: "v1"}, Trainer: testTrainer{log: hclog.NewNullLogger()}})}})
	case "wrong-version":
		plugin.Serve(&plugin.ServeConfig{HandshakeConfig: sdk.Handshake, GRPCServer: plugin.DefaultGRPCServer,
			VersionedPlugins: map[int]plugin.PluginSet{2: sdk.PluginSet(&sdk.ServeConfig{Info: sdk.Info{Name: "v2"}, Trainer: testTrainer{log: hclog.NewNullLogger()}})}})
	case "declares-v7":
		sdk.Serve(&sdk.ServeConfig{Info: sdk.Info{Name: "v7", Version: "0.1.0", APIVersions: []int{7}}, Trainer: testTrainer{log: hclog.NewNullLogger()}})
	case "bad-schema":
		sdk.Serve(&sdk.ServeConfig{Info: sdk.Info{Name: "bad-schema", Version: "0.1.0", ConfigSchema: `{"type": "object",`}, Trainer: testTrainer{log: hclog.NewNullLogger()}})
	case "schema":
		sdk.Serve(&sdk.ServeConfig{Info: sdk.Info{Name: "schema", Version: "0.1.0", ConfigSchema: `{"type":"object","properties":{"lr":{"type":"number","exclusiveMinimum":0},"tags":{"type":"array","items":{"type":"string"}}},"required":["lr"],"additionalProperties":false}`},
			Trainer:   testTrainer{log: hclog.NewNullLogger()},
			Configure: func(context.Context, int, []byte) error { return nil }})
	case "host":
		runHost()
	default:
		fmt.Fprintf(os.Stderr, "unknown test role %q\n", role)
		os.Exit(1)
	}
	os.Exit(0)
}

// runHost starts a trainer plugin that blocks, prints its PID, and closes the
// host on SIGTERM, like the harness binary does.
func runHost() {
	h := New(Options{})
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	p, err := h.Launch(ctx, Spec{Name: "blocker", Kind: sdk.KindTrainer, Command: []string{os.Args[0]}, Env: []string{roleEnv + "=trainer"}})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	fmt.Println(p.PID())
	go func() {
		_, _ = p.Trainer().Train(ctx, sdk.TrainRequest{Stage: "block"}, func(sdk.TrainEvent) error { return nil })
	}()
	<-ctx.Done()
	h.Close()
	os.Exit(0)
}

// testTrainer streams Params.steps progress events. Stage "crash" exits with
// status 3 after Params.after events, stage "panic" panics, stage "block"
// waits for cancellation.
type testTrainer struct{ log hclog.Logger }

type trainParams struct {
	Steps int `json:"steps"`
	After int `json:"after"`
}

func (tt testTrainer) Train(ctx context.Context, req sdk.TrainRequest, emit func(sdk.TrainEvent) error) (*sdk.Checkpoint, error) {
	var p trainParams
	if len(req.Params) > 0 {
		if err := json.Unmarshal(req.Params, &p); err != nil {
			return nil, fmt.Errorf("params: %w", err)
		}
	}
	if req.Stage == "block" {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	for i := 1; i <= p.Steps; i++ {
		if i > p.After && p.After > 0 {
			switch req.Stage {
			case "crash":
				tt.log.Error("about to exit with status 3")
				os.Exit(3)
			case "panic":
				panic("simulated trainer crash")
			}
		}
		if err := emit(sdk.TrainEvent{Progress: &sdk.Progress{Step: i, Total: p.Steps, Metrics: map[string]float64{"loss": 1 / float64(i)}}}); err != nil {
			return nil, err
		}
	}
	if req.Stage == "fail" {
		return nil, fmt.Errorf("stage refused: learning rate must be positive")
	}
	if req.Stage == "forged" {
		return &sdk.Checkpoint{Dir: req.OutputDir, Format: "test", Files: map[string]string{"w": "sha256:00"}, Hash: "sha256:00"}, nil
	}
	if err := os.MkdirAll(req.OutputDir, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(req.OutputDir+"/weights", []byte(req.Stage), 0o644); err != nil {
		return nil, err
	}
	return sdk.WriteCheckpoint(req.OutputDir, "test", req.Base)
}

type echoModel struct{}

func (echoModel) Generate(ctx context.Context, _ *sdk.Checkpoint, prompts []sdk.Prompt, params sdk.GenerateParams, emit func(sdk.Generation) error) error {
	for _, p := range prompts {
		var b strings.Builder
		for _, part := range p.Parts {
			b.WriteString(part.Text)
		}
		if err := emit(sdk.Generation{PromptID: p.ID, Text: "echo: " + b.String(), Tokens: 2}); err != nil {
			return err
		}
	}
	return nil
}

// testBenchmark has Options["n"] items of Options["size"] bytes. A response
// "?" needs the judge, which must answer "yes" for a hit.
type testBenchmark struct{}

func (testBenchmark) Info() sdk.BenchmarkInfo {
	return sdk.BenchmarkInfo{Name: "echo", Title: "Echo test", Items: 3, Primary: "Overall acc"}
}

func (testBenchmark) Load(_ context.Context, req sdk.LoadRequest) (sdk.Dataset, error) {
	n, size := 3, 10
	if v := req.Options["n"]; v != "" {
		fmt.Sscan(v, &n)
	}
	if v := req.Options["size"]; v != "" {
		fmt.Sscan(v, &size)
	}
	if req.Path == "missing" {
		return nil, fmt.Errorf("open missing: no such file or directory")
	}
	if _, err := bench.CheckCount("echo", req.Path, n, 3, req.AllowPartial); err != nil {
		return nil, err
	}
	items := make([]sdk.Item, n)
	for i := range items {
		items[i] = sdk.Item{ID: fmt.Sprintf("q%d", i), Prompt: []sdk.Part{{Text: strings.Repeat("x", size)}}}
	}
	return &testDataset{req: req, items: items}, nil
}

type testDataset struct {
	req   sdk.LoadRequest
	items []sdk.Item
}

func (d *testDataset) Info() sdk.DatasetInfo {
	return sdk.DatasetInfo{Benchmark: "echo", Path: d.req.Path, Count: len(d.items), Expected: 3, Partial: len(d.items) != 3}
}

func (d *testDataset) Items() []sdk.Item { return d.items }

func (d *testDataset) Score(_ context.Context, responses []sdk.Response, answers []sdk.JudgeAnswer) (*sdk.ScoreResult, error) {
	byID, err := bench.IndexResponses(d.items, responses)
	if err != nil {
		return nil, err
	}
	rounds := bench.NewRounds(d.req.Judge, answers)
	rep := &sdk.Report{Benchmark: "echo", Profile: d.req.Profile, Judge: d.req.Judge, Dataset: d.Info(), Primary: "Overall acc"}
	hits := 0
	for _, it := range d.items {
		r := byID[it.ID]
		res := sdk.ItemResult{ID: it.ID, Response: r.Text, Extracted: r.Text, Path: sdk.PathRule}
		if r.Text == "?" {
			o := rounds.Ask(it.ID, "judge", bench.Schedule{Temperatures: []float64{0, 0.5}, MaxTokens: 8},
				func(int) (string, string) { return "", "is it right?" },
				func(s string) (string, bool) { return s, s == "yes" || s == "no" })
			switch {
			case o.OK:
				res.Path, res.Extracted, res.Hit = sdk.PathJudge, o.Value, o.Value == "yes"
			default:
				res.Path = sdk.PathUnresolved
			}
		} else {
			res.Hit = r.Text == "ok"
		}
		if res.Hit {
			hits++
		}
		rep.Items = append(rep.Items, res)
	}
	if p := rounds.Pending(); len(p) > 0 {
		return &sdk.ScoreResult{Pending: p}, nil
	}
	rep.Score = bench.Percent(float64(hits), len(d.items))
	rep.Metrics = []sdk.Metric{{Name: "Overall acc", Value: rep.Score}}
	return &sdk.ScoreResult{Report: rep}, nil
}
