package tinyvlm

import (
	"github.com/vlmlab/harness/plugins/sdk"
)

// WriteTestCheckpoint saves a small untrained model (d_model 16, one layer,
// a vocabulary built from corpus) into dir: a real checkpoint for plugin and
// trainer tests that must not spend time training.
func WriteTestCheckpoint(dir string, corpus []string, seed int64) (*sdk.Checkpoint, error) {
	tok, err := BuildTokenizer(corpus, 1, nil)
	if err != nil {
		return nil, err
	}
	cfg := DefaultConfig()
	cfg.DModel, cfg.Layers, cfg.Heads, cfg.FFN = 16, 1, 2, 32
	cfg.ImageSize, cfg.PatchSize, cfg.MaxText = 16, 8, 96
	m, err := New(cfg, tok, seed)
	if err != nil {
		return nil, err
	}
	return m.Save(dir, nil)
}
