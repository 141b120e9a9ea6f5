package dynamath

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// cutJSON cuts s to its first '{' … last '}' when there is such a pair, as
// both VLMEvalKit's preprocess and the official script's do; ok says whether
// it cut.
func cutJSON(s string) (string, bool) {
	i, j := strings.IndexByte(s, '{'), strings.LastIndexByte(s, '}')
	if i < 0 || j <= i {
		return s, false
	}
	return s[i : j+1], true
}

// Preprocess is VLMEvalKit's preprocess(): the first '{' … last '}' (when
// there is such a pair) with every backslash removed.
func Preprocess(s string) string {
	cut, _ := cutJSON(s)
	return strings.ReplaceAll(cut, `\`, "")
}

// preprocessOfficial is the official opensource_json_eval.py preprocess():
// the same cut, but backslashes are removed only when it cut.
func preprocessOfficial(s string) string {
	cut, ok := cutJSON(s)
	if !ok {
		return s
	}
	return strings.ReplaceAll(cut, `\`, "")
}

// looseJSON parses s as Python's json.loads(s, strict=False): control
// characters are allowed inside strings, and the literals NaN, Infinity and
// -Infinity are read (as null: every rule here treats a non-string "short
// answer" alike). Numbers are kept as json.Number.
func looseJSON(s string) (any, bool) {
	var b strings.Builder
	b.Grow(len(s) + 16)
	inString := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inString && c == '\\' && i+1 < len(s):
			b.WriteByte(c)
			i++
			b.WriteByte(s[i])
		case inString && c == '"':
			inString = false
			b.WriteByte(c)
		case inString && c < 0x20:
			b.WriteString(`\u00`)
			b.WriteByte("0123456789abcdef"[c>>4])
			b.WriteByte("0123456789abcdef"[c&15])
		case inString:
			b.WriteByte(c)
		case c == '"':
			inString = true
			b.WriteByte(c)
		case strings.HasPrefix(s[i:], "NaN"):
			b.WriteString("null")
			i += len("NaN") - 1
		case strings.HasPrefix(s[i:], "Infinity"):
			b.WriteString("null")
			i += len("Infinity") - 1
		case strings.HasPrefix(s[i:], "-Infinity"):
			b.WriteString("null")
			i += len("-Infinity") - 1
		default:
			b.WriteByte(c)
		}
	}
	dec := json.NewDecoder(strings.NewReader(b.String()))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, false // Python: "Extra data"
	}
	return v, true
}

// shortAnswer returns the "short answer" member of a parsed JSON response.
// has is false when the response is not a JSON object or lacks the key (or
// its value is null).
func shortAnswer(v any) (value any, has bool) {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	value, ok = obj["short answer"]
	return value, ok && value != nil
}

// pyStr is Python's str() of a JSON value, as the official script applies it
// to the short answer. Numbers keep their JSON spelling (Python would print
// 2.50 as 2.5); lists and objects are written back as compact JSON.
func pyStr(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		if x {
			return "True"
		}
		return "False"
	case nil:
		return "None"
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return ""
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

// parsed is a short answer read by answer type.
type parsed struct {
	Text string  // the answer as a string (a letter for multiple choice)
	Num  float64 // the value, for float items
}

// String is the extraction shown in reports.
func (p parsed) String() string { return p.Text }

// parseAnswer is VLMEvalKit's parse_answer(answer, answer_type):
//
//   - float: all digits → float(); else the text before the first space,
//     through transfer (π);
//   - multiple choice: one character → upper-cased; else the one letter of
//     ABCDE that occurs in the upper-cased text, if exactly one does;
//   - text: always succeeds with the text itself.
func parseAnswer(s, answerType string) (parsed, bool) {
	switch answerType {
	case TypeFloat:
		var v float64
		var ok bool
		if pyIsDigit(s) {
			v, ok = pyFloat(s)
		} else {
			first, _, _ := strings.Cut(s, " ")
			v, ok = transfer(first)
		}
		if !ok {
			return parsed{}, false
		}
		return parsed{Text: strconv.FormatFloat(v, 'g', -1, 64), Num: v}, true
	case TypeChoice:
		if utf8.RuneCountInString(s) == 1 {
			return parsed{Text: strings.ToUpper(s)}, true
		}
		up := strings.ToUpper(s)
		found := ""
		for _, ch := range []string{"A", "B", "C", "D", "E"} {
			if strings.Contains(up, ch) {
				if found != "" {
					return parsed{}, false
				}
				found = ch
			}
		}
		return parsed{Text: found}, found != ""
	}
	return parsed{Text: s}, true
}

// firstRunes returns the first n characters of s (Python's s[:n]).
func firstRunes(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}
