package openai

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"time"
)

// Defaults and the paper's evaluation settings.
const (
	DefaultBaseURL    = "https://api.openai.com/v1"
	DefaultAPIKeyEnv  = "OPENAI_API_KEY"
	DefaultBaseURLEnv = "OPENAI_BASE_URL"
	// DefaultJudgeModel is VLMEvalKit's judge for the six math benchmarks
	// (gpt-4o-mini pinned to its snapshot).
	DefaultJudgeModel = "gpt-4o-mini-2024-07-18"

	// PaperMaxPixels and PaperMaxTokens are what the paper evaluated with:
	// max_pixels 256·32·32 and 800 new tokens.
	PaperMaxPixels = 256 * 32 * 32
	PaperMaxTokens = 800

	defaultConcurrency            = 16
	defaultTimeout                = 300 * time.Second // VLMEvalKit's OpenAIWrapper timeout
	defaultMaxRetries             = 5                 // VLMEvalKit's retry count
	defaultBackoffBase            = time.Second
	defaultBackoffMax             = time.Minute
	defaultMaxRetryWait           = 5 * time.Minute
	defaultMaxConsecutiveFailures = 20
)

// Config sets up a Client. Zero values take the defaults named on each field.
type Config struct {
	// BaseURL is the API root, e.g. "http://127.0.0.1:8000/v1". Default: the
	// environment variable BaseURLEnv, else DefaultBaseURL.
	BaseURL string
	// BaseURLEnv names the variable BaseURL comes from (default OPENAI_BASE_URL).
	BaseURLEnv string
	// APIKey is sent as a Bearer token. Default: the variable APIKeyEnv; none
	// when that is empty too (local servers usually need none).
	APIKey string
	// APIKeyEnv names the variable the key comes from (default OPENAI_API_KEY).
	APIKeyEnv string
	// NoAPIKey sends no key whatever the environment holds: for a served
	// model, which must never receive $OPENAI_API_KEY by default.
	NoAPIKey bool
	// Getenv reads the environment (default os.Getenv); tests inject a map.
	Getenv func(string) string

	// Model is the model name sent with every request. Generate needs it;
	// Judge falls back to DefaultJudgeModel. It is also the model id in cache
	// keys: give each checkpoint its own served name so answers of different
	// checkpoints never share a key.
	Model string
	// SystemPrompt is used for prompts that carry no System of their own.
	SystemPrompt string
	// MaxPixels scales images larger than this many pixels down, keeping the
	// aspect ratio (PaperMaxPixels reproduces the paper). 0 sends images as they are.
	MaxPixels int
	// MMProcessorKwargs is sent as each generation request's
	// mm_processor_kwargs: vLLM hands it to the model's Hugging Face
	// processor, e.g. {"min_pixels": 1003520, "max_pixels": 12845056} for
	// Qwen2.5-VL, which resizes every image into that range on the server
	// (MaxPixels only scales large images down before sending). Nil sends
	// nothing; servers other than vLLM may refuse the field.
	MMProcessorKwargs map[string]any

	// Concurrency bounds requests in flight (default 16).
	Concurrency int
	// RequestsPerSecond limits the request rate, retries included; 0 is unlimited.
	RequestsPerSecond float64
	// Timeout bounds one HTTP request, body included (default 300s).
	Timeout time.Duration
	// MaxRetries is how often a failed request is retried (default 5; negative: never).
	MaxRetries int
	// BackoffBase and BackoffMax shape the exponential backoff between
	// retries (defaults 1s and 1m); each wait is jittered to 50–100%.
	BackoffBase, BackoffMax time.Duration
	// MaxRetryWait caps the wait a server asks for with Retry-After (default 5m).
	MaxRetryWait time.Duration
	// MaxConsecutiveFailures stops the whole run when this many requests in a
	// row fail after their retries (default 20; negative: never stop).
	MaxConsecutiveFailures int
	// MaxConsecutiveTimeouts stops the run when this many attempts in a row
	// got no answer within Timeout, none answered in between: a hung server
	// then stops the run after about one Timeout instead of Timeout ×
	// retries × MaxConsecutiveFailures / Concurrency (default: Concurrency,
	// at least 2; negative: never).
	MaxConsecutiveTimeouts int

	// HTTPClient replaces the default client (whose transport keeps
	// Concurrency idle connections to the server).
	HTTPClient *http.Client
	// Cache, when set, answers repeated requests without calling the model
	// and keeps every new answer (a *cache.Store fits).
	Cache Cache
	// Checkpoint is the hash of the checkpoint the server was started with
	// (a launch-command model serving a trained stage); it enters every
	// answer's cache key, so answers of two checkpoints served under one
	// model name never mix.
	Checkpoint string
	// Logger receives retries and stops (default: discarded).
	Logger *slog.Logger
}

// Cache is the answer store a Client reads before calling and writes after.
type Cache interface {
	Get(key string) (json.RawMessage, bool)
	Put(key string, value any) error
}
