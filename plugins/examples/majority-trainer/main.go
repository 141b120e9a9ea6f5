// Command majority-trainer is an example external trainer plugin, the
// smallest complete one: it learns the most frequent answer of each verifier
// type from GRPO-layout records (id, image, question, gt, verifier_type) and
// writes it as a checkpoint. Copy it to start a real trainer: everything a
// trainer owes the harness is here, and the SDK does the rest (strict config
// and params decoding, progress, the checkpoint manifest and its hash). Its
// test shows the two checks every plugin should run: sdktest.Conformance in
// process, and the built binary driven by the host.
//
// Declare it in harness.yaml:
//
//	plugins:
//	  - {name: majority, kind: trainer, command: [./bin/majority-trainer]}
package main

import (
	"context"
	"encoding/json"
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

// params are a stage's hyper-parameters (harness.yaml: stages[].params).
type params struct {
	// MinCount is how often an answer must occur to be learnt; rarer ones
	// leave the verifier type out of the checkpoint.
	MinCount int `json:"min_count"`
}

type trainer struct{ cfg config }

func serveConfig() *sdk.ServeConfig {
	t := &trainer{cfg: config{ReportEvery: 10}}
	return &sdk.ServeConfig{
		Info: sdk.Info{Name: "majority", Version: "1.0.0", ConfigSchema: schema,
			Description: "example trainer: majority answer per verifier type", Provides: []string{"majority"}},
		Trainer: t,
		Configure: func(_ context.Context, _ int, raw []byte) error {
			cfg := config{ReportEvery: 10}
			if err := sdk.Decode(raw, &cfg); err != nil {
				return err
			}
			if cfg.ReportEvery < 1 {
				return sdk.Invalid("report_every must be at least 1, got %d", cfg.ReportEvery)
			}
			t.cfg = cfg
			return nil
		},
	}
}

func main() { sdk.Serve(serveConfig()) }

func (t *trainer) Train(ctx context.Context, req sdk.TrainRequest, emit func(sdk.TrainEvent) error) (*sdk.Checkpoint, error) {
	p := params{MinCount: 1}
	if err := sdk.Decode(req.Params, &p); err != nil {
		return nil, err
	}
	if len(req.Data) == 0 {
		return nil, sdk.Invalid("no training data: give the stage a data: list (e.g. [rl])")
	}
	var recs []sdk.RLRecord
	for _, path := range req.Data {
		rs, err := sdk.ReadJSONL[sdk.RLRecord](path)
		if err != nil {
			return nil, err
		}
		recs = append(recs, rs...)
	}
	rep := sdk.NewReporter(emit, len(recs))
	counts := map[string]map[string]int{}
	hits := 0
	for i, r := range recs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if len(r.GT) == 0 {
			return nil, sdk.Invalid("record %s: field gt: missing", r.ID)
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
			if err := rep.Step(i+1, map[string]float64{sdk.MetricAccuracy: float64(hits) / float64(i+1)}); err != nil {
				return nil, err
			}
		}
	}
	model := map[string]json.RawMessage{}
	for vt, c := range counts {
		if best, n := majority(c); n >= p.MinCount {
			model[vt] = json.RawMessage(best)
		}
	}
	blob, err := json.MarshalIndent(model, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(req.OutputDir, 0o755); err != nil {
		return nil, sdk.Internal("create checkpoint folder: %v", err)
	}
	if err := os.WriteFile(filepath.Join(req.OutputDir, "majority.json"), blob, 0o644); err != nil {
		return nil, sdk.Internal("write checkpoint: %v", err)
	}
	return sdk.WriteCheckpoint(req.OutputDir, "majority", req.Base)
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
