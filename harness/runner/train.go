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
	"sync"
	"time"

	"github.com/vlmlab/harness/plugins/sdk"
)

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

// formatMetrics renders trainer metrics for a person: "loss 0.412,
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
	return strings.Join(parts, ", ")
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
// stage is named by its name, or its trainer when it has none), through the
// same planner and executor as Run: stages whose inputs did not change come
// from the checkpoint cache. It returns the stage's checkpoint.
func (r *Runner) TrainStage(ctx context.Context, stage string) (*sdk.Checkpoint, error) {
	plan, _, err := r.planStages(ctx, stage)
	if err != nil {
		return nil, err
	}
	x := &executor{r: r, runDir: filepath.Join(r.Config.RunDir, "train"), sem: make(chan struct{}, max(1, r.Jobs))}
	var wg sync.WaitGroup
	for _, s := range plan.Stages {
		wg.Add(1)
		go func() { defer wg.Done(); x.stage(ctx, s) }()
	}
	wg.Wait()
	last := plan.Stages[len(plan.Stages)-1]
	if last.err != nil {
		if last.log != "" {
			return nil, fmt.Errorf("%w (log %s)", last.err, last.log)
		}
		return nil, last.err
	}
	return last.ckpt, nil
}
