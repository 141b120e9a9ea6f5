package main

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vlmlab/harness/harness/openai/openaitest"
	"github.com/vlmlab/harness/internal/testenv"
)

var fileTime = time.Unix(1700000000, 0)

func TestDataFetch(t *testing.T) {
	body := []byte("index\tquestion\tanswer\n1\tHow many?\t3\n")
	sum := md5.Sum(body)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/LogicVista.tsv" {
			http.NotFound(w, r)
			return
		}
		http.ServeContent(w, r, "LogicVista.tsv", fileTime, strings.NewReader(string(body)))
	}))
	defer srv.Close()
	dir := t.TempDir()
	good := hex.EncodeToString(sum[:])

	r := harness(t, dir, "data", "fetch", "logicvista", "--dir", "data", "--mirror", srv.URL, "--md5", good)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "downloaded") || !strings.Contains(r.stderr, "LogicVista.tsv: started") || !strings.Contains(r.stderr, "MD5 verified") {
		t.Errorf("output:\n%s\n%s", r.stdout, r.stderr)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "data", "LogicVista.tsv")); string(got) != string(body) {
		t.Errorf("file content %q", got)
	}
	r = harness(t, dir, "data", "fetch", "logicvista", "--dir", "data", "--mirror", srv.URL, "--md5", good)
	if r.code != 0 || !strings.Contains(r.stdout, "already there") {
		t.Errorf("second fetch: exit %d\n%s", r.code, r.stdout)
	}

	// The server's file does not match VLMEvalKit's MD5: error, nothing kept.
	r = harness(t, dir, "data", "fetch", "logicvista", "--dir", "other", "--mirror", srv.URL)
	if r.code == 0 || !strings.Contains(r.stderr, "checksum mismatch") {
		t.Errorf("mismatch: exit %d\n%s", r.code, r.stderr)
	}
	left, _ := filepath.Glob(filepath.Join(dir, "other", "*"))
	if len(left) != 0 {
		t.Errorf("a failed download left %v", left)
	}

	// Not on the mirror: the error names the benchmark; bad names are refused.
	r = harness(t, dir, "data", "fetch", "wemath", "--dir", "data", "--mirror", srv.URL)
	if r.code == 0 || !strings.Contains(r.stderr, "wemath") || !strings.Contains(r.stderr, "404") {
		t.Errorf("404: exit %d\n%s", r.code, r.stderr)
	}
	// Issue 11 item 5: a 404 is not something a rerun fixes, and says so.
	if strings.Contains(r.stderr, "run the command again") || !strings.Contains(r.stderr, "a rerun will not fix this") {
		t.Errorf("404 hint:\n%s", r.stderr)
	}
	// Issue 11 item 5: fetch all keeps the file fetched with --md5 (its MD5
	// is not VLMEvalKit's) instead of deleting it.
	r = harness(t, dir, "data", "fetch", "all", "--dir", "data", "--mirror", srv.URL)
	if !strings.Contains(r.stdout, "given with --md5") {
		t.Errorf("fetch all after --md5:\n%s\n%s", r.stdout, r.stderr)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "data", "LogicVista.tsv")); string(got) != string(body) {
		t.Errorf("fetch all changed the file fetched with --md5: %q", got)
	}
	r = harness(t, dir, "data", "fetch", "mmmu", "--dir", "data")
	if r.code == 0 || !strings.Contains(r.stderr, `unknown benchmark "mmmu"`) {
		t.Errorf("unknown: exit %d\n%s", r.code, r.stderr)
	}
	r = harness(t, dir, "data", "fetch", "all", "--dir", "data", "--md5", good)
	if r.code == 0 || !strings.Contains(r.stderr, "give one benchmark, not all") {
		t.Errorf("all with --md5: exit %d\n%s", r.code, r.stderr)
	}
}

// The reviewer's path on real data: official LogicVista files imported to
// VLMEvalKit's TSV, then a served model that answers every item right is
// evaluated on it through the real evaluator plugin.
func TestDataImportThenEvalRealLogicVista(t *testing.T) {
	src := testenv.SharedPath(t, "data", "logicvista")
	raw, err := os.ReadFile(filepath.Join(src, "dataset.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ds map[string]struct{ Imagename, Question, Answer string }
	if err := json.Unmarshal(raw, &ds); err != nil {
		t.Fatal(err)
	}
	// The model recognises each item by its image and question (29 images
	// serve several questions each).
	type qa struct{ q, a string }
	answers := map[string][]qa{}
	for _, it := range ds {
		b, err := os.ReadFile(filepath.Join(src, "images", it.Imagename))
		if err != nil {
			t.Fatal(err)
		}
		k := base64.StdEncoding.EncodeToString(b)
		answers[k] = append(answers[k], qa{it.Question, it.Answer})
	}
	srv := openaitest.New(openaitest.Config{Answer: func(r openaitest.Request, _ int) string {
		best := qa{a: "no idea"}
		for _, u := range r.Messages[len(r.Messages)-1].ImageURLs() {
			_, b64, _ := strings.Cut(u, ";base64,")
			for _, c := range answers[b64] {
				if strings.Contains(r.Prompt(), c.q) && len(c.q) >= len(best.q) {
					best = c
				}
			}
		}
		return "<think>I compare the figures.</think><answer>" + best.a + "</answer>"
	}})
	defer srv.Close()

	dir := t.TempDir()
	r := harness(t, dir, "data", "import", "logicvista", "--src", src, "--out", "data")
	if r.code != 0 || !strings.Contains(r.stdout, "448 of 448 rows") {
		t.Fatalf("import: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "LogicVista.tsv.import.json")); err != nil {
		t.Error(err)
	}
	r = harness(t, dir, "data", "import", "logicvista", "--src", src, "--out", "data")
	if r.code == 0 || !strings.Contains(r.stderr, "already exists") {
		t.Errorf("second import: exit %d\n%s", r.code, r.stderr)
	}
	// Images go as they are (--max-pixels 0) so the model can recognise them.
	r = harness(t, dir, "eval", "--endpoint", srv.URL(), "--model", "oracle", "--data-dir", "data", "--benchmarks", "logicvista",
		"--judge", "none", "--max-pixels", "0", "--out", "out", "--compare", "vlaa-thinker-qwen2.5vl-3b")
	if r.code != 0 {
		t.Fatalf("eval: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	rep := readEval(t, filepath.Join(dir, "out", "eval.json"))
	b := rep.Benchmarks[0]
	// v1_20 (answer "3") and v1_382 (empty answer) are unreachable under the
	// leaderboard rules (benchmarks/logicvista/doc.go).
	if b.Items != 448 || b.Score < 99.0 || b.Score > 446.0/448*100+1e-9 {
		t.Errorf("oracle on real LogicVista: %d items, score %.2f, want 448 and at most %.2f", b.Items, b.Score, 446.0/448*100)
	}
	if !strings.Contains(r.stdout, "38.5") || !strings.Contains(r.stdout, "+61.1") {
		t.Errorf("no published LogicVista number and difference beside the measured one:\n%s", r.stdout)
	}
	// One benchmark's average is not the leaderboard's: no published average beside it.
	_, avgRow, _ := strings.Cut(r.stdout, "average of 1")
	avgRow, _, _ = strings.Cut(avgRow, "\n")
	if avgRow == "" || strings.Contains(avgRow, "35.4") || !strings.Contains(avgRow, "99.6") {
		t.Errorf("average row of a one-benchmark eval:\n%s", r.stdout)
	}
}
