package adapters

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vlmlab/harness/internal/testenv"
	"github.com/vlmlab/harness/trainers/reward/remote"
)

// serve starts the reward server on a loopback port until the test ends.
func serve(t *testing.T, opts remote.Options) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- remote.ServeListener(ctx, ln, opts) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("reward server: %v", err)
		}
	})
	return "http://" + ln.Addr().String() + "/get_reward"
}

// runPython runs script with the adapters' folder and the server's URL in
// its environment and returns what it printed as one JSON value.
func runPython(t *testing.T, script, url string, extraEnv ...string) map[string]any {
	t.Helper()
	py := testenv.Python(t)
	here, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "driver.py")
	if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, path)
	cmd.Env = append(os.Environ(), "ADAPTERS="+here, "HARNESS_REWARD_URL="+url)
	cmd.Env = append(cmd.Env, extraEnv...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", py, err, stderr.String())
	}
	var out map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("driver output: %v\n%s\n%s", err, stdout.String(), stderr.String())
	}
	return out
}

// loader loads a reward file by path the way the engines do
// (importlib.util.spec_from_file_location), under the module name each uses.
const loader = `
import importlib.util, json, os, sys
def load(name, module):
    path = os.path.join(os.environ["ADAPTERS"], name)
    spec = importlib.util.spec_from_file_location(module, path)
    m = importlib.util.module_from_spec(spec)
    sys.modules[module] = m
    spec.loader.exec_module(m)
    return m
def types(d):
    return {k: type(v).__name__ for k, v in d.items()}
`

const verlScript = loader + `
verl = load("verl_reward.py", "custom_module")
out = {}
# verl's naive reward manager: keyword arguments, the response decoded alone.
out["mcq"] = verl.compute_score(data_source="geoqa", solution_str="<think>angles</think> <answer>(B)</answer>",
                                ground_truth='{"answer": "B", "verifier_type": "mcq"}', extra_info={"split": "train", "index": 3})
out["digit_plain_extra"] = verl.compute_score(data_source="clevr_math", solution_str="<think>count</think><answer>3</answer>",
                                              ground_truth="3", extra_info={"verifier_type": "digit"})
out["wrong"] = verl.compute_score("clevr_math", "<think>count</think><answer>4</answer>", "3", None, verifier_type="digit")
out["no_format"] = verl.compute_score("clevr_math", "The answer is 3.", "3", verifier_type="digit")
out["iou_dict"] = verl.compute_score("coco", "<think>box</think><answer>[0, 0, 0.5, 1]</answer>",
                                     {"answer": [0, 0, 1, 1], "verifier_type": "iou", "gt": None})
out["types"] = types(out["mcq"])
# verl's batch reward manager.
out["batch"] = verl.compute_score_batch(data_sources=["a", "b"], solution_strs=["<think>x</think><answer>C</answer>", "<think>x</think><answer>2</answer>"],
                                        ground_truths=['{"answer": "C", "verifier_type": "mcq"}', "2"],
                                        extra_infos=[{}, {"verifier_type": "digit"}])
try:
    verl.compute_score("x", "<think>x</think><answer>B</answer>", '{"answer": "B", "verfier_type": "mcq"}')
    out["typo"] = "no error"
except Exception as e:
    out["typo"] = type(e).__name__ + ": " + str(e)
try:
    verl.compute_score("x", "<think>x</think><answer>B</answer>", "B")
    out["plain_no_verifier"] = "no error"
except Exception as e:
    out["plain_no_verifier"] = str(e)
print(json.dumps(out))
`

func TestVerlAdapter(t *testing.T) {
	url := serve(t, remote.Options{})
	out := runPython(t, verlScript, url)
	check := func(name string, score, format float64, pred, vt string) {
		t.Helper()
		d, _ := out[name].(map[string]any)
		if d["score"] != score || d["acc"] != score || d["format_ok"] != format || d["pred"] != pred || d["verifier_type"] != vt {
			t.Errorf("%s = %v; want score %v format_ok %v pred %q verifier %s", name, d, score, format, pred, vt)
		}
	}
	check("mcq", 1, 1, "(B)", "mcq")
	check("digit_plain_extra", 1, 1, "3", "digit")
	check("wrong", 0, 1, "4", "digit")
	check("no_format", 0, 0, "", "digit")
	check("iou_dict", 0.5, 1, "[0, 0, 0.5, 1]", "iou")
	wantTypes := map[string]any{"score": "float", "acc": "float", "format_ok": "float", "pred": "str", "verifier_type": "str", "reason": "str"}
	if got := out["types"].(map[string]any); len(got) != len(wantTypes) {
		t.Errorf("result keys %v, want %v", got, wantTypes)
	} else {
		for k, v := range wantTypes {
			if got[k] != v {
				t.Errorf("result[%q] is %v, want %v", k, got[k], v)
			}
		}
	}
	batch, _ := out["batch"].([]any)
	if len(batch) != 2 || batch[0].(map[string]any)["score"] != 1.0 || batch[1].(map[string]any)["score"] != 1.0 {
		t.Errorf("batch = %v", out["batch"])
	}
	if s, _ := out["typo"].(string); !strings.Contains(s, "RewardServerError") || !strings.Contains(s, `did you mean \"verifier_type\"`) && !strings.Contains(s, `did you mean "verifier_type"`) {
		t.Errorf("a misspelt label key: %v", out["typo"])
	}
	if s, _ := out["plain_no_verifier"].(string); !strings.Contains(s, "400") || !strings.Contains(s, "labels[0]") {
		t.Errorf("a plain answer with no verifier type anywhere: %v", out["plain_no_verifier"])
	}
}

