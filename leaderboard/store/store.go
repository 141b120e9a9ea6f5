package store

import (
	"context"
	"errors"
	"time"

	"github.com/vlmlab/harness/benchmarks/registry"
)

// ErrNotFound is returned for an entry, submission or token that does not
// exist (or is hidden from the caller).
var ErrNotFound = errors.New("not found")

// ErrDuplicate is returned when a submission with the same content was
// already accepted.
var ErrDuplicate = errors.New("duplicate")

// Benchmarks is the column order of the six scores (benchmarks/registry's).
var Benchmarks = registry.Names()

// Buckets are the parameter-size filters, smallest first.
var Buckets = []string{"<4B", "4-10B", "10-20B", "20-40B", ">40B", "unknown"}

// BucketOf puts a parameter count (billions) in its bucket.
func BucketOf(paramsB float64) string {
	switch {
	case paramsB <= 0:
		return "unknown"
	case paramsB < 4:
		return "<4B"
	case paramsB < 10:
		return "4-10B"
	case paramsB < 20:
		return "10-20B"
	case paramsB < 40:
		return "20-40B"
	default:
		return ">40B"
	}
}

// Entry is one row of the leaderboard.
type Entry struct {
	ID           string
	Model        string
	Organisation string
	// ParamsB is the parameter count in billions; 0 when not known.
	ParamsB float64
	// Bucket is the size filter the entry falls in (one of Buckets).
	Bucket   string
	Type     string // base, SFT, RL, SFT+RL, API
	Kind     string // model or ablation
	Verified bool   // scored by this server from raw predictions
	Profile  string
	Judge    string // judge model, "" when none
	EvalDate string
	// Scores by benchmark name; a missing benchmark is absent.
	Scores map[string]float64
	// Average of the six; meaningful only when Complete.
	Average  float64
	Complete bool
	Hidden   bool
	// Flag is an admin's note shown on the entry ("" when not flagged).
	Flag         string
	SubmissionID string
	// Detail is what the entry page shows beyond the row.
	Detail  Detail
	Updated time.Time
}

// Row is an Entry as a ranking lists it: no Detail, and its rank.
type Row struct {
	Entry
	// Rank among the complete rows of the same view (1 = best, ties
	// share); 0 for incomplete rows, which are not ranked.
	Rank int
}

// Detail is the JSON document of an entry page.
type Detail struct {
	Method      string            `json:"method,omitempty"`
	BaseModel   string            `json:"base_model,omitempty"`
	LLM         string            `json:"llm,omitempty"`
	Vision      string            `json:"vision_encoder,omitempty"`
	Sources     []Source          `json:"sources,omitempty"`
	Notes       []string          `json:"notes,omitempty"`
	ReportedAvg *float64          `json:"reported_avg,omitempty"`
	Benchmarks  []BenchmarkDetail `json:"benchmarks,omitempty"`
	Provenance  *Provenance       `json:"provenance,omitempty"`
	// Reproduce is the command that reproduces the entry.
	Reproduce string `json:"reproduce,omitempty"`
}

// Source is where reported numbers were published.
type Source struct {
	Ref  string `json:"ref"`
	URL  string `json:"url,omitempty"`
	Date string `json:"date,omitempty"`
}

// Metric is one named number.
type Metric struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
}

// Breakdown is a per-category table of one benchmark.
type Breakdown struct {
	Name string         `json:"name"`
	Rows []BreakdownRow `json:"rows"`
}

// BreakdownRow is one category.
type BreakdownRow struct {
	Key   string  `json:"key"`
	Total int     `json:"total"`
	Hit   float64 `json:"hit"`
	Value float64 `json:"value"`
}

// BenchmarkDetail is one benchmark of a verified entry.
type BenchmarkDetail struct {
	Name       string      `json:"name"`
	Primary    string      `json:"primary"`
	Score      float64     `json:"score"`
	Metrics    []Metric    `json:"metrics"`
	Breakdowns []Breakdown `json:"breakdowns,omitempty"`
	Items      int         `json:"items"`
	Expected   int         `json:"expected"`
	Partial    bool        `json:"partial,omitempty"`
	// Missing counts items of the data the submission gave no response for
	// (scored wrong).
	Missing     int         `json:"missing,omitempty"`
	Rule        int         `json:"rule"`
	Judged      int         `json:"judged"`
	Unresolved  int         `json:"unresolved"`
	DataHash    string      `json:"data_hash,omitempty"`
	Plugin      string      `json:"plugin,omitempty"`
	Diagnostics Diagnostics `json:"diagnostics"`
}

// Diagnostics describe the reasoning in the responses.
type Diagnostics struct {
	// MeanChars is the mean response length in characters.
	MeanChars float64 `json:"mean_chars"`
	// AhaRate is the share of responses (percent) with a reflection word
	// ("wait", "aha", "re-check", ...).
	AhaRate float64 `json:"aha_rate"`
	// FormatRate is the share (percent) of responses that keep the
	// <think>…</think> then answer format.
	FormatRate float64 `json:"format_rate"`
}

// Provenance records how a verified entry was produced.
type Provenance struct {
	Harness    string            `json:"harness_version"`
	Server     string            `json:"server_version"`
	Plugins    map[string]string `json:"plugins,omitempty"`
	Judge      string            `json:"judge,omitempty"`
	Profile    string            `json:"profile"`
	Generation map[string]any    `json:"generation,omitempty"`
	ConfigHash string            `json:"config_hash,omitempty"`
	DataHashes map[string]string `json:"data_hashes,omitempty"`
	Endpoint   string            `json:"endpoint,omitempty"`
	ModelName  string            `json:"model_name,omitempty"`
	Revision   string            `json:"revision,omitempty"`
	ScoredAt   time.Time         `json:"scored_at"`
}

