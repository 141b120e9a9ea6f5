package sft

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vlmlab/harness/plugins/sdk"
	"github.com/vlmlab/harness/trainers/tinyvlm"
	"github.com/vlmlab/harness/trainers/toyworld"
)

func TestParseParams(t *testing.T) {
	p, err := ParseParams(nil)
	if err != nil || p.LR != 2e-3 || p.MinLR != 2e-4 || *p.TagShare != 0.5 || p.Epochs != 1 || p.BatchSize != 32 {
		t.Fatalf("defaults %+v, %v", p, err)
	}
	for raw, want := range map[string]string{
		`{"lr": 0}`:                 "lr 0",
		`{"lr": 1e-3, "min_lr": 1}`: "min_lr 1",
		`{"batch_size": 0}`:         "batch_size 0",
		`{"tag_share": 2}`:          "tag_share 2",
		`{"style": "verbose"}`:      `style "verbose"`,
		`{"loss_agg": "sum"}`:       `loss_agg "sum": want token_mean or seq_mean`,
		`{"learning_rate": 1}`:      `unknown field "learning_rate"`,
		`{"warmup_ratio": -0.1}`:    "warmup_ratio",
		`{"steps": -1}`:             "steps and epochs",
		`{"system_prompts": ["a","b","c","d","e","f","g","h","i"]}`: "at most 8",
	} {
		if _, err := ParseParams([]byte(raw)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want %q", raw, err, want)
		}
	}
}

func TestReadRecordsErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(body), 0o644)
		return p
	}
	cases := map[string]string{
		write("bad.jsonl", `{"id":"a","question":"q","answer":"x"}`+"\n{oops\n"): "bad.jsonl:2: not a JSON record",
		write("noq.jsonl", `{"id":"a","answer":"x"}`):                            "noq.jsonl:1: field question",
		write("noa.jsonl", `{"id":"a","question":"q"}`):                          "noa.jsonl:1: field answer",
		write("empty.jsonl", "\n\n"):                                             "no records",
		filepath.Join(dir, "missing.jsonl"):                                      "open training data",
	}
	for path, want := range cases {
		if _, err := ReadRecords(path); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want %q", filepath.Base(path), err, want)
		}
	}
	for _, img := range []string{"../secret.png", "/etc/passwd", "images/../../x.png"} {
		if _, err := resolveImage(filepath.Join(dir, "d.jsonl"), img); err == nil || !strings.Contains(err.Error(), "inside the data folder") {
			t.Errorf("image %q: err = %v", img, err)
		}
	}
}

