package leaderboard

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Parse decodes and validates one entry file. name is the file's name or
// path: errors start with it, and its base name without ".yaml" must equal
// the entry's id. The error, if any, is an *Error listing every problem.
func Parse(name string, data []byte) (Entry, error) {
	f, ps := parse(name, data)
	if err := errorOf(ps); err != nil {
		return Entry{}, err
	}
	return f.entry, nil
}

// parsed is an entry with the positions of its keys, kept for the checks that
// need other entries (Load) so they can still point at a line.
type parsed struct {
	name  string
	entry Entry
	pos   positions
	// suggested holds the paths a did-you-mean pointed at ("organisation"
	// for a written "organization"), so the same slip is not reported a
	// second time as a missing key.
	suggested map[string]bool
}

func parse(name string, data []byte) (parsed, []Problem) {
	f := parsed{name: name, suggested: map[string]bool{}}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return f, []Problem{syntaxProblem(name, err)}
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return f, []Problem{{File: name, Msg: "file is empty; write one entry as submissions/README.md describes"}}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return f, []Problem{{File: name, Line: root.Line, Msg: fmt.Sprintf("want a mapping of keys (id: ..., model: ...), got %s; see submissions/README.md", nodeKind(root))}}
	}
	f.pos.walk(root, "")

	// The strict decode is the authority on unknown keys and types;
	// validate then checks values, with the node positions for lines.
	var ps []Problem
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f.entry); err != nil {
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			return f, []Problem{syntaxProblem(name, err)}
		}
		for _, msg := range te.Errors {
			ps = append(ps, f.typeProblem(msg))
		}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		line := extra.Line
		if err != nil {
			line = 0
		}
		ps = append(ps, Problem{File: name, Line: line, Msg: "more than one YAML document (---) in the file; put each entry in its own file"})
	}
	ps = append(ps, validate(&f)...)
	return f, ps
}

var lineMsg = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// syntaxProblem turns a yaml parse error ("yaml: line 3: ...") into a
// Problem on that line.
func syntaxProblem(name string, err error) Problem {
	msg := err.Error()
	if m := lineMsg.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return Problem{File: name, Line: line, Msg: "not valid YAML: " + m[2]}
	}
	return Problem{File: name, Msg: "not valid YAML: " + strings.TrimPrefix(msg, "yaml: ")}
}

// fieldAt is where one key or list item of the file is.
type fieldAt struct {
	path  string // "scores.wemath", "sources[1].url"
	line  int
	value string // the scalar value, for matching yaml's messages
}

// positions records every key and list item of the file, in file order.
type positions struct {
	fields []fieldAt
}

func (p *positions) walk(n *yaml.Node, path string) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			child := join(path, k.Value)
			p.fields = append(p.fields, fieldAt{path: child, line: k.Line, value: scalarValue(v)})
			p.walk(v, child)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			child := fmt.Sprintf("%s[%d]", path, i)
			p.fields = append(p.fields, fieldAt{path: child, line: c.Line, value: scalarValue(c)})
			p.walk(c, child)
		}
	case yaml.AliasNode:
		if n.Alias != nil {
			p.walk(n.Alias, path)
		}
	}
}

func scalarValue(n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode {
		return n.Value
	}
	return ""
}

// line is where path's key is written, or 0.
func (p *positions) line(path string) int {
	for _, f := range p.fields {
		if f.path == path {
			return f.line
		}
	}
	return 0
}

// lineOr is line(path), falling back to the nearest written parent, so a
// missing key points at the mapping that should hold it.
func (p *positions) lineOr(path string) int {
	for path != "" {
		if l := p.line(path); l > 0 {
			return l
		}
		path = parent(path)
	}
	return 1
}

// on returns the path of the key or item on line whose last element or
// scalar value matches; yaml's messages give a line and a key or value but
// no path. deepest picks among several matches on one line (a flow mapping
// such as "scores: {mathvista: 61}"): the innermost for a scalar, the
// outermost for a whole list or mapping.
func (p *positions) on(line int, deepest bool, match func(fieldAt) bool) string {
	found := ""
	for _, f := range p.fields {
		if f.line == line && match(f) {
			found = f.path
			if !deepest {
				break
			}
		}
	}
	return found
}

