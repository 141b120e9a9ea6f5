package runner

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

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
			if r.OnStage != nil {
				r.OnStage(StageResult{Recipe: rc.Name, Stage: name, Trainer: st.Trainer, Checkpoint: done, Reused: true})
			}
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
		var last sdk.Progress
		started := time.Now()
		curve, err := newMetricsLog(dir + ".metrics.jsonl")
		if err != nil {
			p.Kill()
			return nil, fmt.Errorf("recipe %s stage %s: %w", rc.Name, name, err)
		}
		out, err := p.Trainer().Train(ctx, sdk.TrainRequest{Stage: name, Base: ckpt, OutputDir: dir, Data: files, Params: paramsJSON, Seed: st.Seed},
			func(ev sdk.TrainEvent) error {
				if ev.Progress != nil {
					if err := curve.write(ev.Progress); err != nil {
						return err
					}
					last = *ev.Progress
					if r.OnProgress != nil {
						r.OnProgress(rc.Name, name, *ev.Progress)
					}
				}
				switch {
				case ev.Progress != nil && (ev.Progress.Step == ev.Progress.Total || ev.Progress.Step%10 == 0):
					r.status("%s: stage %s step %d/%d%s", rc.Name, name, ev.Progress.Step, ev.Progress.Total, formatMetrics(ev.Progress.Metrics))
				case ev.Log != nil:
					r.Log.Info(ev.Log.Message, "stage", name)
				}
				return nil
			})
		p.Kill()
		if cerr := curve.close(); err == nil && cerr != nil {
			err = fmt.Errorf("recipe %s stage %s: %w", rc.Name, name, cerr)
		}
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
		if r.OnStage != nil {
			r.OnStage(StageResult{Recipe: rc.Name, Stage: name, Trainer: st.Trainer, Checkpoint: out, Last: last, Seconds: time.Since(started).Seconds()})
		}
	}
	return ckpt, nil
}

// StageResult is one training stage of a run.
type StageResult struct {
	Recipe, Stage, Trainer string
	Checkpoint             *sdk.Checkpoint
	// Reused is true when the stage's checkpoint came from the cache.
	Reused bool
	// Last is the stage's last progress event (steps and final metrics).
	Last    sdk.Progress
	Seconds float64
}

// TrainStage trains one stage and the stages before it in its recipe (a
// stage is named by its name, or its trainer when it has none). Stages
// whose inputs did not change come from the checkpoint cache, shared with
// Run. It returns the stage's checkpoint.
func (r *Runner) TrainStage(ctx context.Context, stage string) (*sdk.Checkpoint, error) {
	var names []string
	for _, rc := range r.Config.Recipes {
		chain := r.stages(rc)
		for i, st := range chain {
			name := st.Name
			if name == "" {
				name = st.Trainer
			}
			names = append(names, name)
			if name != stage {
				continue
			}
			data, err := r.prepareData(ctx)
			if err != nil {
				return nil, err
			}
			return r.train(ctx, config.Recipe{Name: rc.Name, Stages: chain[:i+1]}, data)
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%s has no training stages (recipes: … stages:)", r.Config.File)
	}
	return nil, fmt.Errorf("%s has no stage %q; its stages are %s", r.Config.File, stage, strings.Join(uniqueStrings(names), ", "))
}

func uniqueStrings(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
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

// metricsLog writes a stage's progress events as JSON lines beside its
// checkpoint folder (CHECKPOINT.metrics.jsonl): one line per step with the
// trainer's metrics and the seconds since the stage started. It sits
// outside the folder so the checkpoint's file hashes never cover it.
type metricsLog struct {
	f     *os.File
	enc   *json.Encoder
	start time.Time
}

func newMetricsLog(path string) (*metricsLog, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("metrics log: %w", err)
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("metrics log: %w", err)
	}
	return &metricsLog{f: f, enc: json.NewEncoder(f), start: time.Now()}, nil
}

func (m *metricsLog) write(p *sdk.Progress) error {
	metrics := make(map[string]any, len(p.Metrics))
	for k, v := range p.Metrics {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			metrics[k] = nil // JSON has no NaN; null says the trainer sent one
		} else {
			metrics[k] = v
		}
	}
	line := struct {
		Step    int            `json:"step"`
		Total   int            `json:"total"`
		Seconds float64        `json:"seconds"`
		Metrics map[string]any `json:"metrics"`
	}{p.Step, p.Total, time.Since(m.start).Seconds(), metrics}
	if err := m.enc.Encode(line); err != nil {
		return fmt.Errorf("metrics log %s: %w", m.f.Name(), err)
	}
	return nil
}

func (m *metricsLog) close() error { return m.f.Close() }
