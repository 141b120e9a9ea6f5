package tinyvlm

import (
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"

	"github.com/vlmlab/harness/plugins/sdk"
)

func TestSafetensorsRoundTripAndLayout(t *testing.T) {
	p := filepath.Join(t.TempDir(), "w.safetensors")
	in := []Tensor{
		{Name: "b", Shape: []int{2, 3}, Data: []float32{1, 2, 3, 4, 5, 6}},
		{Name: "a", Shape: []int{1}, Data: []float32{-0.5}},
		{Name: "scalar", Shape: []int{}, Data: []float32{7}},
	}
	if err := WriteSafetensors(p, in, map[string]string{"format": "test"}); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(p)
	n := binary.LittleEndian.Uint64(raw[:8])
	if n%8 != 0 {
		t.Errorf("header length %d is not padded to 8", n)
	}
	// The header names the layout the safetensors spec defines.
	hdr := string(raw[8 : 8+n])
	for _, want := range []string{`"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}`, `"__metadata__":{"format":"test"}`, `"scalar":{"dtype":"F32","shape":[],"data_offsets":[28,32]}`} {
		if !strings.Contains(hdr, want) {
			t.Errorf("header %s lacks %s", hdr, want)
		}
	}
	out, meta, err := ReadSafetensors(p)
	if err != nil {
		t.Fatal(err)
	}
	if meta["format"] != "test" || len(out) != 3 || out[0].Name != "a" || !slices.Equal(out[1].Data, in[0].Data) || !slices.Equal(out[1].Shape, []int{2, 3}) {
		t.Errorf("read back %+v %v", out, meta)
	}
}

func TestSafetensorsCorrupt(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.safetensors")
	if err := WriteSafetensors(good, []Tensor{{Name: "x", Shape: []int{4}, Data: []float32{1, 2, 3, 4}}}, nil); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(good)
	n := int(binary.LittleEndian.Uint64(raw[:8]))
	cases := map[string][]byte{
		"short":          raw[:5],
		"huge header":    append(binary.LittleEndian.AppendUint64(nil, 1<<40), raw[8:]...),
		"not json":       append(append([]byte{}, raw[:8]...), append([]byte(strings.Repeat("!", n)), raw[8+n:]...)...),
		"truncated data": raw[:len(raw)-3],
		"extra data":     append(append([]byte{}, raw...), 0, 0, 0, 0),
		"bad dtype":      []byte(strings.Replace(string(raw), `"F32"`, `"I64"`, 1)),
		"bad shape":      []byte(strings.Replace(string(raw), `"shape":[4]`, `"shape":[5]`, 1)),
	}
	for name, data := range cases {
		p := filepath.Join(dir, strings.ReplaceAll(name, " ", "_"))
		os.WriteFile(p, data, 0o644)
		if _, _, err := ReadSafetensors(p); err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: err = %v, want an error naming %s", name, err, p)
		}
	}
}

func TestCheckpointRoundTrip(t *testing.T) {
	m := tinyModel(t, 3)
	dir := filepath.Join(t.TempDir(), "ck")
	ck, err := m.Save(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ck.Format != Format || len(ck.Files) != 3 || !strings.HasPrefix(ck.Hash, "sha256:") {
		t.Errorf("manifest %+v", ck)
	}
	back, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if back.Config != m.Config {
		t.Errorf("config %+v != %+v", back.Config, m.Config)
	}
	for i := range m.Params {
		a := tensors.MustCopyFlatData[float32](m.Params[i])
		b := tensors.MustCopyFlatData[float32](back.Params[i])
		if !slices.Equal(a, b) {
			t.Fatalf("param %d differs after the round trip", i)
		}
	}
	// Identical generations, sampled and greedy.
	be := testBackend(t)
	g1, _ := NewGenerator(be, m)
	g2, _ := NewGenerator(be, back)
	reqs := testRequests(t, m, 3)
	for _, s := range []Sampling{{MaxTokens: 12}, {MaxTokens: 12, Temperature: 1, Seed: 5}} {
		a, err := g1.Generate(context.Background(), reqs, s)
		if err != nil {
			t.Fatal(err)
		}
		b, err := g2.Generate(context.Background(), reqs, s)
		if err != nil {
			t.Fatal(err)
		}
		for i := range a {
			if !slices.Equal(a[i].Tokens, b[i].Tokens) {
				t.Errorf("%+v: request %d: %v vs %v after the round trip", s, i, a[i].Tokens, b[i].Tokens)
			}
		}
	}
	// A child names its parent.
	child, err := back.Save(filepath.Join(t.TempDir(), "child"), ck)
	if err != nil || child.Parent != ck.Hash {
		t.Errorf("child parent %q, want %q (%v)", child.Parent, ck.Hash, err)
	}
}

func TestCheckpointBadInputs(t *testing.T) {
	m := tinyModel(t, 3)
	fresh := func() string {
		dir := filepath.Join(t.TempDir(), "ck")
		if _, err := m.Save(dir, nil); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	cases := []struct {
		name   string
		mutate func(dir string)
		want   string
	}{
		{"no manifest", func(d string) { os.Remove(filepath.Join(d, ManifestFile)) }, "no checkpoint.json"},
		{"other format", func(d string) {
			b, _ := os.ReadFile(filepath.Join(d, ManifestFile))
			os.WriteFile(filepath.Join(d, ManifestFile), []byte(strings.Replace(string(b), `"tinyvlm"`, `"hf"`, 1)), 0o644)
		}, `format "hf"`},
		{"missing weights", func(d string) { os.Remove(filepath.Join(d, WeightsFile)) }, "model.safetensors is missing"},
		{"truncated weights", func(d string) {
			p := filepath.Join(d, WeightsFile)
			b, _ := os.ReadFile(p)
			os.WriteFile(p, b[:len(b)/2], 0o644)
		}, "model.safetensors has sha256:"},
		{"changed tokenizer", func(d string) {
			os.WriteFile(filepath.Join(d, TokenizerFile), []byte("{}"), 0o644)
		}, "tokenizer.json has sha256:"},
	}
	for _, c := range cases {
		dir := fresh()
		c.mutate(dir)
		_, err := Load(dir)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.name, err, c.want)
		}
	}
	// A corrupt safetensors header whose manifest was rewritten to match is
	// still refused, by the safetensors reader.
	dir := fresh()
	p := filepath.Join(dir, WeightsFile)
	b, _ := os.ReadFile(p)
	binary.LittleEndian.PutUint64(b[:8], uint64(len(b)))
	os.WriteFile(p, b, 0o644)
	d, _ := sdk.FileDigest(p)
	files := map[string]string{WeightsFile: d}
	for _, f := range []string{ConfigFile, TokenizerFile} {
		files[f], _ = sdk.FileDigest(filepath.Join(dir, f))
	}
	if err := VerifyFiles(dir, files); err != nil {
		t.Fatal(err)
	}
	if _, err := loadFiles(dir); err == nil || !strings.Contains(err.Error(), "not a valid safetensors file") {
		t.Errorf("corrupt header: %v", err)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "nothing")); err == nil {
		t.Error("missing folder loaded")
	}
}
