// Command majority-trainer is an example external trainer plugin, the
// smallest complete one: it learns the most frequent answer of each verifier
// type from GRPO-layout records (id, image, question, gt, verifier_type) and
// writes it as a checkpoint. Copy it to start a real trainer: everything a
// trainer owes the harness is here (Describe info, config schema, Configure,
// streamed progress, cancellation, a hashed checkpoint manifest).
//
// Declare it in harness.yaml:
//
//	plugins:
//	  - {name: majority, kind: trainer, command: [./bin/majority-trainer]}
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/vlmlab/harness/plugins/sdk"
)

const schema = `{
  "type": "object",
  "properties": {"report_every": {"type": "integer", "minimum": 1, "description": "records between progress events"}},
  "additionalProperties": false
}`

type config struct {
	ReportEvery int `json:"report_every"`
}

type trainer struct{ cfg config }

func main() {
	t := &trainer{cfg: config{ReportEvery: 10}}
	sdk.Serve(&sdk.ServeConfig{
		Info: sdk.Info{Name: "majority", Version: "1.0.0", ConfigSchema: schema,
			Description: "example trainer: majority answer per verifier type", Provides: []string{"majority"}},
		Trainer: t,
		Configure: func(_ context.Context, _ int, raw []byte) error {
			if len(raw) == 0 || string(raw) == "null" {
				return nil
			}
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&t.cfg); err != nil {
				return fmt.Errorf("config: %w", err)
			}
			if t.cfg.ReportEvery < 1 {
				return fmt.Errorf("config: report_every must be at least 1, got %d", t.cfg.ReportEvery)
			}
			return nil
		},
	})
}

type record struct {
	ID           string          `json:"id"`
	GT           json.RawMessage `json:"gt"`
	VerifierType string          `json:"verifier_type"`
}

func (t *trainer) Train(ctx context.Context, req sdk.TrainRequest, emit func(sdk.TrainEvent) error) (*sdk.Checkpoint, error) {
	if len(req.Data) == 0 {
		return nil, fmt.Errorf("no training data: give the stage a data: list (e.g. [rl])")
	}
	var recs []record
	for _, path := range req.Data {
		rs, err := readJSONL(path)
		if err != nil {
			return nil, err
		}
		recs = append(recs, rs...)
	}
	counts := map[string]map[string]int{}
	hits := 0
	for i, r := range recs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		vt := r.VerifierType
		if vt == "" {
			vt = "any"
		}
		if counts[vt] == nil {
			counts[vt] = map[string]int{}
		}
		// Online accuracy: would the majority so far have got this one?
		if best, _ := majority(counts[vt]); best == string(r.GT) {
			hits++
		}
		counts[vt][string(r.GT)]++
		if (i+1)%t.cfg.ReportEvery == 0 || i+1 == len(recs) {
			if err := emit(sdk.TrainEvent{Progress: &sdk.Progress{Step: i + 1, Total: len(recs),
				Metrics: map[string]float64{"online_accuracy": float64(hits) / float64(i+1)}}}); err != nil {
				return nil, err
			}
		}
	}
	model := map[string]json.RawMessage{}
	for vt, c := range counts {
		best, _ := majority(c)
		model[vt] = json.RawMessage(best)
	}
	if err := os.MkdirAll(req.OutputDir, 0o755); err != nil {
		return nil, fmt.Errorf("create checkpoint folder: %w", err)
	}
	blob, err := json.MarshalIndent(model, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(req.OutputDir, "majority.json"), blob, 0o644); err != nil {
		return nil, fmt.Errorf("write checkpoint: %w", err)
	}
	sum := sha256.Sum256(blob)
	ck := &sdk.Checkpoint{Dir: req.OutputDir, Format: "majority", Files: map[string]string{"majority.json": "sha256:" + hex.EncodeToString(sum[:])}}
	if req.Base != nil {
		ck.Parent = req.Base.Hash
	}
	h := sha256.Sum256([]byte(ck.Format + "\x00" + ck.Parent + "\x00" + ck.Files["majority.json"]))
	ck.Hash = "sha256:" + hex.EncodeToString(h[:])
	return ck, nil
}

// majority returns the most frequent answer, ties broken by the smallest.
func majority(c map[string]int) (string, int) {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	best, n := "", 0
	for _, k := range keys {
		if c[k] > n {
			best, n = k, c[k]
		}
	}
	return best, n
}

func readJSONL(path string) ([]record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open training data: %w", err)
	}
	defer f.Close()
	var out []record
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	for line := 1; sc.Scan(); line++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var r record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, line, err)
		}
		if len(r.GT) == 0 {
			return nil, fmt.Errorf("%s:%d: field gt: missing", path, line)
		}
		out = append(out, r)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return out, nil
}
