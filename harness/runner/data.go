package runner

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/vlmlab/harness/harness/config"
	"github.com/vlmlab/harness/harness/datafetch"
	"github.com/vlmlab/harness/trainers/toyworld"
)

// dataSet is where a run's benchmark and training data live.
type dataSet struct {
	synthDir string
	manifest *toyworld.Manifest
	realDir  string
}

// prepareData generates the synthetic toy world once per seed and size, and
// reuses it on later runs.
func (r *Runner) prepareData(ctx context.Context) (*dataSet, error) {
	cfg := r.Config
	d := &dataSet{realDir: cfg.Data.Dir}
	s := cfg.Data.Synthetic
	if s == nil {
		return d, nil
	}
	size := s.Size
	if size == "" {
		size = "tiny"
	}
	traces := s.Traces
	if traces == toyworld.TracesFull {
		traces = ""
	}
	name := fmt.Sprintf("synthetic-seed%d-%s", s.Seed, size)
	if traces != "" {
		name += "-" + traces
	}
	d.synthDir = filepath.Join(cfg.RunDir, "data", name)
	if m, err := readManifest(d.synthDir); err == nil && m.Generator == toyworld.GeneratorVersion && m.Seed == uint64(s.Seed) && m.Size == size && m.Traces == traces {
		d.manifest = m
		r.status("synthetic data: reusing %s", d.synthDir)
		return d, nil
	}
	r.status("synthetic data: generating seed %d, size %s into %s", s.Seed, size, d.synthDir)
	m, err := toyworld.Generate(ctx, d.synthDir, toyworld.Options{Seed: uint64(s.Seed), Size: size, Traces: traces})
	if err != nil {
		return nil, fmt.Errorf("synthetic data: %w", err)
	}
	d.manifest = m
	return d, nil
}

func readManifest(dir string) (*toyworld.Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return nil, err
	}
	var m toyworld.Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// path returns a benchmark's data and whether it is partial by nature
// (synthetic suites are).
func (d *dataSet) path(b config.Benchmark) (string, bool, error) {
	if b.Data != "" {
		return b.Data, false, nil
	}
	if d.manifest != nil {
		for _, s := range d.manifest.Suites {
			if s.Benchmark == b.Name {
				return filepath.Join(d.synthDir, s.Dir), true, nil
			}
		}
	}
	if d.realDir != "" {
		p, err := datafetch.Locate(d.realDir, b.Name)
		if err != nil {
			return "", false, fmt.Errorf("%w (data.dir)", err)
		}
		return p, false, nil
	}
	return "", false, fmt.Errorf("benchmark %s has no data: set its data:, data.dir, or data.synthetic", b.Name)
}

// trainingFile resolves a stage's data entry: sft, rl and pretrain name the
// synthetic splits; anything else is a path.
func (d *dataSet) trainingFile(name string) string {
	if d.synthDir != "" {
		switch name {
		case "sft", "rl", "pretrain":
			return filepath.Join(d.synthDir, name+".jsonl")
		}
	}
	return name
}
