package wemath

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"

	"github.com/vlmlab/harness/benchmarks/bench"
	"github.com/vlmlab/harness/internal/jsonpos"
	"github.com/vlmlab/harness/internal/textfile"
)

// listOf is how errors name a WeMath file: a JSON list of what.
func listOf(what string) jsonpos.Doc {
	return jsonpos.Doc{
		Want:    "a JSON list of " + what,
		After:   "data after the top-level list",
		Refetch: "fetch it again",
	}
}

// loadJSON reads the official testmini.json: a list of records
// {ID, key, question, option, answer, image_path, knowledge concept, …}.
// Image paths are relative to the file's folder (2steps/image/1-1.png).
func loadJSON(ctx context.Context, path string, template bool) ([]Problem, error) {
	data, err := textfile.ReadFile(path)
	if err != nil {
		return nil, err
	}
	entries, err := listOf("WeMath records").ReadArray(path, data)
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(path)
	problems := make([]Problem, 0, len(entries))
	for i, e := range entries {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		where := fmt.Sprintf("%s: line %d: record %d", path, e.Line, i+1)
		var p Problem
		option, image, err := decodeRecord(e.Value, &p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		where = fmt.Sprintf("%s: line %d: record %d (ID %s, key %s)", path, e.Line, i+1, p.Group, p.Key)
		if p.Choices, err = ParseOptions(option); err != nil {
			return nil, fmt.Errorf("%s: field \"option\": %w", where, err)
		}
		if image == "" {
			return nil, fmt.Errorf("%s: field \"image_path\": empty", where)
		}
		img, err := bench.ImageFile(dir, image)
		if err != nil {
			return nil, fmt.Errorf("%s: field \"image_path\": %w", where, err)
		}
		p.Images = append(p.Images, img)
		if template {
			p.Question += "\n" + FormatTemplate
		}
		if err := p.validate(where); err != nil {
			return nil, err
		}
		p.ID = p.Group + "." + roleSuffix(p.Key)
		problems = append(problems, p)
	}
	return problems, nil
}

// record is one testmini.json record; a nil field is missing.
type record struct {
	ID        *string `json:"ID"`
	Key       *string `json:"key"`
	Question  *string `json:"question"`
	Option    *string `json:"option"`
	Answer    *string `json:"answer"`
	ImagePath *string `json:"image_path"`
	Concept   *string `json:"knowledge concept"`
}

// decodeRecord fills p's text fields from a record and returns its option
// string and image path. Well-formed records take one decoding pass; a bad
// one is decoded again field by field to say which field is wrong.
func decodeRecord(raw json.RawMessage, p *Problem) (option, image string, err error) {
	var r record
	if json.Unmarshal(raw, &r) == nil && r.ID != nil && r.Key != nil && r.Question != nil &&
		r.Option != nil && r.Answer != nil && r.ImagePath != nil && r.Concept != nil {
		p.Group, p.Key, p.Question, p.Answer, p.Concept = *r.ID, *r.Key, *r.Question, *r.Answer, *r.Concept
		return *r.Option, *r.ImagePath, nil
	}
	var rec map[string]json.RawMessage
	if err := json.Unmarshal(raw, &rec); err != nil {
		return "", "", fmt.Errorf("expected a record object {ID, key, question, option, answer, image_path, …}")
	}
	for _, f := range []struct {
		name string
		dst  *string
	}{
		{"ID", &p.Group}, {"key", &p.Key}, {"question", &p.Question}, {"option", &option},
		{"answer", &p.Answer}, {"image_path", &image}, {"knowledge concept", &p.Concept},
	} {
		if *f.dst, err = stringField(rec, f.name); err != nil {
			return "", "", err
		}
	}
	return option, image, nil
}

// stringField returns a record's string field, with an error naming the field
// when it is missing or not a string.
func stringField(rec map[string]json.RawMessage, name string) (string, error) {
	raw, ok := rec[name]
	if !ok {
		return "", fmt.Errorf("field %q: missing", name)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("field %q: expected a string, got %s", name, clip(string(raw)))
	}
	return s, nil
}
