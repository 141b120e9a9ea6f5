package main

import (
	"crypto/md5"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
	r = harness(t, dir, "data", "fetch", "mmmu", "--dir", "data")
	if r.code == 0 || !strings.Contains(r.stderr, `unknown benchmark "mmmu"`) {
		t.Errorf("unknown: exit %d\n%s", r.code, r.stderr)
	}
	r = harness(t, dir, "data", "fetch", "all", "--dir", "data", "--md5", good)
	if r.code == 0 || !strings.Contains(r.stderr, "give one benchmark, not all") {
		t.Errorf("all with --md5: exit %d\n%s", r.code, r.stderr)
	}
}
