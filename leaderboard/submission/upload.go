// Package submission is what `harness submit` uploads and the leaderboard
// server accepts: a model's raw predictions for some or all of the six
// benchmarks, with the model's metadata. Scores are never part of it: the
// server re-scores the predictions itself.
package submission

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/vlmlab/harness/leaderboard"
)

// Limits of one upload, checked by Validate.
const (
	MaxNameLen     = 200
	MaxIDLen       = 200
	MaxResponseLen = 256 << 10
	MaxItems       = 20000 // per benchmark; DynaMath, the largest, has 5,010
)

// Upload is the body of POST /api/v1/submissions.
type Upload struct {
	Model Model `json:"model"`
	// Profile is the scoring rule set: leaderboard or official.
	Profile string `json:"profile"`
	// Partial must be set to submit fewer than the six benchmarks.
	Partial bool `json:"partial,omitempty"`
	// Benchmarks holds each benchmark's predictions by its name.
	Benchmarks map[string][]Prediction `json:"benchmarks"`
	// Run describes how the predictions were made (from eval.json); shown
	// as provenance, never trusted for scoring.
	Run *Run `json:"run,omitempty"`
}

// Model is the submitted model's metadata.
type Model struct {
	Name         string  `json:"name"`
	Organisation string  `json:"organisation"`
	ParamsB      float64 `json:"params_b"`
	Type         string  `json:"type"`
	Revision     string  `json:"revision,omitempty"`
}

// Prediction is one raw model response.
type Prediction struct {
	ID       string `json:"id"`
	Response string `json:"response"`
}

// Run is what the eval that made the predictions recorded.
type Run struct {
	Harness    string            `json:"harness_version,omitempty"`
	Endpoint   string            `json:"endpoint,omitempty"`
	ModelName  string            `json:"model_name,omitempty"`
	Generation map[string]any    `json:"generation,omitempty"`
	System     string            `json:"system_prompt,omitempty"`
	Judge      string            `json:"judge,omitempty"`
	Plugins    map[string]string `json:"plugins,omitempty"`
	DataHashes map[string]string `json:"data_hashes,omitempty"`
}

// Problems lists everything wrong with an upload.
type Problems []string

func (p Problems) Error() string {
	return "invalid submission:\n  " + strings.Join(p, "\n  ")
}

// Decode reads an upload strictly: unknown fields are an error, so a typo
// does not silently drop data.
func Decode(r io.Reader) (*Upload, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var u Upload
	if err := dec.Decode(&u); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return nil, Problems{fmt.Sprintf("not valid JSON at byte %d: %v", se.Offset, err)}
		case errors.As(err, &te):
			return nil, Problems{fmt.Sprintf("field %s: want a %s, got %s", te.Field, te.Type, te.Value)}
		}
		return nil, Problems{"cannot decode: " + err.Error()}
	}
	if dec.More() {
		return nil, Problems{"more than one JSON value in the body"}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, Problems{"trailing data after the JSON object"}
	}
	return &u, Validate(&u)
}

