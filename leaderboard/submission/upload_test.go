package submission

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func valid() *Upload {
	u := &Upload{Model: Model{Name: "m", Organisation: "o", ParamsB: 3, Type: "RL"}, Profile: "leaderboard", Benchmarks: map[string][]Prediction{}}
	for _, b := range BenchmarkNames() {
		u.Benchmarks[b] = []Prediction{{ID: "1", Response: "A"}, {ID: "2", Response: "B"}}
	}
	return u
}

func TestValidate(t *testing.T) {
	cases := []struct {
		name string
		edit func(*Upload)
		want string // "" = valid
	}{
		{"valid", func(*Upload) {}, ""},
		{"partial ok", func(u *Upload) { delete(u.Benchmarks, "wemath"); u.Partial = true }, ""},
		{"not six", func(u *Upload) { delete(u.Benchmarks, "wemath") }, "wemath missing; submit all six or set partial"},
		{"no name", func(u *Upload) { u.Model.Name = " " }, "model.name: missing"},
		{"long name", func(u *Upload) { u.Model.Name = strings.Repeat("x", 201) }, "model.name: longer than 200"},
		{"bad utf8", func(u *Upload) { u.Model.Organisation = "\xff" }, "not valid UTF-8"},
		{"type", func(u *Upload) { u.Model.Type = "GRPO" }, `model.type: "GRPO": use one of base, SFT, RL, SFT+RL, API`},
		{"params", func(u *Upload) { u.Model.ParamsB = -1 }, "model.params_b"},
		{"profile", func(u *Upload) { u.Profile = "mine" }, `profile: "mine"`},
		{"unknown benchmark", func(u *Upload) { u.Benchmarks["../../etc/passwd"] = []Prediction{{ID: "1"}} }, `"../../etc/passwd" is not one of the six`},
		{"empty benchmark", func(u *Upload) { u.Benchmarks["mathvista"] = nil }, "benchmarks.mathvista: no predictions"},
		{"no id", func(u *Upload) { u.Benchmarks["mathvista"][0].ID = "" }, "benchmarks.mathvista[0].id: missing"},
		{"duplicate id", func(u *Upload) { u.Benchmarks["dynamath"][1].ID = "1" }, `benchmarks.dynamath[1]: id "1" already given at [0]`},
		{"huge response", func(u *Upload) { u.Benchmarks["wemath"][0].Response = strings.Repeat("x", MaxResponseLen+1) }, "response longer than"},
		{"no benchmarks", func(u *Upload) { u.Benchmarks = nil; u.Partial = true }, "benchmarks: none"},
	}
	for _, c := range cases {
		u := valid()
		c.edit(u)
		err := Validate(u)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
	}
}

func TestDecode(t *testing.T) {
	b, _ := Encode(valid())
	if _, err := Decode(strings.NewReader(string(b))); err != nil {
		t.Fatal(err)
	}
	for body, want := range map[string]string{
		`{"model": {"name": "m"}, "scores": {"mathvista": 99}}`: `unknown field "scores"`,
		`{"model": {"name": 3}}`:                                "field model.name: want a string",
		`{"model": `:                                            "cannot decode",
		string(b) + `{}`:                                        "more than one JSON value",
	} {
		if _, err := Decode(strings.NewReader(body)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%.40s: got %v, want %q", body, err, want)
		}
	}
}

func TestDigest(t *testing.T) {
	a, b := valid(), valid()
	b.Benchmarks["mathvista"][0], b.Benchmarks["mathvista"][1] = b.Benchmarks["mathvista"][1], b.Benchmarks["mathvista"][0]
	b.Model.Name = "another name"
	if Digest(a) != Digest(b) {
		t.Error("the same predictions in another order, or under another name, digest differently")
	}
	b.Benchmarks["mathvista"][0].Response = "C"
	if Digest(a) == Digest(b) {
		t.Error("different predictions digest the same")
	}
	b = valid()
	b.Profile = "official"
	if Digest(a) == Digest(b) {
		t.Error("the profile is not part of the digest")
	}
}

