package dynamath

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/vlmlab/harness/benchmarks/bench"
	"github.com/vlmlab/harness/internal/jsonpos"
	"github.com/vlmlab/harness/internal/textfile"
)

// variantFile is one variant's JSON file and the folder its image paths are
// relative to.
type variantFile struct {
	VarID    int
	Path     string
	ImageDir string
}

// findVariants lists the variant files of dir: variantN.json (images under
// variantN/) or, the repository layout, trialN/dataset.json (images under
// trialN/). A layout with some files missing is an error unless partial data
// is allowed.
func findVariants(dir string, allowPartial bool) ([]variantFile, error) {
	layouts := []func(k int) variantFile{
		func(k int) variantFile {
			return variantFile{k, filepath.Join(dir, fmt.Sprintf("variant%d.json", k)), filepath.Join(dir, fmt.Sprintf("variant%d", k))}
		},
		func(k int) variantFile {
			sub := filepath.Join(dir, fmt.Sprintf("trial%d", k))
			return variantFile{k, filepath.Join(sub, "dataset.json"), sub}
		},
	}
	for _, layout := range layouts {
		var found []variantFile
		var missing []string
		for k := 1; k <= Variants; k++ {
			f := layout(k)
			if _, err := os.Stat(f.Path); err == nil {
				found = append(found, f)
			} else if errors.Is(err, fs.ErrNotExist) {
				rel, _ := filepath.Rel(dir, f.Path)
				missing = append(missing, rel)
			} else {
				return nil, err
			}
		}
		if len(found) == 0 {
			continue
		}
		if len(missing) > 0 && !allowPartial {
			return nil, fmt.Errorf("%s: missing %s; every seed needs its %d variants (pass --allow-partial to score the variants present)", dir, strings.Join(missing, ", "), Variants)
		}
		return found, nil
	}
	return nil, fmt.Errorf("%s: no variant1.json … variant10.json (or trial1/dataset.json …) found; point at the folder holding DynaMath's 10 variant files", dir)
}

// loadDir reads the variant files of dir, variant by variant, in the order of
// qids within each file.
func loadDir(ctx context.Context, dir string, allowPartial bool) ([]Problem, []string, error) {
	files, err := findVariants(dir, allowPartial)
	if err != nil {
		return nil, nil, err
	}
	var (
		problems []Problem
		paths    []string
	)
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		ps, err := loadVariantFile(f)
		if err != nil {
			return nil, nil, err
		}
		problems = append(problems, ps...)
		paths = append(paths, f.Path)
	}
	return problems, paths, nil
}

// variantDoc is how errors name a variant file.
var variantDoc = jsonpos.Doc{
	Want:    "a JSON object of records keyed by qid",
	After:   "data after the top-level object",
	Refetch: "fetch it again",
}

// loadVariantFile reads one variant file: a dict qid → record.
func loadVariantFile(f variantFile) ([]Problem, error) {
	data, err := textfile.ReadFile(f.Path)
	if err != nil {
		return nil, err
	}
	entries, err := variantDoc.ReadObject(f.Path, data)
	if err != nil {
		return nil, err
	}
	problems := make([]Problem, 0, len(entries))
	for _, e := range entries {
		where := fmt.Sprintf("%s: line %d: qid %q", f.Path, e.Line, e.Key)
		qid, err := strconv.Atoi(e.Key)
		if err != nil {
			return nil, fmt.Errorf("%s: the key is not a seed number (expected \"1\" … \"%d\")", where, Seeds)
		}
		p := Problem{ID: fmt.Sprintf("%d-v%d", qid, f.VarID), QID: qid, VarID: f.VarID}
		image, err := decodeRecord(e.Value, &p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		if image == "" {
			return nil, fmt.Errorf("%s: field image: empty; expected a path such as image/image%d.png", where, qid)
		}
		img, err := bench.ImageFile(f.ImageDir, image)
		if err != nil {
			return nil, fmt.Errorf("%s: field image: %w", where, err)
		}
		p.Images = append(p.Images, img)
		if err := p.validate(where); err != nil {
			return nil, err
		}
		problems = append(problems, p)
	}
	return problems, nil
}

// variantRecord is one record of a variant file; a nil field is missing.
type variantRecord struct {
	Question   *string `json:"question"`
	Answer     *string `json:"answer"`
	Image      *string `json:"image"`
	AnswerType *string `json:"answer_type"`
	Subject    *string `json:"subject"`
	Level      *string `json:"level"`
}

// decodeRecord fills p's text fields from a record and returns its image
// path. Well-formed records take one decoding pass; a bad one is decoded
// again field by field to say which field is wrong.
func decodeRecord(raw json.RawMessage, p *Problem) (image string, err error) {
	var r variantRecord
	if json.Unmarshal(raw, &r) == nil && r.Question != nil && r.Answer != nil && r.Image != nil &&
		r.AnswerType != nil && r.Subject != nil && r.Level != nil {
		p.Question, p.Answer, p.AnswerType, p.Subject, p.Level = *r.Question, *r.Answer, *r.AnswerType, *r.Subject, *r.Level
		return *r.Image, nil
	}
	var rec map[string]json.RawMessage
	if err := json.Unmarshal(raw, &rec); err != nil {
		return "", fmt.Errorf("expected a record object {question, answer, image, answer_type, subject, level}")
	}
	for _, f := range []struct {
		name string
		dst  *string
	}{
		{"question", &p.Question}, {"answer", &p.Answer}, {"image", &image}, {"answer_type", &p.AnswerType},
		{"subject", &p.Subject}, {"level", &p.Level},
	} {
		if *f.dst, err = stringField(rec, f.name); err != nil {
			return "", err
		}
	}
	return image, nil
}

// stringField returns a record's string field, with an error naming the field
// when it is missing or not a string.
func stringField(rec map[string]json.RawMessage, name string) (string, error) {
	raw, ok := rec[name]
	if !ok {
		return "", fmt.Errorf("field %s: missing", name)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("field %s: expected a string, got %s", name, clip(string(raw)))
	}
	return s, nil
}

// clip shortens s for error messages and reports.
func clip(s string) string {
	const max = 80
	n := 0
	for i := range s {
		if n == max {
			return s[:i] + "…"
		}
		n++
	}
	return s
}
