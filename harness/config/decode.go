package config

import (
	"fmt"
	"math"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/vlmlab/harness/internal/suggest"
)

// pos is a position in the file.
type pos struct{ line, col int }

// decoder turns a YAML node tree into Go values strictly, collecting every
// problem instead of stopping at the first, and remembering where each field
// was written so later validation can point at it.
type decoder struct {
	file     string
	problems Problems
	// at maps a field path ("recipes[1].from") to where its value starts.
	at map[string]pos
	// getenv looks up ${VAR} references.
	getenv func(string) (string, bool)
}

func (d *decoder) errorf(n *yaml.Node, format string, args ...any) {
	d.problems = append(d.problems, Problem{File: d.file, Line: n.Line, Column: n.Column, Msg: fmt.Sprintf(format, args...)})
}

var (
	durationType = reflect.TypeOf(Duration{})
	envRef       = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\}`)
)

func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return
		}
		n = n.Content[0]
	}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	d.at[path] = pos{n.Line, n.Column}
	if n.Tag == "!!null" {
		return
	}
	if v.Type() == durationType {
		d.duration(n, v, path)
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.decode(n, v.Elem(), path)
	case reflect.Struct:
		d.structure(n, v, path)
	case reflect.Slice:
		d.slice(n, v, path)
	case reflect.Map:
		d.mapping(n, v, path)
	case reflect.Interface:
		var x any
		if err := n.Decode(&x); err != nil {
			d.errorf(n, "%s: %v", path, err)
			return
		}
		v.Set(reflect.ValueOf(d.expandAny(n, x)))
	default:
		d.scalar(n, v, path)
	}
}

func (d *decoder) structure(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "%s: want a mapping (key: value), got %s", describe(path), kindName(n))
		return
	}
	fields := map[string]int{}
	var names []string
	t := v.Type()
	for i := range t.NumField() {
		tag := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]
		if tag == "" || tag == "-" {
			continue
		}
		fields[tag] = i
		names = append(names, tag)
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		key := k.Value
		if seen[key] {
			d.errorf(k, "%s: key %q appears twice", describe(path), key)
			continue
		}
		seen[key] = true
		fi, ok := fields[key]
		if !ok {
			msg := fmt.Sprintf("%s: unknown key %q", describe(path), key)
			if s := closest(key, names); s != "" {
				msg += fmt.Sprintf("; did you mean %q?", s)
			} else {
				msg += fmt.Sprintf(" (known keys: %s)", strings.Join(names, ", "))
			}
			d.errorf(k, "%s", msg)
			continue
		}
		d.decode(val, v.Field(fi), join(path, key))
	}
}

func (d *decoder) slice(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.SequenceNode {
		// A single scalar where a list of strings is wanted is a common slip
		// (command: ./plugin); accept it as a one-element list.
		if n.Kind == yaml.ScalarNode && v.Type().Elem().Kind() == reflect.String {
			s := reflect.MakeSlice(v.Type(), 1, 1)
			d.scalar(n, s.Index(0), path+"[0]")
			v.Set(s)
			return
		}
		d.errorf(n, "%s: want a list, got %s", describe(path), kindName(n))
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, c := range n.Content {
		d.decode(c, s.Index(i), fmt.Sprintf("%s[%d]", path, i))
	}
	v.Set(s)
}

func (d *decoder) mapping(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "%s: want a mapping (key: value), got %s", describe(path), kindName(n))
		return
	}
	m := reflect.MakeMap(v.Type())
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		key := reflect.New(v.Type().Key()).Elem()
		d.scalar(k, key, path)
		if m.MapIndex(key).IsValid() {
			d.errorf(k, "%s: key %q appears twice", describe(path), k.Value)
			continue
		}
		elem := reflect.New(v.Type().Elem()).Elem()
		d.decode(val, elem, join(path, k.Value))
		m.SetMapIndex(key, elem)
	}
	v.Set(m)
}

func (d *decoder) scalar(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.ScalarNode {
		d.errorf(n, "%s: want %s, got %s", describe(path), typeName(v.Type()), kindName(n))
		return
	}
	s := n.Value
	if n.Tag == "!!str" || v.Kind() != reflect.String {
		s = d.expand(n, s)
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			d.errorf(n, "%s: want true or false, got %q", describe(path), s)
			return
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int64:
		i, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			d.errorf(n, "%s: want an integer, got %q", describe(path), s)
			return
		}
		v.SetInt(i)
	case reflect.Float64:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			d.errorf(n, "%s: want a number, got %q", describe(path), s)
			return
		}
		v.SetFloat(f)
	default:
		d.errorf(n, "%s: unsupported type %s", describe(path), v.Type())
	}
}

func (d *decoder) duration(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.ScalarNode {
		d.errorf(n, "%s: want a duration such as 30s or 2m, got %s", describe(path), kindName(n))
		return
	}
	s := d.expand(n, n.Value)
	dur, err := time.ParseDuration(s)
	if err != nil || dur < 0 {
		d.errorf(n, "%s: want a duration such as 30s or 2m, got %q", describe(path), s)
		return
	}
	v.Set(reflect.ValueOf(Duration{dur}))
}

// expand replaces ${VAR} and ${VAR:-default}; an unset variable without a
// default is a problem at the value's position.
func (d *decoder) expand(n *yaml.Node, s string) string {
	return envRef.ReplaceAllStringFunc(s, func(ref string) string {
		m := envRef.FindStringSubmatch(ref)
		if val, ok := d.getenv(m[1]); ok {
			return val
		}
		if m[2] != "" {
			return m[3]
		}
		d.errorf(n, "environment variable %s is not set; export it or write ${%s:-default}", m[1], m[1])
		return ""
	})
}

func (d *decoder) expandAny(n *yaml.Node, x any) any {
	switch t := x.(type) {
	case string:
		return d.expand(n, t)
	case []any:
		for i := range t {
			t[i] = d.expandAny(n, t[i])
		}
	case map[string]any:
		for k := range t {
			t[k] = d.expandAny(n, t[k])
		}
	}
	return x
}

func osGetenv(k string) (string, bool) { return os.LookupEnv(k) }

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func describe(path string) string {
	if path == "" {
		return "top level"
	}
	return path
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	}
	return "nothing"
}

func typeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64:
		return "an integer"
	case reflect.Float64:
		return "a number"
	}
	return t.String()
}

// closest returns the candidate within edit distance 2 of s, if any.
func closest(s string, candidates []string) string { return suggest.Closest(s, candidates, 2) }
