package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"

	"go.yaml.in/yaml/v3"
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
		return nil, Problems{syntaxProblem(name, err)}
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
func syntaxProblem(name string, err error) Problem {
	var line int
	var msg string
	if n, _ := fmt.Sscanf(err.Error(), "yaml: line %d:", &line); n == 1 {
		msg = err.Error()[len(fmt.Sprintf("yaml: line %d: ", line)):]
		return Problem{File: name, Line: line, Column: 1, Msg: "YAML syntax: " + msg}
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
