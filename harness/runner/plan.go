package runner

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/vlmlab/harness/harness/cache"
	"github.com/vlmlab/harness/harness/catalog"
	"github.com/vlmlab/harness/harness/config"
	"github.com/vlmlab/harness/harness/result"
	"github.com/vlmlab/harness/plugins/host"
	"github.com/vlmlab/harness/plugins/sdk"
)

// Plan is the matrix as a DAG: training stages, each depending on its
// parent stage, and evaluation cells, each depending on the stage whose
// checkpoint it evaluates. Every node is content-addressed: a stage by its
// trainer (name, version, executable sha256), parameters, seed, data bytes
// and parent; a cell by its checkpoint, model settings, evaluator, data and
// judge. Recipes that share a prefix share its stages (sft+grpo reuses sft).
type Plan struct {
	Stages []*Stage
	Cells  []*CellNode
}

// Stage is one training stage of the plan.
type Stage struct {
	Key string // hex sha256 of Inputs
	// Recipe and Name say where the stage first appears ("sft+grpo", "grpo").
	Recipe, Name string
	Trainer      string
	Parent       *Stage // nil: starts from Base (or from nothing)
	Base         *sdk.Checkpoint
	Inputs       StageInputs
	Dir          string // the checkpoint folder
	Cached       bool
	Reason       string // why it must run; empty when cached

	stage config.Stage
	entry catalog.Entry
	files []string

	done    chan struct{}
	ckpt    *sdk.Checkpoint
	err     error
	log     string
	planErr error
}

// StageInputs is everything a stage's output depends on.
type StageInputs struct {
	Trainer    string            `json:"trainer"`
	Version    string            `json:"version"`
	Executable string            `json:"executable_sha256"`
	Stage      string            `json:"stage"`
	Params     json.RawMessage   `json:"params"`
	Seed       int64             `json:"seed"`
	Data       map[string]string `json:"data"` // file -> sha256
	Parent     string            `json:"parent"`
	Config     json.RawMessage   `json:"config,omitempty"`
}

// CellNode is one recipe × model × benchmark of the plan.
type CellNode struct {
	Key                      string
	Recipe, Model, Benchmark string
	Stage                    *Stage // nil: the model's base as it is
	Base                     *sdk.Checkpoint
	BaseHF                   string
	Inputs                   CellInputs
	Dir                      string // the cell's cached result
	Cached                   bool
	Reason                   string

	model    config.Model
	bench    config.Benchmark
	entry    catalog.Entry
	dataPath string
	partial  bool
	cell     result.Cell
	planErr  error
}

// CellInputs is everything a cell's score depends on.
type CellInputs struct {
	Checkpoint string          `json:"checkpoint"` // stage key, base hash or hf id; "" as served
	Model      json.RawMessage `json:"model"`
	Evaluator  string          `json:"evaluator"`
	Version    string          `json:"evaluator_version"`
	Executable string          `json:"evaluator_sha256"`
	Benchmark  json.RawMessage `json:"benchmark"`
	Data       string          `json:"data_sha256"`
	Judge      string          `json:"judge"`
}

// planner builds a Plan; it describes each plugin once.
type planner struct {
	r     *Runner
	data  *dataSet
	infos map[string]sdk.Info
	exes  map[string]string
	files map[string]string

	mu        sync.Mutex
	exeByPath map[string]string
}

// Plan builds the run's DAG and marks what earlier runs already did.
func (r *Runner) Plan(ctx context.Context) (*Plan, *dataSet, error) {
	data, err := r.prepareData(ctx)
	if err != nil {
		return nil, nil, err
	}
	pl := &planner{r: r, data: data, infos: map[string]sdk.Info{}, exes: map[string]string{}, files: map[string]string{}, exeByPath: map[string]string{}}
	pl.prefetch(ctx)
	p, err := pl.plan(ctx)
	return p, data, err
}

