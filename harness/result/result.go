// Package result is the on-disk record of evaluations: what `harness run`
// writes to run.json (one Cell per recipe × model × benchmark), what
// `harness eval` writes to eval.json (one Outcome per benchmark), and what
// the leaderboard reads. Both files embed the same Outcome, carry
// SchemaVersion, and are written atomically by Write.
//
// The package imports nothing of the harness beyond the plugin SDK's types,
// so any program (the leaderboard, a notebook's Go helper) can read results
// without pulling in the runner:
//
//	var run result.Run
//	if err := result.Read("runs/20260102-150405/run.json", &run); err != nil { ... }
//	for _, c := range run.Cells { fmt.Println(c.Recipe, c.Benchmark, c.Score) }
package result

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/vlmlab/harness/plugins/sdk"
)

// SchemaVersion is the version of the files this package writes. It grows
// when a field changes meaning or goes away; new fields keep it.
const SchemaVersion = 2

// Outcome is one benchmark evaluated for one model (one checkpoint): the
// unit both a run's cells and an eval's benchmarks are made of.
type Outcome struct {
	Benchmark string `json:"benchmark"`
	Plugin    Plugin `json:"plugin"`
	Data      string `json:"data"`
	DataHash  string `json:"data_hash,omitempty"`
	Profile   string `json:"profile"`
	// Judge is the judge model the evaluator was told about, "" for none.
	Judge string `json:"judge,omitempty"`
	// Postprocess is the response post-processing step the evaluator
	// applied before scoring (none, split-think, vlaa-thinker).
	Postprocess string `json:"postprocess,omitempty"`
	// Quirks counts the items each reproduced reference quirk decided.
	Quirks    map[string]int `json:"quirks,omitempty"`
	Items     int            `json:"items"`
	Partial   bool           `json:"partial,omitempty"`
	Synthetic bool           `json:"synthetic,omitempty"`
	// Primary names the leaderboard metric and Score is its value (0-100).
	Primary string   `json:"primary,omitempty"`
	Score   float64  `json:"score"`
	Metrics []Metric `json:"metrics,omitempty"`
	// Scored is false when the benchmark could not run (Error says why).
	Scored bool `json:"scored"`
	// Counts by extraction path.
	Rule       int `json:"rule"`
	Judged     int `json:"judged"`
	Unresolved int `json:"unresolved"`
	// Truncated counts responses cut at the token limit, and TruncationRate
	// is their share of the items (0 to 1): a score with many truncated
	// responses says more about max_tokens than about the model.
	Truncated      int     `json:"truncated"`
	TruncationRate float64 `json:"truncation_rate"`
	// Diagnostics describe the responses themselves (the paper's measures).
	Diagnostics *Diagnostics `json:"diagnostics,omitempty"`
	Failed      []Failure    `json:"failed,omitempty"`
	Error       string       `json:"error,omitempty"`
	Seconds     float64      `json:"seconds"`
	// Report and ItemsFile are the paths of the benchmark's full report
	// (metrics, breakdowns) and its per-item JSONL.
	Report    string `json:"report,omitempty"`
	ItemsFile string `json:"items_file,omitempty"`
}

// Metric is one named number of a report (percentages unless named otherwise).
type Metric struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
}

// Diagnostics are the paper's measures of how a model answers, over the
// responses of one benchmark.
type Diagnostics struct {
	// MeanResponseChars is the mean length of a response in characters
	// (tokens are not comparable across tokenizers; MeanResponseTokens is
	// set when the backend reported token counts).
	MeanResponseChars  float64 `json:"mean_response_chars"`
	MeanResponseTokens float64 `json:"mean_response_tokens,omitempty"`
	// AhaRate is the share of responses with at least one "aha" word
	// (paper App. A.2: wait, re-check, alternatively, ...), 0 to 1.
	AhaRate float64 `json:"aha_rate"`
	// FormatRate is the share of responses in the
	// <think>...</think><answer>...</answer> format, 0 to 1.
	FormatRate float64 `json:"format_rate"`
	// TruncationRate is the share cut at the token limit, 0 to 1.
	TruncationRate float64 `json:"truncation_rate"`
	Responses      int     `json:"responses"`
}

