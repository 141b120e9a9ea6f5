package engine

// A stand-in for verl's and EasyR1's command lines: the test binary itself,
// started by the trainer with ENGINE_STANDIN set. It prints what the engines
// print (their console loggers' step lines, Ray's "(Worker pid=…)" prefixes),
// writes their checkpoint layout (global_step_N/actor/huggingface), calls the
// reward URL the way a reward adapter does, crashes, hangs, or ignores
// SIGTERM, as the test asks.

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	if mode := os.Getenv("ENGINE_STANDIN"); mode != "" {
		os.Exit(standin(mode, os.Args[1:]))
	}
	os.Exit(m.Run())
}

// standin args: OUTPUT REWARD_URL
func standin(mode string, args []string) int {
	out := ""
	if len(args) > 0 {
		out = args[0]
	}
	pid := os.Getpid()
	switch mode {
	case "sleep": // a worker the engine started
		time.Sleep(time.Hour)
		return 0
	case "verl":
		fmt.Printf("(TaskRunner pid=%d) Total training steps: 3\n", pid)
		if len(args) > 1 {
			if err := callReward(args[1]); err != nil {
				fmt.Fprintln(os.Stderr, "reward:", err)
				return 3
			}
			fmt.Println("reward server answered with floats")
		}
		for step := 1; step <= 3; step++ {
			fmt.Printf("(TaskRunner pid=%d) step:%d - actor/pg_loss:%g - actor/kl_loss:0.001 - critic/score/mean:np.float64(%g) - response_length/mean:%d - actor/lr:1e-06 - timing_s/gen:nan\n",
				pid, step, 0.5/float64(step), 0.25*float64(step), 200+step)
			fmt.Fprintf(os.Stderr, "(WorkerDict pid=%d) INFO some worker chatter\n", pid+1)
		}
		writeHF(out, 2, true)
		writeHF(out, 3, true)
		return 0
	case "easyr1":
		for step := 1; step <= 2; step++ {
			fmt.Printf("Step %d\nactor:\n  kl_loss: 0.002\n  pg_loss: %g\nresponse_length:\n  mean: 180.0\nreward:\n  accuracy: %g\n  overall: %g\n", step, 0.1*float64(step), 0.3*float64(step), 0.3*float64(step))
		}
		fmt.Println("Saving checkpoint...")
		writeHF(out, 2, true)
		return 0
	case "jsonl":
		f, _ := os.Create(filepath.Join(out, "metrics.jsonl"))
		for step := 1; step <= 3; step++ {
			fmt.Fprintf(f, `{"step": %d, "data": {"critic/score/mean": %g, "actor/pg_loss": 0.1}}`+"\n", step, 0.1*float64(step))
			f.Sync()
			time.Sleep(50 * time.Millisecond)
		}
		f.Close()
		time.Sleep(300 * time.Millisecond) // the file logger's last line is read before exit
		writeHF(out, 3, true)
		return 0
	case "noweights":
		writeHF(out, 4, false)
		return 0
	case "merge": // a model merger: args OUTPUT STEPDIR
		if err := os.WriteFile(filepath.Join(args[1], "actor", "huggingface", "model.safetensors"), []byte("merged"), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		return 0
	case "crash":
		fmt.Println("step:1 - actor/pg_loss:0.3")
		fmt.Fprintln(os.Stderr, "Traceback (most recent call last):")
		fmt.Fprintln(os.Stderr, "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB")
		return 1
	case "hang", "slow", "trapterm":
		if mode == "trapterm" {
			signal.Ignore(syscall.SIGTERM)
		}
		child := exec.Command(os.Args[0])
		child.Env = append(os.Environ(), "ENGINE_STANDIN=sleep")
		if err := child.Start(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		os.WriteFile(filepath.Join(out, "pids"), []byte(fmt.Sprintf("%d %d", pid, child.Process.Pid)), 0o644)
		fmt.Println("starting workers")
		for step := 1; ; step++ {
			if mode != "hang" {
				fmt.Printf("step:%d - actor/pg_loss:0.1\n", step)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	fmt.Fprintln(os.Stderr, "unknown stand-in mode", mode)
	return 2
}

func writeHF(out string, step int, weights bool) {
	dir := filepath.Join(out, "global_step_"+strconv.Itoa(step), "actor", "huggingface")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{"architectures": ["Qwen2_5_VLForConditionalGeneration"], "step": `+strconv.Itoa(step)+`}`), 0o644)
	os.WriteFile(filepath.Join(dir, "tokenizer.json"), []byte(`{}`), 0o644)
	if weights {
		os.WriteFile(filepath.Join(dir, "model.safetensors"), []byte("weights of step "+strconv.Itoa(step)), 0o644)
	}
	// The sharded weights beside it, as verl saves them.
	os.WriteFile(filepath.Join(out, "global_step_"+strconv.Itoa(step), "actor", "model_world_size_1_rank_0.pt"), []byte("shard"), 0o644)
}

func callReward(url string) error {
	body := []byte(`{"responses": ["<think>x</think><answer>3</answer>"], "labels": ["{\"answer\": \"3\", \"verifier_type\": \"digit\"}"]}`)
	resp, err := http.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !bytes.Contains(b, []byte(`"rewards":[1.0]`)) {
		return fmt.Errorf("%d %s", resp.StatusCode, b)
	}
	return nil
}
