package textfile

import (
	"strings"
	"testing"
)

// TestEncodingsNamed (issue 11 item 11): a UTF-8 BOM is dropped; UTF-16
// (with or without a BOM), UTF-32 and a Latin-1 byte are refused with the
// file, the line and the column, and what to do.
func TestEncodingsNamed(t *testing.T) {
	tests := []struct {
		name, data string
		want       string // "" : accepted
		out        string
	}{
		{"plain", "a\tb\n1\t2\n", "", "a\tb\n1\t2\n"},
		{"utf-8 bom", "\xEF\xBB\xBFindex\tq\n", "", "index\tq\n"},
		{"utf-16le bom", "\xFF\xFEi\x00n\x00", "f.tsv: the file is UTF-16 text; save it as UTF-8", ""},
		{"utf-16be bom", "\xFE\xFF\x00i\x00n", "UTF-16 text", ""},
		{"utf-16le no bom", "i\x00n\x00d\x00", "UTF-16 (without a byte-order mark)", ""},
		{"utf-32le", "\xFF\xFE\x00\x00i\x00\x00\x00", "UTF-32", ""},
		{"latin-1", "index\tq\n1\tcaf\xE9\n", "f.tsv: line 2: column 6: byte 0xE9 is not UTF-8 (the file looks Latin-1 or Windows-1252); convert it", ""},
	}
	for _, tt := range tests {
		got, err := UTF8("f.tsv", []byte(tt.data))
		if tt.want == "" {
			if err != nil || string(got) != tt.out {
				t.Errorf("%s: %q %v, want %q", tt.name, got, err, tt.out)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one saying %q", tt.name, err, tt.want)
		}
	}
}
