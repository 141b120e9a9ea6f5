// Package sft is the `sft` trainer plugin: supervised fine-tuning of a
// tinyvlm checkpoint on records in the VLAA-Thinking layout (id, image,
// question, gt, answer), with the loss on response tokens only.
//
// With no base checkpoint it pre-trains: it builds the tokenizer and a fresh
// model, which is how the harness trains the `base` checkpoint from the toy
// world's answer-only pre-training split. Answer-only records (an answer
// with no <answer> tag) are taught in the format the system prompt asks for
// with probability tag_share ("<think></think><answer>3</answer>") and as the
// bare answer otherwise, so the base model follows the format only part of
// the time, as an instruct model does before RL.
package sft

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vlmlab/harness/plugins/sdk"
	"github.com/vlmlab/harness/trainers/tinyvlm"
)

// Params are a stage's hyper-parameters (params: in harness.yaml).
type Params struct {
	// LR is the peak learning rate; MinLR the end of the cosine.
	LR    float64 `json:"lr"`
	MinLR float64 `json:"min_lr"`
	// WarmupRatio is the share of steps of linear warmup.
	WarmupRatio float64 `json:"warmup_ratio"`
	WeightDecay float64 `json:"weight_decay"`
	// ClipNorm clips the global gradient norm (0: off).
	ClipNorm  float64 `json:"clip_norm"`
	BatchSize int     `json:"batch_size"`
	// Steps, when set, is the number of updates; otherwise Epochs passes.
	Steps  int `json:"steps"`
	Epochs int `json:"epochs"`
	// FreezeVision keeps the image encoder fixed (the paper froze it).
	FreezeVision bool `json:"freeze_vision"`
	// SystemPrompt prefixes every example; "" uses the tokenizer's first
	// registered system prompt. Set "none" for no system prompt.
	SystemPrompt string `json:"system_prompt"`
	// TagShare is the share of answer-only records taught in the tag format.
	TagShare *float64 `json:"tag_share"`
	// Model is the architecture when pre-training (no base checkpoint).
	Model *ModelParams `json:"model"`
	// SystemPrompts are registered in the new tokenizer when pre-training;
	// default: the paper's system prompt.
	SystemPrompts []string `json:"system_prompts"`
	// VocabItems is how many fresh toy-world items (with both trace styles
	// and lengths) the new tokenizer's vocabulary is built from, besides the
	// training records; default 3000.
	VocabItems int `json:"vocab_items"`
	// LogEvery emits a log line every so many steps (progress goes every step).
	LogEvery int `json:"log_every"`
	// Style keeps only records of this trace style ("direct" or "pseudo");
	// empty keeps all.
	Style string `json:"style"`
	// LossAgg is how token losses become the batch loss: "token_mean" (every
	// response token weighs the same) or "seq_mean" (every record weighs
	// the same; see tinyvlm.SequenceMeanLoss).
	LossAgg string `json:"loss_agg"`
}

// Loss aggregations (Params.LossAgg).
const (
	TokenMean = "token_mean"
	SeqMean   = "seq_mean"
)

// ModelParams override DefaultConfig when pre-training.
type ModelParams struct {
	DModel    int `json:"d_model"`
	Layers    int `json:"layers"`
	Heads     int `json:"heads"`
	FFN       int `json:"ffn"`
	ImageSize int `json:"image_size"`
	PatchSize int `json:"patch_size"`
	MaxText   int `json:"max_text"`
}