// planStages plans the stages up to the named one (by its name, or its
// trainer when it has none), for `harness train`: no model, no cells.
func (r *Runner) planStages(ctx context.Context, stage string) (*Plan, *dataSet, error) {
	var names []string
	for _, rc := range r.Config.Recipes {
		chain := r.stages(rc)
		for i, st := range chain {
			name := st.Name
			if name == "" {
				name = st.Trainer
			}
			names = append(names, name)
			if name != stage {
				continue
			}
			data, err := r.prepareData(ctx)
			if err != nil {
				return nil, nil, err
			}
			pl := &planner{r: r, data: data, infos: map[string]sdk.Info{}, exes: map[string]string{}, files: map[string]string{}, exeByPath: map[string]string{}}
			p := &Plan{}
			var parent *Stage
			for j, st := range chain[:i+1] {
				n := st.Name
				if n == "" {
					n = st.Trainer
				}
				node, err := pl.stage(ctx, rc.Name, n, j, st, parent, nil)
				if err != nil {
					return nil, nil, err
				}
				p.Stages = append(p.Stages, node)
				parent = node
			}
			return p, data, nil
		}
	}
	if len(names) == 0 {
		return nil, nil, fmt.Errorf("%s has no training stages (recipes: … stages:)", r.Config.File)
	}
	seen := map[string]bool{}
	var uniq []string
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			uniq = append(uniq, n)
		}
	}
	return nil, nil, fmt.Errorf("%s has no stage %q; its stages are %s", r.Config.File, stage, strings.Join(uniq, ", "))
}

func (pl *planner) plan(ctx context.Context) (*Plan, error) {
	r := pl.r
	p := &Plan{}
	byKey := map[string]*Stage{}
	// chain returns the last stage of stages run from parent (nil: none).
	chain := func(recipe string, stages []config.Stage, parent *Stage, base *sdk.Checkpoint) (*Stage, error) {
		for i, st := range stages {
			name := st.Name
			if name == "" {
				name = st.Trainer
			}
			node, err := pl.stage(ctx, recipe, name, i, st, parent, base)
			if err != nil {
				return nil, err
			}
			if prev, ok := byKey[node.Key]; ok {
				node = prev
			} else {
				byKey[node.Key] = node
				p.Stages = append(p.Stages, node)
			}
			parent, base = node, nil
		}
		return parent, nil
	}
	models := r.models()
	if len(models) == 0 {
		return nil, fmt.Errorf("%s: no models to evaluate; add one under models (e.g. backend: chance)", r.Config.File)
	}
	for _, m := range models {
		// The model's base: a recipe trained first, a folder, an hf id.
		var baseStage *Stage
		var baseCkpt *sdk.Checkpoint
		baseHF := ""
		if b := m.Base; b != nil {
			switch {
			case b.Recipe != "":
				rc, ok := r.recipe(b.Recipe)
				if !ok {
					return nil, fmt.Errorf("model %s: no recipe %q for its base", m.Name, b.Recipe)
				}
				var err error
				if baseStage, err = chain(rc.Name, r.stages(rc), nil, nil); err != nil {
					return nil, err
				}
			case b.Checkpoint != "":
				ck, err := sdk.ReadCheckpoint(b.Checkpoint)
				if err != nil {
					return nil, fmt.Errorf("model %s: base checkpoint: %w", m.Name, err)
				}
				baseCkpt = ck
			case b.HF != "":
				baseHF = b.HF
			}
		}
		for _, rc := range r.recipes() {
			last, err := chain(rc.Name, r.stages(rc), baseStage, baseCkpt)
			if err != nil {
				return nil, err
			}
			for _, b := range r.benchmarks() {
				c, err := pl.cell(ctx, rc.Name, m, b, last, baseCkpt, baseHF)
				if err != nil {
					return nil, err
				}
				p.Cells = append(p.Cells, c)
			}
		}
	}
	return p, nil
}

