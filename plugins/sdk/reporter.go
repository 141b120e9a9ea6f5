package sdk

import (
	"fmt"
	"maps"
)

// Metric names the harness plots and summarises (training curves, one line
// per recipe). A trainer may report any others too; these are the ones with a
// meaning across trainers.
const (
	MetricLoss           = "loss"
	MetricReward         = "reward"
	MetricKL             = "kl"
	MetricResponseLength = "response_length" // mean generated tokens per response
	MetricAhaRate        = "aha_rate"        // share of responses with an "aha" word (paper App. A.2), 0-1
	MetricAccuracy       = "accuracy"        // share of rewarded responses or correct answers, 0-1
	MetricLearningRate   = "learning_rate"
)

// Log levels of LogLine.
const (
	LevelDebug = "debug"
	LevelInfo  = "info"
	LevelWarn  = "warn"
	LevelError = "error"
)

// Reporter sends a training stage's progress, metrics and log lines to the
// host. Make one per Train call from its emit function:
//
//	rep := sdk.NewReporter(emit, steps)
//	for step := 1; step <= steps; step++ {
//		loss := ...
//		if err := rep.Step(step, map[string]float64{sdk.MetricLoss: loss}); err != nil {
//			return nil, err // the host went away or cancelled
//		}
//	}
//
// An error from a Reporter means the host can no longer hear the stage:
// return it. A Reporter is not safe for concurrent use.
type Reporter struct {
	emit  func(TrainEvent) error
	total int
}

// NewReporter returns a Reporter for a stage of total steps (0 when unknown).
func NewReporter(emit func(TrainEvent) error, total int) *Reporter {
	return &Reporter{emit: emit, total: total}
}

// SetTotal changes the number of steps, for a stage that learns it late.
func (r *Reporter) SetTotal(total int) { r.total = total }

// Step reports that step (1-based) of the stage is done, with its metrics.
// The map is copied.
func (r *Reporter) Step(step int, metrics map[string]float64) error {
	return r.emit(TrainEvent{Progress: &Progress{Step: step, Total: r.total, Metrics: maps.Clone(metrics)}})
}

// Logf sends an info line.
func (r *Reporter) Logf(format string, args ...any) error {
	return r.Log(LevelInfo, fmt.Sprintf(format, args...))
}

// Warnf sends a warning line.
func (r *Reporter) Warnf(format string, args ...any) error {
	return r.Log(LevelWarn, fmt.Sprintf(format, args...))
}

// Log sends a line at a level (LevelDebug, LevelInfo, LevelWarn, LevelError).
func (r *Reporter) Log(level, message string) error {
	return r.emit(TrainEvent{Log: &LogLine{Level: level, Message: message}})
}
