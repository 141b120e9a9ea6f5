package tinyvlm

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/gomlx/gomlx/core/tensors"

	"github.com/vlmlab/harness/plugins/sdk"
)

// Checkpoint folder layout.
const (
	// Format is the checkpoint format name in the manifest.
	Format = "tinyvlm"
	// ConfigFile holds Config as JSON.
	ConfigFile = "config.json"
	// TokenizerFile holds the vocabulary and registered system prompts.
	TokenizerFile = "tokenizer.json"
	// WeightsFile holds every ParamSpec as an F32 tensor of that name.
	WeightsFile = "model.safetensors"
	// ManifestFile lists the files with their sha256 (sdk.WriteCheckpoint).
	ManifestFile = sdk.ManifestFile
)

// manifest is the part of sdk.ManifestFile Load reads before verifying it.
type manifest struct {
	Format string            `json:"format"`
	Files  map[string]string `json:"files"`
}

// Save writes m as a checkpoint folder: config.json, tokenizer.json,
// model.safetensors, then checkpoint.json (sdk.WriteCheckpoint) with the
// sha256 of each and the parent's hash (nil parent: trained from scratch).
// It returns the manifest as the SDK's Checkpoint, ready to send back from a
// trainer.
func (m *Model) Save(dir string, parent *sdk.Checkpoint) (*sdk.Checkpoint, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("create checkpoint folder: %w", err)
	}
	cfg, err := json.MarshalIndent(m.Config, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := writeFileAtomic(filepath.Join(abs, ConfigFile), append(cfg, '\n')); err != nil {
		return nil, fmt.Errorf("write %s: %w", ConfigFile, err)
	}
	if err := m.Tokenizer.Save(filepath.Join(abs, TokenizerFile)); err != nil {
		return nil, fmt.Errorf("write %s: %w", TokenizerFile, err)
	}
	specs := m.Config.ParamSpecs()
	ts := make([]Tensor, len(specs))
	for i, s := range specs {
		data, err := tensors.CopyFlatData[float32](m.Params[i])
		if err != nil {
			return nil, fmt.Errorf("weight %s: %w", s.Name, err)
		}
		ts[i] = Tensor{Name: s.Name, Shape: s.Shape, Data: data}
	}
	if err := WriteSafetensors(filepath.Join(abs, WeightsFile), ts, map[string]string{"format": ConfigFormat}); err != nil {
		return nil, err
	}
	ck, err := sdk.WriteCheckpoint(abs, Format, parent)
	if err != nil {
		return nil, err
	}
	return ck, nil
}

// Load reads a checkpoint folder written by Save. It refuses, naming the
// file: a folder with no manifest or of another format, a file that is
// missing or whose sha256 differs from the manifest, a config or tokenizer
// that does not parse, and weights whose names or shapes do not match the
// architecture.
func Load(dir string) (*Model, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	st, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("load checkpoint: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("load checkpoint %s: not a folder (a tinyvlm checkpoint is a folder holding %s, %s, %s)", abs, ConfigFile, TokenizerFile, WeightsFile)
	}
	blob, err := os.ReadFile(filepath.Join(abs, ManifestFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("load checkpoint %s: no %s; this is not a checkpoint a harness trainer wrote", abs, ManifestFile)
	}
	if err != nil {
		return nil, fmt.Errorf("load checkpoint %s: %w", abs, err)
	}
	var man manifest
	if err := json.Unmarshal(blob, &man); err != nil {
		return nil, fmt.Errorf("load checkpoint %s: %s does not parse: %v", abs, ManifestFile, err)
	}
	if man.Format != Format {
		return nil, fmt.Errorf("load checkpoint %s: format %q, the tinyvlm model reads format %q checkpoints", abs, man.Format, Format)
	}
	if err := VerifyFiles(abs, man.Files); err != nil {
		return nil, err
	}
	// The manifest's own hash and every other file it lists.
	if _, err := sdk.ReadCheckpoint(abs); err != nil {
		return nil, fmt.Errorf("load checkpoint: %w", err)
	}
	return loadFiles(abs)
}

// VerifyFiles checks that the three model files exist in dir and have the
// digests files gives (the manifest's, or the host's copy of it).
func VerifyFiles(dir string, files map[string]string) error {
	for _, f := range []string{ConfigFile, TokenizerFile, WeightsFile} {
		want, ok := files[f]
		if !ok {
			return fmt.Errorf("checkpoint %s: the manifest does not list %s", dir, f)
		}
		got, err := sdk.FileDigest(filepath.Join(dir, f))
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("checkpoint %s: %s is missing", dir, f)
		}
		if err != nil {
			return fmt.Errorf("checkpoint %s: %w", dir, err)
		}
		if got != want {
			return fmt.Errorf("checkpoint %s: %s has %s but the manifest says %s (truncated or changed after it was written)", dir, f, got, want)
		}
	}
	return nil
}

func loadFiles(dir string) (*Model, error) {
	cfg, err := readConfig(filepath.Join(dir, ConfigFile))
	if err != nil {
		return nil, fmt.Errorf("load checkpoint: %w", err)
	}
	tok, err := LoadTokenizer(filepath.Join(dir, TokenizerFile))
	if err != nil {
		return nil, fmt.Errorf("load checkpoint: %w", err)
	}
	if tok.VocabSize() != cfg.Vocab {
		return nil, fmt.Errorf("load checkpoint %s: %s has %d tokens but %s says vocab %d", dir, TokenizerFile, tok.VocabSize(), ConfigFile, cfg.Vocab)
	}
	wpath := filepath.Join(dir, WeightsFile)
	ts, _, err := ReadSafetensors(wpath)
	if err != nil {
		return nil, fmt.Errorf("load checkpoint: %w", err)
	}
	byName := map[string]Tensor{}
	for _, t := range ts {
		byName[t.Name] = t
	}
	m := &Model{Config: cfg, Tokenizer: tok}
	specs := cfg.ParamSpecs()
	for _, s := range specs {
		t, ok := byName[s.Name]
		if !ok {
			return nil, fmt.Errorf("load checkpoint: %s has no tensor %s", wpath, s.Name)
		}
		if !equalInts(t.Shape, s.Shape) {
			return nil, fmt.Errorf("load checkpoint: %s: tensor %s has shape %v, %s needs %v", wpath, s.Name, t.Shape, ConfigFile, s.Shape)
		}
		m.Params = append(m.Params, tensors.FromFlatDataAndDimensions(t.Data, s.Shape...))
	}
	if len(ts) != len(specs) {
		return nil, fmt.Errorf("load checkpoint: %s has %d tensors, the architecture has %d", wpath, len(ts), len(specs))
	}
	return m, nil
}

func equalInts(a, b []int) bool {
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
