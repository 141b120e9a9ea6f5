package sdk

import "context"

// Profiles name the two scoring rule sets every evaluator implements.
const (
	// ProfileLeaderboard reproduces VLMEvalKit, what the Open LMM Reasoning
	// Leaderboard shows.
	ProfileLeaderboard = "leaderboard"
	// ProfileOfficial follows each benchmark's own repository.
	ProfileOfficial = "official"
)

// Extraction paths recorded for every scored item.
const (
	PathRule       = "rule"       // answer found by rules, no judge call
	PathJudge      = "judge"      // answer found with the help of the LLM judge
	PathUnresolved = "unresolved" // rules failed and no usable judge answer: scored wrong
	// The two causes of an unresolved item, where an evaluator tells them
	// apart; hosts count both as unresolved.
	PathNoJudge     = "no-judge"     // rules failed and no judge is configured
	PathJudgeFailed = "judge-failed" // rules failed and the judge gave no usable answer
	// PathQuirk: the verdict was decided by a named reproduced quirk of the
	// reference scorer (ItemResult.Quirk); counted with the rule items.
	PathQuirk = "quirk"
)

// IsUnresolved reports whether an extraction path left the item without an
// answer (unresolved, no-judge or judge-failed).
func IsUnresolved(path string) bool {
	return path == PathUnresolved || path == PathNoJudge || path == PathJudgeFailed
}

// Image is one image of a prompt. Exactly one of Path and Data is set: official
// files point at image files, VLMEvalKit TSVs carry the bytes inline.
type Image struct {
	Path string // absolute path on the evaluator's machine
	Data []byte // encoded image (PNG, JPEG, ...)
	MIME string // e.g. "image/png"; may be empty when Path has a known extension
}

// Part is one piece of a prompt: text or an image, in the order the model sees them.
type Part struct {
	Text  string
	Image *Image
}

// Item is one benchmark question as the model is asked it.
type Item struct {
	ID     string
	Prompt []Part
	// Meta carries fields a report or a viewer may want (task, subject, level);
	// scoring never depends on it crossing the boundary.
	Meta map[string]string
}

// LoadRequest tells an evaluator which data to read and how to score it.
type LoadRequest struct {
	// Path is a benchmark data file or directory (official layout or VLMEvalKit TSV).
	Path string
	// Profile is ProfileLeaderboard or ProfileOfficial.
	Profile string
	// AllowPartial accepts a file whose item count differs from the benchmark's;
	// the report then says Partial.
	AllowPartial bool
	// SystemPrompt is passed through to the host with the items; evaluators do
	// not put it into Prompt.
	SystemPrompt string
	// Judge names the judge model, empty when none is configured. Without a judge,
	// items whose rules need one are scored wrong and counted unresolved.
	Judge string
	// Options are benchmark-specific settings (validated by the evaluator).
	Options map[string]string
}

// DatasetInfo describes a loaded data file.
type DatasetInfo struct {
	Benchmark string `json:"benchmark"`
	Path      string `json:"path"`
	DataHash  string `json:"data_hash"` // "sha256:<hex>" of the data file(s) read
	Count     int    `json:"count"`     // items loaded
	Expected  int    `json:"expected"`  // items the full benchmark has
	Partial   bool   `json:"partial,omitempty"`
	Synthetic bool   `json:"synthetic,omitempty"` // data made by the synthetic toy world
}

// Response is a model's raw answer to one item.
type Response struct {
	ItemID string
	Text   string
	// Failed marks an item the model backend could not answer (after retries);
	// it is scored wrong and reported with Error.
	Failed bool
	Error  string
	// Truncated marks a response cut at the token limit (finish_reason
	// "length"); it is scored like any other, and counted in the report.
	Truncated bool
	// ReasoningField is the Generation's: where the server put the thinking.
	ReasoningField string
}

// JudgeRequest asks the host to run one LLM judge call. The evaluator builds
// the prompt with the benchmark's own template; the host only sends it.
type JudgeRequest struct {
	// Key identifies the call within one scoring session and is unique per
	// item, stage and attempt, e.g. "v1_12/extract/0".
	Key         string
	ItemID      string
	Stage       string // e.g. "extract", "score", "match"
	Attempt     int    // 0-based; retries use the benchmark's temperature schedule
	System      string
	Prompt      string
	Temperature float64
	MaxTokens   int
}