// toyData writes a toy world and keeps, in each training split, the first
// keep[split] records in the toy world's own prompt layout: records posed
// like a benchmark (DynaMath's long instruction) would not fit this test
// model's context with its 20-item vocabulary and make sequences long
// enough for GoMLX's large matmul, which race builds cannot run (README).
func toyData(t *testing.T, size string, keep map[string]int) string {
	dir := t.TempDir()
	if _, err := toyworld.Generate(context.Background(), dir, toyworld.Options{Seed: 2, Size: size, Traces: toyworld.TracesShort}); err != nil {
		t.Fatal(err)
	}
	for split, n := range keep {
		path := filepath.Join(dir, split+".jsonl")
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
			var r struct {
				PosedAs string `json:"posed_as"`
			}
			if err := json.Unmarshal([]byte(line), &r); err != nil {
				t.Fatal(err)
			}
			if r.PosedAs == "" && len(out) < n {
				out = append(out, line)
			}
		}
		if len(out) < n {
			t.Fatalf("%s: %d plain records, want %d", split, len(out), n)
		}
		if err := os.WriteFile(path, []byte(strings.Join(out, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const tinyModelParams = `"model": {"d_model": 16, "layers": 1, "heads": 2, "ffn": 32, "image_size": 16, "patch_size": 8}, "vocab_items": 20`

// Pre-training then fine-tuning: both write loadable checkpoints, the SFT
// one names its parent, every step reports the promised metrics.
func TestPretrainThenSFT(t *testing.T) {
	data := toyData(t, "sft=16,rl=0,pretrain=40,eval=0", map[string]int{"sft": 8, "pretrain": 12})
	ctx := context.Background()
	var steps []sdk.Progress
	emit := func(ev sdk.TrainEvent) error {
		if ev.Progress != nil {
			steps = append(steps, *ev.Progress)
		}
		return nil
	}
	base, err := Trainer{}.Train(ctx, sdk.TrainRequest{Stage: "pretrain", OutputDir: filepath.Join(t.TempDir(), "base"),
		Data: []string{filepath.Join(data, "pretrain.jsonl")}, Params: []byte(`{"steps": 3, "batch_size": 4, ` + tinyModelParams + `}`), Seed: 1}, emit)
	if err != nil {
		t.Fatal(err)
	}
	if base.Format != tinyvlm.Format || base.Parent != "" || len(steps) != 3 {
		t.Fatalf("base %+v, %d steps", base, len(steps))
	}
	for _, k := range []string{"loss", "lr", "grad_norm", "tokens_per_s"} {
		if _, ok := steps[2].Metrics[k]; !ok {
			t.Errorf("metric %s missing from %v", k, steps[2].Metrics)
		}
	}
	if steps[2].Step != 3 || steps[2].Total != 3 {
		t.Errorf("last progress %d/%d", steps[2].Step, steps[2].Total)
	}
	steps = nil
	ck, err := Trainer{}.Train(ctx, sdk.TrainRequest{Stage: "sft", Base: base, OutputDir: filepath.Join(t.TempDir(), "sft"),
		Data: []string{filepath.Join(data, "sft.jsonl")}, Params: []byte(`{"epochs": 1, "batch_size": 2, "style": "direct", "freeze_vision": true, "loss_agg": "seq_mean"}`), Seed: 1}, emit)
	if err != nil {
		t.Fatal(err)
	}
	if ck.Parent != base.Hash || len(steps) != 2 { // 4 direct records, batch 2
		t.Errorf("sft parent %q (want %q), %d steps", ck.Parent, base.Hash, len(steps))
	}
	if _, err := tinyvlm.Load(ck.Dir); err != nil {
		t.Fatal(err)
	}
	// A base checkpoint refuses architecture params; a cancelled stage
	// writes nothing.
	_, err = Trainer{}.Train(ctx, sdk.TrainRequest{Stage: "sft", Base: base, OutputDir: t.TempDir(), Data: []string{filepath.Join(data, "sft.jsonl")},
		Params: []byte(`{` + tinyModelParams + `}`)}, emit)
	if err == nil || !strings.Contains(err.Error(), "keeps the base's") {
		t.Errorf("model params with a base: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	out := filepath.Join(t.TempDir(), "cancelled")
	if _, err := (Trainer{}).Train(cctx, sdk.TrainRequest{Stage: "sft", Base: base, OutputDir: out, Data: []string{filepath.Join(data, "sft.jsonl")}}, emit); err == nil {
		t.Error("cancelled stage succeeded")
	}
	if _, err := os.Stat(filepath.Join(out, sdk.ManifestFile)); err == nil {
		t.Error("cancelled stage wrote a manifest")
	}
	// Other bad requests.
	for _, c := range []struct {
		req  sdk.TrainRequest
		want string
	}{
		{sdk.TrainRequest{OutputDir: t.TempDir()}, "no training data"},
		{sdk.TrainRequest{OutputDir: t.TempDir(), Base: &sdk.Checkpoint{Dir: t.TempDir(), Format: "hf"}, Data: []string{filepath.Join(data, "sft.jsonl")}}, `format "hf"`},
		{sdk.TrainRequest{OutputDir: t.TempDir(), Data: []string{filepath.Join(data, "pretrain.jsonl")}, Params: []byte(`{"style": "pseudo"}`)}, `no record of style "pseudo"`},
	} {
		if _, err := (Trainer{}).Train(ctx, c.req, emit); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: err = %v, want %q", c.req, err, c.want)
		}
	}
}
