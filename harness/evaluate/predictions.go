package evaluate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sort"

	"github.com/vlmlab/harness/internal/textfile"
	"github.com/vlmlab/harness/plugins/sdk"
)

// prediction is one line of a predictions file. "prediction" is accepted for
// "response" as VLMEvalKit names the column; "index" for "id".
type prediction struct {
	ID         json.RawMessage `json:"id"`
	Index      json.RawMessage `json:"index"`
	Response   *string         `json:"response"`
	Prediction *string         `json:"prediction"`
	Error      string          `json:"error"`
	// Truncated is the items.jsonl field: a re-score keeps the count.
	Truncated bool `json:"truncated"`
}

// ReadPredictions reads model responses: JSONL with one {"id", "response"}
// object per line, one JSON object mapping id to response, or a published
// results file mapping id to a record with a "response" (MathVista's
// output_*.json).
func ReadPredictions(path string) ([]sdk.Response, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read predictions: %w", err)
	}
	if data, err = textfile.UTF8(path, data); err != nil {
		return nil, err
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, fmt.Errorf("%s: empty predictions file", path)
	}
	// A published results file (MathVista's output_*.json): id -> record.
	if out, ok, err := readResultObject(path, trimmed); ok {
		return out, err
	}
	// A single JSON object spanning the file is the id -> response form,
	// unless it is one JSONL record.
	var byID map[string]string
	if trimmed[0] == '{' && json.Unmarshal(trimmed, &byID) == nil && !isRecord(byID) {
		ids := make([]string, 0, len(byID))
		for id := range byID {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		out := make([]sdk.Response, len(ids))
		for i, id := range ids {
			out[i] = sdk.Response{ItemID: id, Text: byID[id]}
		}
		return out, nil
	}
	var out []sdk.Response
	seen := map[string]int{}
	// Lines are cut from the file in memory, so no line is too long (a
	// bufio.Scanner stops at its buffer size with "token too long").
	rest := data
	for line := 1; len(rest) > 0; line++ {
		var raw []byte
		raw, rest, _ = bytes.Cut(rest, []byte{'\n'})
		text := bytes.TrimSpace(raw)
		if len(text) == 0 {
			continue
		}
		var p prediction
		if err := json.Unmarshal(text, &p); err != nil {
			return nil, fmt.Errorf("%s:%d: not a JSON object: %v", path, line, err)
		}
		id := idString(p.ID)
		if id == "" {
			id = idString(p.Index)
		}
		if id == "" {
			return nil, fmt.Errorf("%s:%d: field id: missing (each line needs \"id\" and \"response\")", path, line)
		}
		resp := p.Response
		if resp == nil {
			resp = p.Prediction
		}
		if resp == nil && p.Error == "" {
			return nil, fmt.Errorf("%s:%d: field response: missing for id %q", path, line, id)
		}
		if prev, dup := seen[id]; dup {
			return nil, fmt.Errorf("%s:%d: id %q already given on line %d", path, line, id, prev)
		}
		seen[id] = line
		r := sdk.Response{ItemID: id, Truncated: p.Truncated}
		if resp != nil {
			r.Text = *resp
		}
		if p.Error != "" {
			r.Failed, r.Error = true, p.Error
		}
		out = append(out, r)
	}
	return out, nil
}

// idString accepts string and number ids.
func idString(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// isRecord tells a one-line JSONL record from an id -> response map.
func isRecord(m map[string]string) bool {
	for _, k := range []string{"id", "index", "response", "prediction"} {
		if _, ok := m[k]; ok {
			return true
		}
	}
	return false
}
