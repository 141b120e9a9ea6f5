package toyworld

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	"github.com/vlmlab/harness/benchmarks/registry"
)

// GeneratorVersion is written into every manifest; bump it when the output
// for a seed changes.
const GeneratorVersion = "toyworld/1"

// Manifest describes a generated tree. It holds no time stamps, so the same
// seed and size give a byte-identical manifest.json.
type Manifest struct {
	Generator string `json:"generator"`
	Synthetic bool   `json:"synthetic"`
	Seed      uint64 `json:"seed"`
	Size      string `json:"size"`
	Traces    string `json:"traces,omitempty"`
	Counts    Counts `json:"counts"`
	// Suites lists the evaluation suites under eval/.
	Suites []SuiteManifest `json:"suites"`
	// Files are the data files (JSONL, JSON), with their sha256.
	Files []FileEntry `json:"files"`
	// ImageSets cover the images, one entry per folder.
	ImageSets []ImageSet `json:"image_sets"`
}

// SuiteManifest is written as synthetic.json in each suite folder: it says
// the suite is synthetic, hence partial (an evaluator refuses it unless
// allowed to score a partial file).
type SuiteManifest struct {
	Synthetic bool   `json:"synthetic"`
	Partial   bool   `json:"partial"`
	Generator string `json:"generator"`
	Seed      uint64 `json:"seed"`
	Benchmark string `json:"benchmark"`
	// Dir is the suite folder relative to the output folder.
	Dir string `json:"dir"`
	// Items is the number of scored items (for DynaMath, variants).
	Items int `json:"items"`
	// Layout names the official files the suite mirrors.
	Layout string `json:"layout"`
	// Files are the suite's data files, relative to Dir.
	Files []string `json:"files"`
	Note  string   `json:"note,omitempty"`
}

const manifestName = "manifest.json"

// generator carries one Generate call's settings.
type generator struct {
	seed    uint64
	traces  string
	workers int
	tree    *tree
}

// Generate writes the whole synthetic tree for opts into out:
//
//	out/sft.jsonl, out/rl.jsonl, out/pretrain.jsonl   training splits
//	out/images/{sft,rl,pretrain}/                     their images
//	out/eval/<benchmark>/                             one suite per benchmark, official layout
//	out/manifest.json                                 counts and hashes
//
// out must be missing, empty, or an earlier Generate output (which is
// replaced). It returns the manifest it wrote.
func Generate(ctx context.Context, out string, opts Options) (*Manifest, error) {
	counts, err := ParseSize(opts.Size)
	if err != nil {
		return nil, err
	}
	if out == "" {
		return nil, errors.New("generate: no output folder given")
	}
	if err := prepareOut(out); err != nil {
		return nil, err
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if opts.Traces != "" && opts.Traces != TracesFull && opts.Traces != TracesShort {
		return nil, fmt.Errorf("generate: unknown trace length %q: want one of %v", opts.Traces, TraceLengths())
	}
	if opts.Traces == TracesFull {
		opts.Traces = "" // one name for one output, in the manifest too
	}
	g := &generator{seed: opts.Seed, traces: opts.Traces, workers: workers, tree: newTree(out)}
	steps := []func(context.Context) error{
		func(ctx context.Context) error { return g.writeSFT(ctx, counts.SFT) },
		func(ctx context.Context) error { return g.writeRL(ctx, counts.RL) },
		func(ctx context.Context) error { return g.writePretrain(ctx, counts.Pretrain) },
	}
	var suites []SuiteManifest
	if counts.Eval > 0 {
		for _, name := range registry.Names() {
			write, ok := suiteWriters[name]
			if !ok {
				return nil, fmt.Errorf("generate: no synthetic suite writer for %s", name)
			}
			steps = append(steps, func(ctx context.Context) error {
				m, err := write(g, ctx, counts.Eval)
				if err != nil {
					return fmt.Errorf("%s suite: %w", name, err)
				}
				suites = append(suites, m)
				return nil
			})
		}
	}
	for _, step := range steps {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := step(ctx); err != nil {
			return nil, err
		}
	}
	files, sets := g.tree.listing()
	m := &Manifest{
		Generator: GeneratorVersion, Synthetic: true, Seed: opts.Seed, Size: opts.Size, Traces: opts.Traces, Counts: counts,
		Suites: suites, Files: files, ImageSets: sets,
	}
	data, err := indentJSON(m, "  ")
	if err != nil {
		return nil, fmt.Errorf("encode manifest: %w", err)
	}
	p := filepath.Join(out, manifestName)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		return nil, fmt.Errorf("write %s: %w", p, err)
	}
	return m, nil
}

// ourEntries are the top-level names Generate writes.
var ourEntries = []string{"sft.jsonl", "rl.jsonl", "pretrain.jsonl", "images", "eval", manifestName}

// prepareOut makes sure out can take a fresh tree: it creates it if
// missing, refuses a folder holding anything but an earlier toyworld tree,
// and clears an earlier tree so no stale file survives.
func prepareOut(out string) error {
	st, err := os.Stat(out)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(out, 0o755); err != nil {
			return fmt.Errorf("create output folder %s: %w", out, err)
		}
		return nil
	case err != nil:
		return fmt.Errorf("output folder %s cannot be used: %w", out, err)
	case !st.IsDir():
		return fmt.Errorf("output folder %s is a file; give a folder path", out)
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		return fmt.Errorf("read output folder %s: %w", out, err)
	}
	if len(entries) == 0 {
		return nil
	}
	var old Manifest
	data, err := os.ReadFile(filepath.Join(out, manifestName))
	if err != nil || json.Unmarshal(data, &old) != nil || old.Generator == "" || !old.Synthetic {
		return fmt.Errorf("output folder %s is not empty and holds no toyworld %s; choose an empty or new folder", out, manifestName)
	}
	for _, name := range ourEntries {
		if err := os.RemoveAll(filepath.Join(out, name)); err != nil {
			return fmt.Errorf("clear earlier output %s: %w", filepath.Join(out, name), err)
		}
	}
	return nil
}

// writeSuiteManifest writes <dir>/synthetic.json and returns it.
func (g *generator) writeSuiteManifest(m SuiteManifest) (SuiteManifest, error) {
	m.Synthetic, m.Partial, m.Generator, m.Seed = true, true, GeneratorVersion, g.seed
	if m.Note == "" {
		m.Note = "Synthetic toy-world items in the benchmark's official record layout; not the benchmark. Score with allow-partial."
	}
	return m, g.tree.json(m.Dir+"/synthetic.json", m, 0)
}

// suiteWriters write each declared benchmark's suite with about n items (a
// test holds the table to the declaration); they run in leaderboard order.
var suiteWriters = map[string]func(g *generator, ctx context.Context, n int) (SuiteManifest, error){
	registry.MathVista:  (*generator).writeMathVista,
	registry.MathVision: (*generator).writeMathVision,
	registry.MathVerse:  (*generator).writeMathVerse,
	registry.DynaMath:   (*generator).writeDynaMath,
	registry.WeMath:     (*generator).writeWeMath,
	registry.LogicVista: (*generator).writeLogicVista,
}
