package suite

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/vlmlab/harness/plugins/sdk"
)

// Result is one evaluation of one model, as written to eval.json.
type Result struct {
	Harness  string    `json:"harness_version"`
	Command  []string  `json:"command,omitempty"`
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	Model    Model     `json:"model"`
	Judge    *Judge    `json:"judge,omitempty"`
	Cache    string    `json:"cache,omitempty"`
	// Benchmarks in the order they were asked for.
	Benchmarks []Outcome `json:"benchmarks"`
	// Average of the leaderboard numbers; nil unless every benchmark has one.
	Average *float64 `json:"average,omitempty"`
	Usage   Usage    `json:"usage"`
}

// Model is the model backend as it was called.
type Model struct {
	Endpoint     string             `json:"endpoint"`
	Name         string             `json:"name"`
	SystemPrompt string             `json:"system_prompt"`
	Generation   sdk.GenerateParams `json:"generation"`
	MaxPixels    int                `json:"max_pixels"`
	Concurrency  int                `json:"concurrency"`
	RPS          float64            `json:"requests_per_second,omitempty"`
	Timeout      string             `json:"timeout"`
}

// Judge is the LLM judge as it was called.
type Judge struct {
	Endpoint string `json:"endpoint"`
	Name     string `json:"name"`
}

// Usage counts the calls of the run; cache hits are calls not made.
type Usage struct {
	ModelRequests   int64 `json:"model_requests"`
	ModelCacheHits  int64 `json:"model_cache_hits"`
	ModelRetries    int64 `json:"model_retries"`
	JudgeRequests   int64 `json:"judge_requests"`
	JudgeCacheHits  int64 `json:"judge_cache_hits"`
	PromptTokens    int64 `json:"prompt_tokens"`
	CompletionToken int64 `json:"completion_tokens"`
}

// Outcome is one benchmark's part of the run.
type Outcome struct {
	Benchmark string  `json:"benchmark"`
	Plugin    Plugin  `json:"plugin"`
	Data      string  `json:"data"`
	DataHash  string  `json:"data_hash,omitempty"`
	Profile   string  `json:"profile"`
	Items     int     `json:"items"`
	Partial   bool    `json:"partial,omitempty"`
	Synthetic bool    `json:"synthetic,omitempty"`
	Primary   string  `json:"primary,omitempty"`
	Score     float64 `json:"score"`
	// Scored is false when the benchmark could not run (Error says why).
	Scored     bool `json:"scored"`
	Unresolved int  `json:"unresolved"`
	// Truncated counts responses cut at the token limit, and TruncationRate
	// is their share of the items (0 to 1): a score with many truncated
	// responses says more about max_tokens than about the model.
	Truncated      int       `json:"truncated"`
	TruncationRate float64   `json:"truncation_rate"`
	Failed         []Failure `json:"failed,omitempty"`
	Error          string    `json:"error,omitempty"`
	Seconds        float64   `json:"seconds"`
	Report         string    `json:"report,omitempty"`
	ItemsFile      string    `json:"items_file,omitempty"`

	stopped bool // the model backend failed as a whole
}

// Plugin identifies the evaluator that scored a benchmark.
type Plugin struct {
	Name        string `json:"name"`
	Version     string `json:"version,omitempty"`
	APIVersions []int  `json:"api_versions,omitempty"`
	Source      string `json:"source,omitempty"`
}

// Failure is an item the model backend could not answer.
type Failure struct {
	ID     string `json:"id"`
	Reason string `json:"reason"`
}

// FailedItems counts items that got no answer, over all benchmarks.
func (r *Result) FailedItems() int {
	n := 0
	for _, o := range r.Benchmarks {
		n += len(o.Failed)
	}
	return n
}

// FailedBenchmarks counts benchmarks that could not be scored.
func (r *Result) FailedBenchmarks() int {
	n := 0
	for _, o := range r.Benchmarks {
		if !o.Scored {
			n++
		}
	}
	return n
}

// Scores maps each scored benchmark to its leaderboard number.
func (r *Result) Scores() map[string]float64 {
	m := make(map[string]float64, len(r.Benchmarks))
	for _, o := range r.Benchmarks {
		if o.Scored {
			m[o.Benchmark] = o.Score
		}
	}
	return m
}

func (r *Result) average() {
	r.Average = nil
	if len(r.Benchmarks) == 0 {
		return
	}
	sum := 0.0
	for _, o := range r.Benchmarks {
		if !o.Scored {
			return
		}
		sum += o.Score
	}
	avg := sum / float64(len(r.Benchmarks))
	r.Average = &avg
}

// Write saves r as dir/eval.json (atomically: a reader never sees half a file).
func (r *Result) Write(dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("write eval report: %w", err)
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return "", fmt.Errorf("write eval report: %w", err)
	}
	path := filepath.Join(dir, "eval.json")
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return "", fmt.Errorf("write eval report: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return "", fmt.Errorf("write eval report: %w", err)
	}
	return path, nil
}
