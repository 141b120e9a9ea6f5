package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vlmlab/harness/benchmarks/registry"
	"github.com/vlmlab/harness/harness/cache"
	"github.com/vlmlab/harness/harness/config"
	"github.com/vlmlab/harness/harness/datafetch"
	"github.com/vlmlab/harness/harness/openai"
	"github.com/vlmlab/harness/harness/report"
	record "github.com/vlmlab/harness/harness/result"
	"github.com/vlmlab/harness/harness/runner"
	"github.com/vlmlab/harness/harness/suite"
	"github.com/vlmlab/harness/internal/progress"
	"github.com/vlmlab/harness/internal/version"
	"github.com/vlmlab/harness/leaderboard"
	"github.com/vlmlab/harness/plugins/sdk"
)

// evalFlags are `harness eval`'s settings; a config's openai model fills what
// the command line leaves unset.
type evalFlags struct {
	endpoint, model, apiKeyEnv, system string
	benchmarks, dataDir, profile       string
	compare, out, cachePath            string
	noCache, allowPartial              bool
	allowUnresolved                    bool
	maxTokens, topK, maxPixels         int
	temperature, topP, repPenalty      float64
	seed                               int64
	stop                               []string
	concurrency, maxRetries, maxFails  int
	rps                                float64
	timeout, backoff, heartbeat        time.Duration
	judge                              judgeFlags
	judgeConcurrency                   int
}