// Validate checks an upload's schema: metadata, benchmark names, ids, sizes,
// duplicates and completeness. Item ids are checked against the benchmark
// data later, by the scorer, which has the data.
func Validate(u *Upload) error {
	var ps Problems
	add := func(format string, a ...any) { ps = append(ps, fmt.Sprintf(format, a...)) }
	text := func(field, s string, required bool) {
		switch {
		case required && strings.TrimSpace(s) == "":
			add("%s: missing", field)
		case len(s) > MaxNameLen:
			add("%s: longer than %d bytes", field, MaxNameLen)
		case !utf8.ValidString(s):
			add("%s: not valid UTF-8", field)
		}
	}
	text("model.name", u.Model.Name, true)
	text("model.organisation", u.Model.Organisation, true)
	text("model.revision", u.Model.Revision, false)
	if !slices.Contains(leaderboard.Types(), u.Model.Type) {
		add("model.type: %q: use one of %s", u.Model.Type, strings.Join(leaderboard.Types(), ", "))
	}
	if u.Model.ParamsB < 0 || u.Model.ParamsB > 100000 || math.IsNaN(u.Model.ParamsB) {
		add("model.params_b: %v: give the parameter count in billions (0 when unknown)", u.Model.ParamsB)
	}
	if u.Profile != leaderboard.ProfileLeaderboard && u.Profile != leaderboard.ProfileOfficial {
		add("profile: %q: use leaderboard or official", u.Profile)
	}
	if len(u.Benchmarks) == 0 {
		add("benchmarks: none; give the predictions of at least one benchmark")
	}
	var names []string
	for name := range u.Benchmarks {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if _, ok := leaderboard.BenchmarkByName(name); !ok {
			add("benchmarks: %q is not one of the six benchmarks (%s)", name, strings.Join(BenchmarkNames(), ", "))
			continue
		}
		preds := u.Benchmarks[name]
		if len(preds) == 0 {
			add("benchmarks.%s: no predictions", name)
		}
		if len(preds) > MaxItems {
			add("benchmarks.%s: %d predictions, more than the %d any benchmark has", name, len(preds), MaxItems)
			continue
		}
		seen := make(map[string]int, len(preds))
		dups := 0
		for i, p := range preds {
			switch {
			case strings.TrimSpace(p.ID) == "":
				add("benchmarks.%s[%d].id: missing", name, i)
			case len(p.ID) > MaxIDLen || !utf8.ValidString(p.ID):
				add("benchmarks.%s[%d].id: longer than %d bytes or not UTF-8", name, i, MaxIDLen)
			}
			if len(p.Response) > MaxResponseLen {
				add("benchmarks.%s[%d] (id %q): response longer than %d bytes", name, i, p.ID, MaxResponseLen)
			}
			if j, dup := seen[p.ID]; dup {
				if dups++; dups <= 5 {
					add("benchmarks.%s[%d]: id %q already given at [%d]", name, i, p.ID, j)
				}
				continue
			}
			seen[p.ID] = i
		}
		if dups > 5 {
			add("benchmarks.%s: %d duplicate ids in all", name, dups)
		}
		if len(ps) > 50 {
			add("... stopping after 50 problems")
			break
		}
	}
	if !u.Partial && len(u.Benchmarks) < len(leaderboard.Benchmarks()) {
		var missing []string
		for _, b := range BenchmarkNames() {
			if _, ok := u.Benchmarks[b]; !ok {
				missing = append(missing, b)
			}
		}
		add("benchmarks: %s missing; submit all six or set partial (harness submit --partial): a partial entry is shown but not ranked", strings.Join(missing, ", "))
	}
	if len(ps) > 0 {
		return ps
	}
	return nil
}

// BenchmarkNames are the six in display order.
func BenchmarkNames() []string {
	var out []string
	for _, b := range leaderboard.Benchmarks() {
		out = append(out, b.Name)
	}
	return out
}

// Digest identifies an upload's content (profile and predictions, not
// metadata), so the same predictions are not queued twice.
func Digest(u *Upload) string {
	h := sha256.New()
	fmt.Fprintf(h, "profile=%s\n", u.Profile)
	for _, name := range BenchmarkNames() {
		preds, ok := u.Benchmarks[name]
		if !ok {
			continue
		}
		sorted := slices.Clone(preds)
		slices.SortFunc(sorted, func(a, b Prediction) int { return strings.Compare(a.ID, b.ID) })
		fmt.Fprintf(h, "benchmark=%s %d\n", name, len(sorted))
		for _, p := range sorted {
			b, _ := json.Marshal(p)
			h.Write(b)
			h.Write([]byte{'\n'})
		}
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// Encode writes u as the JSON the server takes.
func Encode(u *Upload) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(u); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
