package toyworld_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/vlmlab/harness/trainers/toyworld"
)

// A small size that still writes every file, to keep repeated runs cheap.
const smallest = "sft=5,rl=5,pretrain=5,eval=3"

func TestGenerateIsDeterministic(t *testing.T) {
	gen := func(seed uint64, workers int) []byte {
		out := t.TempDir()
		if _, err := toyworld.Generate(context.Background(), out, toyworld.Options{Seed: seed, Size: smallest, Workers: workers}); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(filepath.Join(out, "manifest.json"))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	a, b := gen(42, 1), gen(42, 4)
	if !bytes.Equal(a, b) {
		t.Errorf("same seed, different worker counts: manifests differ")
	}
	c := gen(43, 2)
	if bytes.Equal(a, c) {
		t.Fatalf("seeds 42 and 43 gave the same manifest")
	}
	// A different seed changes every data file, not just some.
	var ma, mc toyworld.Manifest
	if err := json.Unmarshal(a, &ma); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(c, &mc); err != nil {
		t.Fatal(err)
	}
	hashes := map[string]string{}
	for _, f := range ma.Files {
		hashes[f.Path] = f.SHA256
	}
	for _, f := range mc.Files {
		if strings.HasSuffix(f.Path, "synthetic.json") {
			continue // differs only by the seed number it records
		}
		if hashes[f.Path] == f.SHA256 {
			t.Errorf("%s is identical for seeds 42 and 43", f.Path)
		}
	}
}

// The manifest's hashes and counts must match what is on disk.
func TestManifestMatchesFiles(t *testing.T) {
	m := tinyManifest
	if !m.Synthetic || m.Generator != toyworld.GeneratorVersion || m.Seed != tinySeed {
		t.Errorf("manifest header = %+v", m)
	}
	listed := map[string]bool{"manifest.json": true}
	for _, f := range m.Files {
		data, err := os.ReadFile(filepath.Join(tinyDir, f.Path))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		if hex.EncodeToString(sum[:]) != f.SHA256 || int64(len(data)) != f.Bytes {
			t.Errorf("%s: manifest sha256/bytes do not match the file", f.Path)
		}
		if strings.HasSuffix(f.Path, ".jsonl") && bytes.Count(data, []byte("\n")) != f.Records {
			t.Errorf("%s: %d lines, manifest says %d records", f.Path, bytes.Count(data, []byte("\n")), f.Records)
		}
		listed[f.Path] = true
	}
	// Recompute every image set's hash from the files in its folder.
	images := map[string][]string{}
	err := filepath.WalkDir(tinyDir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(tinyDir, p)
		rel = filepath.ToSlash(rel)
		if strings.HasSuffix(rel, ".png") {
			images[path.Dir(rel)] = append(images[path.Dir(rel)], rel)
		} else if !listed[rel] {
			t.Errorf("%s is on disk but not in the manifest", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.ImageSets) != len(images) {
		t.Errorf("manifest has %d image sets, disk has %d image folders", len(m.ImageSets), len(images))
	}
	for _, set := range m.ImageSets {
		ps := images[set.Dir]
		sort.Strings(ps)
		h := sha256.New()
		for _, p := range ps {
			data, err := os.ReadFile(filepath.Join(tinyDir, p))
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(data)
			fmt.Fprintf(h, "%s %s\n", p, hex.EncodeToString(sum[:]))
		}
		if len(ps) != set.Images || hex.EncodeToString(h.Sum(nil)) != set.SHA256 {
			t.Errorf("image set %s: manifest says %d images %s, disk has %d", set.Dir, set.Images, set.SHA256[:12], len(ps))
		}
	}
	if len(m.Suites) != 6 {
		t.Errorf("%d suites, want 6", len(m.Suites))
	}
	for _, s := range m.Suites {
		var onDisk toyworld.SuiteManifest
		readJSON(t, filepath.Join(tinyDir, s.Dir, "synthetic.json"), &onDisk)
		if !onDisk.Synthetic || !onDisk.Partial || onDisk.Seed != tinySeed || onDisk.Items != s.Items || onDisk.Benchmark != s.Benchmark {
			t.Errorf("%s/synthetic.json = %+v", s.Dir, onDisk)
		}
	}
}

func TestGenerateCounts(t *testing.T) {
	c := tinyManifest.Counts
	records := map[string]int{}
	for _, f := range tinyManifest.Files {
		records[f.Path] = f.Records
	}
	want := map[string]int{"sft.jsonl": 2 * c.SFT, "rl.jsonl": c.RL, "pretrain.jsonl": c.Pretrain}
	for p, n := range want {
		if records[p] != n {
			t.Errorf("%s has %d records, want %d", p, records[p], n)
		}
	}
	sets := map[string]int{}
	for _, s := range tinyManifest.ImageSets {
		sets[s.Dir] = s.Images
	}
	if sets["images/sft"] != c.SFT || sets["images/rl"] != c.RL || sets["images/pretrain"] != c.Pretrain {
		t.Errorf("image counts %v for counts %+v", sets, c)
	}
}

func TestGenerateRefusesBadOptions(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	file := filepath.Join(dir, "a-file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	busy := filepath.Join(dir, "busy")
	if err := os.MkdirAll(busy, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(busy, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, out, size, want string
	}{
		{"unknown size", filepath.Join(dir, "x"), "huge", `unknown size "huge"`},
		{"empty size", filepath.Join(dir, "x"), "", `unknown size ""`},
		{"bad count", filepath.Join(dir, "x"), "sft=-3", "count for sft must be a whole number"},
		{"unknown part", filepath.Join(dir, "x"), "sft=3,val=2", `unknown part "val"`},
		{"no output folder", "", "tiny", "no output folder"},
		{"output is a file", file, "tiny", "is a file"},
		{"output under a file", filepath.Join(file, "sub"), "tiny", "cannot be used"},
		{"folder holds other files", busy, "tiny", "is not empty and holds no toyworld manifest.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := toyworld.Generate(ctx, tt.out, toyworld.Options{Seed: 1, Size: tt.size})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to say %q", err, tt.want)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(busy, "notes.txt")); err != nil {
		t.Errorf("a refused folder lost its file: %v", err)
	}
}

func TestGenerateUnwritableFolder(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes through folder permissions")
	}
	dir := t.TempDir()
	ro := filepath.Join(dir, "ro")
	if err := os.Mkdir(ro, 0o555); err != nil {
		t.Fatal(err)
	}
	_, err := toyworld.Generate(context.Background(), ro, toyworld.Options{Seed: 1, Size: smallest})
	if err == nil || !strings.Contains(err.Error(), ro) {
		t.Fatalf("err = %v, want an error naming %s", err, ro)
	}
}

// Generating into an earlier output replaces it and leaves nothing stale.
func TestGenerateReplacesEarlierOutput(t *testing.T) {
	out := t.TempDir()
	ctx := context.Background()
	if _, err := toyworld.Generate(ctx, out, toyworld.Options{Seed: 1, Size: "sft=6,rl=6,pretrain=6,eval=0"}); err != nil {
		t.Fatal(err)
	}
	m, err := toyworld.Generate(ctx, out, toyworld.Options{Seed: 2, Size: "sft=2,rl=2,pretrain=2,eval=0"})
	if err != nil {
		t.Fatal(err)
	}
	if m.Seed != 2 {
		t.Errorf("manifest seed %d", m.Seed)
	}
	pngs, _ := filepath.Glob(filepath.Join(out, "images", "sft", "*.png"))
	if len(pngs) != 2 {
		t.Errorf("%d SFT images after regenerating with sft=2; stale files survived", len(pngs))
	}
	if _, err := os.Stat(filepath.Join(out, "eval")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("eval/ written with eval=0 (err %v)", err)
	}
}

func TestGenerateStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := toyworld.Generate(ctx, t.TempDir(), toyworld.Options{Seed: 1, Size: "tiny"})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestParseSize(t *testing.T) {
	tests := []struct {
		in      string
		want    toyworld.Counts
		wantErr string
	}{
		{in: "tiny", want: toyworld.Counts{SFT: 20, RL: 20, Pretrain: 40, Eval: 10}},
		{in: " small ", want: toyworld.Counts{SFT: 500, RL: 500, Pretrain: 2000, Eval: 100}},
		{in: "full", want: toyworld.Counts{SFT: 2500, RL: 2500, Pretrain: 4000, Eval: 200}},
		{in: "sft=3, rl=4,pretrain=5,eval=6", want: toyworld.Counts{SFT: 3, RL: 4, Pretrain: 5, Eval: 6}},
		{in: "rl=7", want: toyworld.Counts{RL: 7}},
		{in: "Tiny", wantErr: "unknown size"},
		{in: "sft=1,sft=2", wantErr: "sft given twice"},
		{in: "sft=x", wantErr: "whole number"},
		{in: "sft=99999999", wantErr: "whole number from 0 to"},
		{in: "sft=1,rl", wantErr: `"rl" is not key=count`},
	}
	for _, tt := range tests {
		got, err := toyworld.ParseSize(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseSize(%q) err = %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseSize(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
}