// Schema is the JSON Schema of Params, shown by `harness plugins`.
const Schema = `{
  "type": "object",
  "properties": {
    "lr": {"type": "number", "exclusiveMinimum": 0, "description": "peak learning rate (default 2e-3)"},
    "min_lr": {"type": "number", "minimum": 0, "description": "learning rate at the end of the cosine (default lr/10)"},
    "warmup_ratio": {"type": "number", "minimum": 0, "maximum": 1, "description": "share of steps of linear warmup (default 0.05)"},
    "weight_decay": {"type": "number", "minimum": 0, "description": "AdamW decoupled weight decay on matrices (default 0.01)"},
    "clip_norm": {"type": "number", "minimum": 0, "description": "global gradient-norm clip, 0 off (default 1)"},
    "batch_size": {"type": "integer", "minimum": 1, "maximum": 4096, "description": "sequences per step (default 32)"},
    "steps": {"type": "integer", "minimum": 1, "description": "updates; overrides epochs"},
    "epochs": {"type": "integer", "minimum": 1, "description": "passes over the data (default 1)"},
    "freeze_vision": {"type": "boolean", "description": "keep the image encoder fixed"},
    "system_prompt": {"type": "string", "description": "system prompt of every example; default the first registered; none for none"},
    "tag_share": {"type": "number", "minimum": 0, "maximum": 1, "description": "share of answer-only records taught as <think></think><answer>…</answer> (default 0.5)"},
    "model": {"type": "object", "description": "architecture when pre-training from scratch", "properties": {
      "d_model": {"type": "integer"}, "layers": {"type": "integer"}, "heads": {"type": "integer"}, "ffn": {"type": "integer"},
      "image_size": {"type": "integer"}, "patch_size": {"type": "integer"}, "max_text": {"type": "integer"}}, "additionalProperties": false},
    "system_prompts": {"type": "array", "items": {"type": "string"}, "maxItems": 8, "description": "system prompts mapped to reserved tokens when pre-training (default: the paper's)"},
    "log_every": {"type": "integer", "minimum": 1},
    "vocab_items": {"type": "integer", "minimum": 0, "description": "toy-world items the new vocabulary is built from when pre-training (default 3000)"},
    "style": {"type": "string", "enum": ["", "direct", "pseudo"], "description": "train only on records of this trace style (the toy world's sft.jsonl has both)"},
    "loss_agg": {"type": "string", "enum": ["token_mean", "seq_mean"], "description": "token_mean: every response token weighs the same; seq_mean: every record does (default token_mean)"}
  },
  "additionalProperties": false
}`

// PaperSystemPrompt is the VLAA-Thinker system prompt (paper Fig. 12).
const PaperSystemPrompt = "You are VL-Thinking🤔, a helpful assistant with excellent reasoning ability. A user asks you a question, and you should try to solve it. You should first think about the reasoning process in the mind and then provides the user with the answer. The reasoning process and answer are enclosed within <think> </think> and <answer> </answer> tags, respectively, i.e., <think> reasoning process here </think> <answer> answer here </answer>"

func defaults() Params {
	return Params{LR: 2e-3, WarmupRatio: 0.05, WeightDecay: 0.01, ClipNorm: 1, BatchSize: 32, LogEvery: 20, VocabItems: 3000, LossAgg: TokenMean}
}