// Item is one scored item of a verified entry.
type Item struct {
	Benchmark string `json:"benchmark"`
	Seq       int    `json:"seq"`
	ID        string `json:"id"`
	Question  string `json:"question"`
	Response  string `json:"response"`
	Extracted string `json:"extracted"`
	Path      string `json:"path"`
	Hit       bool   `json:"hit"`
	Reason    string `json:"reason,omitempty"`
}

// ItemPair is one item of two entries side by side.
type ItemPair struct {
	Benchmark string `json:"benchmark"`
	ID        string `json:"id"`
	Question  string `json:"question"`
	A         *Item  `json:"a"`
	B         *Item  `json:"b"`
}

// Query selects and orders rows of the leaderboard.
type Query struct {
	Buckets []string
	Types   []string
	// VerifiedOnly keeps entries this server scored.
	VerifiedOnly bool
	Profile      string
	// Ablations keeps kind=ablation entries (paper-internal runs).
	Ablations bool
	// Hidden also lists entries an admin hid.
	Hidden bool
	Search string
	// Sort is "rank" (default), "model", "organisation", "params", "type",
	// "date", "average" or a benchmark name; Desc reverses it.
	Sort   string
	Desc   bool
	Offset int
	Limit  int
}

// Page is one page of a list and the size of the whole list.
type Page[T any] struct {
	Rows  []T `json:"rows"`
	Total int `json:"total"`
}

// ItemQuery pages through the items of one entry.
type ItemQuery struct {
	Benchmark string
	Search    string
	// Hit filters on the outcome when not nil.
	Hit    *bool
	Offset int
	Limit  int
}

// Submission states.
const (
	Pending  = "PENDING"
	Running  = "RUNNING"
	Finished = "FINISHED"
	Failed   = "FAILED"
)

// Submission is one uploaded eval waiting for, in or past scoring.
type Submission struct {
	ID       string    `json:"id"`
	TokenID  string    `json:"-"`
	Model    string    `json:"model"`
	Status   string    `json:"status"`
	Reason   string    `json:"reason,omitempty"`
	Digest   string    `json:"digest"`
	EntryID  string    `json:"entry_id,omitempty"`
	Attempts int       `json:"attempts"`
	Log      string    `json:"log,omitempty"`
	Created  time.Time `json:"created"`
	Started  time.Time `json:"started,omitzero"`
	Finished time.Time `json:"finished,omitzero"`
	// Meta and Payload are the upload's JSON (metadata; predictions),
	// read by the scorer; lists leave Payload empty.
	Meta    string `json:"-"`
	Payload string `json:"-"`
}

// Token is a submitter's (or the admin's) credential; only its hash is kept.
type Token struct {
	ID      string
	Name    string
	Admin   bool
	Created time.Time
	// secret is the token itself, known only when AddToken made it.
	secret string
}

// Secret is the token to hand to its user: only AddToken's result has it.
func (t Token) Secret() string { return t.secret }

// Store is what the server, the queue and the commands need of a back end.
type Store interface {
	// PutEntry inserts or replaces an entry and, when items is not nil, its
	// items (replacing the old ones), in one transaction.
	PutEntry(ctx context.Context, e Entry, items []Item) error
	// PutEntries inserts or replaces many entries without items in one
	// transaction (the published rows at start-up, load tests).
	PutEntries(ctx context.Context, es []Entry) error
	Entry(ctx context.Context, id string) (Entry, error)
	// Rows reads every entry, without Detail.
	Rows(ctx context.Context) ([]Entry, error)
	// Version is a token that changes whenever Rows would change.
	Version(ctx context.Context) (string, error)
	// List answers q over the current rows (a fresh Ranking).
	List(ctx context.Context, q Query) (Page[Row], error)
	Items(ctx context.Context, entryID string, q ItemQuery) (Page[Item], error)
	// Compare pairs the items of two entries; onlyDiffer keeps the items
	// where exactly one of them is right (or only one has the item).
	Compare(ctx context.Context, a, b, benchmark string, onlyDiffer bool, offset, limit int) (Page[ItemPair], error)
	SetHidden(ctx context.Context, id string, hidden bool) error
	SetFlag(ctx context.Context, id, flag string) error

	// AddToken stores the hash of secret (a fresh random token when secret
	// is empty; else of the form lb_ID_SECRET); Token resolves a presented
	// secret.
	AddToken(ctx context.Context, name, secret string, admin bool) (Token, error)
	Token(ctx context.Context, secret string) (Token, error)

	// AddSubmission queues a submission (PENDING); ErrDuplicate when one
	// with the same digest is PENDING, RUNNING or FINISHED.
	AddSubmission(ctx context.Context, s Submission) (Submission, error)
	Submission(ctx context.Context, id string) (Submission, error)
	Submissions(ctx context.Context, offset, limit int) (Page[Submission], error)
	// Claim moves the oldest PENDING submission to RUNNING and returns it;
	// ErrNotFound when none is pending.
	Claim(ctx context.Context) (Submission, error)
	// Requeue moves every RUNNING submission back to PENDING: what a
	// server that was killed while scoring left behind.
	Requeue(ctx context.Context) (int, error)
	// Finish records a FINISHED submission and its entry and items in one
	// transaction.
	Finish(ctx context.Context, id string, e Entry, items []Item, log string) error
	// Fail records a FAILED submission with its reason.
	Fail(ctx context.Context, id, reason, log string) error
	// Retry moves a FINISHED or FAILED submission back to PENDING (admin).
	Retry(ctx context.Context, id string) error

	Ping(ctx context.Context) error
	Close() error
}
