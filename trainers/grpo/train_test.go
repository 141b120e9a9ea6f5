package grpo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gomlx/gomlx/core/tensors"

	"github.com/vlmlab/harness/plugins/sdk"
	"github.com/vlmlab/harness/trainers/reward/remote"
	"github.com/vlmlab/harness/trainers/tinyvlm"
)

const testQuestion = "Pick a digit."

var (
	baseOnce sync.Once
	baseCk   *sdk.Checkpoint
	baseErr  error
)

// testBase is a tiny model taught, by a few SFT steps, to answer
// "<think></think><answer>D</answer>" with D one of 2, 5, 7, 9 at random: it
// follows the format, and a group's samples disagree, so GRPO has signal.
func testBase(t *testing.T) *sdk.Checkpoint {
	t.Helper()
	baseOnce.Do(func() {
		dir, err := os.MkdirTemp("", "grpo-base-")
		if err != nil {
			baseErr = err
			return
		}
		baseCk, baseErr = trainTestBase(filepath.Join(dir, "base"))
	})
	if baseErr != nil {
		t.Fatal(baseErr)
	}
	return baseCk
}

func trainTestBase(dir string) (*sdk.Checkpoint, error) {
	corpus := []string{testQuestion, "<think></think><answer>0123456789</answer>"}
	tok, err := tinyvlm.BuildTokenizer(corpus, 1, nil)
	if err != nil {
		return nil, err
	}
	cfg := tinyvlm.DefaultConfig()
	cfg.DModel, cfg.Layers, cfg.Heads, cfg.FFN = 16, 1, 2, 32
	cfg.ImageSize, cfg.PatchSize, cfg.MaxText = 16, 8, 32
	m, err := tinyvlm.New(cfg, tok, 1)
	if err != nil {
		return nil, err
	}
	backend, err := tinyvlm.NewBackend()
	if err != nil {
		return nil, err
	}
	tr, err := tinyvlm.NewTrainer(backend, m, tinyvlm.DefaultOptimizer(), tinyvlm.ResponseLoss)
	if err != nil {
		return nil, err
	}
	patches, _ := cfg.ImagePatches(nil)
	prompt, err := m.EncodePrompt("", testQuestion)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	digits := []int{2, 5, 7, 9}
	for range 60 {
		var exs []tinyvlm.Example
		for range 32 {
			resp := fmt.Sprintf("<think></think><answer>%d</answer>", digits[rng.IntN(len(digits))])
			exs = append(exs, tinyvlm.Example{Patches: patches, Prompt: prompt, Response: m.EncodeResponse(resp)})
		}
		pt, tk, mk, err := m.SFTBatch(exs)
		if err != nil {
			return nil, err
		}
		if _, err := tr.Step(1e-2, pt, tk, mk); err != nil {
			return nil, err
		}
	}
	return m.Save(dir, nil)
}

// rlFile writes n RL prompts whose ground truth is always 7.
func rlFile(t testing.TB, n int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "rl.jsonl")
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `{"id":"p%d","question":%q,"gt":7,"verifier_type":"digit"}`+"\n", i, testQuestion)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func train(t *testing.T, ctx context.Context, params string, data string) ([]map[string]float64, *sdk.Checkpoint, string, error) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "out")
	var steps []map[string]float64
	ck, err := Trainer{}.Train(ctx, sdk.TrainRequest{Stage: "grpo", Base: testBase(t), OutputDir: out, Data: []string{data}, Params: []byte(params), Seed: 3},
		func(ev sdk.TrainEvent) error {
			if ev.Progress != nil {
				steps = append(steps, ev.Progress.Metrics)
			}
			return nil
		})
	return steps, ck, out, err
}

// A short run raises the mean reward: the base answers 7 about one time in
// four, and the policy gradient moves it towards 7.
func TestShortRunRaisesReward(t *testing.T) {
	skipUnderRace(t)
	steps, ck, _, err := train(t, context.Background(),
		`{"steps": 12, "rollout_batch": 8, "group_size": 4, "train_batch": 16, "lr": 0.002, "max_tokens": 12, "kl": {"mode": "fixed", "init": 0.001}}`, rlFile(t, 8))
	if err != nil {
		t.Fatal(err)
	}
	first := (steps[0]["reward"] + steps[1]["reward"] + steps[2]["reward"]) / 3
	last := (steps[9]["reward"] + steps[10]["reward"] + steps[11]["reward"]) / 3
	t.Logf("mean reward: first three steps %.3f, last three %.3f", first, last)
	for i, s := range steps {
		t.Logf("step %d: reward %.3f format %.2f kl %.2e clip %.2f entropy %.2f len %.1f zero-adv %.2f", i+1, s["reward"], s["format_ok"], s["kl"], s["clip_frac"], s["entropy"], s["response_length"], s["zero_adv_groups"])
	}
	if last < first+0.2 {
		t.Errorf("mean reward went from %.3f to %.3f: want a rise of at least 0.2", first, last)
	}
	if ck == nil || ck.Parent != testBase(t).Hash {
		t.Errorf("checkpoint %+v does not name its parent", ck)
	}
	for _, k := range []string{"reward", "reward_std", "reward/digit", "zero_adv_groups", "format_ok", "kl", "kl_coef", "clip_frac", "entropy", "response_length", "aha_rate", "learning_rate", "rollout_s", "reward_s", "update_s", "rollout_tokens_per_s", "truncated", "loss"} {
		if _, ok := steps[0][k]; !ok {
			t.Errorf("metric %s is not reported", k)
		}
	}
}

