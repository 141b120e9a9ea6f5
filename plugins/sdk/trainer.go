package sdk

import "context"

// TrainRequest asks a trainer to run one stage.
type TrainRequest struct {
	Stage string // e.g. "sft", "grpo"
	// Base is the checkpoint to start from (empty for a fresh model).
	Base *Checkpoint
	// OutputDir is where the trainer writes its checkpoint.
	OutputDir string
	// Data lists training data files (e.g. VLAA-Thinking layout JSONL).
	Data []string
	// Params are the stage's hyper-parameters as JSON (validated by the trainer).
	Params []byte
	Seed   int64
}

// TrainEvent is one event of a training stream. Exactly one field is set.
type TrainEvent struct {
	Progress *Progress
	Log      *LogLine
}

// Progress reports one optimisation step.
type Progress struct {
	Step, Total int
	Metrics     map[string]float64 // loss, reward, kl, response_length, ...
}

// LogLine is a human-readable line from the trainer.
type LogLine struct {
	Level   string // "debug", "info", "warn", "error"
	Message string
}

// Checkpoint is a trained model's manifest.
type Checkpoint struct {
	Dir    string
	Format string // e.g. "tinyvlm", "hf"
	Parent string // hash of the parent checkpoint, empty for none
	// Files maps file names (relative to Dir) to "sha256:<hex>".
	Files map[string]string
	// Hash identifies the whole checkpoint (over Format, Parent and Files).
	Hash string
}

// Trainer is what a trainer plugin implements. Train sends events to emit as
// they happen and returns the output checkpoint; it stops when ctx is cancelled.
type Trainer interface {
	Train(ctx context.Context, req TrainRequest, emit func(TrainEvent) error) (*Checkpoint, error)
}
