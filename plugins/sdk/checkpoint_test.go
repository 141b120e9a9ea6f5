package sdk_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vlmlab/harness/plugins/sdk"
)

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func digest(text string) string {
	s := sha256.Sum256([]byte(text))
	return "sha256:" + hex.EncodeToString(s[:])
}

// The formula of plugin.proto, written out by hand: another SDK that builds
// this text gets this hash.
func TestCheckpointHashFormula(t *testing.T) {
	files := map[string]string{"weights.safetensors": digest("w"), "config.json": digest("c")}
	text := "harness.checkpoint.v1\nformat tinyvlm\nparent sha256:abc\n" +
		"file config.json " + digest("c") + "\n" +
		"file weights.safetensors " + digest("w") + "\n"
	if got, want := sdk.CheckpointHash("tinyvlm", "sha256:abc", files), digest(text); got != want {
		t.Errorf("CheckpointHash = %s, want %s", got, want)
	}
	if a, b := sdk.CheckpointHash("tinyvlm", "", files), sdk.CheckpointHash("hf", "", files); a == b {
		t.Error("format does not enter the hash")
	}
}

func TestWriteReadVerifyCheckpoint(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "config.json"), `{"layers":2}`)
	write(t, filepath.Join(dir, "shards", "model-00001.safetensors"), "weights")
	parent := &sdk.Checkpoint{Hash: "sha256:parent"}
	ck, err := sdk.WriteCheckpoint(dir, "tinyvlm", parent)
	if err != nil {
		t.Fatal(err)
	}
	if ck.Parent != "sha256:parent" || ck.Files["shards/model-00001.safetensors"] != digest("weights") || len(ck.Files) != 2 {
		t.Fatalf("checkpoint %+v", ck)
	}
	if ck.Hash != sdk.CheckpointHash("tinyvlm", "sha256:parent", ck.Files) {
		t.Errorf("hash %s does not follow the formula", ck.Hash)
	}
	back, err := sdk.ReadCheckpoint(dir)
	if err != nil || back.Hash != ck.Hash || back.Dir != ck.Dir {
		t.Fatalf("ReadCheckpoint = %+v, %v", back, err)
	}
	// Writing again (the manifest now exists) gives the same checkpoint.
	again, err := sdk.WriteCheckpoint(dir, "tinyvlm", parent)
	if err != nil || again.Hash != ck.Hash {
		t.Errorf("second WriteCheckpoint = %+v, %v", again, err)
	}

	// Tampering is caught, whichever part changed.
	write(t, filepath.Join(dir, "config.json"), `{"layers":3}`)
	if err := sdk.VerifyCheckpoint(ck); err == nil || !strings.Contains(err.Error(), "config.json has sha256:") {
		t.Errorf("changed file: %v", err)
	}
	bad := *ck
	bad.Hash = "sha256:0000"
	if err := sdk.VerifyCheckpoint(&bad); err == nil || !strings.Contains(err.Error(), "does not follow the formula") {
		t.Errorf("wrong hash: %v", err)
	}
	escape := *ck
	escape.Files = map[string]string{"../outside": digest("x")}
	escape.Hash = sdk.CheckpointHash(escape.Format, escape.Parent, escape.Files)
	if err := sdk.VerifyCheckpoint(&escape); err == nil || !strings.Contains(err.Error(), "not a plain relative path") {
		t.Errorf("escaping name: %v", err)
	}
	if _, err := sdk.ReadCheckpoint(t.TempDir()); err == nil || !strings.Contains(err.Error(), "checkpoint.json") {
		t.Errorf("folder without manifest: %v", err)
	}
}

func TestWriteCheckpointRefuses(t *testing.T) {
	if _, err := sdk.WriteCheckpoint(t.TempDir(), "", nil); !errors.Is(err, sdk.ErrInvalid) {
		t.Errorf("empty format: %v", err)
	}
	if _, err := sdk.WriteCheckpoint(t.TempDir(), "tinyvlm", nil); err == nil || !strings.Contains(err.Error(), "no files") {
		t.Errorf("empty folder: %v", err)
	}
	dir := t.TempDir()
	write(t, filepath.Join(dir, "a"), "a")
	if err := os.Symlink("/etc/passwd", filepath.Join(dir, "link")); err != nil {
		t.Skip(err)
	}
	if _, err := sdk.WriteCheckpoint(dir, "tinyvlm", nil); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("symlink: %v", err)
	}
}