func newEvalCmd(g *globals) *cobra.Command {
	f := &evalFlags{}
	cmd := &cobra.Command{
		Use:   "eval --endpoint URL --model NAME --data-dir DIR",
		Short: "Evaluate a served model (vLLM, SGLang, LMDeploy, Ollama, OpenAI) on the six benchmarks",
		Long: `Evaluate a model served behind an OpenAI-compatible chat API on the six
benchmarks of the Open LMM Reasoning Leaderboard, and print the six numbers and
their average (with --compare, beside a published entry's).

Data comes from --data-dir: VLMEvalKit TSVs as 'harness data fetch' writes them,
or official-layout folders named after each benchmark. Every model and judge
answer is kept in a cache file: running the same eval again makes no model
calls, and an eval that was killed resumes where it stopped.

Settings come from the command line, else from the openai model of the config
(-c FILE; examples/vlaa-thinker-3b.yaml holds the paper's), else the paper's
evaluation settings: 800 new tokens, greedy, images scaled to 256*32*32 pixels.

The exit status is 0 when every item of every benchmark was answered and
scored, 1 otherwise (the reports say which items failed and why).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runEval(cmd, g, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.endpoint, "endpoint", "", "base URL of the OpenAI-compatible server, e.g. http://127.0.0.1:8000/v1")
	fl.StringVar(&f.model, "model", "", "model name the server serves (also keys the cache: give each checkpoint its own)")
	fl.StringVar(&f.apiKeyEnv, "api-key-env", "", "environment variable holding the server's API key (default: send none)")
	fl.StringVar(&f.system, "system-prompt", "", "system prompt sent with every item")
	fl.StringVar(&f.benchmarks, "benchmarks", "all", "all, or a comma-separated list such as mathvista,wemath")
	fl.StringVar(&f.dataDir, "data-dir", "", "folder with the benchmarks' data (default: data.dir of the config)")
	fl.StringVar(&f.profile, "profile", sdk.ProfileLeaderboard, "scoring rules: leaderboard (VLMEvalKit) or official (each benchmark's own)")
	fl.StringVar(&f.compare, "compare", "", "published entry to print beside the results, e.g. vlaa-thinker-qwen2.5vl-3b")
	fl.StringVar(&f.out, "out", "", "folder for eval.json and each benchmark's reports (default RUN_DIR/evals/MODEL)")
	fl.StringVar(&f.cachePath, "cache", "", "answer cache file (default RUN_DIR/cache/MODEL.jsonl)")
	fl.BoolVar(&f.noCache, "no-cache", false, "neither read nor write the answer cache")
	fl.BoolVar(&f.allowPartial, "allow-partial", false, "accept data files with fewer items than the benchmark (reports say partial)")
	fl.BoolVar(&f.allowUnresolved, "allow-unresolved", false, "exit 0 although the judge left items unresolved (scored wrong)")
	fl.IntVar(&f.maxTokens, "max-tokens", openai.PaperMaxTokens, "max new tokens per response")
	fl.Float64Var(&f.temperature, "temperature", 0, "sampling temperature (0: greedy)")
	fl.Float64Var(&f.topP, "top-p", 0, "nucleus sampling (0: the server's default)")
	fl.IntVar(&f.topK, "top-k", 0, "top-k sampling (0: the server's default)")
	fl.Float64Var(&f.repPenalty, "repetition-penalty", 0, "vLLM repetition_penalty, 1 is none (0: the server's default, which vLLM reads from the checkpoint's generation_config.json)")
	fl.Int64Var(&f.seed, "seed", 0, "sampling seed (0: none)")
	fl.StringSliceVar(&f.stop, "stop", nil, "stop sequences")
	fl.IntVar(&f.maxPixels, "max-pixels", openai.PaperMaxPixels, "scale larger images down to this many pixels (0: send as they are)")
	fl.IntVar(&f.concurrency, "concurrency", 16, "model requests in flight")
	fl.Float64Var(&f.rps, "rps", 0, "at most this many model requests per second (0: no limit)")
	fl.DurationVar(&f.timeout, "timeout", 5*time.Minute, "limit for one request")
	fl.DurationVar(&f.backoff, "backoff", time.Second, "first wait before a retry; it doubles per retry, up to a minute, jittered")
	fl.IntVar(&f.maxRetries, "max-retries", 5, "retries of a failed request (backoff with jitter, Retry-After honoured)")
	fl.IntVar(&f.maxFails, "max-consecutive-failures", 20, "stop the run after this many requests in a row failed")
	fl.DurationVar(&f.heartbeat, "heartbeat", 30*time.Second, "while requests have waited this long, say every so often how many are in flight and the oldest's age (0: never)")
	f.judge.register(cmd)
	fl.Lookup("judge").Usage = `judge model; default: the config's judge, else gpt-4o-mini-2024-07-18 when $OPENAI_API_KEY or --judge-endpoint is set; "none": no judge (items that need one score wrong as unresolved)`
	fl.IntVar(&f.judgeConcurrency, "judge-concurrency", 16, "judge requests in flight")
	return cmd
}

// plan is everything an eval needs, resolved from flags and config.
type plan struct {
	cfg      *config.Config
	model    config.Model
	targets  []suite.Target
	judge    *config.Judge
	out      string
	cache    string
	maxRetry int
	compare  *leaderboard.Entry
}

func runEval(cmd *cobra.Command, g *globals, f *evalFlags) error {
	cfg, err := g.loadConfig()
	if err != nil {
		return err
	}
	p, err := f.plan(cmd, cfg)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	// Every line for the person watching goes through the board, so it
	// is printed above the progress bars, never inside them.
	board := progress.NewBoard(cmd.ErrOrStderr(), progress.Options{})
	defer board.Close()
	g.logOut = board
	stderr := io.Writer(board)

	var store *cache.Store
	if p.cache != "" {
		if err := os.MkdirAll(filepath.Dir(p.cache), 0o755); err != nil {
			return fmt.Errorf("cache: %w", err)
		}
		if store, err = cache.Open(p.cache); err != nil {
			return fmt.Errorf("cache: %w", err)
		}
		defer store.Close()
		for _, w := range store.Warnings() {
			fmt.Fprintf(stderr, "harness: cache %s: %s\n", p.cache, w)
		}
	}
	var cacheIface openai.Cache
	if store != nil {
		cacheIface = store
	}
	m := p.model
	params := m.Generation.Params()
	modelCfg := runner.OpenAIConfig(m)
	modelCfg.MaxRetries, modelCfg.MaxConsecutiveFailures, modelCfg.BackoffBase = p.maxRetry, f.maxFails, f.backoff
	modelCfg.Cache = cacheIface
	client, err := openai.New(modelCfg)
	if err != nil {
		return fmt.Errorf("model %s: %w", m.Model, err)
	}
	defer client.Close()
	defer heartbeat(stderr, f.heartbeat, client)()

	res := &record.Eval{SchemaVersion: record.SchemaVersion,
		Harness: version.Version, Command: os.Args, Started: time.Now().UTC(), Cache: p.cache,
		Model: record.Model{Endpoint: m.Endpoint, Name: m.Model, SystemPrompt: m.SystemPrompt, Generation: params,
			MaxPixels: m.Generation.MaxPixels, MMProcessorKwargs: m.Generation.MMProcessorKwargs, Concurrency: m.Concurrency, RPS: m.RPS, Timeout: m.Timeout.Duration.String()},
	}
	var judge *openai.Client
	if p.judge != nil {
		jc := openai.Config{BaseURL: p.judge.Endpoint, APIKeyEnv: p.judge.APIKeyEnv, Model: p.judge.Model,
			Concurrency: p.judge.Concurrency, MaxRetries: p.maxRetry, MaxConsecutiveFailures: f.maxFails, Cache: cacheIface,
			BackoffBase: f.backoff}
		if judge, err = openai.New(jc); err != nil {
			return fmt.Errorf("judge: %w", err)
		}
		defer judge.Close()
		res.Judge = &record.Judge{Endpoint: judgeEndpoint(p.judge.Endpoint), Name: judge.JudgeModel()}
	}

	h, cat, err := g.newHost(p.cfg)
	if err != nil {
		return err
	}
	defer h.Close()
	r := &suite.Runner{Host: h, Catalog: cat, Model: client, System: m.SystemPrompt, Params: params,
		JudgeConcurrency: f.judgeConcurrency, Out: p.out,
		NewProgress: func(name string, total int) suite.Progress {
			return board.Start(name, "", int64(total))
		},
	}
	if judge != nil {
		r.Judge, r.JudgeName = judge, judge.JudgeModel()
	}
	judgeName := "none"
	if res.Judge != nil {
		judgeName = res.Judge.Name + " at " + res.Judge.Endpoint
	}
	fmt.Fprintf(stderr, "harness: evaluating %s at %s on %d benchmark(s); judge %s; cache %s; reports in %s\n",
		m.Model, m.Endpoint, len(p.targets), judgeName, orNone(p.cache), p.out)
	save := func() (string, error) {
		res.Finished = time.Now().UTC()
		res.Usage = usageOf(client, judge)
		path := filepath.Join(p.out, "eval.json")
		return path, record.Write(path, res)
	}
	r.Done = func(o record.Outcome) {
		if o.Error != "" {
			fmt.Fprintf(stderr, "harness: %s: %s\n", o.Benchmark, o.Error)
		}
		if _, err := save(); err != nil {
			fmt.Fprintf(stderr, "harness: %v\n", err)
		}
	}
	runErr := r.Run(ctx, res, p.targets)
	if n, other := client.CachedFromOtherEndpoint(); n > 0 {
		fmt.Fprintf(stderr, "harness: warning: %d answer(s) of %s came from the cache, recorded from %s, not %s (the cache is keyed by model name, request and settings: serve each model under its own name, or pass --no-cache to ask this server)\n",
			n, m.Model, other, client.Endpoint())
	}
	path, err := save()
	if err != nil {
		return err
	}
	board.Close() // the table goes below the bars
	if err := printEval(cmd, res, p.compare); err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "report: %s\n", path)
	if runErr != nil {
		return fmt.Errorf("eval stopped: %w (what finished is in %s; run the same command again to resume from the cache)", runErr, path)
	}
	if err := client.Err(); err != nil {
		return fmt.Errorf("%w; the answers so far are cached: run the same command again to resume", err)
	}
	var problems []string
	if n := res.FailedItems(); n > 0 {
		problems = append(problems, fmt.Sprintf("%d item(s) got no answer (listed under \"failed\" in %s)", n, path))
	}
	if n := res.FailedBenchmarks(); n > 0 {
		problems = append(problems, fmt.Sprintf("%d benchmark(s) could not be scored", n))
	}
	if res.Judge != nil && !f.allowUnresolved {
		// A working judge resolves what the rules cannot; items it left
		// unresolved are scored wrong, so the score would understate the
		// model without a word. (Failed items are counted above.)
		n := 0
		for _, o := range res.Benchmarks {
			n += max(0, o.Unresolved-len(o.Failed))
		}
		if n > 0 {
			problems = append(problems, fmt.Sprintf("the judge %s left %d item(s) unresolved (scored wrong): check its endpoint and model, or pass --allow-unresolved to accept the scores", res.Judge.Name, n))
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// plan resolves the model, judge, benchmarks and files of an eval.
func (f *evalFlags) plan(cmd *cobra.Command, cfg *config.Config) (*plan, error) {
	fl := cmd.Flags()
	p := &plan{cfg: cfg, maxRetry: f.maxRetries}
	if f.maxRetries == 0 {
		p.maxRetry = -1 // openai.Config: 0 is the default, negative is none
	}
	if f.profile != sdk.ProfileLeaderboard && f.profile != sdk.ProfileOfficial {
		return nil, fmt.Errorf("--profile %q: use leaderboard or official", f.profile)
	}
	// The config's openai model is the base; flags the user set win.
	base, err := f.baseModel(cfg)
	if err != nil {
		return nil, err
	}
	m := base
	if m.Generation.MaxTokens == 0 || fl.Changed("max-tokens") {
		m.Generation.MaxTokens = f.maxTokens
	}
	if base.Name == "" || fl.Changed("max-pixels") {
		m.Generation.MaxPixels = f.maxPixels
	}
	if m.Generation.Temperature == nil || fl.Changed("temperature") {
		m.Generation.Temperature = &f.temperature
	}
	if fl.Changed("top-p") {
		m.Generation.TopP = &f.topP
	}
	if fl.Changed("top-k") {
		m.Generation.TopK = f.topK
	}
	if fl.Changed("repetition-penalty") {
		m.Generation.RepetitionPenalty = &f.repPenalty
	}
	if fl.Changed("seed") {
		m.Generation.Seed = f.seed
	}
	if fl.Changed("stop") {
		m.Generation.Stop = f.stop
	}
	if f.endpoint != "" {
		m.Endpoint = f.endpoint
	}
	if f.model != "" && f.model != base.Name {
		m.Model = f.model
	}
	if fl.Changed("system-prompt") {
		m.SystemPrompt = f.system
	}
	if m.Concurrency == 0 || fl.Changed("concurrency") {
		m.Concurrency = f.concurrency
	}
	if fl.Changed("rps") {
		m.RPS = f.rps
	}
	if m.Timeout.Duration == 0 || fl.Changed("timeout") {
		m.Timeout.Duration = f.timeout
	}
	if f.apiKeyEnv != "" {
		m.APIKeyEnv = f.apiKeyEnv
	}
	switch {
	case m.Endpoint == "":
		return nil, errors.New("--endpoint is required: the base URL of the model's OpenAI-compatible server, e.g. http://127.0.0.1:8000/v1")
	case m.Model == "":
		return nil, errors.New("--model is required: the model name the server serves (`curl ENDPOINT/models` lists them)")
	case m.Concurrency < 1:
		return nil, fmt.Errorf("--concurrency %d: use 1 or more", m.Concurrency)
	case m.Generation.MaxTokens < 1:
		return nil, fmt.Errorf("--max-tokens %d: use 1 or more", m.Generation.MaxTokens)
	case m.Timeout.Duration <= 0:
		return nil, fmt.Errorf("--timeout %s: use a positive limit for one request, e.g. 5m", m.Timeout.Duration)
	case m.APIKeyEnv != "" && os.Getenv(m.APIKeyEnv) == "":
		// Sending no key to a server that wants one fails every request
		// with 401; say so now rather than after the first round.
		return nil, fmt.Errorf("--api-key-env %s: $%s is not set (or empty); export it, or leave --api-key-env out for a server that needs no key", m.APIKeyEnv, m.APIKeyEnv)
	}
	p.model = m

	if p.compare, err = publishedEntry(f.compare); err != nil {
		return nil, err
	}
	if p.judge, err = f.judgeOf(cmd, cfg); err != nil {
		return nil, err
	}
	if p.targets, err = f.targetsOf(cmd, cfg); err != nil {
		return nil, err
	}

	runDir := cfg.RunDir
	if runDir == "" {
		runDir = ".harness"
	}
	p.out = f.out
	if p.out == "" {
		p.out = filepath.Join(runDir, "evals", cache.Slug(m.Model))
	}
	if !f.noCache {
		p.cache = f.cachePath
		if p.cache == "" {
			p.cache = cache.FileFor(filepath.Join(runDir, "cache"), m.Model)
		}
	}
	return p, nil
}

// baseModel is the config's openai model named by --model, or its only one.
func (f *evalFlags) baseModel(cfg *config.Config) (config.Model, error) {
	var openaiModels []config.Model
	for _, m := range cfg.Models {
		if m.Backend != "openai" {
			continue
		}
		if f.model != "" && (m.Name == f.model || m.Model == f.model) {
			return m, nil
		}
		openaiModels = append(openaiModels, m)
	}
	switch {
	case len(openaiModels) == 1:
		return openaiModels[0], nil
	case len(openaiModels) > 1 && f.model == "":
		var names []string
		for _, m := range openaiModels {
			names = append(names, m.Name)
		}
		return config.Model{}, fmt.Errorf("the config has %d openai models (%s): choose one with --model", len(names), strings.Join(names, ", "))
	}
	return config.Model{}, nil
}

// judgeOf resolves the judge: --judge, else the config's, else the default
// judge when it can be reached; nil for none.
func (f *evalFlags) judgeOf(cmd *cobra.Command, cfg *config.Config) (*config.Judge, error) {
	j := &config.Judge{Model: f.judge.model, Endpoint: f.judge.endpoint, APIKeyEnv: f.judge.keyEnv, Concurrency: f.judgeConcurrency}
	fl := cmd.Flags()
	switch {
	case f.judge.model == "none":
		return nil, nil
	case f.judge.model != "":
	case cfg.Judge != nil:
		j.Model = cfg.Judge.Model
		if !fl.Changed("judge-endpoint") {
			j.Endpoint = cfg.Judge.Endpoint
		}
		if !fl.Changed("judge-api-key-env") && cfg.Judge.APIKeyEnv != "" {
			j.APIKeyEnv = cfg.Judge.APIKeyEnv
		}
		if !fl.Changed("judge-concurrency") && cfg.Judge.Concurrency > 0 {
			j.Concurrency = cfg.Judge.Concurrency
		}
	case os.Getenv(j.APIKeyEnv) != "" || j.Endpoint != "":
		j.Model = openai.DefaultJudgeModel
	default:
		return nil, nil
	}
	if j.Model == "" {
		j.Model = openai.DefaultJudgeModel
	}
	if judgeEndpoint(j.Endpoint) == openai.DefaultBaseURL && os.Getenv(j.APIKeyEnv) == "" {
		return nil, fmt.Errorf("judge %s at %s needs an API key in $%s: set it, point --judge-endpoint at a local OpenAI-compatible model, or give --judge none",
			j.Model, openai.DefaultBaseURL, j.APIKeyEnv)
	}
	return j, nil
}

// judgeEndpoint is where a judge with this endpoint setting is called.
func judgeEndpoint(endpoint string) string {
	if endpoint != "" {
		return endpoint
	}
	if v := os.Getenv(openai.DefaultBaseURLEnv); v != "" {
		return v
	}
	return openai.DefaultBaseURL
}

// targetsOf resolves --benchmarks against the config's benchmark entries and
// finds each one's data.
func (f *evalFlags) targetsOf(cmd *cobra.Command, cfg *config.Config) ([]suite.Target, error) {
	known := map[string]config.Benchmark{}
	for _, b := range cfg.Benchmarks {
		known[b.Name] = b
	}
	var names []string
	if f.benchmarks == "all" || f.benchmarks == "" {
		names = registry.Names()
	} else {
		seen := map[string]bool{}
		for _, n := range strings.Split(f.benchmarks, ",") {
			n = strings.ToLower(strings.TrimSpace(n))
			if n == "" || seen[n] {
				continue
			}
			seen[n] = true
			if _, ok := known[n]; !ok {
				if _, err := datafetch.Lookup(n); err != nil {
					return nil, fmt.Errorf("--benchmarks: %w", err)
				}
			}
			names = append(names, n)
		}
	}
	dataDir := f.dataDir
	if dataDir == "" {
		dataDir = cfg.Data.Dir
	}
	var targets []suite.Target
	var missing []string
	for _, n := range names {
		b := known[n]
		t := suite.Target{Name: n, Evaluator: b.Evaluator, Data: b.Data, Profile: b.Profile,
			AllowPartial: b.AllowPartial || f.allowPartial, Options: b.Options}
		if t.Profile == "" || cmd.Flags().Changed("profile") {
			t.Profile = f.profile
		}
		if t.Data == "" {
			if dataDir == "" {
				return nil, errors.New("--data-dir is required: a folder with the benchmarks' data (`harness data fetch all --dir DIR` downloads it)")
			}
			p, err := datafetch.Locate(dataDir, n)
			if err != nil {
				missing = append(missing, err.Error())
				continue
			}
			t.Data = p
		}
		targets = append(targets, t)
	}
	if len(missing) > 0 {
		return nil, errors.New(strings.Join(missing, "\n"))
	}
	return targets, nil
}

func usageOf(model, judge *openai.Client) record.Usage {
	mu := model.Usage()
	u := record.Usage{ModelRequests: mu.Requests, ModelCacheHits: mu.CacheHits, ModelRetries: mu.Retries,
		PromptTokens: mu.PromptTokens, CompletionToken: mu.CompletionTokens}
	if judge != nil {
		ju := judge.Usage()
		u.JudgeRequests, u.JudgeCacheHits = ju.Requests, ju.CacheHits
		u.PromptTokens += ju.PromptTokens
		u.CompletionToken += ju.CompletionTokens
	}
	return u
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// printEval prints the six numbers and their average, beside a published
// entry's when compare names one, then the paper's diagnostics per
// benchmark (pooled over all responses on the average's row), as
// `harness run`'s summary shows them.
func printEval(cmd *cobra.Command, res *record.Eval, compare *leaderboard.Entry) error {
	out := cmd.OutOrStdout()
	synthetic := false
	header := []string{"benchmark", "metric", "items", "failed", "unresolved", "score"}
	var rows [][]string
	var diags []*record.Diagnostics
	for _, o := range res.Benchmarks {
		synthetic = synthetic || o.Synthetic
		score := "error"
		if o.Scored {
			score = report.Pct(o.Score)
		}
		items := fmt.Sprint(o.Items)
		if o.Partial {
			items += " (partial)"
		}
		rows = append(rows, []string{o.Benchmark, o.Primary, items, fmt.Sprint(len(o.Failed)), fmt.Sprint(o.Unresolved), score})
		diags = append(diags, o.Diagnostics)
	}
	avg := "incomplete"
	if res.Average != nil {
		avg = report.Pct(*res.Average)
	}
	label := "average"
	if n := len(res.Benchmarks); n != len(registry.Names()) {
		// Not the leaderboard's average of six: say so.
		label = fmt.Sprintf("average of %d", n)
	}
	rows = append(rows, []string{label, "", "", "", "", avg})
	if synthetic {
		fmt.Fprintln(out, "SYNTHETIC data: not comparable with published numbers")
	}
	if compare != nil {
		var err error
		if header, rows, err = withCompare(out, header, rows, res, compare); err != nil {
			return err
		}
	}
	header = append(header, report.DiagnosticsHeader()...)
	for i := range rows {
		d := record.PoolDiagnostics(diags...)
		if i < len(diags) {
			d = record.PoolDiagnostics(diags[i])
		}
		rows[i] = append(rows[i], report.DiagnosticsCells(d)...)
	}
	if err := report.Table(out, header, rows); err != nil {
		return err
	}
	if compare != nil {
		printCompareNotes(out, compare)
	}
	fmt.Fprintln(out, report.DiagnosticsLegend)
	return nil
}

// heartbeat prints, every interval while some request has waited that
// long, how many requests wait on the model server and for how long the
// oldest has. The func it returns stops it.
func heartbeat(w io.Writer, interval time.Duration, c *openai.Client) func() {
	return c.Heartbeat(interval, func(n int, oldest time.Duration) {
		fmt.Fprintf(w, "harness: waiting for %s: %d request(s) in flight, the oldest for %s\n", c.Endpoint(), n, oldest.Truncate(100*time.Millisecond))
	})
}
