package leaderboard

import (
	"fmt"
	"math"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/vlmlab/harness/benchmarks/registry"
)

// AvgTolerance is how far the mean of the six published scores may be from
// the printed average: half a unit of the printed 0.1. A larger gap is either
// a mistyped score or an erratum of the source (reported_avg_mismatch).
const AvgTolerance = 0.05

// slack absorbs float rounding at the exact edge (26.95 printed as 26.9).
const slack = 1e-9

var (
	slug      = regexp.MustCompile(`^[a-z0-9]+(?:[.-][a-z0-9]+)*$`)
	paramsRe  = regexp.MustCompile(`^[0-9]+(?:\.[0-9]+)?B$`)
	separates = regexp.MustCompile(`[.-]{2,}`)
)

// required lists the keys every entry must have, with what to write.
var required = []struct{ key, hint string }{
	{"id", "set it to the file name without .yaml"},
	{"model", "write the model name as the source prints it"},
	{"organisation", "write who published the model, as the leaderboard shows it"},
	{"kind", "write model (a published model) or ablation (a run reported only inside a paper)"},
	{"scale", "write the leaderboard size filter: " + strings.Join(Scales(), " or ")},
	{"method", "write one line on how the model was trained (its recipe)"},
	{"profile", "write leaderboard (VLMEvalKit scoring) or official"},
	{"sources", "add a list of {ref, url, date} saying where the numbers were published"},
	{"scores", "add the six scores: " + strings.Join(registry.Names(), ", ")},
	{"reported_avg", "add the average exactly as the source prints it"},
}

// validate checks the decoded values of one file. Presence is judged from
// the node tree, so a key whose value failed to decode is not also reported
// missing.
func validate(f *parsed) []Problem {
	v := validator{f: f}
	e := &f.entry
	for _, r := range required {
		if v.has(r.key) || f.suggested[r.key] {
			continue
		}
		v.add(r.key, "missing; "+r.hint)
	}
	v.text("id", e.ID)
	if v.has("id") && e.ID != "" {
		v.id(e.ID)
	}
	v.text("model", e.Model)
	v.text("organisation", e.Organisation)
	v.text("method", e.Method)
	v.oneOf("kind", e.Kind, []string{KindModel, KindAblation})
	v.oneOf("scale", e.Scale, Scales())
	if e.Type != "" {
		v.oneOf("type", e.Type, Types())
	}
	v.oneOf("profile", e.Profile, []string{ProfileLeaderboard, ProfileOfficial})
	if e.Params != "" && !paramsRe.MatchString(e.Params) {
		v.add("params", fmt.Sprintf("%q is not a parameter count; write it as printed, such as 3.75B", e.Params))
	}
	v.date("eval_date", e.EvalDate)
	v.sources(e.Sources)
	scoresOK := v.benchmarkMap("scores", e.Scores, func(key string, x float64) string {
		if x < 0 || x > 100 || math.IsNaN(x) {
			return fmt.Sprintf("%v is outside [0, 100]; scores are percent points as published (61.0, not 0.61)", x)
		}
		return ""
	})
	if scoresOK && allAtMostOne(e.Scores) {
		v.add("scores", "every score is at most 1: these look like fractions; write percent points as published (61.0, not 0.61)")
		scoresOK = false
	}
	avgOK := v.has("reported_avg")
	if avgOK && (e.ReportedAvg < 0 || e.ReportedAvg > 100 || math.IsNaN(e.ReportedAvg)) {
		v.add("reported_avg", fmt.Sprintf("%v is outside [0, 100]; write the average in percent points as printed", e.ReportedAvg))
		avgOK = false
	}
	if scoresOK && avgOK {
		v.average(e)
	}
	if e.ReportedAvgMismatch && len(e.Notes) == 0 {
		v.add("reported_avg_mismatch", "add a note saying where the source's average and its scores disagree")
	}
	if e.Derived && e.Derivation == nil && len(e.Notes) == 0 {
		v.add("derived", "add a note or a derivation block saying how the scores were derived")
	}
	if e.Derivation != nil {
		v.derivation(e)
	}
	for i, n := range e.Notes {
		if strings.TrimSpace(n) == "" {
			v.add(fmt.Sprintf("notes[%d]", i), "empty note; remove it or write it")
		}
	}
	return v.ps
}

type validator struct {
	f  *parsed
	ps []Problem
}

func (v *validator) add(field, msg string) {
	v.ps = append(v.ps, Problem{File: v.f.name, Line: v.f.pos.lineOr(field), Field: field, Msg: msg})
}

func (v *validator) has(field string) bool { return v.f.pos.line(field) > 0 }

// text rejects a present but blank required string.
func (v *validator) text(field, s string) {
	if v.has(field) && strings.TrimSpace(s) == "" {
		v.add(field, "is empty; write a value or see submissions/README.md")
	}
}

func (v *validator) id(id string) {
	if !slug.MatchString(id) {
		v.add("id", fmt.Sprintf("%q is not a lower-case slug (a-z, 0-9, and single . or - between them); use %q", id, slugify(id)))
		return
	}
	base := path.Base(v.f.name)
	if !strings.HasSuffix(base, ".yaml") {
		v.add("", fmt.Sprintf("entry files end in .yaml; rename %s to %s.yaml", base, id))
		return
	}
	if stem := strings.TrimSuffix(base, ".yaml"); stem != id {
		v.add("id", fmt.Sprintf("%q does not match the file name %s; rename the file to %s.yaml or set id: %s", id, base, id, stem))
	}
}

