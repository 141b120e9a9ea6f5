package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/vlmlab/harness/harness/openai/openaitest"
	"github.com/vlmlab/harness/internal/testenv"
)

// TestScoreMissingOrUnresolvedExitsNonZero (issue 11 item 10): predictions
// for 200 of LogicVista's 448 items, or a judge that answers garbage, give a
// score that silently understates the model. harness score writes the
// report, marks it, and exits 1 with how many are missing or unresolved,
// unless --allow-partial / --allow-unresolved accept them.
func TestScoreMissingOrUnresolvedExitsNonZero(t *testing.T) {
	data := testenv.SharedPath(t, "data", "logicvista")
	dir := t.TempDir()
	raw, err := os.ReadFile(filepath.Join(data, "dataset.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ds map[string]struct{ Answer string }
	if err := json.Unmarshal(raw, &ds); err != nil {
		t.Fatal(err)
	}
	ids := make([]string, 0, len(ds))
	for id := range ds {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	write := func(name string, n int, response func(id string) string) string {
		var lines []string
		for _, id := range ids[:n] {
			b, _ := json.Marshal(map[string]string{"id": id, "response": response(id)})
			lines = append(lines, string(b))
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	right := func(id string) string { return "<answer>" + ds[id].Answer + "</answer>" }

	t.Run("missing predictions", func(t *testing.T) {
		preds := write("part.jsonl", 200, right)
		r := harness(t, dir, "score", "--benchmark", "logicvista", "--data", data, "--predictions", preds, "--profile", "official", "--out", "miss")
		if r.code == 0 || !strings.Contains(r.stderr, "248 of 448 items have no response") || !strings.Contains(r.stderr, "--allow-partial") {
			t.Fatalf("exit %d, stderr %s; want 1 saying 248 of 448 are missing", r.code, r.stderr)
		}
		var rep struct {
			Missing int
			Dataset struct{ Partial bool }
		}
		b, err := os.ReadFile(filepath.Join(dir, "miss", "logicvista.json"))
		if err != nil {
			t.Fatalf("report not written: %v", err)
		}
		if err := json.Unmarshal(b, &rep); err != nil || rep.Missing != 248 || !rep.Dataset.Partial {
			t.Errorf("report says missing %d partial %v (%v), want 248 and partial", rep.Missing, rep.Dataset.Partial, err)
		}
		if !strings.Contains(r.stdout, "PARTIAL: 248 have no response") {
			t.Errorf("summary does not say partial:\n%s", r.stdout)
		}
		r = harness(t, dir, "score", "--benchmark", "logicvista", "--data", data, "--predictions", preds, "--profile", "official", "--out", "miss", "--allow-partial")
		if r.code != 0 {
			t.Errorf("--allow-partial: exit %d %s", r.code, r.stderr)
		}
	})
	t.Run("garbage judge", func(t *testing.T) {
		judge := openaitest.New(openaitest.Config{Answer: func(openaitest.Request, int) string { return "I cannot help with that." }})
		defer judge.Close()
		t.Setenv("JUDGE_TEST_KEY", "test")
		// Responses no rule can read: every item goes to the judge.
		preds := write("prose.jsonl", len(ids), func(string) string { return "It is hard to say." })
		args := []string{"score", "--benchmark", "logicvista", "--data", data, "--predictions", preds, "--out", "judge",
			"--judge", "judge-model", "--judge-endpoint", judge.URL(), "--judge-api-key-env", "JUDGE_TEST_KEY"}
		r := harness(t, dir, args...)
		if r.code == 0 || !strings.Contains(r.stderr, "of 448 items are unresolved") || !strings.Contains(r.stderr, "judge-model") {
			t.Fatalf("exit %d, stderr %s; want 1 saying how many are unresolved and naming the judge", r.code, r.stderr)
		}
		if _, err := os.Stat(filepath.Join(dir, "judge", "logicvista.json")); err != nil {
			t.Errorf("report not written: %v", err)
		}
		r = harness(t, dir, append(args, "--allow-unresolved")...)
		if r.code != 0 {
			t.Errorf("--allow-unresolved: exit %d %s", r.code, r.stderr)
		}
	})
}
