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
)

// A VLMEvalKit variant is fetched by its dataset name into its own file, and
// the command says which option scores it.
func TestDataFetchVariant(t *testing.T) {
	body := []byte("index\tquestion\tanswer\n1\tFind L.\t3\n")
	sum := md5.Sum(body)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/MathVerse_MINIVDom.tsv" {
			http.NotFound(w, r)
			return
		}
		http.ServeContent(w, r, "MathVerse_MINIVDom.tsv", fileTime, strings.NewReader(string(body)))
	}))
	defer srv.Close()
	dir := t.TempDir()
	r := harness(t, dir, "data", "fetch", "MathVerse_MINI_Vision_Dominant", "--dir", "data", "--mirror", srv.URL, "--md5", hex.EncodeToString(sum[:]))
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "with benchmark mathverse") || !strings.Contains(r.stdout, "options {version: vision-dominant}") {
		t.Errorf("output does not say how to score it:\n%s", r.stdout)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "data", "MathVerse_MINIVDom.tsv")); string(got) != string(body) {
		t.Errorf("file content %q", got)
	}
}