// PoolDiagnostics combines the diagnostics of several benchmarks into one,
// each weighted by its responses, so a row over six benchmarks is the
// measure over all its responses rather than a mean of six means; nil and
// empty entries add nothing.
func PoolDiagnostics(ds ...*Diagnostics) Diagnostics {
	var p Diagnostics
	for _, d := range ds {
		if d == nil || d.Responses == 0 {
			continue
		}
		n := float64(d.Responses)
		p.MeanResponseChars += d.MeanResponseChars * n
		p.AhaRate += d.AhaRate * n
		p.FormatRate += d.FormatRate * n
		p.TruncationRate += d.TruncationRate * n
		p.Responses += d.Responses
	}
	if p.Responses == 0 {
		return p
	}
	n := float64(p.Responses)
	p.MeanResponseChars /= n
	p.AhaRate /= n
	p.FormatRate /= n
	p.TruncationRate /= n
	return p
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

// FromReport fills o's scores from an evaluator's report.
func (o *Outcome) FromReport(rep *sdk.Report) {
	o.Primary, o.Score, o.Scored = rep.Primary, rep.Score, true
	o.Rule, o.Judged, o.Unresolved, o.Truncated = rep.Rule, rep.Judged, rep.Unresolved, rep.Truncated
	o.Judge, o.Postprocess, o.Quirks = rep.Judge, rep.Postprocess, rep.Quirks
	o.Metrics = o.Metrics[:0]
	for _, m := range rep.Metrics {
		o.Metrics = append(o.Metrics, Metric{Name: m.Name, Value: m.Value})
	}
	if len(rep.Items) > 0 {
		o.TruncationRate = float64(rep.Truncated) / float64(len(rep.Items))
	}
}

// Eval is one evaluation of one served model on a list of benchmarks
// (eval.json).
type Eval struct {
	SchemaVersion int       `json:"schema_version"`
	Harness       string    `json:"harness_version"`
	Command       []string  `json:"command,omitempty"`
	Started       time.Time `json:"started"`
	Finished      time.Time `json:"finished"`
	Model         Model     `json:"model"`
	Judge         *Judge    `json:"judge,omitempty"`
	Cache         string    `json:"cache,omitempty"`
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
	// MMProcessorKwargs is what each request sent as mm_processor_kwargs.
	MMProcessorKwargs map[string]any `json:"mm_processor_kwargs,omitempty"`
	Concurrency       int            `json:"concurrency"`
	RPS               float64        `json:"requests_per_second,omitempty"`
	Timeout           string         `json:"timeout"`
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

// FailedItems counts items that got no answer, over all benchmarks.
func (r *Eval) FailedItems() int {
	n := 0
	for _, o := range r.Benchmarks {
		n += len(o.Failed)
	}
	return n
}

// FailedBenchmarks counts benchmarks that could not be scored.
func (r *Eval) FailedBenchmarks() int {
	n := 0
	for _, o := range r.Benchmarks {
		if !o.Scored {
			n++
		}
	}
	return n
}

// Scores maps each scored benchmark to its leaderboard number.
func (r *Eval) Scores() map[string]float64 {
	m := make(map[string]float64, len(r.Benchmarks))
	for _, o := range r.Benchmarks {
		if o.Scored {
			m[o.Benchmark] = o.Score
		}
	}
	return m
}

// Average is the mean score of outcomes, nil unless every one was scored.
func Average(outcomes []Outcome) *float64 {
	if len(outcomes) == 0 {
		return nil
	}
	sum := 0.0
	for _, o := range outcomes {
		if !o.Scored {
			return nil
		}
		sum += o.Score
	}
	avg := sum / float64(len(outcomes))
	return &avg
}

// Run is a finished (or interrupted) `harness run` (run.json).
type Run struct {
	SchemaVersion int       `json:"schema_version"`
	ID            string    `json:"id"`
	Dir           string    `json:"dir"`
	Harness       string    `json:"harness_version"`
	Revision      string    `json:"revision,omitempty"`
	ConfigFile    string    `json:"config"`
	Started       time.Time `json:"started"`
	Seconds       float64   `json:"seconds"`
	Benchmarks    []string  `json:"benchmarks"`
	Cells         []Cell    `json:"cells"`
}

// Cell is one evaluated recipe × model × benchmark of a run. The Outcome's
// fields are inline.
type Cell struct {
	Recipe string `json:"recipe"`
	Model  string `json:"model"`
	// Checkpoint is the hash of the checkpoint the model answered with,
	// "" for a model as served (recipe base on a fixed endpoint).
	Checkpoint string `json:"checkpoint,omitempty"`
	// Status is StatusDone, StatusCached or StatusFailed.
	Status string `json:"status"`
	// Log is a file with the failing component's log, when there is one.
	Log string `json:"log,omitempty"`
	Outcome
}

// Cell states.
const (
	StatusDone   = "done"   // evaluated in this run
	StatusCached = "cached" // its result was reused from an earlier run
	StatusFailed = "FAILED" // see Error
)

// Succeeded says whether the cell has a score to show: scored without an
// error, in this run or an earlier one.
func (c *Cell) Succeeded() bool {
	return c.Scored && c.Error == "" && c.Status != StatusFailed
}

// Failed counts the cells that did not succeed: those that ended in an
// error, and any that were never scored.
func (r *Run) Failed() int {
	n := 0
	for i := range r.Cells {
		if !r.Cells[i].Succeeded() {
			n++
		}
	}
	return n
}

// Write saves v (an Eval, a Run, an Outcome) as indented JSON at path,
// atomically: through a temporary file in the same folder and a rename, so a
// reader (or a run killed mid-write) never leaves half a file.
func Write(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// Read loads a file written by Write into v, refusing a schema version newer
// than this package knows.
func Read(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var head struct {
		SchemaVersion int `json:"schema_version"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	if head.SchemaVersion > SchemaVersion {
		return fmt.Errorf("%s: schema_version %d is newer than this harness reads (%d); update the harness", path, head.SchemaVersion, SchemaVersion)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	return nil
}
