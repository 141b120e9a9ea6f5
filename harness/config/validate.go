package config

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/vlmlab/harness/trainers/toyworld"
)

type validator struct {
	d   *decoder
	cat Catalog
	cfg *Config
}

func (v *validator) problem(path, format string, args ...any) {
	p, ok := v.d.at[path]
	for !ok && path != "" {
		// Fall back to the nearest enclosing value that was written.
		if i := strings.LastIndexAny(path, ".["); i >= 0 {
			path = path[:i]
		} else {
			path = ""
		}
		p, ok = v.d.at[path]
	}
	v.d.problems = append(v.d.problems, Problem{File: v.d.file, Line: p.line, Column: p.col, Msg: fmt.Sprintf(format, args...)})
}

var hex64 = regexp.MustCompile(`^[0-9a-fA-F]{64}$`)

var pluginKinds = []string{"trainer", "evaluator", "model"}

// badKind marks a declared plugin whose kind was already reported wrong.
const badKind = "?"

func (v *validator) validate() {
	c := v.cfg
	if c.Version != 1 {
		v.problem("version", "version %d is not supported; this harness reads version 1", c.Version)
	}
	if c.Data.Synthetic != nil {
		if size := c.Data.Synthetic.Size; size != "" {
			// The toy world's own parser, so config check accepts exactly
			// what harness data synth and the run accept (counts too).
			if _, err := toyworld.ParseSize(size); err != nil {
				v.problem("data.synthetic.size", "%v", err)
			}
		}
		switch c.Data.Synthetic.Traces {
		case "", "full", "short":
		default:
			v.problem("data.synthetic.traces", "traces %q is not one of full, short", c.Data.Synthetic.Traces)
		}
	}

	// Plugins: names are unique, also against built-ins.
	builtin := map[string]string{}
	for _, n := range v.cat.Trainers {
		builtin[n] = "trainer"
	}
	for _, n := range v.cat.Benchmarks {
		builtin[n] = "evaluator"
	}
	for _, n := range v.cat.Models {
		builtin[n] = "model"
	}
	declared := map[string]string{}
	firstLine := map[string]int{}
	for i, p := range c.Plugins {
		path := fmt.Sprintf("plugins[%d]", i)
		switch {
		case p.Name == "":
			v.problem(path, "plugins[%d]: name is required", i)
		case builtin[p.Name] != "":
			v.problem(path+".name", "plugin name %q is taken by a built-in %s plugin; pick another name", p.Name, builtin[p.Name])
		case declared[p.Name] != "":
			v.problem(path+".name", "duplicate plugin name %q (first declared at line %d)", p.Name, firstLine[p.Name])
		default:
			declared[p.Name] = p.Kind
			if !slices.Contains(pluginKinds, p.Kind) {
				declared[p.Name] = badKind // reported below; no follow-on errors
			}
			firstLine[p.Name] = v.d.at[path+".name"].line
		}
		if !slices.Contains(pluginKinds, p.Kind) {
			if p.Kind == "" {
				v.problem(path, "plugins[%d] (%s): kind is required (trainer, evaluator or model)", i, p.Name)
			} else {
				v.problem(path+".kind", "%q is not a plugin kind; use trainer, evaluator or model", p.Kind)
			}
		}
		if len(p.Command) == 0 || p.Command[0] == "" {
			v.problem(path+".command", "plugins[%d] (%s): command is required: the executable and its arguments", i, p.Name)
		}
		if p.SHA256 != "" && !hex64.MatchString(p.SHA256) {
			v.problem(path+".sha256", "sha256 must be 64 hex digits (sha256sum of the executable), got %q", p.SHA256)
		}
	}
	kindOf := func(name string) string {
		if k := builtin[name]; k != "" {
			return k
		}
		return declared[name]
	}
	namesOf := func(kind string) string {
		var out []string
		for n, k := range builtin {
			if k == kind {
				out = append(out, n)
			}
		}
		for n, k := range declared {
			if k == kind {
				out = append(out, n)
			}
		}
		sort.Strings(out)
		if len(out) == 0 {
			return "none"
		}
		return strings.Join(out, ", ")
	}
	refer := func(path, name, kind, what string) {
		switch k := kindOf(name); {
		case k == badKind:
		case k == "":
			v.problem(path, "unknown %s %q; declare it under plugins (known %s plugins: %s)", what, name, kind, namesOf(kind))
		case k != kind:
			v.problem(path, "plugin %q is a %s plugin, not a %s plugin", name, k, kind)
		}
	}

	models := v.unique("models", len(c.Models), func(i int) string { return c.Models[i].Name })
	for i, m := range c.Models {
		path := fmt.Sprintf("models[%d]", i)
		switch m.Backend {
		case "":
			v.problem(path, "models[%d] (%s): backend is required: openai, or a model plugin (%s)", i, m.Name, namesOf("model"))
		case "openai":
			if m.Serve != nil {
				v.serve(path+".serve", m)
				break
			}
			if m.Endpoint == "" {
				v.problem(path, "models[%d] (%s): endpoint is required for the openai backend (e.g. http://127.0.0.1:8000/v1)", i, m.Name)
			}
			if m.Model == "" {
				v.problem(path, "models[%d] (%s): model is required for the openai backend (the served model's name)", i, m.Name)
			}
		default:
			refer(path+".backend", m.Backend, "model", "model backend")
		}
		if m.Serve != nil && m.Backend != "openai" {
			v.problem(path+".serve", "model %s: serve starts an OpenAI-compatible server; it needs backend: openai (a model plugin is started by the harness itself)", m.Name)
		}
		if m.Base != nil {
			v.base(path+".base", m)
		}
		if m.Concurrency < 0 {
			v.problem(path+".concurrency", "concurrency must be positive, got %d", m.Concurrency)
		}
		v.generation(path+".generation", m.Generation)
	}

	benchmarks := v.unique("benchmarks", len(c.Benchmarks), func(i int) string { return c.Benchmarks[i].Name })
	for i, b := range c.Benchmarks {
		path := fmt.Sprintf("benchmarks[%d]", i)
		if b.Evaluator != "" {
			refer(path+".evaluator", b.Evaluator, "evaluator", "evaluator plugin")
		} else if b.Name != "" && !slices.Contains(v.cat.Benchmarks, b.Name) {
			msg := fmt.Sprintf("unknown benchmark %q", b.Name)
			if s := closest(b.Name, v.cat.Benchmarks); s != "" {
				msg += fmt.Sprintf("; did you mean %q?", s)
			}
			v.problem(path+".name", "%s (built-in: %s; or name an evaluator plugin with evaluator:)", msg, strings.Join(v.cat.Benchmarks, ", "))
		}
		if b.Profile != "leaderboard" && b.Profile != "official" {
			v.problem(path+".profile", "profile %q is not leaderboard or official", b.Profile)
		}
	}

	recipes := v.unique("recipes", len(c.Recipes), func(i int) string { return c.Recipes[i].Name })
	for i, r := range c.Recipes {
		path := fmt.Sprintf("recipes[%d]", i)
		if r.From != "" && !recipes[r.From] {
			v.problem(path+".from", "unknown recipe %q", r.From)
		}
		for j, s := range r.Stages {
			sp := fmt.Sprintf("%s.stages[%d]", path, j)
			if s.Trainer == "" {
				v.problem(sp, "recipe %s stage %d: trainer is required (known trainer plugins: %s)", r.Name, j+1, namesOf("trainer"))
				continue
			}
			refer(sp+".trainer", s.Trainer, "trainer", "trainer plugin")
		}
	}
	v.cycles()

	for i, name := range c.Matrix.Recipes {
		if !recipes[name] {
			v.problem(fmt.Sprintf("matrix.recipes[%d]", i), "unknown recipe %q", name)
		}
	}
	for i, name := range c.Matrix.Models {
		if !models[name] {
			v.problem(fmt.Sprintf("matrix.models[%d]", i), "unknown model %q (declare it under models)", name)
		}
	}
	for i, name := range c.Matrix.Benchmarks {
		if name != "all" && !benchmarks[name] {
			v.problem(fmt.Sprintf("matrix.benchmarks[%d]", i), "unknown benchmark %q (declare it under benchmarks, or write all)", name)
		}
	}
	v.servable()
}

