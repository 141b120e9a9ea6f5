package mathvision

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/vlmlab/harness/benchmarks/bench"
	"github.com/vlmlab/harness/benchmarks/postprocess"
	"github.com/vlmlab/harness/internal/textfile"
	"github.com/vlmlab/harness/plugins/sdk"
)

// File names the loader looks for inside a data directory, in this order.
const (
	testFile     = "test.jsonl"
	testminiFile = "testmini.jsonl"
	tsvFile      = "MathVision.tsv"
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
		return "", false, fmt.Errorf("mathvision data: %w", err)
	}
	if !st.IsDir() {
		return path, strings.EqualFold(filepath.Ext(path), ".tsv"), nil
	}
	for _, name := range []string{testFile, tsvFile} {
		if _, err := os.Stat(filepath.Join(path, name)); err == nil {
			return filepath.Join(path, name), name == tsvFile, nil
		}
	}
	return "", false, fmt.Errorf("%s: no MathVision data found: expected %s from mathllm/MATH-V (or pass %s itself, with --allow-partial), or VLMEvalKit's %s", path, testFile, testminiFile, tsvFile)
}

// record is one line of test.jsonl. Pointers tell a missing field from an
// empty one.
type record struct {
	ID       *string  `json:"id"`
	Question *string  `json:"question"`
	Options  []string `json:"options"`
	Answer   *string  `json:"answer"`
	Level    *int     `json:"level"`
	Subject  *string  `json:"subject"`
	Image    *string  `json:"image"`
}

// loadJSONL reads the official test.jsonl / testmini.jsonl: one JSON object
// per line.
func loadJSONL(ctx context.Context, path string) ([]Problem, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read mathvision data: %w", err)
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<16)
	var problems []Problem
	for line := 1; ; line++ {
		if line%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		text, err := r.ReadBytes('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		atEOF := err != nil
		if line == 1 {
			if err := textfile.CheckStart(path, text); err != nil {
				return nil, err
			}
			text = bytes.TrimPrefix(text, textfile.BOM)
		}
		if i := textfile.InvalidAt(text); i >= 0 {
			return nil, textfile.NotUTF8(path, line, fmt.Sprintf("column %d", i+1), text[i])
		}
		if len(bytes.TrimSpace(text)) > 0 {
			p, perr := parseLine(path, line, text, atEOF)
			if perr != nil {
				return nil, perr
			}
			problems = append(problems, p)
		}
		if atEOF {
			return problems, nil
		}
	}
}

func parseLine(path string, line int, text []byte, last bool) (Problem, error) {
	var rec record
	if err := json.Unmarshal(text, &rec); err != nil {
		var typ *json.UnmarshalTypeError
		var syn *json.SyntaxError
		switch {
		case errors.As(err, &typ):
			return Problem{}, fmt.Errorf("%s: line %d: field %q: expected %s, got JSON %s", path, line, typ.Field, typ.Type, typ.Value)
		case last && (errors.As(err, &syn) || errors.Is(err, io.ErrUnexpectedEOF)):
			return Problem{}, fmt.Errorf("%s: line %d: the last record is incomplete (truncated file?): %v; download it again", path, line, err)
		}
		return Problem{}, fmt.Errorf("%s: line %d: invalid JSON: %v; each line must be one JSON object", path, line, err)
	}
	fail := func(field, format string, args ...any) error {
		return fmt.Errorf("%s: line %d: field %q: %s", path, line, field, fmt.Sprintf(format, args...))
	}
	required := []struct {
		name string
		v    *string
	}{{"id", rec.ID}, {"question", rec.Question}, {"answer", rec.Answer}, {"subject", rec.Subject}}
	for _, r := range required {
		if r.v == nil {
			return Problem{}, fail(r.name, "missing; every record needs it")
		}
	}
	if rec.Level == nil {
		return Problem{}, fail("level", "missing; every record needs it")
	}
	p := Problem{
		ID: *rec.ID, Question: *rec.Question, Options: rec.Options, Answer: *rec.Answer,
		Level: *rec.Level, Subject: *rec.Subject, Line: line,
	}
	if rec.Image != nil {
		p.Image = *rec.Image
	}
	if p.ID == "" {
		return p, fail("id", "empty")
	}
	if err := p.checkAnswer(); err != nil {
		return p, fmt.Errorf("%s: line %d: %w", path, line, err)
	}
	p.Query = Query(p.Question, p.Options)
	return p, nil
}

