package tinyvlm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/gomlx/compute"

	"github.com/vlmlab/harness/plugins/sdk"
)

// PluginSchema is the JSON Schema of the model plugin's config block.
const PluginSchema = `{
  "type": "object",
  "properties": {
    "batch_size": {"type": "integer", "minimum": 1, "maximum": 1024, "description": "sequences decoded together (prompts × samples); default 32"}
  },
  "additionalProperties": false
}`

// PluginConfig is the model plugin's config block.
type PluginConfig struct {
	BatchSize int `json:"batch_size"`
}

// Plugin is the Model service of the `tinyvlm` plugin: it loads a
// checkpoint (verified against the host's manifest), keeps it while calls
// name the same one, and generates with the KV cache in batches.
type Plugin struct {
	mu      sync.Mutex
	cfg     PluginConfig
	backend compute.Backend
	hash    string
	model   *Model
	gen     *Generator
}

// NewPlugin returns the model plugin with default settings.
func NewPlugin() *Plugin { return &Plugin{cfg: PluginConfig{BatchSize: 32}} }

// Configure reads the config block.
func (p *Plugin) Configure(_ context.Context, _ int, raw []byte) error {
	cfg := PluginConfig{BatchSize: 32}
	if len(bytes.TrimSpace(raw)) > 0 && string(bytes.TrimSpace(raw)) != "null" {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&cfg); err != nil {
			return fmt.Errorf("tinyvlm config: %v", err)
		}
	}
	if cfg.BatchSize < 1 || cfg.BatchSize > 1024 {
		return fmt.Errorf("tinyvlm config: batch_size %d: want 1 to 1024", cfg.BatchSize)
	}
	p.mu.Lock()
	p.cfg = cfg
	p.mu.Unlock()
	return nil
}

// load returns the model of ck, loading it when ck differs from the last.
func (p *Plugin) load(ck *sdk.Checkpoint) (*Model, *Generator, error) {
	if ck == nil || ck.Dir == "" {
		return nil, nil, errors.New("the tinyvlm model needs a checkpoint: train one (e.g. the pretrain stage) or give --checkpoint DIR")
	}
	if ck.Format != "" && ck.Format != Format {
		return nil, nil, fmt.Errorf("checkpoint %s has format %q; the tinyvlm model reads format %q", ck.Dir, ck.Format, Format)
	}
	key := ck.Hash + "\x00" + ck.Dir
	if p.model != nil && p.hash == key {
		return p.model, p.gen, nil
	}
	m, err := Load(ck.Dir)
	if err != nil {
		return nil, nil, err
	}
	if len(ck.Files) > 0 {
		// The host's copy of the manifest must agree with the files too.
		if err := VerifyFiles(ck.Dir, ck.Files); err != nil {
			return nil, nil, err
		}
	}
	if p.backend == nil {
		if p.backend, err = NewBackend(); err != nil {
			return nil, nil, err
		}
	}
	gen, err := NewGenerator(p.backend, m)
	if err != nil {
		return nil, nil, err
	}
	p.model, p.gen, p.hash = m, gen, key
	return m, gen, nil
}

// Generate answers every prompt with params.N samples, emitting each batch's
// generations as soon as the batch is decoded. A prompt that cannot be
// served (image that does not decode, prompt longer than the context) gets
// a Generation with Error set; the others are still answered.
func (p *Plugin) Generate(ctx context.Context, ck *sdk.Checkpoint, prompts []sdk.Prompt, params sdk.GenerateParams, emit func(sdk.Generation) error) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	m, gen, err := p.load(ck)
	if err != nil {
		return err
	}
	s := Sampling{MaxTokens: params.MaxTokens, Temperature: params.Temperature, TopP: params.TopP, TopK: params.TopK, Seed: params.Seed, Stop: params.Stop}
	if err := checkSampling(s); err != nil {
		return err
	}
	n := max(params.N, 1)
	type job struct {
		prompt string
		sample int
		req    Request
	}
	var jobs []job
	for _, pr := range prompts {
		patches, ids, err := m.EncodeSDKPrompt(pr)
		if err != nil {
			for k := range n {
				if err := emit(sdk.Generation{PromptID: pr.ID, Sample: k, Error: err.Error()}); err != nil {
					return err
				}
			}
			continue
		}
		for k := range n {
			jobs = append(jobs, job{pr.ID, k, Request{Patches: patches, Prompt: ids, Key: SampleKey(ids, patches, k)}})
		}
	}
	for start := 0; start < len(jobs); start += p.cfg.BatchSize {
		chunk := jobs[start:min(len(jobs), start+p.cfg.BatchSize)]
		reqs := make([]Request, len(chunk))
		for i, j := range chunk {
			reqs[i] = j.req
		}
		out, err := gen.Generate(ctx, reqs, s)
		if err != nil {
			return err
		}
		for i, j := range chunk {
			c := out[i]
			if err := emit(sdk.Generation{PromptID: j.prompt, Sample: j.sample, Text: c.Text, Tokens: len(c.Tokens), Truncated: c.Truncated,
				PromptTokens: m.Config.Patches() + len(j.req.Prompt)}); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkSampling(s Sampling) error {
	switch {
	case s.Temperature < 0:
		return fmt.Errorf("temperature %v: want 0 (greedy) or more", s.Temperature)
	case s.TopP < 0 || s.TopP > 1:
		return fmt.Errorf("top_p %v: want a number in [0, 1]", s.TopP)
	case s.TopK < 0:
		return fmt.Errorf("top_k %d must not be negative", s.TopK)
	case s.MaxTokens < 0:
		return fmt.Errorf("max_tokens %d must not be negative", s.MaxTokens)
	}
	return nil
}

// EncodeSDKPrompt turns a plugin prompt into patches and prompt tokens: the
// text parts joined by newlines, and its one image (none: a blank image).
func (m *Model) EncodeSDKPrompt(pr sdk.Prompt) ([]float32, []int, error) {
	var text []string
	var img *sdk.Image
	for _, part := range pr.Parts {
		switch {
		case part.Image != nil:
			if img != nil {
				return nil, nil, fmt.Errorf("prompt %s has more than one image; tinyvlm reads one image per prompt", pr.ID)
			}
			img = part.Image
		case part.Text != "":
			text = append(text, part.Text)
		}
	}
	var data []byte
	if img != nil {
		data = img.Data
		if data == nil && img.Path != "" {
			var err error
			if data, err = os.ReadFile(img.Path); err != nil {
				return nil, nil, fmt.Errorf("prompt %s: read image: %w", pr.ID, err)
			}
		}
		if data == nil {
			return nil, nil, fmt.Errorf("prompt %s: image part has neither data nor a path", pr.ID)
		}
	}
	patches, err := m.Config.ImagePatches(data)
	if err != nil {
		return nil, nil, fmt.Errorf("prompt %s: %w", pr.ID, err)
	}
	ids, err := m.EncodePrompt(pr.System, strings.Join(text, "\n"))
	if err != nil {
		return nil, nil, fmt.Errorf("prompt %s: %w", pr.ID, err)
	}
	return patches, ids, nil
}