// ParseParams reads and validates a stage's params JSON.
func ParseParams(raw []byte) (Params, error) {
	p := defaults()
	if len(bytes.TrimSpace(raw)) > 0 && string(bytes.TrimSpace(raw)) != "null" {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&p); err != nil {
			return p, fmt.Errorf("sft params: %v", err)
		}
	}
	if p.MinLR == 0 {
		p.MinLR = p.LR / 10
	}
	if p.TagShare == nil {
		half := 0.5
		p.TagShare = &half
	}
	switch {
	case !(p.LR > 0 && p.LR < 1):
		return p, fmt.Errorf("sft params: lr %g: want a positive number below 1", p.LR)
	case p.MinLR < 0 || p.MinLR > p.LR:
		return p, fmt.Errorf("sft params: min_lr %g: want 0 to lr (%g)", p.MinLR, p.LR)
	case p.WarmupRatio < 0 || p.WarmupRatio > 1:
		return p, fmt.Errorf("sft params: warmup_ratio %g: want 0 to 1", p.WarmupRatio)
	case p.WeightDecay < 0 || p.ClipNorm < 0:
		return p, fmt.Errorf("sft params: weight_decay and clip_norm must not be negative")
	case p.BatchSize < 1 || p.BatchSize > 4096:
		return p, fmt.Errorf("sft params: batch_size %d: want 1 to 4096", p.BatchSize)
	case p.Steps < 0 || p.Epochs < 0:
		return p, fmt.Errorf("sft params: steps and epochs must not be negative")
	case *p.TagShare < 0 || *p.TagShare > 1:
		return p, fmt.Errorf("sft params: tag_share %g: want 0 to 1", *p.TagShare)
	case len(p.SystemPrompts) > tinyvlm.NumSystemTokens:
		return p, fmt.Errorf("sft params: %d system_prompts, at most %d", len(p.SystemPrompts), tinyvlm.NumSystemTokens)
	case p.VocabItems < 0:
		return p, fmt.Errorf("sft params: vocab_items must not be negative")
	case p.LogEvery < 1:
		return p, fmt.Errorf("sft params: log_every must be at least 1")
	case p.Style != "" && p.Style != "direct" && p.Style != "pseudo":
		return p, fmt.Errorf("sft params: style %q: want direct, pseudo or empty", p.Style)
	case p.LossAgg != TokenMean && p.LossAgg != SeqMean:
		return p, fmt.Errorf("sft params: loss_agg %q: want %s or %s", p.LossAgg, TokenMean, SeqMean)
	}
	if p.Epochs == 0 {
		p.Epochs = 1
	}
	return p, nil
}

// Trainer is the `sft` trainer plugin.
type Trainer struct{}

// Record is a training line: the VLAA-Thinking SFT layout (answer with
// tags) or the toy world's answer-only pre-training layout.
type Record struct {
	ID       string          `json:"id"`
	Image    string          `json:"image"`
	Question string          `json:"question"`
	GT       json.RawMessage `json:"gt"`
	Answer   string          `json:"answer"`
	// Style is the toy world's trace style (direct or pseudo), if any.
	Style string `json:"style"`
}

// ReadRecords reads a JSONL file of records, naming the file and line of
// any bad record.
func ReadRecords(path string) ([]Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open training data: %w", err)
	}
	defer f.Close()
	var out []Record
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	for line := 1; sc.Scan(); line++ {
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var r Record
		if err := json.Unmarshal(b, &r); err != nil {
			return nil, fmt.Errorf("%s:%d: not a JSON record: %v", path, line, err)
		}
		switch {
		case r.Question == "":
			return nil, fmt.Errorf("%s:%d: field question: missing or empty", path, line)
		case r.Answer == "":
			return nil, fmt.Errorf("%s:%d: field answer: missing or empty (the sft trainer needs a target response)", path, line)
		}
		out = append(out, r)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no records", path)
	}
	return out, nil
}

// resolveImage finds a record's image under the data file's folder; a path
// that leaves the folder is refused.
func resolveImage(dataFile, image string) (string, error) {
	if image == "" {
		return "", nil
	}
	if filepath.IsAbs(image) || !filepath.IsLocal(filepath.FromSlash(image)) {
		return "", fmt.Errorf("image %q is not a relative path inside the data folder %s", image, filepath.Dir(dataFile))
	}
	return filepath.Join(filepath.Dir(dataFile), filepath.FromSlash(image)), nil
}

