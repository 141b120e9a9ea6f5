package python_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vlmlab/harness/plugins/python/pythontest"
	"github.com/vlmlab/harness/plugins/sdk"
	"github.com/vlmlab/harness/plugins/sdk/sdktest"
)

// TestConformance runs the Go SDK's conformance check (the contract the host
// enforces) against the Python plugins, launched as the host launches them.
func TestConformance(t *testing.T) {
	for _, tc := range []struct {
		name, kind, script string
		c                  sdktest.Case
	}{
		{"py-trainer", sdk.KindTrainer, "testdata/trainer.py", sdktest.Case{
			Config: []byte(`{"lr":0.01}`),
			Train:  &sdktest.TrainCase{Request: sdk.TrainRequest{Stage: "sft", Params: []byte(`{"steps":2}`)}, StrictParams: true},
		}},
		{"exact-match", sdk.KindEvaluator, "examples/exact_match/plugin.py", sdktest.Case{
			Data: map[string]string{"exact-match": filepath.Join(pythontest.Dir(), "examples/exact_match/testdata/questions.jsonl")},
		}},
		{"py-model", sdk.KindModel, "testdata/model.py", sdktest.Case{
			Prompts: []sdk.Prompt{{ID: "a", Parts: []sdk.Part{{Text: "hi"}}}, {ID: "b", Parts: []sdk.Part{{Text: "yo"}}}},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, _ := newHost(t)
			p := launch(t, h, tc.name, tc.kind, tc.script)
			sdktest.Conformance(t, p.Remote(), tc.c)
		})
	}
}

// TestExactMatch scores the example evaluator's data with the judge path and
// checks what it refuses.
func TestExactMatch(t *testing.T) {
	h, _ := newHost(t)
	p := launch(t, h, "exact-match", sdk.KindEvaluator, "examples/exact_match/plugin.py")
	ctx := context.Background()
	data := filepath.Join(pythontest.Dir(), "examples/exact_match/testdata")
	ds, err := p.Evaluator().Open(ctx, "exact-match", sdk.LoadRequest{Path: filepath.Join(data, "questions.jsonl"), Profile: sdk.ProfileLeaderboard, Judge: "judge"})
	if err != nil {
		t.Fatal(err)
	}
	items := ds.Items()
	if len(items) != 4 || items[1].Prompt[0].Image == nil || items[1].Prompt[0].Image.Path != filepath.Join(data, "images/q2.png") || items[1].Prompt[1].Text == "" {
		t.Fatalf("items %+v", items)
	}
	responses := []sdk.Response{
		{ItemID: "q1", Text: "<think>2+3</think><answer>5</answer>"},
		{ItemID: "q2", Text: "I count them.\nThere are 4"},
		{ItemID: "q3", Text: "   "},                       // nothing to read: the judge is asked
		{ItemID: "q4", Failed: true, Error: "server 503"}, // the model failed
	}
	res, err := ds.Score(ctx, responses, nil)
	if err != nil || len(res.Pending) != 1 || res.Pending[0].Key != "q3/extract/0" {
		t.Fatalf("round 1: %+v, %v", res, err)
	}
	res, err = ds.Score(ctx, responses, []sdk.JudgeAnswer{{Key: "q3/extract/0", Text: "square."}})
	if err != nil || res.Report == nil {
		t.Fatalf("round 2: %+v, %v", res, err)
	}
	r := res.Report
	hits := ""
	for _, it := range r.Items {
		hits += it.ID + "=" + map[bool]string{true: "hit", false: "miss"}[it.Hit] + "/" + it.Path + " "
	}
	if hits != "q1=hit/rule q2=miss/rule q3=hit/judge q4=miss/unresolved " || r.Score != 50 || r.Judged != 1 || r.Unresolved != 1 || r.Postprocess != "none" {
		t.Errorf("report %s score %v", hits, r.Score)
	}
	for _, tc := range []struct{ path, want string }{
		{filepath.Join(data, "escape.jsonl"), `escape.jsonl:1: image '../../../../etc/passwd' is outside the data file's folder`},
		{filepath.Join(data, "missing.jsonl"), "cannot read data file"},
	} {
		_, err := p.Evaluator().Open(ctx, "exact-match", sdk.LoadRequest{Path: tc.path})
		if !errors.Is(err, sdk.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("open %s: %v", tc.path, err)
		}
	}
}