// With the learning rate at 0 the policy's weights do not move.
func TestZeroLearningRateKeepsPolicy(t *testing.T) {
	skipUnderRace(t)
	_, ck, _, err := train(t, context.Background(), `{"steps": 2, "rollout_batch": 4, "group_size": 2, "train_batch": 4, "lr": 0, "max_tokens": 8}`, rlFile(t, 4))
	if err != nil {
		t.Fatal(err)
	}
	before, err := tinyvlm.Load(testBase(t).Dir)
	if err != nil {
		t.Fatal(err)
	}
	after, err := tinyvlm.Load(ck.Dir)
	if err != nil {
		t.Fatal(err)
	}
	for i := range before.Params {
		a, _ := tensors.CopyFlatData[float32](before.Params[i])
		b, _ := tensors.CopyFlatData[float32](after.Params[i])
		for j := range a {
			if a[j] != b[j] {
				t.Fatalf("weight %s[%d] moved from %v to %v at lr 0", before.Config.ParamSpecs()[i].Name, j, a[j], b[j])
			}
		}
	}
}

func TestRewardServerFailures(t *testing.T) {
	skipUnderRace(t)
	fail := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "reward model crashed", http.StatusInternalServerError)
	}))
	defer fail.Close()
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	defer close(release)
	for _, c := range []struct {
		name, url, extra string
	}{
		{"500", fail.URL, ""},
		{"slower than its timeout", slow.URL, `, "reward_timeout": "200ms"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, out, err := train(t, context.Background(), `{"steps": 2, "rollout_batch": 2, "group_size": 2, "train_batch": 4, "max_tokens": 4, "reward_url": "`+c.url+`"`+c.extra+`}`, rlFile(t, 2))
			if err == nil || !strings.Contains(err.Error(), c.url) {
				t.Fatalf("err = %v, want an error naming %s", err, c.url)
			}
			if !errors.Is(err, sdk.ErrUnavailable) {
				t.Errorf("err %v is not classed unavailable", err)
			}
			if _, err := os.Stat(filepath.Join(out, "checkpoint.json")); !os.IsNotExist(err) {
				t.Errorf("a failed stage left a checkpoint: %v", err)
			}
		})
	}
}

// A cancelled stage returns the context's error and writes no checkpoint.
func TestCancelledStageWritesNothing(t *testing.T) {
	skipUnderRace(t)
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	out := filepath.Join(t.TempDir(), "out")
	_, err := Trainer{}.Train(ctx, sdk.TrainRequest{Stage: "grpo", Base: testBase(t), OutputDir: out, Data: []string{rlFile(t, 4)},
		Params: []byte(`{"steps": 50, "rollout_batch": 2, "group_size": 2, "train_batch": 4, "max_tokens": 4}`), Seed: 1},
		func(ev sdk.TrainEvent) error {
			if ev.Progress != nil {
				if n++; n == 2 {
					cancel()
				}
			}
			return nil
		})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		entries, _ := os.ReadDir(out)
		t.Errorf("cancelled stage left %d files in %s", len(entries), out)
	}
}

// The reward the trainer sees equals what `harness reward serve` returns
// for the same responses: one implementation behind both.
func TestLocalRewardEqualsServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- remote.ServeListener(ctx, ln, remote.Options{}) }()
	defer func() {
		cancel()
		<-done
	}()
	responses := []string{
		"<think>count</think><answer>7</answer>",
		"<think></think><answer>seven</answer>",
		"<answer>7</answer>",
		"7",
		"<think>a</think><answer>B</answer>",
		"<think>x</think><answer>\\frac{1}{2}</answer>",
		"<think>x</think><answer>[0.1, 0.1, 0.5, 0.5]</answer>",
		"<think>cut off",
	}
	labels := []string{
		`{"answer": 7, "verifier_type": "digit"}`,
		`{"answer": 7, "verifier_type": "digit"}`,
		`{"answer": 7, "verifier_type": "digit"}`,
		`{"answer": 7, "verifier_type": "digit"}`,
		`{"answer": "B", "verifier_type": "mcq"}`,
		`{"answer": "0.5", "verifier_type": "math"}`,
		`{"answer": [0.1, 0.1, 0.4, 0.5], "verifier_type": "iou"}`,
		`{"answer": 7, "verifier_type": "digit"}`,
	}
	raw := make([]json.RawMessage, len(labels))
	prompts := make([]string, len(labels))
	for i, l := range labels {
		raw[i] = json.RawMessage(l)
		prompts[i] = "q"
	}
	local, err := LocalReward{}.Score(ctx, responses, prompts, raw)
	if err != nil {
		t.Fatal(err)
	}
	served, err := NewRemoteReward("http://"+ln.Addr().String()+"/get_reward", 10*time.Second).Score(ctx, responses, prompts, raw)
	if err != nil {
		t.Fatal(err)
	}
	for i := range local {
		if local[i] != served[i] {
			t.Errorf("response %d (%q): in process %+v, server %+v", i, responses[i], local[i], served[i])
		}
	}
}

func TestParamsErrors(t *testing.T) {
	for _, c := range []struct{ params, want string }{
		{`{"group_size": 1}`, "group_size"},
		{`{"rollout_batch": 3, "group_size": 4, "train_batch": 5}`, "train_batch 5 must divide"},
		{`{"temperature": 0}`, "temperature"},
		{`{"kl": {"mode": "sometimes"}}`, "kl.mode"},
		{`{"kl": {"estimator": "k9"}}`, "k9"},
		{`{"eps_clip": 1.5}`, "eps_clip"},
		{`{"lr": -1}`, "lr"},
		{`{"stepz": 3}`, "stepz"},
		{`{"reward_timeout": 5}`, "duration"},
	} {
		_, err := ParseParams([]byte(c.params))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseParams(%s) = %v, want an error mentioning %q", c.params, err, c.want)
		}
	}
	if _, err := ParseParams(nil); err != nil {
		t.Errorf("defaults: %v", err)
	}
}
