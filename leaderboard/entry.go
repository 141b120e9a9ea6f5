package leaderboard

// Values of Entry.Kind.
const (
	// KindModel is a named model someone evaluated and published: open or
	// closed weights, shown on leaderboards.
	KindModel = "model"
	// KindAblation is a training run reported only inside a paper's study
	// (no public checkpoint); a leaderboard view leaves these out.
	KindAblation = "ablation"
)

// Types returns the accepted Entry.Type values: how the model was trained, as
// the leaderboard's type filter groups them. base is a released model with
// no R1-style training of its own; API is a closed model reached through an
// API.
func Types() []string { return []string{"base", "SFT", "RL", "SFT+RL", "API"} }

// Values of Entry.Profile: the scoring profile the numbers correspond to.
// leaderboard reproduces VLMEvalKit, as the Open LMM Reasoning Leaderboard
// and the paper score; official follows each benchmark's own repository.
const (
	ProfileLeaderboard = "leaderboard"
	ProfileOfficial    = "official"
)

// Scales returns the accepted Entry.Scale values: the Open LMM Reasoning
// Leaderboard's size filters that the paper compares within.
func Scales() []string { return []string{"4B", "7B"} }

// Entry is one published model result: a YAML file in submissions/. The
// fields mirror the file's keys; submissions/README.md documents each.
type Entry struct {
	ID           string `yaml:"id"`
	Model        string `yaml:"model"`
	Organisation string `yaml:"organisation"`
	Kind         string `yaml:"kind"`
	// Type is one of Types(); empty when the source does not say.
	Type  string `yaml:"type,omitempty"`
	Scale string `yaml:"scale"`
	// Params is the parameter count as printed (e.g. "3.75B"); empty when
	// the source does not print one.
	Params        string `yaml:"params,omitempty"`
	LLM           string `yaml:"llm,omitempty"`
	VisionEncoder string `yaml:"vision_encoder,omitempty"`
	BaseModel     string `yaml:"base_model,omitempty"`
	Method        string `yaml:"method"`
	Profile       string `yaml:"profile"`
	// EvalDate is YYYY-MM-DD when the source gives one.
	EvalDate string   `yaml:"eval_date,omitempty"`
	Sources  []Source `yaml:"sources"`
	// Scores are percent points as published, keyed by Benchmark.Name.
	Scores map[string]float64 `yaml:"scores"`
	// ReportedAvg is the average exactly as the source prints it.
	ReportedAvg float64 `yaml:"reported_avg"`
	// ReportedAvgMismatch says the source's printed average disagrees with
	// its own six scores (a known erratum, explained in Notes).
	ReportedAvgMismatch bool `yaml:"reported_avg_mismatch,omitempty"`
	// Derived says the scores were computed from other published numbers
	// rather than printed; Derivation says how when it is a percent change.
	Derived    bool        `yaml:"derived,omitempty"`
	Derivation *Derivation `yaml:"derivation,omitempty"`
	Notes      []string    `yaml:"notes,omitempty"`
}

// Source is where the numbers were published.
type Source struct {
	// Ref names the place: paper and table or figure, or leaderboard view.
	Ref string `yaml:"ref"`
	URL string `yaml:"url,omitempty"`
	// Date is YYYY-MM-DD of the snapshot (a leaderboard screenshot's
	// "Update at" date); empty for papers, whose URL is versioned.
	Date string `yaml:"date,omitempty"`
}

// Derivation records scores computed as relative changes of another entry's
// scores (the paper's Fig. 3 prints percent changes, not scores):
// score = base × (1 + percent/100), rounded to one decimal.
type Derivation struct {
	// From is the id of the entry whose scores are the base.
	From string `yaml:"from"`
	// PercentChange is keyed by Benchmark.Name.
	PercentChange map[string]float64 `yaml:"percent_change"`
}

// Average is the mean of the six scores, computed in Benchmarks order. ok is
// false when a score is missing (only possible for an Entry built by hand:
// Parse rejects those).
func (e Entry) Average() (avg float64, ok bool) {
	return mean(e.Scores)
}

func mean(scores map[string]float64) (float64, bool) {
	bs := Benchmarks()
	sum := 0.0
	for _, b := range bs {
		v, ok := scores[b.Name]
		if !ok {
			return 0, false
		}
		sum += v
	}
	return sum / float64(len(bs)), true
}
