package adapters

import (
	"embed"
	"fmt"
	"os"
	"path/filepath"
)

//go:embed harness_reward_client.py verl_reward.py easyr1_reward.py
var files embed.FS

// The adapter file of each engine.
const (
	Verl   = "verl_reward.py"
	EasyR1 = "easyr1_reward.py"
)

// Write copies the adapters (with the client they share) into dir, so a
// trainer can point an engine at them wherever the harness binary runs, and
// returns dir's absolute path.
func Write(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return "", fmt.Errorf("write reward adapters: %w", err)
	}
	entries, err := files.ReadDir(".")
	if err != nil {
		return "", err
	}
	for _, e := range entries {
		b, err := files.ReadFile(e.Name())
		if err != nil {
			return "", err
		}
		if err := os.WriteFile(filepath.Join(abs, e.Name()), b, 0o644); err != nil {
			return "", fmt.Errorf("write reward adapters: %w", err)
		}
	}
	return abs, nil
}
