package sdk

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// ManifestFile is the name of the manifest WriteCheckpoint puts into a
// checkpoint folder. It is not part of the hashed files (it holds the hash).
const ManifestFile = "checkpoint.json"

// manifest is ManifestFile on disk: the Checkpoint less its Dir, so a folder
// can move and still describe itself.
type manifest struct {
	Schema string            `json:"schema"`
	Format string            `json:"format"`
	Parent string            `json:"parent,omitempty"`
	Files  map[string]string `json:"files"`
	Hash   string            `json:"hash"`
}

const manifestSchema = "harness.checkpoint/v1"

// WriteCheckpoint finishes a checkpoint folder: it hashes every regular file
// under dir (sub-folders included, ManifestFile excluded), writes ManifestFile
// and returns the Checkpoint a trainer sends back. parent is the checkpoint the
// stage started from (TrainRequest.Base), nil for a model trained from
// scratch. Call it last, after every weight file is written and closed.
//
// The hash formula is documented on the Checkpoint message of plugin.proto
// and implemented by CheckpointHash; the host recomputes it from the files.
func WriteCheckpoint(dir, format string, parent *Checkpoint) (*Checkpoint, error) {
	if format == "" {
		return nil, Invalid("write checkpoint %s: empty format (name the layout, e.g. \"tinyvlm\" or \"hf\")", dir)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, Internal("write checkpoint %s: %v", dir, err)
	}
	files, err := hashFiles(abs)
	if err != nil {
		return nil, Internal("write checkpoint: %v", err)
	}
	if len(files) == 0 {
		return nil, Internal("write checkpoint %s: the folder has no files", abs)
	}
	ck := &Checkpoint{Dir: abs, Format: format, Files: files}
	if parent != nil {
		ck.Parent = parent.Hash
	}
	ck.Hash = CheckpointHash(ck.Format, ck.Parent, ck.Files)
	blob, err := json.MarshalIndent(manifest{Schema: manifestSchema, Format: ck.Format, Parent: ck.Parent, Files: ck.Files, Hash: ck.Hash}, "", "  ")
	if err != nil {
		return nil, Internal("write checkpoint: %v", err)
	}
	if err := writeFileAtomic(filepath.Join(abs, ManifestFile), append(blob, '\n')); err != nil {
		return nil, Internal("write checkpoint: %v", err)
	}
	return ck, nil
}

// ReadCheckpoint reads the manifest of a checkpoint folder written by
// WriteCheckpoint (by any SDK) and verifies its files.
func ReadCheckpoint(dir string) (*Checkpoint, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	blob, err := os.ReadFile(filepath.Join(abs, ManifestFile))
	if err != nil {
		return nil, fmt.Errorf("read checkpoint %s: %w (is it a folder a trainer wrote?)", abs, err)
	}
	var m manifest
	if err := json.Unmarshal(blob, &m); err != nil {
		return nil, fmt.Errorf("read checkpoint %s: %s: %v", abs, ManifestFile, err)
	}
	if m.Schema != manifestSchema {
		return nil, fmt.Errorf("read checkpoint %s: %s has schema %q, this harness reads %q", abs, ManifestFile, m.Schema, manifestSchema)
	}
	ck := &Checkpoint{Dir: abs, Format: m.Format, Parent: m.Parent, Files: m.Files, Hash: m.Hash}
	if err := VerifyCheckpoint(ck); err != nil {
		return nil, err
	}
	return ck, nil
}

// CheckpointHash is the identity of a checkpoint: "sha256:" and the hex
// SHA-256 of the text
//
//	harness.checkpoint.v1\n
//	format <format>\n
//	parent <parent hash, or nothing>\n
//	file <name> <sha256:hex of the file>\n     (one line per file, names in byte order)
//
// where names are relative to the folder with "/" separators. Any SDK that
// produces the same text produces the same hash.
func CheckpointHash(format, parent string, files map[string]string) string {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	h := sha256.New()
	fmt.Fprintf(h, "harness.checkpoint.v1\nformat %s\nparent %s\n", format, parent)
	for _, n := range names {
		fmt.Fprintf(h, "file %s %s\n", n, files[n])
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// VerifyCheckpoint checks a checkpoint a trainer returned: the files it lists
// exist under Dir with those digests, and Hash follows CheckpointHash. The
// host runs it on every checkpoint before it records a stage as done.
func VerifyCheckpoint(ck *Checkpoint) error {
	if ck == nil {
		return errors.New("no checkpoint")
	}
	if ck.Dir == "" || !filepath.IsAbs(ck.Dir) {
		return fmt.Errorf("checkpoint dir %q is not an absolute path", ck.Dir)
	}
	if ck.Format == "" {
		return fmt.Errorf("checkpoint %s has no format", ck.Dir)
	}
	if len(ck.Files) == 0 {
		return fmt.Errorf("checkpoint %s lists no files", ck.Dir)
	}
	if want := CheckpointHash(ck.Format, ck.Parent, ck.Files); ck.Hash != want {
		return fmt.Errorf("checkpoint %s: hash %q does not follow the formula of plugin.proto (want %s); build it with sdk.WriteCheckpoint", ck.Dir, ck.Hash, want)
	}
	for name, digest := range ck.Files {
		if !fs.ValidPath(name) || name == ManifestFile {
			return fmt.Errorf("checkpoint %s: file name %q is not a plain relative path", ck.Dir, name)
		}
		got, err := FileDigest(filepath.Join(ck.Dir, filepath.FromSlash(name)))
		if err != nil {
			return fmt.Errorf("checkpoint %s: %w", ck.Dir, err)
		}
		if got != digest {
			return fmt.Errorf("checkpoint %s: %s has %s, the manifest says %s (changed after it was written?)", ck.Dir, name, got, digest)
		}
	}
	return nil
}

func hashFiles(dir string) (map[string]string, error) {
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if rel == ManifestFile || strings.HasPrefix(filepath.Base(rel), ".tmp-") {
			return nil
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s is not a regular file (links are not allowed in a checkpoint)", path)
		}
		digest, err := FileDigest(path)
		if err != nil {
			return err
		}
		files[rel] = digest
		return nil
	})
	return files, err
}

// FileDigest is "sha256:<hex>" of a file's bytes, the form checkpoint manifests use.
func FileDigest(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

// writeFileAtomic writes through a temporary file and a rename, so a reader
// never sees half a manifest.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
