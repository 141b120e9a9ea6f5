package catalog_test

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/vlmlab/harness/harness/catalog"
	"github.com/vlmlab/harness/plugins/sdk"
	"github.com/vlmlab/harness/plugins/sdk/sdktest"
	"github.com/vlmlab/harness/trainers/tinyvlm"
	"github.com/vlmlab/harness/trainers/toyworld"
)

// Every built-in plugin passes the conformance check plugin authors run;
// evaluators also score a small synthetic suite of their benchmark.
func TestConformance(t *testing.T) {
	data := t.TempDir()
	m, err := toyworld.Generate(context.Background(), data, toyworld.Options{Seed: 3, Size: "sft=0,rl=0,pretrain=0,eval=6"})
	if err != nil {
		t.Fatal(err)
	}
	suites := map[string]string{}
	for _, s := range m.Suites {
		suites[s.Benchmark] = filepath.Join(data, s.Dir)
	}
	for _, p := range catalog.Builtins() {
		t.Run(p.Name, func(t *testing.T) {
			cfg := p.Serve()
			r := sdktest.Serve(t, cfg)
			if r.Kind != p.Kind {
				t.Fatalf("registered as %s, serves %s", p.Kind, r.Kind)
			}
			c := sdktest.Case{}
			if p.Kind == sdk.KindEvaluator {
				if suites[p.Name] == "" {
					t.Fatalf("the toy world writes no suite for %s", p.Name)
				}
				c.Data = map[string]string{p.Name: suites[p.Name]}
			}
			if p.Name == "engine" {
				// A one-line shell "engine": a verl step line and verl's
				// checkpoint layout, through the real gRPC path.
				script := `d={{.Output}}/global_step_1/actor/huggingface && mkdir -p $d && echo '{}' > $d/config.json && echo w > $d/model.safetensors && echo 'step:1 - actor/pg_loss:0.5 - critic/score/mean:0.25'`
				c.Train = &sdktest.TrainCase{StrictParams: true, Request: sdk.TrainRequest{Stage: "grpo",
					Params: []byte(`{"engine": "verl", "base_model": "Qwen/Qwen2.5-VL-3B-Instruct", "command": ["/bin/sh", "-c", ` + strconv.Quote(script) + `]}`)}}
			}
			if p.Kind == sdk.KindModel {
				c.Prompts = []sdk.Prompt{{ID: "q1", Parts: []sdk.Part{{Text: "How many? Options: A. 1 B. 2"}}}, {ID: "q2", Parts: []sdk.Part{{Text: "What is 2+2?"}}}}
			}
			switch p.Name {
			case "tinyvlm":
				ck, err := tinyvlm.WriteTestCheckpoint(filepath.Join(t.TempDir(), "ck"), []string{"How many? Options: What is"}, 1)
				if err != nil {
					t.Fatal(err)
				}
				c.Checkpoint = ck
			case "grpo":
				base, err := tinyvlm.WriteTestCheckpoint(filepath.Join(t.TempDir(), "base"), []string{"How many objects are there in the image? Answer with a single digit."}, 1)
				if err != nil {
					t.Fatal(err)
				}
				c.Train = &sdktest.TrainCase{Request: sdk.TrainRequest{Stage: "grpo", Base: base, Data: []string{rlData(t)},
					Params: []byte(`{"steps": 1, "rollout_batch": 2, "group_size": 2, "train_batch": 2, "max_tokens": 4}`), Seed: 1}}
			case "sft":
				ck, err := tinyvlm.WriteTestCheckpoint(filepath.Join(t.TempDir(), "base"), []string{"How many shapes?"}, 1)
				if err != nil {
					t.Fatal(err)
				}
				c.Train = &sdktest.TrainCase{Request: sdk.TrainRequest{Stage: "sft", Base: ck, Data: []string{sftData(t)},
					Params: []byte(`{"steps": 2, "batch_size": 2}`), Seed: 1}}
			}
			sdktest.Conformance(t, r, c)
		})
	}
}

// sftData writes two SFT records with their images.
func sftData(t *testing.T) string {
	dir := t.TempDir()
	if _, err := toyworld.Generate(context.Background(), dir, toyworld.Options{Seed: 1, Size: "sft=1,rl=0,pretrain=0,eval=0", Traces: toyworld.TracesShort}); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "sft.jsonl")
}

func TestLookup(t *testing.T) {
	for _, p := range catalog.Builtins() {
		got, ok := catalog.LookupBuiltin(p.Name)
		if !ok || got.Name != p.Name || got.Kind != p.Kind {
			t.Errorf("Lookup(%s) = %+v, %v", p.Name, got, ok)
		}
	}
	if _, ok := catalog.LookupBuiltin("no-such-plugin"); ok {
		t.Error("Lookup of an unknown name succeeded")
	}
}

// rlData writes a few RL records with their images.
func rlData(t *testing.T) string {
	dir := t.TempDir()
	if _, err := toyworld.Generate(context.Background(), dir, toyworld.Options{Seed: 1, Size: "sft=0,rl=4,pretrain=0,eval=0"}); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "rl.jsonl")
}