const easyr1Script = loader + `
easy = load("easyr1_reward.py", "custom_reward_fn")
inputs = [
    {"response": "<think>a</think><answer>B</answer>", "response_length": 9, "ground_truth": '{"answer": "B", "verifier_type": "mcq"}'},
    {"response": "<think>a</think><answer>\\frac{1}{2}</answer>", "response_length": 12, "ground_truth": '{"answer": "0.5", "verifier_type": "math"}'},
    {"response": "no tags at all: B", "response_length": 6, "ground_truth": '{"answer": "B", "verifier_type": "mcq"}'},
    {"response": "<think>a</think><answer>7</answer>", "response_length": 9, "ground_truth": '{"gt": 7, "answer": null, "verifier_type": "digit", "data_source": "clevr"}'},
]
out = {}
out["batch"] = easy.compute_score(inputs)
out["types"] = [type(v).__name__ for s in out["batch"] for v in s.values()]
out["sequential"] = easy.compute_score(inputs[0])
out["weighted"] = easy.compute_score(inputs[2:3] + inputs[0:1], format_weight=0.1)
out["plain_with_kwarg"] = easy.compute_score([{"response": "<think>a</think><answer>4</answer>", "response_length": 9, "ground_truth": "4"}], verifier_type="digit")
print(json.dumps(out))
`

func TestEasyR1Adapter(t *testing.T) {
	url := serve(t, remote.Options{})
	out := runPython(t, easyr1Script, url)
	want := []map[string]float64{
		{"overall": 1, "format": 1, "accuracy": 1},
		{"overall": 1, "format": 1, "accuracy": 1},
		{"overall": 0, "format": 0, "accuracy": 0},
		{"overall": 1, "format": 1, "accuracy": 1},
	}
	batch, _ := out["batch"].([]any)
	if len(batch) != len(want) {
		t.Fatalf("batch = %v", out["batch"])
	}
	for i, w := range want {
		got := batch[i].(map[string]any)
		if len(got) != 3 || got["overall"] != w["overall"] || got["format"] != w["format"] || got["accuracy"] != w["accuracy"] {
			t.Errorf("input %d: %v, want %v", i, got, w)
		}
	}
	for _, ty := range out["types"].([]any) {
		if ty != "float" {
			t.Errorf("a score value is %v, want float (EasyR1 averages every key)", ty)
		}
	}
	if s := out["sequential"].(map[string]any); s["overall"] != 1.0 {
		t.Errorf("sequential form: %v", s)
	}
	weighted := out["weighted"].([]any)
	if w0, w1 := weighted[0].(map[string]any)["overall"], weighted[1].(map[string]any)["overall"]; w0 != 0.0 || w1 != 1.0 {
		t.Errorf("format_weight 0.1: overall %v and %v, want 0 (no format) and 1", w0, w1)
	}
	if p := out["plain_with_kwarg"].([]any)[0].(map[string]any); p["overall"] != 1.0 {
		t.Errorf("plain answer with verifier_type keyword: %v", p)
	}
}

const downScript = loader + `
import time
verl = load("verl_reward.py", "custom_module")
start = time.time()
try:
    verl.compute_score("x", "<think>x</think><answer>B</answer>", '{"answer": "B", "verifier_type": "mcq"}', retries=1)
    out = {"error": "no error"}
except Exception as e:
    out = {"error": type(e).__name__ + ": " + str(e)}
out["seconds"] = time.time() - start
print(json.dumps(out))
`

func TestAdapterServerDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String() + "/get_reward"
	ln.Close() // nothing listens there now
	out := runPython(t, downScript, url)
	if s, _ := out["error"].(string); !strings.Contains(s, "RewardServerError") || !strings.Contains(s, "cannot reach the reward server at "+url) || !strings.Contains(s, "after 2 attempts") {
		t.Errorf("server down: %v", out["error"])
	}
	if sec, _ := out["seconds"].(float64); sec > 10 {
		t.Errorf("gave up after %.1fs", sec)
	}
}
