package catalog

import (
	"sort"

	"github.com/vlmlab/harness/benchmarks/dynamath"
	"github.com/vlmlab/harness/benchmarks/logicvista"
	"github.com/vlmlab/harness/benchmarks/mathverse"
	"github.com/vlmlab/harness/benchmarks/mathvision"
	"github.com/vlmlab/harness/benchmarks/mathvista"
	"github.com/vlmlab/harness/benchmarks/registry"
	"github.com/vlmlab/harness/benchmarks/wemath"
	"github.com/vlmlab/harness/harness/config"
	"github.com/vlmlab/harness/internal/version"
	"github.com/vlmlab/harness/plugins/sdk"
)

// The registry of built-in plugins: the plugins compiled into the harness
// binary. Each runs as a child process of harness (`harness plugin serve
// NAME`), exactly like an external plugin. It lives here, above what it lists,
// so nothing under plugins/ imports benchmarks/, trainers/ or harness/. To add
// a built-in, add one line to Builtins (an evaluator: to evaluators, after
// declaring its benchmark in benchmarks/registry).

// Builtin is one built-in plugin.
type Builtin struct {
	Name string
	Kind string
	// Serve returns the plugin's serve configuration; only the child process
	// calls it, so the host pays nothing for plugins it does not start.
	Serve func() *sdk.ServeConfig
}

// evaluators are the built-in evaluator plugins, one per declared benchmark
// (a test holds the table to the declaration and each plugin's name to its
// key).
var evaluators = map[string]func() sdk.Benchmark{
	registry.MathVista:  func() sdk.Benchmark { return mathvista.New() },
	registry.MathVision: func() sdk.Benchmark { return mathvision.New() },
	registry.MathVerse:  func() sdk.Benchmark { return mathverse.New() },
	registry.DynaMath:   func() sdk.Benchmark { return dynamath.New() },
	registry.WeMath:     func() sdk.Benchmark { return wemath.New() },
	registry.LogicVista: func() sdk.Benchmark { return logicvista.New() },
}

func evaluator(b sdk.Benchmark) Builtin {
	info := b.Info()
	return Builtin{Name: info.Name, Kind: sdk.KindEvaluator, Serve: func() *sdk.ServeConfig {
		return &sdk.ServeConfig{
			Info:       sdk.Info{Name: info.Name, Version: version.Version, Description: info.Title + " evaluator"},
			Benchmarks: []sdk.Benchmark{b},
		}
	}}
}

// Builtins returns every built-in plugin, sorted by kind and name.
func Builtins() []Builtin {
	var ps []Builtin
	for _, name := range registry.Names() {
		if newEvaluator, ok := evaluators[name]; ok {
			ps = append(ps, evaluator(newEvaluator()))
		}
	}
	ps = append(ps,
		chancePlugin(),
		enginePlugin(),
		tinyvlmPlugin(),
		sftPlugin(),
		grpoPlugin(),
	)
	sort.Slice(ps, func(i, j int) bool {
		if ps[i].Kind != ps[j].Kind {
			return ps[i].Kind < ps[j].Kind
		}
		return ps[i].Name < ps[j].Name
	})
	return ps
}

// LookupBuiltin finds a built-in plugin by name.
func LookupBuiltin(name string) (Builtin, bool) {
	for _, p := range Builtins() {
		if p.Name == name {
			return p, true
		}
	}
	return Builtin{}, false
}

// ConfigCatalog is what config validation needs to know about built-ins.
func ConfigCatalog() config.Catalog {
	var c config.Catalog
	for _, p := range Builtins() {
		switch p.Kind {
		case sdk.KindTrainer:
			c.Trainers = append(c.Trainers, p.Name)
		case sdk.KindEvaluator:
			c.Benchmarks = append(c.Benchmarks, p.Name)
		case sdk.KindModel:
			c.Models = append(c.Models, p.Name)
		}
	}
	return c
}
