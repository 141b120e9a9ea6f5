package sdk_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vlmlab/harness/plugins/sdk"
)

func TestReadJSONL(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sft.jsonl")
	write(t, path, `{"id":"a","image":"images/a.png","question":"How many?","gt":3,"answer":"<think>1, 2, 3</think><answer>3</answer>","extra":"kept out"}`+"\n\n"+
		`{"id":"b","image":"images/b.png","question":"Which?","gt":"B","answer":"<answer>B</answer>","verifier_type":"mcq"}`+"\n")
	recs, err := sdk.ReadJSONL[sdk.SFTRecord](path)
	if err != nil {
		t.Fatal(err)
	}
	want := []sdk.SFTRecord{
		{ID: "a", Image: "images/a.png", Question: "How many?", GT: json.RawMessage("3"), Answer: "<think>1, 2, 3</think><answer>3</answer>"},
		{ID: "b", Image: "images/b.png", Question: "Which?", GT: json.RawMessage(`"B"`), Answer: "<answer>B</answer>", VerifierType: "mcq"},
	}
	if diff := cmp.Diff(want, recs); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}

	bad := filepath.Join(dir, "bad.jsonl")
	write(t, bad, `{"id":"a"}`+"\n"+`{"id": 7}`+"\n")
	if _, err := sdk.ReadJSONL[sdk.RLRecord](bad); !errors.Is(err, sdk.ErrInvalid) || !strings.Contains(err.Error(), "bad.jsonl:2: field id: want a string, got number") {
		t.Errorf("bad line: %v", err)
	}
	if _, err := sdk.ReadJSONL[sdk.RLRecord](filepath.Join(dir, "missing.jsonl")); !errors.Is(err, sdk.ErrInvalid) || !strings.Contains(err.Error(), "missing.jsonl") {
		t.Errorf("missing file: %v", err)
	}
}

func TestResolveImage(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "rl.jsonl")
	write(t, filepath.Join(dir, "images", "a.png"), "png")
	got, err := sdk.ResolveImage(data, "images/a.png")
	if err != nil || got != filepath.Join(dir, "images", "a.png") {
		t.Errorf("ResolveImage = %q, %v", got, err)
	}
	for _, image := range []string{"", "/etc/passwd", "../secret.png", "images/../../x.png"} {
		if _, err := sdk.ResolveImage(data, image); !errors.Is(err, sdk.ErrInvalid) {
			t.Errorf("ResolveImage(%q) = %v, want an invalid-parameters error", image, err)
		}
	}
	outside := t.TempDir()
	write(t, filepath.Join(outside, "x.png"), "png")
	if err := os.Symlink(filepath.Join(outside, "x.png"), filepath.Join(dir, "images", "link.png")); err != nil {
		t.Skip(err)
	}
	if _, err := sdk.ResolveImage(data, "images/link.png"); err == nil || !strings.Contains(err.Error(), "links outside") {
		t.Errorf("symlink out of the folder: %v", err)
	}
}

func TestReporter(t *testing.T) {
	var got []sdk.TrainEvent
	rep := sdk.NewReporter(func(ev sdk.TrainEvent) error { got = append(got, ev); return nil }, 4)
	m := map[string]float64{sdk.MetricLoss: 2.5}
	if err := rep.Step(1, m); err != nil {
		t.Fatal(err)
	}
	m[sdk.MetricLoss] = 9 // the reporter copied the map
	rep.SetTotal(8)
	_ = rep.Step(2, nil)
	_ = rep.Logf("epoch %d done", 1)
	_ = rep.Warnf("lr %g is high", 0.1)
	want := []sdk.TrainEvent{
		{Progress: &sdk.Progress{Step: 1, Total: 4, Metrics: map[string]float64{"loss": 2.5}}},
		{Progress: &sdk.Progress{Step: 2, Total: 8}},
		{Log: &sdk.LogLine{Level: "info", Message: "epoch 1 done"}},
		{Log: &sdk.LogLine{Level: "warn", Message: "lr 0.1 is high"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	stop := errors.New("host gone")
	rep = sdk.NewReporter(func(sdk.TrainEvent) error { return stop }, 1)
	if err := rep.Step(1, nil); !errors.Is(err, stop) {
		t.Errorf("emit error not returned: %v", err)
	}
}
