package mathvista

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/vlmlab/harness/benchmarks/bench"
	"github.com/vlmlab/harness/benchmarks/postprocess"
	"github.com/vlmlab/harness/internal/jsonpos"
	"github.com/vlmlab/harness/internal/textfile"
	"github.com/vlmlab/harness/plugins/sdk"
)

// File names the loader looks for inside a data directory.
const (
	officialFile = "testmini.json"
	queryFile    = "query.json"
	tsvFile      = "MathVista_MINI.tsv"
)

// locate resolves a data path (file or directory) to the file to read and
// whether it is a VLMEvalKit TSV.
func locate(path string) (file string, tsv bool, err error) {
	// Image paths handed to the host must be absolute.
	if path, err = filepath.Abs(path); err != nil {
		return "", false, fmt.Errorf("%s data: %w", Name, err)
	}
	st, err := os.Stat(path)
	if err != nil {
		return "", false, fmt.Errorf("mathvista data: %w", err)
	}
	if !st.IsDir() {
		return path, strings.EqualFold(filepath.Ext(path), ".tsv"), nil
	}
	if _, err := os.Stat(filepath.Join(path, officialFile)); err == nil {
		return filepath.Join(path, officialFile), false, nil
	}
	if _, err := os.Stat(filepath.Join(path, tsvFile)); err == nil {
		return filepath.Join(path, tsvFile), true, nil
	}
	tsvs, _ := filepath.Glob(filepath.Join(path, "*.tsv"))
	if len(tsvs) == 1 {
		return tsvs[0], true, nil
	}
	return "", false, fmt.Errorf("%s: no MathVista data found: expected %s (with %s) from lupantech/MathVista, or VLMEvalKit's %s", path, officialFile, queryFile, tsvFile)
}

// recordsByID is how errors name testmini.json and query.json.
var recordsByID = jsonpos.Doc{
	Want:    "a JSON object of records keyed by id",
	After:   "data after the top-level object",
	Refetch: "download it again",
}

// loadOfficial reads testmini.json (a JSON object pid → record) and the
// prompts from query.json beside it. A record that carries its own "query"
// (as the official results files do) needs no query.json entry.
func loadOfficial(ctx context.Context, path string) ([]Problem, []string, error) {
	data, err := textfile.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("read mathvista data: %w", err)
	}
	entries, err := recordsByID.ReadObject(path, data)
	if err != nil {
		return nil, nil, err
	}
	problems := make([]Problem, 0, len(entries))
	needQueries := false
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		p, err := parseRecord(path, e)
		if err != nil {
			return nil, nil, err
		}
		if p.Query == "" {
			needQueries = true
		}
		problems = append(problems, p)
	}
	hashed := []string{path}
	if needQueries {
		qpath := filepath.Join(filepath.Dir(path), queryFile)
		queries, err := loadQueries(qpath)
		if err != nil {
			return nil, nil, err
		}
		for i := range problems {
			if problems[i].Query != "" {
				continue
			}
			q, ok := queries[problems[i].PID]
			if !ok {
				return nil, nil, fmt.Errorf("%s: no prompt for pid %q (record at %s line %d); use the query.json that ships with testmini.json", qpath, problems[i].PID, path, problems[i].Line)
			}
			problems[i].Query = q
		}
		hashed = append(hashed, qpath)
	}
	return problems, hashed, nil
}

// loadQueries reads query.json: a JSON object pid → prompt text.
func loadQueries(path string) (map[string]string, error) {
	data, err := textfile.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read mathvista prompts (%s holds the prompt of each pid and must sit beside the data file): %w", queryFile, err)
	}
	// query.json holds the prompts of the test split too (6,141): decode it
	// in one go and walk it for positions only to explain a failure.
	var out map[string]string
	if json.Unmarshal(data, &out) == nil && out != nil {
		return out, nil
	}
	entries, err := recordsByID.ReadObject(path, data)
	if err != nil {
		return nil, err
	}
	out = make(map[string]string, len(entries))
	for _, e := range entries {
		var s string
		if err := json.Unmarshal(e.Value, &s); err != nil {
			return nil, fmt.Errorf("%s: line %d: pid %q: expected the prompt as a string, got %s", path, e.Line, e.Key, kindOf(e.Value))
		}
		out[e.Key] = s
	}
	return out, nil
}