// servable refuses a matrix that pairs a trained recipe with a model that
// cannot load its checkpoint (a fixed OpenAI-compatible endpoint serves only
// what it was started with): such a cell would score the untrained model
// under the recipe's name.
func (v *validator) servable() {
	c := v.cfg
	inMatrix := func(list []string, name string) bool { return len(list) == 0 || slices.Contains(list, name) }
	trained := ""
	for _, r := range c.Recipes {
		if inMatrix(c.Matrix.Recipes, r.Name) && v.trains(r.Name) {
			trained = r.Name
			break
		}
	}
	if trained == "" {
		return
	}
	for i, m := range c.Models {
		if m.Backend == "openai" && m.Serve == nil && inMatrix(c.Matrix.Models, m.Name) {
			v.problem(fmt.Sprintf("models[%d].backend", i), "model %s: backend openai is a fixed endpoint and cannot load the checkpoint recipe %s trains; serve it through a model plugin or a launch command, or leave it out of matrix.models for trained recipes", m.Name, trained)
		}
	}
}

// trains reports whether a recipe (with its from chain) has any stage.
func (v *validator) trains(name string) bool {
	seen := map[string]bool{}
	for name != "" && !seen[name] {
		seen[name] = true
		var next string
		for _, r := range v.cfg.Recipes {
			if r.Name == name {
				if len(r.Stages) > 0 {
					return true
				}
				next = r.From
			}
		}
		name = next
	}
	return false
}

