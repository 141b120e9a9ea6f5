package sdk

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
)

// Training records in the VLAA-Thinking layout, one JSON object per line.
// The harness's toy world writes them (sft.jsonl, rl.jsonl, pretrain.jsonl);
// the released VLAA-Thinking data has the same core fields (id, image,
// question, gt, answer or verifier_type), so a trainer that reads these reads
// both. Fields a file does not have stay empty.

// SFTRecord is one supervised example: the answer is the full target text,
// "<think>reasoning</think><answer>final</answer>".
type SFTRecord struct {
	ID       string          `json:"id"`
	Image    string          `json:"image"` // relative to the data file's folder; see ResolveImage
	Question string          `json:"question"`
	GT       json.RawMessage `json:"gt"` // the ground truth, as the verifier reads it
	Answer   string          `json:"answer"`
	// Style is the trace style of the toy world: "direct" or "pseudo" (long,
	// hesitant "pseudo reasoning" with aha words).
	Style        string `json:"style"`
	VerifierType string `json:"verifier_type"`
	Scene        string `json:"scene"`    // toy world scene kind
	Template     string `json:"template"` // toy world question template
	// PosedAs names the benchmark whose prompt layout Question follows;
	// empty for the toy world's own layout.
	PosedAs string `json:"posed_as,omitempty"`
}

// RLRecord is one GRPO prompt: the question, its ground truth, and the
// verifier type that picks the reward (digit, mcq, math, iou, open_ended).
type RLRecord struct {
	ID           string          `json:"id"`
	Image        string          `json:"image"`
	Question     string          `json:"question"`
	GT           json.RawMessage `json:"gt"`
	VerifierType string          `json:"verifier_type"`
	Scene        string          `json:"scene"`
	Template     string          `json:"template"`
	PosedAs      string          `json:"posed_as,omitempty"`
}

// PretrainRecord is one answer-only example for pre-training a base model:
// a question and its short answer, no reasoning.
type PretrainRecord struct {
	ID           string `json:"id"`
	Image        string `json:"image"`
	Question     string `json:"question"`
	Answer       string `json:"answer"`
	VerifierType string `json:"verifier_type"`
	Scene        string `json:"scene"`
	Template     string `json:"template"`
	PosedAs      string `json:"posed_as,omitempty"`
}

// ReadJSONL reads a JSON Lines file of records (SFTRecord, RLRecord,
// PretrainRecord or a trainer's own type). Blank lines are skipped; a line
// that does not parse is an ErrInvalid error naming file and line. Unknown
// fields are allowed, since real data sets carry extra ones.
func ReadJSONL[T any](path string) ([]T, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, Invalid("open training data: %v", err)
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	for line := 1; sc.Scan(); line++ {
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var rec T
		if err := json.Unmarshal(b, &rec); err != nil {
			return nil, Invalid("%s:%d: %s", path, line, describeJSONError(b, err))
		}
		out = append(out, rec)
	}
	if err := sc.Err(); err != nil {
		return nil, Invalid("read %s: %v", path, err)
	}
	return out, nil
}

// ResolveImage turns a record's image field into a path, relative to the
// folder of the data file that named it. A path that leaves that folder
// (absolute, or through "..") is an ErrInvalid error: a data file never makes
// a trainer read outside its own folder.
func ResolveImage(dataFile, image string) (string, error) {
	if image == "" {
		return "", Invalid("%s: record has no image", dataFile)
	}
	if filepath.IsAbs(image) || !filepath.IsLocal(filepath.FromSlash(image)) {
		return "", Invalid("%s: image %q is outside the data folder; use a path relative to the file", dataFile, image)
	}
	dir := filepath.Dir(dataFile)
	p := filepath.Join(dir, filepath.FromSlash(image))
	// A symlink inside the folder may still point out of it.
	if real, err := filepath.EvalSymlinks(p); err == nil {
		base, berr := filepath.EvalSymlinks(dir)
		if berr == nil {
			if rel, rerr := filepath.Rel(base, real); rerr != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				return "", Invalid("%s: image %q links outside the data folder", dataFile, image)
			}
		}
	}
	return p, nil
}
