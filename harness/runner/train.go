package runner

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/vlmlab/harness/harness/config"
	"github.com/vlmlab/harness/plugins/sdk"
)

// train runs a recipe's stages in order, each from the previous checkpoint.
// Checkpoints are content-addressed by trainer name, version and executable
// hash, parameters, seed, data and parent, so a re-run reuses every stage
// whose inputs did not change and a rebuilt trainer retrains.
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
		exe, err := executableHash(e.Spec.Command[0])
		if err != nil {
			return nil, fmt.Errorf("recipe %s stage %s: trainer %s: %w", rc.Name, name, st.Trainer, err)
		}
		p, err := r.Host.Launch(ctx, e.Spec)
		if err != nil {
			return nil, err
		}
		info := p.Info()
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
		key, err := stageKey(stageInputs{Trainer: info.Name, Version: info.Version, Executable: exe, Stage: name,
			Params: paramsJSON, Seed: st.Seed, Parent: parent, Config: e.Config}, files)
		if err != nil {
			p.Kill()
			return nil, fmt.Errorf("recipe %s stage %s: %w", rc.Name, name, err)
		}
		dir := filepath.Join(r.Config.RunDir, "checkpoints", key[:16])
		if done, err := sdk.ReadCheckpoint(dir); err == nil {
			p.Kill()
			r.status("%s: stage %s reused checkpoint %s", rc.Name, name, dir)
			ckpt = done
			continue
		}
		if err := p.Configure(ctx, e.Config); err != nil {
			p.Kill()
			return nil, err
		}
		// A folder without a verified manifest is what a killed stage left:
		// start it afresh, so no stale file enters the new checkpoint.
		if err := os.RemoveAll(dir); err != nil {
			p.Kill()
			return nil, fmt.Errorf("recipe %s stage %s: clear %s: %w", rc.Name, name, dir, err)
		}
		r.status("%s: stage %s (%s %s) training into %s", rc.Name, name, info.Name, info.Version, dir)
		out, err := p.Trainer().Train(ctx, sdk.TrainRequest{Stage: name, Base: ckpt, OutputDir: dir, Data: files, Params: paramsJSON, Seed: st.Seed},
			func(ev sdk.TrainEvent) error {
				switch {
				case ev.Progress != nil && (ev.Progress.Step == ev.Progress.Total || ev.Progress.Step%10 == 0):
					r.status("%s: stage %s step %d/%d%s", rc.Name, name, ev.Progress.Step, ev.Progress.Total, formatMetrics(ev.Progress.Metrics))
				case ev.Log != nil:
					r.Log.Info(ev.Log.Message, "stage", name)
				}
				return nil
			})
		p.Kill()
		if err != nil {
			return nil, err
		}
		if abs, _ := filepath.Abs(dir); out.Dir != abs {
			return nil, fmt.Errorf("recipe %s stage %s: trainer %s wrote its checkpoint to %s, not the output folder %s", rc.Name, name, st.Trainer, out.Dir, abs)
		}
		if _, err := sdk.ReadCheckpoint(dir); err != nil {
			return nil, fmt.Errorf("recipe %s stage %s: trainer %s left no manifest (write checkpoints with sdk.WriteCheckpoint): %w", rc.Name, name, st.Trainer, err)
		}
		ckpt = out
	}
	return ckpt, nil
}

// stageInputs is everything a stage's output depends on besides its data.
type stageInputs struct {
	Trainer, Version string
	// Executable is the sha256 of the trainer's executable: a rebuilt
	// trainer that forgot to bump its version still retrains.
	Executable string
	Stage      string
	Params     []byte
	Seed       int64
	Parent     string
	Config     []byte
}

// stageKey hashes a stage's inputs and the bytes of its data files. A data
// file that cannot be read is an error: leaving it out of the key would let
// two different inputs share one checkpoint.
func stageKey(in stageInputs, files []string) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s\x00%d\x00%s\x00%s", in.Trainer, in.Version, in.Executable, in.Stage, in.Params, in.Seed, in.Parent, in.Config)
	for _, f := range files {
		sum, err := fileSHA256(f)
		if err != nil {
			return "", fmt.Errorf("training data: %w", err)
		}
		fmt.Fprintf(h, "\x00%s\x00%s", f, sum)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// executableHash is the sha256 of the program a plugin command runs.
func executableHash(command string) (string, error) {
	path, err := exec.LookPath(command)
	if err != nil {
		return "", err
	}
	return fileSHA256(path)
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// formatMetrics renders trainer metrics for a person: ": loss 0.412,
// online_accuracy 0.5" in name order ("" for none), not a Go map.
func formatMetrics(m map[string]float64) string {
	if len(m) == 0 {
		return ""
	}
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, k := range names {
		parts[i] = k + " " + strconv.FormatFloat(m[k], 'g', 4, 64)
	}
	return ": " + strings.Join(parts, ", ")
}