// unique checks that the named list has non-empty, distinct names and returns
// the set of names.
// generation checks sampling settings a server would refuse or read as
// something else (vLLM takes top_k -1 or 0 as "off").
func (v *validator) generation(path string, g Generation) {
	if g.MaxTokens < 0 {
		v.problem(path+".max_tokens", "max_tokens must be positive (0: the default), got %d", g.MaxTokens)
	}
	if g.TopP != nil && (*g.TopP <= 0 || *g.TopP > 1) {
		v.problem(path+".top_p", "top_p must be in (0, 1], got %g", *g.TopP)
	}
	if g.TopK < -1 {
		v.problem(path+".top_k", "top_k must be -1 (off) or more, got %d", g.TopK)
	}
	if g.RepetitionPenalty != nil && *g.RepetitionPenalty <= 0 {
		v.problem(path+".repetition_penalty", "repetition_penalty must be positive (1 is none), got %g", *g.RepetitionPenalty)
	}
	if g.Temperature != nil && *g.Temperature < 0 {
		v.problem(path+".temperature", "temperature must be 0 (greedy) or more, got %g", *g.Temperature)
	}
	if g.MaxPixels < 0 {
		v.problem(path+".max_pixels", "max_pixels must be 0 (send images as they are) or more, got %d", g.MaxPixels)
	}
}

func (v *validator) unique(list string, n int, name func(int) string) map[string]bool {
	seen := map[string]int{}
	for i := range n {
		path := fmt.Sprintf("%s[%d]", list, i)
		nm := name(i)
		if nm == "" {
			v.problem(path, "%s[%d]: name is required", list, i)
			continue
		}
		if j, dup := seen[nm]; dup {
			v.problem(path+".name", "duplicate name %q in %s (first at line %d)", nm, list, v.d.at[fmt.Sprintf("%s[%d].name", list, j)].line)
			continue
		}
		seen[nm] = i
	}
	out := map[string]bool{}
	for nm := range seen {
		out[nm] = true
	}
	return out
}

// cycles reports each recipe cycle once, at the recipe that closes it.
func (v *validator) cycles() {
	from := map[string]string{}
	index := map[string]int{}
	for i, r := range v.cfg.Recipes {
		if _, dup := index[r.Name]; !dup {
			from[r.Name] = r.From
			index[r.Name] = i
		}
	}
	reported := map[string]bool{}
	for _, r := range v.cfg.Recipes {
		chain := []string{r.Name}
		at := map[string]bool{r.Name: true}
		for cur := from[r.Name]; cur != ""; cur = from[cur] {
			if _, ok := from[cur]; !ok {
				break
			}
			chain = append(chain, cur)
			if at[cur] {
				cyc := chain[slices.Index(chain, cur):]
				key := canonical(cyc[:len(cyc)-1])
				if !reported[key] {
					reported[key] = true
					v.problem(fmt.Sprintf("recipes[%d].from", index[cyc[len(cyc)-2]]), "recipe cycle: %s", strings.Join(cyc, " -> "))
				}
				break
			}
			at[cur] = true
		}
	}
}

func canonical(cycle []string) string {
	s := append([]string(nil), cycle...)
	sort.Strings(s)
	return strings.Join(s, ",")
}

// base checks a model's base checkpoint: one source, and a recipe that exists.
func (v *validator) base(path string, m Model) {
	b := m.Base
	n := 0
	for _, set := range []bool{b.Recipe != "", b.Checkpoint != "", b.HF != ""} {
		if set {
			n++
		}
	}
	if n != 1 {
		v.problem(path, "model %s: base needs exactly one of recipe (a recipe whose checkpoint is the base), checkpoint (a folder) or hf (a Hugging Face model id)", m.Name)
		return
	}
	if b.Recipe != "" {
		found := false
		for _, r := range v.cfg.Recipes {
			found = found || r.Name == b.Recipe
		}
		if !found {
			v.problem(path+".recipe", "model %s: unknown recipe %q for its base", m.Name, b.Recipe)
		}
	}
	if b.HF != "" && m.Serve == nil {
		v.problem(path+".hf", "model %s: a Hugging Face base is loaded by an external server: give the model a serve: command", m.Name)
	}
}

// serve checks a launch-command model server.
func (v *validator) serve(path string, m Model) {
	s := m.Serve
	if len(s.Command) == 0 || s.Command[0] == "" {
		v.problem(path+".command", "model %s: serve.command is required, e.g. [vllm, serve, \"{checkpoint}\", --port, \"{port}\", --served-model-name, \"{name}\"]", m.Name)
		return
	}
	port := false
	for i, a := range s.Command {
		port = port || strings.Contains(a, "{port}")
		for _, ph := range placeholders.FindAllString(a, -1) {
			if ph != "{checkpoint}" && ph != "{port}" && ph != "{name}" {
				v.problem(fmt.Sprintf("%s.command[%d]", path, i), "model %s: unknown placeholder %s in serve.command (known: {checkpoint}, {port}, {name})", m.Name, ph)
			}
		}
	}
	if !port {
		v.problem(path+".command", "model %s: serve.command must pass {port}: the harness picks a free port and talks to the server there", m.Name)
	}
	if s.Health != "" && !strings.HasPrefix(s.Health, "/") {
		v.problem(path+".health", "model %s: serve.health is a path on the server, such as /v1/models or /health", m.Name)
	}
}

var placeholders = regexp.MustCompile(`\{[a-z_]+\}`)