func writeEval(t *testing.T, dir string, outcomes []map[string]any) {
	t.Helper()
	b, _ := json.Marshal(map[string]any{"harness_version": "0.1.0", "model": map[string]any{"name": "served", "generation": map[string]any{"MaxTokens": 800}}, "benchmarks": outcomes})
	if err := os.WriteFile(filepath.Join(dir, "eval.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestFromEvalDir(t *testing.T) {
	dir := t.TempDir()
	outside := filepath.Join(t.TempDir(), "secret.jsonl")
	os.WriteFile(outside, []byte(`{"id": "s", "response": "secret"}`+"\n"), 0o644)
	writeEval(t, dir, []map[string]any{
		{"benchmark": "mathvista", "profile": "leaderboard", "scored": true, "data_hash": "sha256:ab", "plugin": map[string]any{"name": "mathvista", "version": "0.1.0"},
			"items_file": outside}, // never followed
		{"benchmark": "wemath", "profile": "leaderboard", "scored": false, "error": "no data"},
	})
	os.WriteFile(filepath.Join(dir, "mathvista.items.jsonl"), []byte(`{"id": "1", "response": "A", "extracted": "A", "path": "rule", "hit": true}`+"\n"+`{"id": 2, "response": "B"}`+"\n"), 0o644)
	u, err := FromEvalDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(u.Benchmarks) != 1 || len(u.Benchmarks["mathvista"]) != 2 || u.Benchmarks["mathvista"][1].ID != "2" || u.Profile != "leaderboard" {
		t.Errorf("upload: %+v", u)
	}
	if u.Run.ModelName != "served" || u.Run.Plugins["mathvista"] != "mathvista 0.1.0" || u.Run.DataHashes["mathvista"] != "sha256:ab" || u.Run.Generation["max_tokens"] != 800.0 {
		t.Errorf("run: %+v", u.Run)
	}

	bad := func(name string, setup func(dir string), want string) {
		t.Helper()
		d := t.TempDir()
		setup(d)
		if _, err := FromEvalDir(d); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", name, err, want)
		}
	}
	bad("no eval.json", func(string) {}, "give the folder `harness eval --out` wrote")
	bad("not json", func(d string) { os.WriteFile(filepath.Join(d, "eval.json"), []byte("{"), 0o644) }, "not an eval report")
	bad("newer schema", func(d string) {
		os.WriteFile(filepath.Join(d, "eval.json"), []byte(`{"schema_version": 99, "benchmarks": []}`), 0o644)
	}, "newer than this harness reads")
	bad("unknown benchmark", func(d string) {
		writeEval(t, d, []map[string]any{{"benchmark": "../x", "profile": "leaderboard", "scored": true}})
	}, `"../x" is not one of the six`)
	bad("items file missing", func(d string) {
		writeEval(t, d, []map[string]any{{"benchmark": "logicvista", "profile": "official", "scored": true}})
	}, "logicvista.items.jsonl")
	bad("symlinked items", func(d string) {
		writeEval(t, d, []map[string]any{{"benchmark": "logicvista", "profile": "official", "scored": true}})
		os.Symlink(outside, filepath.Join(d, "logicvista.items.jsonl"))
	}, "not a regular file")
	bad("two profiles", func(d string) {
		writeEval(t, d, []map[string]any{{"benchmark": "mathvista", "profile": "official", "scored": true}, {"benchmark": "wemath", "profile": "leaderboard", "scored": true}})
		os.WriteFile(filepath.Join(d, "mathvista.items.jsonl"), []byte(`{"id": "1", "response": "A"}`), 0o644)
		os.WriteFile(filepath.Join(d, "wemath.items.jsonl"), []byte(`{"id": "1", "response": "A"}`), 0o644)
	}, "different profiles")
	bad("nothing scored", func(d string) {
		writeEval(t, d, []map[string]any{{"benchmark": "wemath", "profile": "leaderboard", "scored": false, "error": "no data"}})
	}, "no benchmark was scored (wemath (no data))")
	bad("bad line", func(d string) {
		writeEval(t, d, []map[string]any{{"benchmark": "mathvista", "profile": "official", "scored": true}})
		os.WriteFile(filepath.Join(d, "mathvista.items.jsonl"), []byte("{\"id\": \"1\", \"response\": \"A\"}\nnot json\n"), 0o644)
	}, "mathvista.items.jsonl:2")
}

func TestFromRunDir(t *testing.T) {
	dir := t.TempDir()
	write := func(cells []map[string]any) {
		b, _ := json.Marshal(map[string]any{"schema_version": 2, "harness_version": "0.1.0", "cells": cells})
		os.WriteFile(filepath.Join(dir, "run.json"), b, 0o644)
	}
	cell := func(bench string, synthetic bool) map[string]any {
		return map[string]any{"recipe": "sft", "model": "tiny", "benchmark": bench, "profile": "official", "scored": true, "synthetic": synthetic,
			"plugin": map[string]any{"name": bench, "version": "0.1.0"}, "items_file": "/etc/passwd"}
	}
	write([]map[string]any{cell("wemath", false), cell("not-a-benchmark", false)})
	os.MkdirAll(filepath.Join(dir, "cells", "sft", "tiny"), 0o755)
	os.WriteFile(filepath.Join(dir, "cells", "sft", "tiny", "wemath.items.jsonl"), []byte(`{"id": "1", "response": "A"}`+"\n"), 0o644)
	u, err := FromRunDir(dir, "sft", "tiny")
	if err != nil || len(u.Benchmarks) != 1 || u.Benchmarks["wemath"][0].Response != "A" || u.Run.Plugins["wemath"] != "wemath 0.1.0" {
		t.Fatalf("%+v %v", u, err)
	}
	if rows, err := RunRows(dir); err != nil || len(rows) != 1 || rows[0] != [2]string{"sft", "tiny"} {
		t.Errorf("rows %v %v", rows, err)
	}
	for _, c := range []struct{ recipe, model, want string }{
		{"sft", "other", `no scored cell for recipe "sft" and model "other" (rows: sft/tiny)`},
		{"..", "tiny", "plain names"},
		{"sft", "a/b", "plain names"},
	} {
		if _, err := FromRunDir(dir, c.recipe, c.model); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s/%s: %v, want %q", c.recipe, c.model, err, c.want)
		}
	}
	write([]map[string]any{cell("wemath", true)})
	if _, err := FromRunDir(dir, "sft", "tiny"); err == nil || !strings.Contains(err.Error(), "synthetic toy world") {
		t.Errorf("synthetic: %v", err)
	}
}