// prefetch describes every plugin the matrix names at once (each is a
// process start), so a warm re-run costs one start, not one per plugin.
// Errors are left for describe to report where they matter.
func (pl *planner) prefetch(ctx context.Context) {
	r := pl.r
	names := map[string]bool{}
	for _, rc := range r.Config.Recipes {
		for _, st := range r.stages(rc) {
			names[st.Trainer] = true
		}
	}
	for _, b := range r.benchmarks() {
		if b.Evaluator != "" {
			names[b.Evaluator] = true
		} else {
			names[b.Name] = true
		}
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for name := range names {
		e, ok := r.Catalog.Get(name)
		if !ok {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			info, exe, err := pl.launchDescribe(ctx, e)
			if err == nil {
				mu.Lock()
				pl.infos[e.Name], pl.exes[e.Name] = info, exe
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}

func (pl *planner) describe(ctx context.Context, e catalog.Entry) (sdk.Info, string, error) {
	if info, ok := pl.infos[e.Name]; ok {
		return info, pl.exes[e.Name], nil
	}
	info, exe, err := pl.launchDescribe(ctx, e)
	if err != nil {
		return sdk.Info{}, "", err
	}
	pl.infos[e.Name], pl.exes[e.Name] = info, exe
	return info, exe, nil
}

// launchDescribe starts a plugin for what it declares and the sha256 of its
// executable (hashed once per path: every built-in is the harness binary).
func (pl *planner) launchDescribe(ctx context.Context, e catalog.Entry) (sdk.Info, string, error) {
	exe, err := pl.exeHash(e.Spec.Command[0])
	if err != nil {
		return sdk.Info{}, "", fmt.Errorf("plugin %s: %w", e.Name, err)
	}
	h := pl.r.Host
	if h == nil {
		h = host.New(host.Options{})
		defer h.Close()
	}
	p, err := h.Launch(ctx, e.Spec)
	if err != nil {
		return sdk.Info{}, "", err
	}
	info := p.Info()
	p.Kill()
	return info, exe, nil
}

func (pl *planner) exeHash(command string) (string, error) {
	pl.mu.Lock()
	defer pl.mu.Unlock()
	if h, ok := pl.exeByPath[command]; ok {
		return h, nil
	}
	h, err := executableHash(command)
	if err == nil {
		pl.exeByPath[command] = h
	}
	return h, err
}

func (pl *planner) fileHash(path string) (string, error) {
	if h, ok := pl.files[path]; ok {
		return h, nil
	}
	h, err := treeSHA256(path)
	if err != nil {
		return "", err
	}
	pl.files[path] = h
	return h, nil
}

func (pl *planner) stage(ctx context.Context, recipe, name string, i int, st config.Stage, parent *Stage, base *sdk.Checkpoint) (*Stage, error) {
	r := pl.r
	e, ok := r.Catalog.Get(st.Trainer)
	if !ok || e.Kind != sdk.KindTrainer {
		return nil, fmt.Errorf("recipe %s stage %d: no trainer plugin %q", recipe, i+1, st.Trainer)
	}
	// A trainer that cannot even describe itself fails its stage (and what
	// depends on it) at run time, not the whole plan.
	info, exe, planErr := pl.describe(ctx, e)
	if planErr != nil {
		info = sdk.Info{Name: st.Trainer, Version: "unknown"}
	}
	params, err := json.Marshal(st.Params)
	if err != nil {
		return nil, fmt.Errorf("recipe %s stage %s: params: %w", recipe, name, err)
	}
	in := StageInputs{Trainer: info.Name, Version: info.Version, Executable: exe, Stage: name, Params: params,
		Seed: st.Seed, Data: map[string]string{}, Config: e.Config}
	var files []string
	for _, f := range st.Data {
		path := pl.data.trainingFile(f)
		sum, err := pl.fileHash(path)
		if err != nil {
			return nil, fmt.Errorf("recipe %s stage %s: training data %s: %w", recipe, name, f, err)
		}
		in.Data[path] = sum
		files = append(files, path)
	}
	switch {
	case parent != nil:
		in.Parent = "stage:" + parent.Key
	case base != nil:
		in.Parent = base.Hash
	}
	key, err := cache.Key(in)
	if err != nil {
		return nil, err
	}
	key = strings.TrimPrefix(key, "sha256:")
	s := &Stage{Key: key, Recipe: recipe, Name: name, Trainer: st.Trainer, Parent: parent, Base: base, Inputs: in,
		Dir: filepath.Join(r.Config.RunDir, "checkpoints", key[:16]), stage: st, entry: e, files: files, done: make(chan struct{}), planErr: planErr}
	if planErr != nil {
		s.Reason = "its trainer cannot start: " + firstLine(planErr.Error())
	} else if ck, err := sdk.ReadCheckpoint(s.Dir); err == nil {
		s.Cached, s.ckpt = true, ck
	} else {
		s.Reason = pl.why(filepath.Join("stages", slug(recipe+"/"+name)), in, key, "checkpoint")
	}
	return s, nil
}

func (pl *planner) cell(ctx context.Context, recipe string, m config.Model, b config.Benchmark, st *Stage, base *sdk.Checkpoint, hf string) (*CellNode, error) {
	r := pl.r
	c := &CellNode{Recipe: recipe, Model: m.Name, Benchmark: b.Name, Stage: st, Base: base, BaseHF: hf, model: m, bench: b}
	e, err := r.Catalog.Evaluator(b.Name, b.Evaluator)
	if err != nil {
		return nil, err
	}
	c.entry = e
	info, exe, planErr := pl.describe(ctx, e)
	if planErr != nil {
		info = sdk.Info{Name: e.Name, Version: "unknown"}
		c.planErr = planErr
	}
	path, partial, err := pl.data.path(b)
	if err != nil {
		return nil, err
	}
	c.dataPath, c.partial = path, partial
	dataSum, err := pl.fileHash(path)
	if err != nil {
		return nil, fmt.Errorf("benchmark %s: data %s: %w", b.Name, path, err)
	}
	// The model's settings as they shape answers; the endpoint of a launched
	// server changes each run and is left out.
	mm := m
	mm.Concurrency, mm.RPS, mm.Timeout = 0, 0, config.Duration{}
	if mm.Serve != nil {
		mm.Endpoint = ""
	}
	modelJSON, _ := json.Marshal(mm)
	benchJSON, _ := json.Marshal(b)
	judge := ""
	if j := r.Config.Judge; j != nil {
		judge = j.Model + "@" + j.Endpoint
	}
	in := CellInputs{Model: modelJSON, Evaluator: info.Name, Version: info.Version, Executable: exe, Benchmark: benchJSON, Data: dataSum, Judge: judge}
	switch {
	case st != nil:
		in.Checkpoint = "stage:" + st.Key
	case base != nil:
		in.Checkpoint = base.Hash
	case hf != "":
		in.Checkpoint = "hf:" + hf
	}
	key, err := cache.Key(in)
	if err != nil {
		return nil, err
	}
	c.Key, c.Inputs = strings.TrimPrefix(key, "sha256:"), in
	c.Dir = filepath.Join(r.Config.RunDir, "cells", c.Key[:16])
	var o result.Outcome
	if planErr != nil {
		c.Reason = "its evaluator cannot start: " + firstLine(planErr.Error())
	} else if err := result.Read(filepath.Join(c.Dir, "outcome.json"), &o); err == nil && o.Scored {
		c.Cached = true
		c.cell = result.Cell{Recipe: recipe, Model: m.Name, Status: result.StatusCached, Outcome: o}
	} else {
		c.Reason = pl.why(filepath.Join("cells", slug(recipe+"/"+m.Name+"/"+b.Name)), in, c.Key, "result")
	}
	return c, nil
}

// why says which input changed since the last time this stage or cell (by
// name) was done, from the inputs recorded then.
func (pl *planner) why(state string, now any, key, what string) string {
	path := filepath.Join(pl.r.Config.RunDir, "state", state+".json")
	var last struct {
		Key    string                     `json:"key"`
		Inputs map[string]json.RawMessage `json:"inputs"`
	}
	b, err := os.ReadFile(path)
	if err != nil || json.Unmarshal(b, &last) != nil {
		return "not run before"
	}
	if last.Key == key {
		return "its " + what + " is missing or does not verify (an interrupted run?)"
	}
	raw, _ := json.Marshal(now)
	var cur map[string]json.RawMessage
	json.Unmarshal(raw, &cur)
	var changed []string
	for k, v := range cur {
		if compact(last.Inputs[k]) != compact(v) {
			changed = append(changed, k)
		}
	}
	sort.Strings(changed)
	if len(changed) == 0 {
		return "inputs changed"
	}
	return strings.Join(changed, ", ") + " changed"
}

// remember records the inputs of a done stage or cell, for later "why".
func (r *Runner) remember(state, key string, inputs any) error {
	return result.Write(filepath.Join(r.Config.RunDir, "state", state+".json"), map[string]any{"key": key, "inputs": inputs})
}

func slug(s string) string {
	return strings.NewReplacer("/", "__", "+", "_plus_", " ", "_").Replace(cache.Slug(s))
}

// treeSHA256 hashes a file, or every file under a folder (names and bytes).
// A file that cannot be read is an error: leaving it out of a key would let
// two different inputs share one result.
func treeSHA256(path string) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	if !st.IsDir() {
		return fileSHA256(path)
	}
	h := sha256.New()
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		sum, err := fileSHA256(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(path, p)
		fmt.Fprintf(h, "%s %s\n", filepath.ToSlash(rel), sum)
		return nil
	})
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

var errSkipped = errors.New("skipped")

func firstLine(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	return first
}

// compact is JSON without insignificant space, for comparing values read
// from an indented file with freshly marshalled ones.
func compact(raw json.RawMessage) string {
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return string(raw)
	}
	return b.String()
}
