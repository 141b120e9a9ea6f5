package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/vlmlab/harness/internal/textfile"
)

// Catalog names the plugins compiled into the harness, so validation can
// tell a typo from a built-in.
type Catalog struct {
	Trainers   []string
	Benchmarks []string // built-in evaluators, one per benchmark
	Models     []string
}

// Load reads and validates a config file.
func Load(path string, cat Catalog) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	if data, err = textfile.UTF8(path, data); err != nil {
		return nil, Problems{{File: path, Msg: strings.TrimPrefix(err.Error(), path+": ")}}
	}
	return Parse(path, data, cat, osGetenv)
}

// Parse decodes and validates config text. name is used in messages. getenv
// resolves ${VAR} references (nil: the process environment).
func Parse(name string, data []byte, cat Catalog, getenv func(string) (string, bool)) (*Config, error) {
	if getenv == nil {
		getenv = osGetenv
	}
	d := &decoder{file: name, at: map[string]pos{}, getenv: getenv}
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, Problems{{File: name, Msg: "empty config file; see the README for a harness.yaml example"}}
		}
		return nil, Problems{syntaxProblem(name, data, err)}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, Problems{{File: name, Line: extra.Line, Column: extra.Column, Msg: "a second YAML document; a config file holds one"}}
	}
	cfg := &Config{File: name, at: d.at}
	d.decode(&root, reflect.ValueOf(cfg).Elem(), "")
	applyDefaults(cfg)
	v := &validator{d: d, cat: cat, cfg: cfg}
	v.validate()
	if len(d.problems) > 0 {
		return nil, d.problems
	}
	return cfg, nil
}

// syntaxProblem turns a YAML syntax error ("yaml: line 3: ...") into a Problem.
func syntaxProblem(name string, data []byte, err error) Problem {
	var line int
	var msg string
	if n, _ := fmt.Sscanf(err.Error(), "yaml: line %d:", &line); n == 1 {
		msg = err.Error()[len(fmt.Sprintf("yaml: line %d: ", line)):]
		col := 1
		if strings.Contains(msg, "tab character") {
			// yaml.v3 names the line where the block began, not the one
			// holding the tab: point at the first indenting tab from there.
			if l, c := indentTab(data, line); l > 0 {
				line, col = l, c
				msg += "; YAML indents with spaces only: replace the tab with spaces"
			}
		}
		return Problem{File: name, Line: line, Column: col, Msg: "YAML syntax: " + msg}
	}
	return Problem{File: name, Msg: "YAML syntax: " + err.Error()}
}

func applyDefaults(c *Config) {
	if c.Version == 0 {
		c.Version = 1
	}
	if c.RunDir == "" {
		c.RunDir = ".harness"
	}
	for i := range c.Benchmarks {
		if c.Benchmarks[i].Profile == "" {
			c.Benchmarks[i].Profile = "leaderboard"
		}
	}
	if c.Judge != nil && c.Judge.Model == "" {
		c.Judge.Model = "gpt-4o-mini-2024-07-18"
	}
}

// indentTab finds the first tab in the indentation of a line at or after
// line from (1-based) and returns its line and column, or 0, 0.
func indentTab(data []byte, from int) (line, col int) {
	for i, l := range bytes.Split(data, []byte{'\n'}) {
		if i+1 < from {
			continue
		}
		for j, c := range l {
			if c == '\t' {
				return i + 1, j + 1
			}
			if c != ' ' {
				break
			}
		}
	}
	return 0, 0
}
