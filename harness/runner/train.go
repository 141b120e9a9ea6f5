package runner

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/vlmlab/harness/harness/config"
	"github.com/vlmlab/harness/plugins/sdk"
)

// train runs a recipe's stages in order, each from the previous checkpoint.
// Checkpoints are content-addressed by trainer, version, parameters, seed,
// data and parent, so a re-run reuses every stage whose inputs did not change.
func (r *Runner) train(ctx context.Context, rc config.Recipe, data *dataSet) (*sdk.Checkpoint, error) {
	var ckpt *sdk.Checkpoint
	for i, st := range r.stages(rc) {
		name := st.Name
		if name == "" {
			name = st.Trainer
		}
		e, ok := r.Catalog.Get(st.Trainer)
		if !ok {
			return nil, fmt.Errorf("recipe %s stage %d: no trainer plugin %q", rc.Name, i+1, st.Trainer)
		}
		p, err := r.Host.Launch(ctx, e.Spec)
		if err != nil {
			return nil, err
		}
		info, err := p.Describe(ctx)
		if err != nil {
			p.Kill()
			return nil, err
		}
		paramsJSON, err := json.Marshal(st.Params)
		if err != nil {
			p.Kill()
			return nil, fmt.Errorf("recipe %s stage %s: params: %w", rc.Name, name, err)
		}
		var files []string
		for _, f := range st.Data {
			files = append(files, data.trainingFile(f))
		}
		parent := ""
		if ckpt != nil {
			parent = ckpt.Hash
		}
		key := stageKey(info.Name, info.Version, name, paramsJSON, st.Seed, files, parent, e.Config)
		dir := filepath.Join(r.Config.RunDir, "checkpoints", key[:16])
		if done, err := readCheckpoint(dir); err == nil {
			p.Kill()
			r.status("%s: stage %s reused checkpoint %s", rc.Name, name, dir)
			ckpt = done
			continue
		}
		if err := p.Configure(ctx, e.Config); err != nil {
			p.Kill()
			return nil, err
		}
		r.status("%s: stage %s (%s %s) training into %s", rc.Name, name, info.Name, info.Version, dir)
		out, err := p.Trainer().Train(ctx, sdk.TrainRequest{Stage: name, Base: ckpt, OutputDir: dir, Data: files, Params: paramsJSON, Seed: st.Seed},
			func(ev sdk.TrainEvent) error {
				switch {
				case ev.Progress != nil && (ev.Progress.Step == ev.Progress.Total || ev.Progress.Step%10 == 0):
					r.status("%s: stage %s step %d/%d %v", rc.Name, name, ev.Progress.Step, ev.Progress.Total, ev.Progress.Metrics)
				case ev.Log != nil:
					r.Log.Info(ev.Log.Message, "stage", name)
				}
				return nil
			})
		p.Kill()
		if err != nil {
			return nil, err
		}
		if err := writeJSON(filepath.Join(dir, "checkpoint.json"), out); err != nil {
			return nil, err
		}
		ckpt = out
	}
	return ckpt, nil
}

func stageKey(trainer, version, stage string, params []byte, seed int64, files []string, parent string, config []byte) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%d\x00%s\x00%s", trainer, version, stage, params, seed, parent, config)
	for _, f := range files {
		fmt.Fprintf(h, "\x00%s", f)
		if b, err := os.ReadFile(f); err == nil {
			s := sha256.Sum256(b)
			h.Write(s[:])
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

func readCheckpoint(dir string) (*sdk.Checkpoint, error) {
	b, err := os.ReadFile(filepath.Join(dir, "checkpoint.json"))
	if err != nil {
		return nil, err
	}
	var c sdk.Checkpoint
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	return &c, nil
}
