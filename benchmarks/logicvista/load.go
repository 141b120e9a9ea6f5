package logicvista

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/vlmlab/harness/benchmarks/bench"
	"github.com/vlmlab/harness/internal/jsonpos"
	"github.com/vlmlab/harness/internal/textfile"
	"github.com/vlmlab/harness/plugins/sdk"
)

// record is one value of dataset.json. Pointers tell a missing field from an
// empty one. The file has more fields (reasoning, sources, licence flag);
// scoring does not use them.
type record struct {
	ImageName       *string   `json:"imagename"`
	Question        *string   `json:"question"`
	Answer          *string   `json:"answer"`
	Skill           *[]string `json:"skill"`
	BroadCapability []string  `json:"broad_capability"`
}

// dataset is how errors name data/dataset.json.
var dataset = jsonpos.Doc{
	Want:        `a JSON object of records keyed by id ("v1_0": {...})`,
	After:       "data after the top-level object; the file must hold one JSON object",
	Refetch:     "download it again",
	NameRecords: true,
}

// readObject reads data/dataset.json's records with their lines.
var readObject = dataset.ReadObject

// loadJSON reads the official data/dataset.json; images are in images/ beside it.
func loadJSON(path string) ([]problem, error) {
	data, err := textfile.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	members, err := readObject(path, data)
	if err != nil {
		return nil, err
	}
	// Image paths cross the plugin boundary, so they are absolute.
	dir, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	imageDir := filepath.Join(dir, "images")
	out := make([]problem, 0, len(members))
	seen := map[string]int{}
	for _, m := range members {
		var r record
		if err := json.Unmarshal(m.Value, &r); err != nil {
			return nil, jsonpos.FieldError(path, data, m, err)
		}
		where := fmt.Sprintf("%s: line %d: record %q", path, m.Line, m.Key)
		if m.Key == "" {
			return nil, fmt.Errorf("%s: the id is empty; records are keyed \"v1_0\", \"v1_1\", …", where)
		}
		if first, dup := seen[m.Key]; dup {
			return nil, fmt.Errorf("%s: the id appears twice (first at line %d); remove the duplicate", where, first)
		}
		seen[m.Key] = m.Line
		for _, f := range []struct {
			name string
			ok   bool
		}{{"imagename", r.ImageName != nil}, {"question", r.Question != nil}, {"answer", r.Answer != nil}, {"skill", r.Skill != nil}} {
			if !f.ok {
				return nil, fmt.Errorf("%s: missing field %s", where, f.name)
			}
		}
		if *r.ImageName == "" {
			return nil, fmt.Errorf("%s: field imagename: empty; it names the item's image in images/", where)
		}
		if err := checkAnswer(*r.Answer); err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		img, err := bench.ImageFile(imageDir, *r.ImageName)
		if err != nil {
			return nil, fmt.Errorf("%s: field imagename: %w", where, err)
		}
		out = append(out, problem{
			id:         m.Key,
			line:       m.Line,
			question:   *r.Question,
			answer:     *r.Answer,
			skills:     strings.Join(*r.Skill, ", "),
			capability: strings.Join(r.BroadCapability, ", "),
			prompt:     []sdk.Part{img, {Text: *r.Question}},
		})
	}
	return out, nil
}

// tsvColumns are the columns VLMEvalKit's LogicVista code reads.
var tsvColumns = []string{"index", "image", "question", "answer", "skill"}

// loadTSV reads VLMEvalKit's LogicVista.tsv. An empty answer cell (pandas
// reads NaN) is kept as the empty standard answer, like v1_382 of the JSON.
func loadTSV(path string) ([]problem, error) {
	var out []problem
	seen := map[string]int{}
	spill := bench.NewImageSpill(path)
	err := bench.ScanTSV(path, tsvColumns, func(row bench.TSVRow) error {
		where := fmt.Sprintf("%s: line %d", path, row.Line)
		p := problem{
			id:       strings.TrimSpace(row.Get("index")),
			line:     row.Line,
			question: row.Get("question"),
			answer:   strings.TrimSpace(row.Get("answer")),
			skills:   row.Get("skill"),
		}
		if p.id == "" {
			return fmt.Errorf("%s: field index: empty; every row needs an index", where)
		}
		if first, dup := seen[p.id]; dup {
			return fmt.Errorf("%s: field index: %q appears twice (first at line %d); remove the duplicate row", where, p.id, first)
		}
		seen[p.id] = row.Line
		if err := checkAnswer(p.answer); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		images, err := spill.Parts(row)
		if err != nil {
			return err
		}
		p.prompt = append(images, sdk.Part{Text: p.question})
		out = append(out, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
