package bench

import (
	"encoding/base64"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/vlmlab/harness/plugins/sdk"
)

// TSVRow is one record of a VLMEvalKit TSV with the line it starts on.
type TSVRow struct {
	Line   int
	Fields map[string]string
}

// Get returns a column's value ("" when absent).
func (r TSVRow) Get(col string) string { return r.Fields[col] }

// ReadTSV reads a VLMEvalKit TSV (pandas to_csv with sep='\t': a header row,
// double-quoted fields where needed) and checks that the required columns exist.
func ReadTSV(path string, required ...string) ([]TSVRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = '\t'
	r.FieldsPerRecord = -1
	r.ReuseRecord = false
	header, err := r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: empty file, expected a TSV header row", path)
		}
		return nil, fmt.Errorf("%s: line 1: %w", path, err)
	}
	cols := map[string]int{}
	for i, h := range header {
		cols[strings.TrimSpace(h)] = i
	}
	for _, c := range required {
		if _, ok := cols[c]; !ok {
			return nil, fmt.Errorf("%s: line 1: missing column %q (have %s)", path, c, strings.Join(header, ", "))
		}
	}
	var rows []TSVRow
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		line, _ := r.FieldPos(0)
		if len(rec) != len(header) {
			return nil, fmt.Errorf("%s: line %d: %d fields, the header has %d (truncated or malformed row)", path, line, len(rec), len(header))
		}
		m := make(map[string]string, len(header))
		for name, i := range cols {
			m[name] = rec[i]
		}
		rows = append(rows, TSVRow{Line: line, Fields: m})
	}
	return rows, nil
}

// TSVImages decodes a TSV image cell: one base64 image, or a Python-list
// string of base64 images for multi-image items.
func TSVImages(path string, line int, cell string) ([]sdk.Part, error) {
	cell = strings.TrimSpace(cell)
	if cell == "" {
		return nil, fmt.Errorf("%s: line %d: field image: empty", path, line)
	}
	var encoded []string
	if strings.HasPrefix(cell, "[") {
		for _, s := range strings.Split(strings.Trim(cell, "[]"), ",") {
			s = strings.Trim(strings.TrimSpace(s), `'"`)
			if s != "" {
				encoded = append(encoded, s)
			}
		}
	} else {
		encoded = []string{cell}
	}
	parts := make([]sdk.Part, 0, len(encoded))
	for i, e := range encoded {
		b, err := base64.StdEncoding.DecodeString(e)
		if err != nil {
			return nil, fmt.Errorf("%s: line %d: field image (#%d): not base64: %w", path, line, i+1, err)
		}
		parts = append(parts, sdk.Part{Image: &sdk.Image{Data: b, MIME: http.DetectContentType(b)}})
	}
	return parts, nil
}