var (
	unknownField = regexp.MustCompile(`^line (\d+): field (.+) not found in type (\S+)$`)
	badType      = regexp.MustCompile("^line (\\d+): cannot unmarshal (!!\\w+)(?: `(.*)`)? into (.+)$")
	dupKey       = regexp.MustCompile(`^line (\d+): mapping key "(.*)" already defined at line (\d+)$`)
)

// typeProblem rewrites one of yaml's strict-decoding messages as a Problem
// that names the field and says what to write instead.
func (f *parsed) typeProblem(msg string) Problem {
	name, p := f.name, &f.pos
	if m := unknownField.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		key := m[2]
		path := p.on(line, true, func(f fieldAt) bool { return last(f.path) == key })
		known := knownKeys(m[3])
		text := fmt.Sprintf("unknown key %q", key)
		if s := closest(key, known); len(s) > 0 {
			text += fmt.Sprintf("; did you mean %q?", s[0])
			f.suggested[join(parent(path), s[0])] = true
		}
		if len(known) > 0 {
			text += " (known keys: " + strings.Join(known, ", ") + ")"
		}
		return Problem{File: name, Line: line, Field: parent(path), Msg: text}
	}
	if m := badType.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		value := strings.TrimSuffix(m[3], "...")
		path := p.on(line, value != "", func(f fieldAt) bool { return value == "" || strings.HasPrefix(f.value, value) })
		got := tagName(m[2])
		if m[3] != "" {
			got += " " + strconv.Quote(m[3])
		}
		return Problem{File: name, Line: line, Field: path, Msg: fmt.Sprintf("want %s, got %s", typeName(m[4]), got)}
	}
	if m := dupKey.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		key := m[2]
		path := p.on(line, true, func(f fieldAt) bool { return last(f.path) == key })
		return Problem{File: name, Line: line, Field: parent(path), Msg: fmt.Sprintf("key %q appears twice (first at line %s); keep one", key, m[3])}
	}
	if m := lineMsg.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return Problem{File: name, Line: line, Msg: m[2]}
	}
	return Problem{File: name, Msg: msg}
}

// knownKeys lists the YAML keys of the schema type yaml named in its message.
func knownKeys(typ string) []string {
	var t reflect.Type
	switch strings.TrimPrefix(typ, "*") {
	case "leaderboard.Entry":
		t = reflect.TypeFor[Entry]()
	case "leaderboard.Source":
		t = reflect.TypeFor[Source]()
	case "leaderboard.Derivation":
		t = reflect.TypeFor[Derivation]()
	default:
		return nil
	}
	var keys []string
	for i := range t.NumField() {
		if k := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]; k != "" && k != "-" {
			keys = append(keys, k)
		}
	}
	return keys
}

// typeName says in words what a Go type wants written.
func typeName(goType string) string {
	switch {
	case goType == "float64":
		return "a number (percent points, such as 61.0)"
	case goType == "bool":
		return "true or false"
	case goType == "string":
		return "text"
	case strings.HasPrefix(goType, "[]"):
		return "a list"
	default:
		return "a mapping (key: value lines)"
	}
}

func tagName(tag string) string {
	switch tag {
	case "!!str":
		return "text"
	case "!!map":
		return "a mapping"
	case "!!seq":
		return "a list"
	case "!!int", "!!float":
		return "a number"
	case "!!bool":
		return "a boolean"
	case "!!timestamp":
		return "a date"
	}
	return tag
}

func nodeKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("the value %q", n.Value)
	}
	return "something else"
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// parent drops the last element of a path: "sources[1].url" → "sources[1]",
// "sources[1]" → "sources", "id" → "".
func parent(path string) string {
	i := strings.LastIndexAny(path, ".[")
	if i < 0 {
		return ""
	}
	return path[:i]
}

func last(path string) string {
	i := strings.LastIndexAny(path, ".[")
	if i < 0 {
		return path
	}
	if path[i] == '[' {
		return path[i:]
	}
	return path[i+1:]
}