// JudgeAnswer is the host's reply to a JudgeRequest.
type JudgeAnswer struct {
	Key  string
	Text string
	// Error is set when the host could not get an answer (after retries); the
	// evaluator treats the attempt as failed.
	Error string
}

// Metric is one named number of a report. Values are percentages (0-100)
// unless the name says otherwise.
type Metric struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
}

// Row is one line of a breakdown table.
type Row struct {
	Key   string  `json:"key"`
	Total int     `json:"total"`
	Hit   float64 `json:"hit"`   // hits (may be fractional for continuous scores)
	Value float64 `json:"value"` // percentage
}

// Breakdown is a per-category table: by task, skill, subject, level, ...
type Breakdown struct {
	Name string `json:"name"`
	Rows []Row  `json:"rows"`
}

// ItemResult is the scoring of one item.
type ItemResult struct {
	ID        string `json:"id"`
	Response  string `json:"response"`
	Extracted string `json:"extracted"`
	Path      string `json:"path"` // PathRule, PathJudge, PathQuirk, PathNoJudge, PathJudgeFailed or PathUnresolved
	Hit       bool   `json:"hit"`
	Reason    string `json:"reason,omitempty"` // optional: why unresolved or failed
	// Truncated and ReasoningField come from the Response (set by the host,
	// not the evaluator).
	Truncated      bool   `json:"truncated"`
	ReasoningField string `json:"reasoning_field,omitempty"`
	// Quirk names the reproduced reference quirk that changed this item's
	// input or verdict, "" for none (see each benchmark's README).
	Quirk string `json:"quirk,omitempty"`
}

// Report is the final result of scoring one benchmark.
type Report struct {
	Benchmark string `json:"benchmark"`
	Profile   string `json:"profile"`
	Judge     string `json:"judge"` // judge model, empty if none
	// Postprocess names the response post-processing step applied before
	// scoring (benchmarks/postprocess: none, split-think, vlaa-thinker).
	Postprocess string      `json:"postprocess,omitempty"`
	Dataset     DatasetInfo `json:"dataset"`
	// Primary is the name of the leaderboard number among Metrics, and Score its value.
	Primary string   `json:"primary"`
	Score   float64  `json:"score"`
	Metrics []Metric `json:"metrics"`
	// Breakdowns per category.
	Breakdowns []Breakdown  `json:"breakdowns,omitempty"`
	Items      []ItemResult `json:"items,omitempty"`
	// Counts by extraction path.
	Rule       int `json:"rule"`
	Judged     int `json:"judged"`
	Unresolved int `json:"unresolved"`
	// Truncated counts responses cut at the token limit (set by the host).
	Truncated int `json:"truncated"`
	// Quirks counts the items each named quirk decided or changed.
	Quirks map[string]int `json:"quirks,omitempty"`
	// Missing counts the items that had no response (scored wrong); the
	// host sets it, and Dataset.Partial with it.
	Missing int `json:"missing,omitempty"`
}

// ScoreResult is what one scoring round gives: either judge requests still to
// answer (Pending non-empty, Report nil) or the final Report.
type ScoreResult struct {
	Pending []JudgeRequest
	Report  *Report
}

// Dataset is a loaded benchmark file, ready to hand out items and score responses.
type Dataset interface {
	Info() DatasetInfo
	Items() []Item
	// Score scores responses given the judge answers collected so far. It is
	// deterministic: the same responses and answers give the same result. It
	// returns judge requests while some item still needs one and a judge is
	// configured, the report otherwise. Responses for unknown items are an error;
	// items with no response are scored wrong (reason "no response").
	Score(ctx context.Context, responses []Response, answers []JudgeAnswer) (*ScoreResult, error)
}

// Benchmark is what an evaluator plugin implements for one benchmark.
type Benchmark interface {
	Info() BenchmarkInfo
	Load(ctx context.Context, req LoadRequest) (Dataset, error)
}

// BenchmarkInfo describes a benchmark independent of any data file.
type BenchmarkInfo struct {
	Name        string // e.g. "mathvista"
	Title       string // e.g. "MathVista (testmini)"
	Items       int    // expected item count of the full split
	Primary     string // name of the leaderboard metric, e.g. "Overall acc"
	Description string
}
