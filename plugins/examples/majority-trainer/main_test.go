package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vlmlab/harness/plugins/host"
	"github.com/vlmlab/harness/plugins/sdk"
)

// TestBuiltPlugin builds the example with the Go toolchain, as a plugin author
// would, and drives it through the harness host as an external plugin.
func TestBuiltPlugin(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "majority-trainer")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	data := filepath.Join(dir, "rl.jsonl")
	lines := []string{
		`{"id":"a","gt":"B","verifier_type":"mcq"}`,
		`{"id":"b","gt":"B","verifier_type":"mcq"}`,
		`{"id":"c","gt":"A","verifier_type":"mcq"}`,
		`{"id":"d","gt":"3","verifier_type":"digit"}`,
	}
	if err := os.WriteFile(data, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	h := host.New(host.Options{})
	defer h.Close()
	ctx := context.Background()
	p, err := h.Launch(ctx, host.Spec{Name: "majority", Kind: sdk.KindTrainer, Command: []string{bin}})
	if err != nil {
		t.Fatal(err)
	}
	info, err := p.Describe(ctx)
	if err != nil || info.Name != "majority" || info.Kind != sdk.KindTrainer || !strings.Contains(info.ConfigSchema, "report_every") {
		t.Fatalf("Describe = %+v, %v", info, err)
	}
	if err := p.Configure(ctx, []byte(`{"report_every": 0}`)); err == nil || !strings.Contains(err.Error(), "report_every must be at least 1") {
		t.Errorf("bad config: %v", err)
	}
	if err := p.Configure(ctx, []byte(`{"typo": 1}`)); err == nil || !strings.Contains(err.Error(), `unknown field "typo"`) {
		t.Errorf("unknown config key: %v", err)
	}
	if err := p.Configure(ctx, []byte(`{"report_every": 2}`)); err != nil {
		t.Fatal(err)
	}
	var steps []int
	out := filepath.Join(dir, "ckpt")
	ck, err := p.Trainer().Train(ctx, sdk.TrainRequest{Stage: "majority", OutputDir: out, Data: []string{data}},
		func(ev sdk.TrainEvent) error {
			if ev.Progress != nil {
				steps = append(steps, ev.Progress.Step)
			}
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{2, 4}, steps); diff != "" {
		t.Errorf("progress steps (-want +got):\n%s", diff)
	}
	if ck.Format != "majority" || !strings.HasPrefix(ck.Hash, "sha256:") || ck.Files["majority.json"] == "" {
		t.Errorf("checkpoint %+v", ck)
	}
	var model map[string]string
	b, err := os.ReadFile(filepath.Join(out, "majority.json"))
	if err != nil || json.Unmarshal(b, &model) != nil {
		t.Fatalf("read checkpoint: %v", err)
	}
	if diff := cmp.Diff(map[string]string{"mcq": `B`, "digit": `3`}, model, cmp.Transformer("unquote", func(s string) string { return strings.Trim(s, `"`) })); diff != "" {
		t.Errorf("model (-want +got):\n%s", diff)
	}
	_, err = p.Trainer().Train(ctx, sdk.TrainRequest{Stage: "majority", OutputDir: out, Data: []string{filepath.Join(dir, "missing.jsonl")}}, func(sdk.TrainEvent) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "plugin majority: train majority: open training data") {
		t.Errorf("missing data: %v", err)
	}
}