// Train runs one stage.
func (Trainer) Train(ctx context.Context, req sdk.TrainRequest, emit func(sdk.TrainEvent) error) (*sdk.Checkpoint, error) {
	p, err := ParseParams(req.Params)
	if err != nil {
		return nil, err
	}
	if len(req.Data) == 0 {
		return nil, errors.New("sft: no training data: give the stage a data: list (e.g. [sft] or [pretrain])")
	}
	if req.OutputDir == "" {
		return nil, errors.New("sft: no output folder")
	}
	type rec struct {
		Record
		file string
	}
	var recs []rec
	for _, path := range req.Data {
		rs, err := ReadRecords(path)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			if p.Style == "" || r.Style == p.Style {
				recs = append(recs, rec{r, path})
			}
		}
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("sft: no record of style %q in %s", p.Style, strings.Join(req.Data, ", "))
	}
	logf := func(level, format string, args ...any) error {
		return emit(sdk.TrainEvent{Log: &sdk.LogLine{Level: level, Message: fmt.Sprintf(format, args...)}})
	}
	var m *tinyvlm.Model
	if req.Base != nil && req.Base.Dir != "" {
		if req.Base.Format != tinyvlm.Format {
			return nil, fmt.Errorf("sft: base checkpoint %s has format %q; the sft trainer fine-tunes %q checkpoints", req.Base.Dir, req.Base.Format, tinyvlm.Format)
		}
		if p.Model != nil || len(p.SystemPrompts) > 0 || p.VocabItems != 3000 {
			return nil, errors.New("sft: model, system_prompts and vocab_items set the architecture and tokenizer of a new model; a stage with a base checkpoint keeps the base's")
		}
		if m, err = tinyvlm.Load(req.Base.Dir); err != nil {
			return nil, fmt.Errorf("sft: base: %w", err)
		}
	} else {
		texts := make([]string, 0, 2*len(recs))
		for _, r := range recs {
			texts = append(texts, r.Question, r.Answer)
		}
		if m, err = newModel(p, texts, req.Seed); err != nil {
			return nil, err
		}
		if err := logf("info", "pre-training a new tinyvlm: %d parameters, vocabulary %d", m.NumParams(), m.Tokenizer.VocabSize()); err != nil {
			return nil, err
		}
	}
	system := p.SystemPrompt
	switch system {
	case "":
		if sp := m.Tokenizer.SystemPrompts(); len(sp) > 0 {
			system = sp[0]
		}
	case "none":
		system = ""
	}
	rng := rand.New(rand.NewPCG(uint64(req.Seed), 0x736674))
	var exs []tinyvlm.Example
	skipped := 0
	for _, r := range recs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		img, err := resolveImage(r.file, r.Image)
		if err != nil {
			return nil, fmt.Errorf("%s: record %s: %w", r.file, r.ID, err)
		}
		var patches []float32
		if img == "" {
			patches, err = m.Config.ImagePatches(nil)
		} else {
			patches, err = m.Config.ReadImagePatches(img)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: record %s: %w", r.file, r.ID, err)
		}
		answer := r.Answer
		if !strings.Contains(answer, tinyvlm.AnswerOpen) && rng.Float64() < *p.TagShare {
			answer = inTags(answer)
		}
		prompt, err := m.EncodePrompt(system, r.Question)
		ex := tinyvlm.Example{Patches: patches, Prompt: prompt, Response: m.EncodeResponse(answer)}
		if err != nil || ex.Len() > m.Config.MaxText {
			skipped++
			continue
		}
		exs = append(exs, ex)
	}
	if len(exs) == 0 {
		return nil, fmt.Errorf("sft: none of the %d records fits the text context of %d tokens", len(recs), m.Config.MaxText)
	}
	if skipped > 0 {
		if err := logf("warn", "skipped %d of %d records longer than the text context of %d tokens", skipped, len(recs), m.Config.MaxText); err != nil {
			return nil, err
		}
	}
	bs := min(p.BatchSize, len(exs))
	perEpoch := (len(exs) + bs - 1) / bs
	total := p.Steps
	if total == 0 {
		total = p.Epochs * perEpoch
	}
	sched := tinyvlm.Schedule{Peak: p.LR, Min: p.MinLR, Warmup: int(math.Round(p.WarmupRatio * float64(total))), Total: total}
	backend, err := tinyvlm.NewBackend()
	if err != nil {
		return nil, err
	}
	opt := tinyvlm.DefaultOptimizer()
	opt.WeightDecay, opt.ClipNorm, opt.FreezeVision = p.WeightDecay, p.ClipNorm, p.FreezeVision
	loss := tinyvlm.ResponseLoss
	if p.LossAgg == SeqMean {
		loss = tinyvlm.SequenceMeanLoss
	}
	tr, err := tinyvlm.NewTrainer(backend, m, opt, loss)
	if err != nil {
		return nil, err
	}
	order := rng.Perm(len(exs))
	cursor := 0
	start := time.Now()
	tokensSeen := 0
	for step := 1; step <= total; step++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		batch := make([]tinyvlm.Example, 0, bs)
		for len(batch) < bs {
			if cursor == len(order) {
				order, cursor = rng.Perm(len(exs)), 0
			}
			batch = append(batch, exs[order[cursor]])
			cursor++
		}
		pt, tk, mk, err := m.SFTBatch(batch)
		if err != nil {
			return nil, err
		}
		t0 := time.Now()
		lr := sched.At(step)
		res, err := tr.Step(lr, pt, tk, mk)
		if err != nil {
			return nil, fmt.Errorf("sft: %w", err)
		}
		n := 0
		for _, e := range batch {
			n += e.Len()
		}
		tokensSeen += n
		dt := time.Since(t0).Seconds()
		metrics := map[string]float64{
			"loss": res.Loss, "lr": lr, "grad_norm": res.GradNorm,
			"tokens_per_s": float64(n) / dt, "response_tokens": res.Metrics[0], "epoch": float64(step-1) / float64(perEpoch),
		}
		if err := emit(sdk.TrainEvent{Progress: &sdk.Progress{Step: step, Total: total, Metrics: metrics}}); err != nil {
			return nil, err
		}
		if step%p.LogEvery == 0 || step == total {
			if err := logf("info", "step %d/%d loss %.4f lr %.2e grad_norm %.3f", step, total, res.Loss, lr, res.GradNorm); err != nil {
				return nil, err
			}
		}
	}
	if err := logf("info", "trained %d steps on %d examples in %.1fs (%.0f tokens/s)", total, len(exs), time.Since(start).Seconds(), float64(tokensSeen)/time.Since(start).Seconds()); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return m.Save(req.OutputDir, req.Base)
}