// typedRecord is a testmini.json record decoded in one pass; pointers tell
// missing members from empty ones.
type typedRecord struct {
	PID          *string  `json:"pid"`
	Query        *string  `json:"query"`
	Question     *string  `json:"question"`
	Image        *string  `json:"image"`
	Answer       *string  `json:"answer"`
	QuestionType *string  `json:"question_type"`
	AnswerType   *string  `json:"answer_type"`
	Choices      []string `json:"choices"`
	Precision    *float64 `json:"precision"`
	Metadata     *struct {
		Language *string  `json:"language"`
		Source   *string  `json:"source"`
		Category *string  `json:"category"`
		Task     *string  `json:"task"`
		Context  *string  `json:"context"`
		Grade    *string  `json:"grade"`
		Skills   []string `json:"skills"`
	} `json:"metadata"`
}

// parseRecord checks and converts one testmini.json record. Well-formed
// records take a fast typed decode; anything else is re-read member by
// member to say exactly which field is wrong.
func parseRecord(path string, e jsonpos.Entry) (Problem, error) {
	var r typedRecord
	if json.Unmarshal(e.Value, &r) != nil || r.Question == nil || r.Answer == nil || r.QuestionType == nil ||
		r.AnswerType == nil || r.Metadata == nil || r.Metadata.Task == nil || r.Metadata.Skills == nil ||
		(r.PID != nil && *r.PID != e.Key) || (r.Precision != nil && *r.Precision != float64(int(*r.Precision))) {
		return parseRecordFields(path, e)
	}
	p := Problem{
		PID: e.Key, Line: e.Line, Query: deref(r.Query), Image: deref(r.Image), Answer: *r.Answer,
		QuestionType: *r.QuestionType, AnswerType: *r.AnswerType, Choices: r.Choices,
		Task: *r.Metadata.Task, Skills: r.Metadata.Skills,
		Metadata: map[string]string{
			"language": deref(r.Metadata.Language), "source": deref(r.Metadata.Source),
			"category": deref(r.Metadata.Category), "task": *r.Metadata.Task,
			"context": deref(r.Metadata.Context), "grade": deref(r.Metadata.Grade),
		},
	}
	if r.Precision != nil {
		p.Precision = int(*r.Precision)
	}
	if err := p.check(r.Precision != nil); err != nil {
		return p, fmt.Errorf("%s: line %d: pid %q: %w", path, e.Line, e.Key, err)
	}
	return p, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// parseRecordFields reads a record member by member, reporting the first
// missing or mistyped field.
func parseRecordFields(path string, e jsonpos.Entry) (Problem, error) {
	f := newFields(path, e.Line, fmt.Sprintf("pid %q", e.Key), e.Value)
	p := Problem{PID: e.Key, Line: e.Line}
	if pid, ok := f.optStr("pid", false); ok && pid != e.Key {
		f.fail("pid", "is %q but the record is keyed %q", pid, e.Key)
	}
	p.Query, _ = f.optStr("query", false)
	f.str("question")
	p.Image, _ = f.optStr("image", false)
	p.Answer = f.str("answer")
	p.QuestionType = f.str("question_type")
	p.AnswerType = f.str("answer_type")
	p.Choices, _ = f.optStrings("choices")
	precision, hasPrecision := f.optInt("precision")
	meta := f.object("metadata")
	p.Metadata = map[string]string{}
	for _, k := range metadataFields {
		v, _ := meta.optStr(k, k == "task")
		p.Metadata[k] = v
	}
	p.Task = p.Metadata["task"]
	skills, ok := meta.optStrings("skills")
	if !ok && meta.err == nil {
		meta.fail("skills", "missing; every record needs a list of skills")
	}
	p.Skills = skills
	if f.err != nil {
		return p, f.err
	}
	if meta.err != nil {
		return p, meta.err
	}
	if hasPrecision {
		p.Precision = precision
	}
	if err := p.check(hasPrecision); err != nil {
		return p, fmt.Errorf("%s: line %d: pid %q: %w", path, e.Line, e.Key, err)
	}
	return p, nil
}

// check validates the fields the scorers rely on and fills AnswerOption.
func (p *Problem) check(hasPrecision bool) error {
	switch p.QuestionType {
	case MultiChoice:
		if len(p.Choices) == 0 {
			return fmt.Errorf("field \"choices\": a multi_choice question needs its options")
		}
		if len(p.Choices) > 26 {
			return fmt.Errorf("field \"choices\": %d options, at most 26 can be lettered", len(p.Choices))
		}
		p.AnswerOption = answerLetter(p.Choices, p.Answer)
		if p.AnswerOption == "" {
			return fmt.Errorf("field \"answer\": %q is not one of the choices %q", p.Answer, p.Choices)
		}
	case FreeForm:
	default:
		return fmt.Errorf("field \"question_type\": %q, expected %q or %q", p.QuestionType, MultiChoice, FreeForm)
	}
	switch p.AnswerType {
	case AnswerText, AnswerInteger, AnswerList:
	case AnswerFloat:
		if !hasPrecision {
			return fmt.Errorf("field \"precision\": a float answer needs the number of decimals")
		}
	default:
		return fmt.Errorf("field \"answer_type\": %q, expected text, integer, float or list", p.AnswerType)
	}
	return nil
}

// Load reads MathVista data for a scoring session: the official
// testmini.json (+ query.json) or VLMEvalKit's MathVista_MINI.tsv, a file or
// a directory holding one.
func Load(ctx context.Context, req sdk.LoadRequest) (*Dataset, error) {
	profile, err := checkProfile(req.Profile)
	if err != nil {
		return nil, err
	}
	post, rest, err := postprocess.Take(req.Options)
	if err != nil {
		return nil, fmt.Errorf("mathvista: %w", err)
	}
	req.Options = rest
	quick, err := quickOption(profile, req.Options)
	if err != nil {
		return nil, err
	}
	file, tsv, err := locate(req.Path)
	if err != nil {
		return nil, err
	}
	var problems []Problem
	var images map[string][]sdk.Part
	var hashed []string
	if tsv {
		problems, images, err = loadTSV(ctx, file)
		hashed = []string{file}
	} else {
		problems, hashed, err = loadOfficial(ctx, file)
	}
	if err != nil {
		return nil, err
	}
	if err := checkUnique(file, problems); err != nil {
		return nil, err
	}
	partial, err := bench.CheckCount("mathvista", file, len(problems), Items, req.AllowPartial)
	if err != nil {
		return nil, err
	}
	hash, err := bench.HashFiles(hashed...)
	if err != nil {
		return nil, err
	}
	ds := &Dataset{
		info: sdk.DatasetInfo{
			Benchmark: Name, Path: file, DataHash: hash,
			Count: len(problems), Expected: Items, Partial: partial, Synthetic: bench.Synthetic(file),
		},
		profile:  profile,
		judge:    req.Judge,
		post:     post,
		quick:    quick,
		problems: problems,
		index:    make(map[string]int, len(problems)),
		hasMeta:  !tsv,
	}
	dir := filepath.Dir(file)
	for i := range problems {
		ds.index[problems[i].PID] = i
		it, err := buildItem(dir, &problems[i], images[problems[i].PID])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		ds.items = append(ds.items, it)
	}
	return ds, nil
}

// checkUnique refuses two records with one id (possible in a TSV).
func checkUnique(path string, problems []Problem) error {
	seen := make(map[string]int, len(problems))
	for _, p := range problems {
		if line, dup := seen[p.PID]; dup {
			return fmt.Errorf("%s: line %d: id %q already used at line %d; ids must be unique", path, p.Line, p.PID, line)
		}
		seen[p.PID] = p.Line
	}
	return nil
}

func checkProfile(profile string) (string, error) {
	switch profile {
	case sdk.ProfileLeaderboard, sdk.ProfileOfficial:
		return profile, nil
	case "":
		return sdk.ProfileLeaderboard, nil
	}
	return "", fmt.Errorf("mathvista: unknown profile %q; use %q or %q", profile, sdk.ProfileLeaderboard, sdk.ProfileOfficial)
}

// quickOption reads the mathvista options: only quick_extract ("on" or
// "off"), and only in the official profile, whose rule it is.
func quickOption(profile string, opts map[string]string) (bool, error) {
	keys := make([]string, 0, len(opts))
	for k := range opts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	quick := false
	for _, k := range keys {
		v := opts[k]
		switch {
		case k != OptionQuickExtract:
			return false, fmt.Errorf("mathvista: unknown option %q; it takes %s and %s", k, OptionQuickExtract, postprocess.Option)
		case profile != sdk.ProfileOfficial:
			return false, fmt.Errorf("mathvista: option %s is a rule of the official profile, not of %q", k, profile)
		case v == "on":
			quick = true
		case v != "off":
			return false, fmt.Errorf("mathvista: option %s: %q is not \"on\" or \"off\"", k, v)
		}
	}
	return quick, nil
}