func (v *validator) oneOf(field, s string, allowed []string) {
	if !v.has(field) || s == "" || slices.Contains(allowed, s) {
		return
	}
	msg := fmt.Sprintf("unknown value %q", s)
	if c := closest(s, allowed); len(c) > 0 {
		msg += fmt.Sprintf("; did you mean %q?", c[0])
	}
	v.add(field, msg+" (one of: "+strings.Join(allowed, ", ")+")")
}

func (v *validator) date(field, s string) {
	if s == "" {
		return
	}
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		v.add(field, fmt.Sprintf("%q is not a date; write YYYY-MM-DD, such as 2025-04-07", s))
	}
}

func (v *validator) sources(ss []Source) {
	if v.has("sources") && len(ss) == 0 {
		v.add("sources", "is empty; add at least one {ref, url, date} saying where the numbers were published")
	}
	for i, s := range ss {
		at := fmt.Sprintf("sources[%d]", i)
		if strings.TrimSpace(s.Ref) == "" {
			v.add(at+".ref", "missing; name the paper table or figure, or the leaderboard view")
		}
		if s.URL != "" {
			if u, err := url.Parse(s.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				v.add(at+".url", fmt.Sprintf("%q is not an http(s) URL", s.URL))
			}
		}
		v.date(at+".date", s.Date)
	}
}

// benchmarkMap checks a map keyed by benchmark name: every name known and
// present, each value passing check. It reports whether all six are usable.
func (v *validator) benchmarkMap(field string, m map[string]float64, check func(string, float64) string) bool {
	if !v.has(field) {
		return false
	}
	names := registry.Names()
	ok := true
	suggested := map[string]bool{}
	for _, key := range v.keys(field) {
		if slices.Contains(names, key) {
			continue
		}
		msg := fmt.Sprintf("unknown benchmark %q", key)
		if c := closest(key, names); len(c) > 0 {
			msg += fmt.Sprintf("; did you mean %q?", c[0])
			suggested[c[0]] = true
		}
		v.add(join(field, key), msg+" (the six are: "+strings.Join(names, ", ")+")")
		ok = false
	}
	for _, name := range names {
		if !v.has(join(field, name)) {
			ok = false
			if suggested[name] {
				continue // the did-you-mean above already says it
			}
			v.add(field, fmt.Sprintf("missing %s; add \"%s: <number>\" (all six are required: %s)", name, name, strings.Join(names, ", ")))
			continue
		}
		x, decoded := m[name]
		if !decoded {
			ok = false // its type problem is already reported
			continue
		}
		if msg := check(name, x); msg != "" {
			v.add(join(field, name), msg)
			ok = false
		}
	}
	return ok
}

// keys lists the keys written under field, in file order.
func (v *validator) keys(field string) []string {
	var out []string
	for _, f := range v.f.pos.fields {
		if parent(f.path) == field && !strings.HasSuffix(f.path, "]") {
			out = append(out, last(f.path))
		}
	}
	return out
}

func allAtMostOne(scores map[string]float64) bool {
	for _, x := range scores {
		if x > 1 {
			return false
		}
	}
	return true
}

func (v *validator) average(e *Entry) {
	avg, _ := e.Average()
	off := math.Abs(avg - e.ReportedAvg)
	switch {
	case off > AvgTolerance+slack && !e.ReportedAvgMismatch:
		v.add("reported_avg", fmt.Sprintf("%v disagrees with the mean of the six scores (%.2f, off by %.2f); check each score against the source, or if the source itself prints an inconsistent average set reported_avg_mismatch: true and explain in notes", e.ReportedAvg, avg, off))
	case off <= AvgTolerance+slack && e.ReportedAvgMismatch:
		v.add("reported_avg_mismatch", fmt.Sprintf("is set, but reported_avg %v agrees with the mean of the six scores (%.2f); remove it", e.ReportedAvg, avg))
	}
}

func (v *validator) derivation(e *Entry) {
	if !e.Derived {
		v.add("derivation", "scores with a derivation are derived; add derived: true")
	}
	d := e.Derivation
	switch {
	case !v.has("derivation.from"):
		v.add("derivation.from", "missing; write the id of the entry whose scores the percent changes apply to")
	case d.From == e.ID:
		v.add("derivation.from", "names this entry itself; write the id of the base entry")
	}
	if !v.has("derivation.percent_change") {
		v.add("derivation.percent_change", "missing; add the six percent changes as the source prints them")
		return
	}
	v.benchmarkMap("derivation.percent_change", d.PercentChange, func(_ string, x float64) string {
		if x < -100 || math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Sprintf("%v is not a percent change a score can have (at least -100)", x)
		}
		return ""
	})
}

// slugify suggests an id for a name that is not one.
func slugify(s string) string {
	var b strings.Builder
	sep := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if sep && b.Len() > 0 {
				b.WriteByte('-')
			}
			sep = false
			b.WriteRune(r)
		case r == '.' && !sep && b.Len() > 0:
			b.WriteRune(r)
		default:
			sep = true
		}
	}
	return strings.Trim(separates.ReplaceAllString(b.String(), "-"), ".-")
}
