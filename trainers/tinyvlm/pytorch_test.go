package tinyvlm_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"github.com/vlmlab/harness/plugins/host"
	"github.com/vlmlab/harness/plugins/python/pythontest"
	"github.com/vlmlab/harness/plugins/sdk"
	"github.com/vlmlab/harness/trainers/sft"
	"github.com/vlmlab/harness/trainers/tinyvlm"
	"github.com/vlmlab/harness/trainers/toyworld"
)

// The PyTorch twin of this package: plugins/python/examples/tinyvlm_sft.
const (
	torchPlugin     = "examples/tinyvlm_sft/plugin.py"
	torchCrosscheck = "examples/tinyvlm_sft/crosscheck.py"
	// logitTolerance bounds |GoMLX − PyTorch| per logit on the same batch:
	// both compute in float32 with different summation orders (measured:
	// about 1.5e-6 on logits of magnitude ~4).
	logitTolerance = 1e-4
)

// toyData writes a small toy world (short traces, so records fit a small
// model's context) and returns its sft.jsonl.
func toyData(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	if _, err := toyworld.Generate(context.Background(), dir, toyworld.Options{Seed: 3, Size: "sft=24,rl=2,pretrain=2,eval=1", Traces: "short"}); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "sft.jsonl")
}

// torchSFT runs the PyTorch trainer as a child process of the host on a
// base checkpoint and returns its checkpoint and per-step losses.
func torchSFT(t *testing.T, base *sdk.Checkpoint, data, params string) (*sdk.Checkpoint, []float64) {
	t.Helper()
	h := host.New(host.Options{})
	t.Cleanup(h.Close)
	p, err := h.Launch(context.Background(), host.Spec{Name: "torch-sft", Kind: sdk.KindTrainer,
		Command: pythontest.Command(t, torchPlugin), Env: pythontest.Env()})
	if err != nil {
		t.Fatal(err)
	}
	var losses []float64
	out := filepath.Join(t.TempDir(), "torch-sft")
	ck, err := p.Trainer().Train(context.Background(), sdk.TrainRequest{Stage: "sft", Base: base, OutputDir: out, Data: []string{data}, Params: []byte(params), Seed: 1},
		func(ev sdk.TrainEvent) error {
			if ev.Progress != nil {
				losses = append(losses, ev.Progress.Metrics["loss"])
			}
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	return ck, losses
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// TestPyTorchSFT: the PyTorch trainer fine-tunes a Go checkpoint, its loss
// goes down, its checkpoint loads in Go with the same logits as PyTorch on
// the same batch (encoded identically by both), and a Go stage continues
// from it.
func TestPyTorchSFT(t *testing.T) {
	pythontest.Interpreter(t)
	data := toyData(t)
	corpus, err := tinyvlm.ToyCorpus(200, 1)
	if err != nil {
		t.Fatal(err)
	}
	base, err := tinyvlm.WriteTestCheckpoint(filepath.Join(t.TempDir(), "base"), corpus, 1)
	if err != nil {
		t.Fatal(err)
	}

	ck, losses := torchSFT(t, base, data, `{"steps":16,"batch_size":8,"lr":0.01,"warmup_ratio":0,"tag_share":0}`)
	if len(losses) != 16 {
		t.Fatalf("%d progress events, want 16", len(losses))
	}
	first, last := mean(losses[:4]), mean(losses[12:])
	t.Logf("PyTorch SFT loss: first 4 steps %.3f, last 4 %.3f (%v)", first, last, losses)
	if !(last < first-0.2) {
		t.Errorf("loss did not go down: first 4 steps %.3f, last 4 %.3f", first, last)
	}
	if ck.Format != tinyvlm.Format || ck.Parent != base.Hash {
		t.Errorf("checkpoint %+v: want format %s and parent %s", ck, tinyvlm.Format, base.Hash)
	}

	// Go loads the PyTorch checkpoint (manifest, digests, names and shapes).
	m, err := tinyvlm.Load(ck.Dir)
	if err != nil {
		t.Fatalf("Go cannot load the PyTorch checkpoint: %v", err)
	}

	// The same batch through both: PyTorch writes its batch and logits. (A
	// small batch keeps every product below the Go backend's large matmul
	// kernel, which aborts under the race detector: see einsum.go.)
	const n = 3
	cross := filepath.Join(t.TempDir(), "cross.safetensors")
	cmd := exec.Command(pythontest.Interpreter(t), filepath.Join(pythontest.Dir(), torchCrosscheck), "logits", ck.Dir, data, strconv.Itoa(n), cross)
	cmd.Env = append(os.Environ(), pythontest.Env()...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("crosscheck.py: %v\n%s", err, out)
	}
	ts, meta, err := tinyvlm.ReadSafetensors(cross)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]tinyvlm.Tensor{}
	for _, x := range ts {
		byName[x.Name] = x
	}

	// Go encodes the same records (tokenizer and image pipeline) to the
	// same tokens and patches, bit for bit.
	exs := goExamples(t, m, data, n)
	patches, tokens, mask, err := m.SFTBatch(exs)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		go_  *tensors.Tensor
	}{{"patches", patches}, {"tokens", tokens}, {"mask", mask}} {
		py := byName[c.name]
		if got := c.go_.Shape().Dimensions; !slicesEqual(got, py.Shape) {
			t.Fatalf("%s: Go shape %v, PyTorch %v", c.name, got, py.Shape)
		}
		var flat []float32
		if c.name == "tokens" {
			ids, _ := tensors.CopyFlatData[int32](c.go_)
			for _, id := range ids {
				flat = append(flat, float32(id))
			}
		} else {
			flat, _ = tensors.CopyFlatData[float32](c.go_)
		}
		for i := range flat {
			if flat[i] != py.Data[i] {
				t.Fatalf("%s differs at %d: Go %v, PyTorch %v", c.name, i, flat[i], py.Data[i])
			}
		}
	}

	goLogits := logits(t, m, patches, tokens)
	pyLogits := byName["logits"].Data
	if len(goLogits) != len(pyLogits) {
		t.Fatalf("%d logits from Go, %d from PyTorch", len(goLogits), len(pyLogits))
	}
	maxDiff, maxAbs := 0.0, 0.0
	for i := range goLogits {
		maxDiff = math.Max(maxDiff, math.Abs(float64(goLogits[i]-pyLogits[i])))
		maxAbs = math.Max(maxAbs, math.Abs(float64(pyLogits[i])))
	}
	t.Logf("logits of %d values: max |GoMLX − PyTorch| = %.3g (max |logit| %.3g); PyTorch loss %s", len(goLogits), maxDiff, maxAbs, meta["loss"])
	if maxDiff > logitTolerance {
		t.Errorf("max |GoMLX − PyTorch| logit difference %.3g exceeds %g", maxDiff, logitTolerance)
	}

	// The next stage of a recipe (the Go sft trainer) starts from it.
	next := filepath.Join(t.TempDir(), "go-sft")
	ck2, err := sft.Trainer{}.Train(context.Background(), sdk.TrainRequest{Stage: "sft", Base: ck, OutputDir: next, Data: []string{data},
		Params: []byte(`{"steps":2,"batch_size":2,"tag_share":0}`), Seed: 2}, func(sdk.TrainEvent) error { return nil })
	if err != nil {
		t.Fatalf("Go stage after the PyTorch one: %v", err)
	}
	if ck2.Parent != ck.Hash {
		t.Errorf("Go stage parent %s, want the PyTorch checkpoint %s", ck2.Parent, ck.Hash)
	}
}

// goExamples encodes the first n records that fit the context as the sft
// trainers do with tag_share 0 (answers as written).
func goExamples(t testing.TB, m *tinyvlm.Model, data string, n int) []tinyvlm.Example {
	t.Helper()
	f, err := os.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	system := ""
	if sp := m.Tokenizer.SystemPrompts(); len(sp) > 0 {
		system = sp[0]
	}
	var exs []tinyvlm.Example
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() && len(exs) < n {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var r struct{ Image, Question, Answer string }
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		patches := []float32(nil)
		if r.Image != "" {
			if patches, err = m.Config.ReadImagePatches(filepath.Join(filepath.Dir(data), r.Image)); err != nil {
				t.Fatal(err)
			}
		} else if patches, err = m.Config.ImagePatches(nil); err != nil {
			t.Fatal(err)
		}
		prompt, err := m.EncodePrompt(system, r.Question)
		if err != nil {
			continue
		}
		ex := tinyvlm.Example{Patches: patches, Prompt: prompt, Response: m.EncodeResponse(r.Answer)}
		if ex.Len() > m.Config.MaxText {
			continue
		}
		exs = append(exs, ex)
	}
	if len(exs) < n {
		t.Fatalf("%s: %d records fit, want %d", data, len(exs), n)
	}
	return exs
}

// logits runs the GoMLX forward pass.
func logits(t testing.TB, m *tinyvlm.Model, patches, tokens *tensors.Tensor) []float32 {
	t.Helper()
	backend, err := tinyvlm.NewBackend()
	if err != nil {
		t.Fatal(err)
	}
	np := len(m.Params)
	exec, err := graph.NewExec(backend, func(in []*graph.Node) []*graph.Node {
		return []*graph.Node{tinyvlm.NewWeights(m.Config, in[:np]).Logits(in[np], in[np+1])}
	})
	if err != nil {
		t.Fatal(err)
	}
	args := make([]any, 0, np+2)
	for _, p := range m.Params {
		args = append(args, p)
	}
	out, err := exec.Call(append(args, patches, tokens)...)
	if err != nil {
		t.Fatal(err)
	}
	got, err := tensors.CopyFlatData[float32](out[0])
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func slicesEqual(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// BenchmarkSFTStep times one SFT step (forward, backward, gradient clip,
// AdamW) of the default tinyvlm configuration on the same batch of 32 toy
// records, in GoMLX (the Go backend) and in PyTorch on CPU; the ratio is in
// README's performance section.
func BenchmarkSFTStep(b *testing.B) {
	data := toyData(b)
	corpus, err := tinyvlm.ToyCorpus(200, 1)
	if err != nil {
		b.Fatal(err)
	}
	tok, err := tinyvlm.BuildTokenizer(corpus, 2, []string{sft.PaperSystemPrompt})
	if err != nil {
		b.Fatal(err)
	}
	m, err := tinyvlm.New(tinyvlm.DefaultConfig(), tok, 1)
	if err != nil {
		b.Fatal(err)
	}
	dir := filepath.Join(b.TempDir(), "ck")
	if _, err := m.Save(dir, nil); err != nil {
		b.Fatal(err)
	}
	const batch = 32
	b.Run("gomlx", func(b *testing.B) {
		exs := goExamples(b, m, data, batch)
		pt, tk, mk, err := m.SFTBatch(exs)
		if err != nil {
			b.Fatal(err)
		}
		backend, err := tinyvlm.NewBackend()
		if err != nil {
			b.Fatal(err)
		}
		tr, err := tinyvlm.NewTrainer(backend, m, tinyvlm.DefaultOptimizer(), tinyvlm.ResponseLoss)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := tr.Step(1e-3, pt, tk, mk); err != nil { // compiles the graph
			b.Fatal(err)
		}
		steps := 0
		for b.Loop() {
			if _, err := tr.Step(1e-3, pt, tk, mk); err != nil {
				b.Fatal(err)
			}
			steps++
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(steps), "ms/step")
	})
	b.Run("pytorch", func(b *testing.B) {
		for b.Loop() {
			cmd := exec.Command(pythontest.Interpreter(b), filepath.Join(pythontest.Dir(), torchCrosscheck), "step", dir, data, strconv.Itoa(batch), "5")
			cmd.Env = append(os.Environ(), pythontest.Env()...)
			out, err := cmd.CombinedOutput()
			if err != nil {
				b.Fatalf("crosscheck.py step: %v\n%s", err, out)
			}
			f := strings.Fields(string(out))
			if len(f) < 2 || f[0] != "ms_per_step" {
				b.Fatalf("crosscheck.py said %q", out)
			}
			ms, _ := strconv.ParseFloat(f[1], 64)
			b.ReportMetric(ms, "ms/step")
		}
	})
}

// crosscheck runs crosscheck.py with args and returns its stdout.
func crosscheck(t testing.TB, stdin string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(pythontest.Interpreter(t), append([]string{filepath.Join(pythontest.Dir(), torchCrosscheck)}, args...)...)
	cmd.Env = append(os.Environ(), pythontest.Env()...)
	cmd.Stdin = strings.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("crosscheck.py %v: %v\n%s", args, err, stderr.String())
	}
	return out
}

// TestPyTorchImagesAndTokens: the PyTorch side turns PNGs of every kind Go's
// encoder writes (RGB, RGBA with transparency, grey, 16-bit grey, paletted
// at 1, 2, 4 and 8 bits with transparent entries, with every row filter)
// into the same encoder input as Go, and text into the same tokens.
func TestPyTorchImagesAndTokens(t *testing.T) {
	pythontest.Interpreter(t)
	dir := t.TempDir()
	corpus, err := tinyvlm.ToyCorpus(50, 1)
	if err != nil {
		t.Fatal(err)
	}
	ckDir := filepath.Join(dir, "ck")
	if _, err := tinyvlm.WriteTestCheckpoint(ckDir, corpus, 1); err != nil {
		t.Fatal(err)
	}
	m, err := tinyvlm.Load(ckDir)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for i, img := range testImages() {
		p := filepath.Join(dir, fmt.Sprintf("img%d.png", i))
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	out := filepath.Join(dir, "patches.safetensors")
	crosscheck(t, "", append([]string{"patches", ckDir, out}, paths...)...)
	ts, _, err := tinyvlm.ReadSafetensors(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != len(paths) {
		t.Fatalf("%d images from PyTorch, want %d", len(ts), len(paths))
	}
	for _, x := range ts {
		i, _ := strconv.Atoi(x.Name)
		want, err := m.Config.ReadImagePatches(paths[i])
		if err != nil {
			t.Fatal(err)
		}
		for k := range want {
			if want[k] != x.Data[k] {
				t.Errorf("image %d (%T): patch value %d is %v in PyTorch, %v in Go", i, testImages()[i], k, x.Data[k], want[k])
				break
			}
		}
	}

	texts := []string{
		"How many objects are there in the image? Answer with a single digit.",
		"<think>12 + 30 = 42</think><answer>42</answer>",
		"<eos><assistant> forged specials stay text", "naïve café 😀 ∑ unknown ☃ runes", "", "  \ttabs\nand lines ",
	}
	blob, _ := json.Marshal(texts)
	var got [][]int
	if err := json.Unmarshal(crosscheck(t, string(blob), "encode", ckDir), &got); err != nil {
		t.Fatal(err)
	}
	for i, s := range texts {
		want := m.Tokenizer.Encode(s)
		if fmt.Sprint(want) != fmt.Sprint(got[i]) && !(len(want) == 0 && len(got[i]) == 0) {
			t.Errorf("encode %q: PyTorch %v, Go %v", s, got[i], want)
		}
	}
}

// testImages are small pictures in each layout Go's PNG encoder writes.
func testImages() []image.Image {
	const w, h = 37, 23 // not multiples of the model's image size: area averaging both ways
	rgba := image.NewRGBA(image.Rect(0, 0, w, h))
	nrgba := image.NewNRGBA(image.Rect(0, 0, w, h))
	gray := image.NewGray(image.Rect(0, 0, w, h))
	gray16 := image.NewGray16(image.Rect(0, 0, w, h))
	var pals []*image.Paletted
	for _, n := range []int{2, 4, 16, 200} {
		pal := color.Palette{}
		for i := range n {
			pal = append(pal, color.NRGBA{uint8(i * 37), uint8(255 - i*11), uint8(i * 101), uint8(255 - (i%3)*100)})
		}
		pals = append(pals, image.NewPaletted(image.Rect(0, 0, w, h), pal))
	}
	for y := range h {
		for x := range w {
			v := uint8((x*7 + y*13) % 256)
			rgba.Set(x, y, color.RGBA{v, uint8(x * 6), uint8(y * 11), 255})
			nrgba.Set(x, y, color.NRGBA{v, uint8(x * 6), uint8(y * 11), uint8(40 + (x+y)%200)})
			gray.SetGray(x, y, color.Gray{v})
			gray16.SetGray16(x, y, color.Gray16{uint16(x*1777 + y*313)})
			for _, p := range pals {
				p.SetColorIndex(x, y, uint8((x+y*3)%len(p.Palette)))
			}
		}
	}
	out := []image.Image{rgba, nrgba, gray, gray16}
	for _, p := range pals {
		out = append(out, p)
	}
	return out
}

// TestPyTorchSFTRefuses: what the PyTorch trainer refuses, each an
// invalid-parameters error naming the problem, the plugin still serving.
func TestPyTorchSFTRefuses(t *testing.T) {
	pythontest.Interpreter(t)
	dir := t.TempDir()
	corpus, err := tinyvlm.ToyCorpus(50, 1)
	if err != nil {
		t.Fatal(err)
	}
	base, err := tinyvlm.WriteTestCheckpoint(filepath.Join(dir, "base"), corpus, 1)
	if err != nil {
		t.Fatal(err)
	}
	escape := filepath.Join(dir, "escape.jsonl")
	os.WriteFile(escape, []byte(`{"id":"a","image":"../../etc/passwd","question":"q","answer":"1"}`+"\n"), 0o644)
	noAnswer := filepath.Join(dir, "noanswer.jsonl")
	os.WriteFile(noAnswer, []byte(`{"id":"a","question":"q"}`+"\n"), 0o644)
	hf := *base
	hf.Format = "hf"
	h := host.New(host.Options{})
	t.Cleanup(h.Close)
	p, err := h.Launch(context.Background(), host.Spec{Name: "torch-sft", Kind: sdk.KindTrainer, Command: pythontest.Command(t, torchPlugin), Env: pythontest.Env()})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		base   *sdk.Checkpoint
		data   string
		params string
		want   string
	}{
		{"no base", nil, escape, `{}`, "torch-sft fine-tunes a tinyvlm checkpoint"},
		{"other format", &hf, escape, `{}`, `has format 'hf'`},
		{"unknown param", base, escape, `{"stepz": 3}`, "unknown key 'stepz'"},
		{"bad lr", base, escape, `{"lr": 2}`, "lr 2.0: want a positive number below 1"},
		{"image outside the data folder", base, escape, `{"steps": 1}`, "image '../../etc/passwd' is not a relative path inside the data folder"},
		{"record without answer", base, noAnswer, `{"steps": 1}`, "noanswer.jsonl:1: field answer: missing or empty"},
		{"missing data", base, filepath.Join(dir, "nope.jsonl"), `{"steps": 1}`, "open training data"},
	} {
		_, err := p.Trainer().Train(context.Background(), sdk.TrainRequest{Stage: "sft", Base: tc.base, OutputDir: filepath.Join(dir, "out"), Data: []string{tc.data}, Params: []byte(tc.params)},
			func(sdk.TrainEvent) error { return nil })
		if !errors.Is(err, sdk.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an invalid-parameters error with %q", tc.name, err, tc.want)
		}
	}
}
