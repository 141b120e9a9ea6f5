package bench

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/vlmlab/harness/internal/textfile"
	"github.com/vlmlab/harness/plugins/sdk"
)

// TSVRow is one record of a VLMEvalKit TSV with the line it starts on.
type TSVRow struct {
	Line   int
	Fields map[string]string
}

// Get returns a column's value ("" when absent).
func (r TSVRow) Get(col string) string { return r.Fields[col] }

// ScanTSV reads a VLMEvalKit TSV (pandas to_csv with sep='\t': a header row,
// double-quoted fields where needed), checks that the required columns exist
// and calls fn with each row in file order. Only one row is held at a time:
// real TSVs carry every image as base64 and run to hundreds of MB, so they
// are never read whole. An error from fn stops the scan and is returned as
// is.
func ScanTSV(path string, required []string, fn func(TSVRow) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<16)
	head, _ := br.Peek(4)
	if err := textfile.CheckStart(path, head); err != nil {
		return err
	}
	if bytes.HasPrefix(head, textfile.BOM) {
		br.Discard(len(textfile.BOM)) // or the first column is "\ufeffindex"
	}
	r := csv.NewReader(br)
	r.Comma = '\t'
	r.FieldsPerRecord = -1
	// A fresh record per row: fn may keep the strings of the fields it wants.
	r.ReuseRecord = false
	header, err := r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%s: empty file, expected a TSV header row", path)
		}
		return fmt.Errorf("%s: line 1: %w", path, err)
	}
	cols := map[string]int{}
	for i, h := range header {
		cols[strings.TrimSpace(h)] = i
	}
	for _, c := range required {
		if _, ok := cols[c]; !ok {
			return fmt.Errorf("%s: line 1: missing column %q (have %s)", path, c, strings.Join(header, ", "))
		}
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		line, _ := r.FieldPos(0)
		if len(rec) != len(header) {
			return fmt.Errorf("%s: line %d: %d fields, the header has %d (truncated or malformed row)", path, line, len(rec), len(header))
		}
		m := make(map[string]string, len(header))
		for name, i := range cols {
			if !utf8.ValidString(rec[i]) {
				// Caught here, with its place; later it would fail as a
				// gRPC marshal error naming nothing.
				bad := rec[i][textfile.InvalidAt([]byte(rec[i]))]
				return textfile.NotUTF8(path, line, fmt.Sprintf("column %q", name), bad)
			}
			// encoding/csv cuts every field of a record out of one string,
			// so keeping a short field (a question, an answer) would keep
			// the whole row alive, its base64 image included. Copies let
			// the row go once fn returns.
			m[name] = strings.Clone(rec[i])
		}
		if err := fn(TSVRow{Line: line, Fields: m}); err != nil {
			return err
		}
	}
}

// ReadTSV reads every row of a VLMEvalKit TSV into memory. It suits small
// files (fixtures, tests); loaders of benchmark data use ScanTSV, which holds
// one row at a time.
func ReadTSV(path string, required ...string) ([]TSVRow, error) {
	var rows []TSVRow
	err := ScanTSV(path, required, func(r TSVRow) error {
		rows = append(rows, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rows, nil
}

// TSVImages decodes a TSV image cell into memory: one base64 image, or a
// Python-list string of base64 images for multi-image items. Loaders use an
// ImageSpill instead, so that items carry file paths rather than bytes.
func TSVImages(path string, line int, cell string) ([]sdk.Part, error) {
	images, err := decodeImageCell(path, line, cell)
	if err != nil {
		return nil, err
	}
	parts := make([]sdk.Part, len(images))
	for i, b := range images {
		parts[i] = sdk.Part{Image: &sdk.Image{Data: b, MIME: http.DetectContentType(b)}}
	}
	return parts, nil
}

// splitImageCell splits an image cell into its base64 strings.
func splitImageCell(cell string) []string {
	cell = strings.TrimSpace(cell)
	if !strings.HasPrefix(cell, "[") {
		return []string{cell}
	}
	var encoded []string
	for _, s := range strings.Split(strings.Trim(cell, "[]"), ",") {
		s = strings.Trim(strings.TrimSpace(s), `'"`)
		if s != "" {
			encoded = append(encoded, s)
		}
	}
	return encoded
}

// decodeImageCell decodes every base64 image of a cell. An empty list ("[]")
// is no image, not an error, as it always was.
func decodeImageCell(path string, line int, cell string) ([][]byte, error) {
	if strings.TrimSpace(cell) == "" {
		return nil, fmt.Errorf("%s: line %d: field image: empty", path, line)
	}
	encoded := splitImageCell(cell)
	out := make([][]byte, len(encoded))
	for i, e := range encoded {
		b, err := base64.StdEncoding.DecodeString(e)
		if err != nil {
			return nil, fmt.Errorf("%s: line %d: field image (#%d): not base64: %w", path, line, i+1, err)
		}
		out[i] = b
	}
	return out, nil
}