// checkAnswer refuses a multiple-choice answer that names no option: the
// official scorer indexes the options with it.
func (p *Problem) checkAnswer() error {
	if !p.IsMultiChoice() {
		return nil
	}
	if len(p.Options) > 26 {
		return fmt.Errorf("field \"options\": %d options, at most 26 can be lettered", len(p.Options))
	}
	if len(p.Answer) != 1 || p.Answer[0] < 'A' || int(p.Answer[0]-'A') >= len(p.Options) {
		return fmt.Errorf("field \"answer\": %q is not the letter of one of the %d options", p.Answer, len(p.Options))
	}
	return nil
}

// Load reads MathVision data for a scoring session: the official
// test.jsonl (or testmini.jsonl with AllowPartial) or VLMEvalKit's
// MathVision.tsv, a file or a directory holding one.
func Load(ctx context.Context, req sdk.LoadRequest) (*Dataset, error) {
	profile, err := checkProfile(req.Profile)
	if err != nil {
		return nil, err
	}
	post, rest, err := postprocess.Take(req.Options)
	if err != nil {
		return nil, fmt.Errorf("mathvision: %w", err)
	}
	req.Options = rest
	var rev revision
	expected := Items
	for k, v := range req.Options {
		if k == OptionSubset {
			switch v {
			case "", "test":
			case "mini":
				expected = MiniItems
			default:
				return nil, fmt.Errorf("mathvision: option %s: %q is not \"test\" (3040 items) or \"mini\" (testmini, 304: MathVision_MINI.tsv or testmini.jsonl)", k, v)
			}
			continue
		}
		if k != OptionVLMEvalKit {
			return nil, fmt.Errorf("mathvision: unknown option %q; it takes %s, %s and %s", k, OptionVLMEvalKit, OptionSubset, postprocess.Option)
		}
		if profile == sdk.ProfileOfficial {
			return nil, fmt.Errorf("mathvision: option %s chooses the leaderboard profile's VLMEvalKit revision; the official profile follows MATH-V", k)
		}
		if rev, err = parseRevision(v); err != nil {
			return nil, fmt.Errorf("mathvision: %w", err)
		}
	}
	file, tsv, err := locate(req.Path)
	if err != nil {
		return nil, err
	}
	var problems []Problem
	var images map[string][]sdk.Part
	if tsv {
		problems, images, err = loadTSV(ctx, file)
	} else {
		problems, err = loadJSONL(ctx, file)
	}
	if err != nil {
		return nil, err
	}
	if err := checkUnique(file, problems); err != nil {
		return nil, err
	}
	partial, err := bench.CheckCount(Name, file, len(problems), expected, req.AllowPartial)
	if err != nil {
		return nil, err
	}
	hash, err := bench.HashFiles(file)
	if err != nil {
		return nil, err
	}
	ds := &Dataset{
		info: sdk.DatasetInfo{
			Benchmark: Name, Path: file, DataHash: hash,
			Count: len(problems), Expected: expected, Partial: partial, Synthetic: bench.Synthetic(file),
		},
		profile:  profile,
		judge:    req.Judge,
		post:     post,
		rev:      rev,
		problems: problems,
		index:    make(map[string]int, len(problems)),
	}
	dir := filepath.Dir(file)
	for i := range problems {
		ds.index[problems[i].ID] = i
		it, err := buildItem(dir, &problems[i], images[problems[i].ID])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		ds.items = append(ds.items, it)
	}
	return ds, nil
}

// checkUnique refuses two records with one id.
func checkUnique(path string, problems []Problem) error {
	seen := make(map[string]int, len(problems))
	for _, p := range problems {
		if line, dup := seen[p.ID]; dup {
			return fmt.Errorf("%s: line %d: id %q already used at line %d; ids must be unique", path, p.Line, p.ID, line)
		}
		seen[p.ID] = p.Line
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
	return "", fmt.Errorf("mathvision: unknown profile %q; use %q or %q", profile, sdk.ProfileLeaderboard, sdk.ProfileOfficial)
}
