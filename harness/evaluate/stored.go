package evaluate

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"

	"github.com/vlmlab/harness/plugins/sdk"
)

// storedRecord is one entry of a published results file keyed by item id,
// as MathVista's results/*/output_*.json keep them: the item, the model's
// response, the GPT extraction and the official verdict.
type storedRecord struct {
	Response   *string `json:"response"`
	Extraction *string `json:"extraction"`
}

// readResultObject reads a JSON object mapping id to a record with a
// "response" field (MathVista's output_*.json). ok is false when the data is
// not of that shape, so other readers can try.
func readResultObject(path string, data []byte) (out []sdk.Response, ok bool, err error) {
	recs, ok := storedRecords(data)
	if !ok {
		return nil, false, nil
	}
	ids := make([]string, 0, len(recs))
	for id, r := range recs {
		if r.Response == nil {
			return nil, true, fmt.Errorf("%s: record %q: field response: missing", path, id)
		}
		ids = append(ids, id)
	}
	sort.Strings(ids)
	out = make([]sdk.Response, len(ids))
	for i, id := range ids {
		out[i] = sdk.Response{ItemID: id, Text: *recs[id].Response}
	}
	return out, true, nil
}

// storedRecords decodes an id -> record object; ok is false unless every
// value is an object and at least one has a response.
func storedRecords(data []byte) (map[string]storedRecord, bool) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, false
	}
	var raw map[string]json.RawMessage
	if json.Unmarshal(trimmed, &raw) != nil || len(raw) == 0 {
		return nil, false
	}
	recs := make(map[string]storedRecord, len(raw))
	withResponse := false
	for id, v := range raw {
		v = bytes.TrimSpace(v)
		if len(v) == 0 || v[0] != '{' {
			return nil, false
		}
		var r storedRecord
		if json.Unmarshal(v, &r) != nil {
			return nil, false
		}
		withResponse = withResponse || r.Response != nil
		recs[id] = r
	}
	return recs, withResponse
}

// ReadStoredExtractions reads the "extraction" of every record of a
// published results file (see readResultObject); a record whose extraction
// is null has none.
func ReadStoredExtractions(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read stored extractions: %w", err)
	}
	recs, ok := storedRecords(data)
	if !ok {
		return nil, fmt.Errorf("%s: not a results file mapping each id to {\"response\", \"extraction\", …} (MathVista's output_*.json)", path)
	}
	out := map[string]string{}
	for id, r := range recs {
		if r.Extraction != nil {
			out[id] = *r.Extraction
		}
	}
	return out, nil
}

// StoredJudge answers extraction requests with the extractions a results
// file stored, so an official score is reproduced offline: the evaluator's
// rules run as upstream, and where upstream asked GPT the stored answer
// stands in for it. Other stages, and items without a stored extraction,
// get an error answer (scored as judge-failed).
type StoredJudge struct {
	Extractions map[string]string
	// Name is what reports record as the judge, e.g. "stored extraction (output_bard.json)".
	Name string
}

// StageExtract is the judge stage name evaluators use for answer extraction.
const StageExtract = "extract"

// Judge answers one request from the stored extractions.
func (s StoredJudge) Judge(_ context.Context, q sdk.JudgeRequest) sdk.JudgeAnswer {
	if q.Stage != StageExtract {
		return sdk.JudgeAnswer{Key: q.Key, Error: fmt.Sprintf("stored extractions answer only the %s stage, not %q", StageExtract, q.Stage)}
	}
	ext, ok := s.Extractions[q.ItemID]
	if !ok {
		return sdk.JudgeAnswer{Key: q.Key, Error: fmt.Sprintf("no stored extraction for item %q", q.ItemID)}
	}
	return sdk.JudgeAnswer{Key: q.Key, Text: ext}
}