func newModel(p Params, texts []string, seed int64) (*tinyvlm.Model, error) {
	corpus, err := tinyvlm.ToyCorpus(p.VocabItems, 1)
	if err != nil {
		return nil, err
	}
	systems := p.SystemPrompts
	if len(systems) == 0 {
		systems = []string{PaperSystemPrompt}
	}
	tok, err := tinyvlm.BuildTokenizer(append(corpus, texts...), 2, systems)
	if err != nil {
		return nil, fmt.Errorf("sft: %w", err)
	}
	cfg := tinyvlm.DefaultConfig()
	if mp := p.Model; mp != nil {
		set := func(dst *int, v int) {
			if v != 0 {
				*dst = v
			}
		}
		set(&cfg.DModel, mp.DModel)
		set(&cfg.Layers, mp.Layers)
		set(&cfg.Heads, mp.Heads)
		set(&cfg.FFN, mp.FFN)
		set(&cfg.ImageSize, mp.ImageSize)
		set(&cfg.PatchSize, mp.PatchSize)
		set(&cfg.MaxText, mp.MaxText)
	}
	m, err := tinyvlm.New(cfg, tok, seed)
	if err != nil {
		return nil, fmt.Errorf("sft: model: %w", err)
	}
	return m, nil
}

// inTags is a bare answer in the reasoning format with an empty trace,
// "<think></think><answer>X</answer>": how tag_share teaches answer-only
// records, and how the learning check reads a bare answer format-blind.
func inTags(answer string) string {
	return tinyvlm.ThinkOpen + tinyvlm.ThinkClose + tinyvlm.AnswerOpen + answer + tinyvlm.AnswerClose
}
