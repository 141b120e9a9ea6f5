package dataimport

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// writeCell writes one TSV field the way pandas' to_csv(sep='\t') does with
// its defaults (csv.QUOTE_MINIMAL, '"' doubled inside quotes): a field holding
// a tab, a quote or a line break is quoted, every other field is written as
// it is (leading spaces included, which Go's csv.Writer would quote).
//
// One deliberate difference: a bare '\r' is quoted too. Python's csv module
// (3.11) leaves it unquoted when the line terminator is '\n', and pandas'
// reader then splits the row there; quoting it reads back intact everywhere.
func writeCell(w io.StringWriter, s string) error {
	if !strings.ContainsAny(s, "\t\"\n\r") {
		_, err := w.WriteString(s)
		return err
	}
	if _, err := w.WriteString(`"`); err != nil {
		return err
	}
	if _, err := w.WriteString(strings.ReplaceAll(s, `"`, `""`)); err != nil {
		return err
	}
	_, err := w.WriteString(`"`)
	return err
}

// pyStr is Python's repr() of a str: single quotes unless the text holds a
// single quote and no double quote, backslash escapes for the quote, the
// backslash and non-printable characters. VLMEvalKit keeps list and dict
// columns (choices, skills, metadata) as str() of Python values, so these
// cells must read back with ast.literal_eval / eval.
func pyStr(s string) string {
	quote := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		quote = '"'
	}
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte(quote)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			// Not UTF-8: JSON sources cannot produce this, but never emit
			// text Python could not read back.
			fmt.Fprintf(&b, `\x%02x`, s[i])
			i++
			continue
		}
		i += size
		switch {
		case r == rune(quote) || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x80 && (r < 0x20 || r == 0x7f):
			fmt.Fprintf(&b, `\x%02x`, r)
		case r < 0x80 || pyPrintable(r):
			b.WriteRune(r)
		case r <= 0xff:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r <= 0xffff:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
	}
	b.WriteByte(quote)
	return b.String()
}

// pyPrintable approximates str.isprintable for one non-ASCII character:
// Python escapes the categories Cc, Cf, Cs, Co, Cn, Zl, Zp and Zs (other than
// the ASCII space); Go's IsPrint excludes the same classes.
func pyPrintable(r rune) bool { return unicode.IsPrint(r) }

// pyList is str() of a Python list of strings: "['a', 'b']", "[]" when empty.
func pyList(items []string) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, s := range items {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(pyStr(s))
	}
	b.WriteByte(']')
	return b.String()
}

// pyValue is one scalar of a JSON document as Python's repr writes it after
// json.load: strings quoted, null None, booleans True/False, numbers as
// written (integers print the same; JSON floats in these files are plain).
type pyValue struct {
	str   *string
	other string // already the Python spelling
}

func (v pyValue) repr() string {
	if v.str != nil {
		return pyStr(*v.str)
	}
	return v.other
}

// pyDict is str() of a Python dict with the given keys in insertion order.
func pyDict(keys []string, values []pyValue) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(pyStr(k))
		b.WriteString(": ")
		b.WriteString(values[i].repr())
	}
	b.WriteByte('}')
	return b.String()
}

// itoa is strconv.Itoa, named for the column code that uses it a lot.
func itoa(n int) string { return strconv.Itoa(n) }
