package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vlmlab/harness/plugins/host"
	"github.com/vlmlab/harness/plugins/sdk"
	"github.com/vlmlab/harness/plugins/sdk/sdktest"
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
	// The host checks the block against the declared schema before the
	// plugin sees it; the plugin's own checks stand behind that.
	if err := p.Configure(ctx, []byte(`{"report_every": 0}`)); !errors.Is(err, sdk.ErrInvalid) || !strings.Contains(err.Error(), "at report_every: minimum: got 0, want 1") {
		t.Errorf("bad config: %v", err)
	}
	if err := p.Configure(ctx, []byte(`{"typo": 1}`)); !errors.Is(err, sdk.ErrInvalid) || !strings.Contains(err.Error(), `'typo' not allowed`) {
		t.Errorf("unknown config key: %v", err)
	}
	if err := p.Remote().Configure(ctx, sdk.APIVersion, []byte(`{"report_every": 0}`)); !errors.Is(err, sdk.ErrInvalid) || !strings.Contains(err.Error(), "report_every must be at least 1") {
		t.Errorf("bad config past the schema: %v", err)
	}
	if err := p.Remote().Configure(ctx, sdk.APIVersion, []byte(`{"typo": 1}`)); !errors.Is(err, sdk.ErrInvalid) || !strings.Contains(err.Error(), `unknown field "typo"`) {
		t.Errorf("unknown config key past the schema: %v", err)
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
	if back, err := sdk.ReadCheckpoint(out); err != nil || back.Hash != ck.Hash {
		t.Errorf("ReadCheckpoint = %+v, %v; want hash %s", back, err, ck.Hash)
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
	if !errors.Is(err, sdk.ErrInvalid) || !strings.Contains(err.Error(), "plugin majority: train majority: open training data") {
		t.Errorf("missing data: want an invalid-parameters error naming the file, got %v", err)
	}
	// The built binary passes the conformance check too.
	sdktest.Conformance(t, p.Remote(), sdktest.Case{Config: []byte(`{"report_every": 2}`),
		Train: &sdktest.TrainCase{Request: sdk.TrainRequest{Stage: "majority", Data: []string{data}}, StrictParams: true}})
}

// TestConformance runs the plugin in process through sdktest, the check
// every plugin author copies.
func TestConformance(t *testing.T) {
	data := filepath.Join(t.TempDir(), "rl.jsonl")
	if err := os.WriteFile(data, []byte(`{"id":"a","gt":"B","verifier_type":"mcq"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sdktest.Conformance(t, sdktest.Serve(t, serveConfig()), sdktest.Case{
		Train: &sdktest.TrainCase{Request: sdk.TrainRequest{Stage: "majority", Data: []string{data}, Params: []byte(`{"min_count": 1}`)}, StrictParams: true},
	})
}
