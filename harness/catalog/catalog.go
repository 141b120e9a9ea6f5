// Package catalog knows every plugin a run can use: the built-ins of this
// binary and the external ones declared in harness.yaml, and how to start each.
package catalog

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"

	"github.com/vlmlab/harness/harness/config"
	"github.com/vlmlab/harness/plugins/host"
	"github.com/vlmlab/harness/plugins/sdk"
)

// Entry is one available plugin.
type Entry struct {
	Name   string
	Kind   string
	Source string // "built-in" or the executable
	Spec   host.Spec
	// Config is the plugin's config block as JSON (nil for none).
	Config []byte
}

// Catalog is the set of plugins available to a run.
type Catalog struct {
	entries map[string]Entry
}

// New builds the catalog. self is the harness executable that serves the
// built-ins; cfg may be nil.
func New(self string, cfg *config.Config) (*Catalog, error) {
	c := &Catalog{entries: map[string]Entry{}}
	for _, b := range Builtins() {
		c.entries[b.Name] = Entry{Name: b.Name, Kind: b.Kind, Source: "built-in", Spec: host.Spec{
			Name: b.Name, Kind: b.Kind, Command: []string{self, "plugin", "serve", b.Name}, Builtin: true,
		}}
	}
	if cfg == nil {
		return c, nil
	}
	for _, p := range cfg.Plugins {
		var env []string
		keys := make([]string, 0, len(p.Env))
		for k := range p.Env {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			env = append(env, k+"="+p.Env[k])
		}
		var blob []byte
		if p.Config != nil {
			var err error
			if blob, err = json.Marshal(p.Config); err != nil {
				return nil, fmt.Errorf("plugin %s: config block: %w", p.Name, err)
			}
		}
		c.entries[p.Name] = Entry{Name: p.Name, Kind: p.Kind, Source: p.Command[0], Config: blob, Spec: host.Spec{
			Name: p.Name, Kind: p.Kind, Command: p.Command, Env: env, SHA256: p.SHA256, NoMTLS: p.MTLS != nil && !*p.MTLS,
		}}
	}
	return c, nil
}

// Get returns the named plugin.
func (c *Catalog) Get(name string) (Entry, bool) {
	e, ok := c.entries[name]
	return e, ok
}

// Evaluator returns the evaluator plugin that scores benchmark: the one
// named evaluator, or the benchmark's own name when evaluator is empty (the
// built-ins are named after their benchmarks). The error says what is
// missing and where to look; every command that scores looks it up here.
func (c *Catalog) Evaluator(benchmark, evaluator string) (Entry, error) {
	name := evaluator
	if name == "" {
		name = benchmark
	}
	e, ok := c.entries[name]
	switch {
	case !ok:
		return Entry{}, fmt.Errorf("benchmark %s: no evaluator plugin %q; `harness plugins` lists them", benchmark, name)
	case e.Kind != sdk.KindEvaluator:
		return Entry{}, fmt.Errorf("benchmark %s: plugin %q is a %s plugin, not an evaluator", benchmark, name, e.Kind)
	}
	return e, nil
}

// All returns every plugin sorted by kind, then name.
func (c *Catalog) All() []Entry {
	out := make([]Entry, 0, len(c.entries))
	for _, e := range c.entries {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// Self returns the path of the running harness binary.
func Self() (string, error) {
	p, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("find the harness executable: %w", err)
	}
	return p, nil
}
