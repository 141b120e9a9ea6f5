package submission

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/vlmlab/harness/harness/evaluate"
	"github.com/vlmlab/harness/harness/result"
	"github.com/vlmlab/harness/leaderboard"
)

// FromEvalDir reads what `harness eval` wrote in dir (eval.json and each
// benchmark's BENCHMARK.items.jsonl) as an upload's predictions, profile
// and run record. It is the one place that knows the eval output's layout.
// Model metadata is the caller's (harness submit's flags).
//
// Only dir/eval.json and dir/NAME.items.jsonl for the six benchmark names
// are read: paths written inside eval.json are not followed, and a file that
// is not a regular file (a symlink out of dir, say) is refused.
func FromEvalDir(dir string) (*Upload, error) {
	evalPath := filepath.Join(dir, "eval.json")
	if _, err := readRegular(evalPath); err != nil {
		return nil, fmt.Errorf("%s: %w (give the folder `harness eval --out` wrote)", evalPath, err)
	}
	// result.Read also refuses a schema newer than this harness reads.
	var res result.Eval
	if err := result.Read(evalPath, &res); err != nil {
		return nil, fmt.Errorf("not an eval report: %w", err)
	}
	if len(res.Benchmarks) == 0 {
		return nil, fmt.Errorf("%s: no benchmarks in the report", evalPath)
	}
	u := &Upload{Benchmarks: map[string][]Prediction{}}
	run := &Run{Harness: res.Harness, Endpoint: res.Model.Endpoint, ModelName: res.Model.Name, System: res.Model.SystemPrompt,
		Plugins: map[string]string{}, DataHashes: map[string]string{}}
	if b, err := json.Marshal(res.Model.Generation); err == nil {
		json.Unmarshal(b, &run.Generation)
	}
	if res.Judge != nil {
		run.Judge = res.Judge.Name
	}
	var skipped []string
	for i, o := range res.Benchmarks {
		if _, ok := leaderboard.BenchmarkByName(o.Benchmark); !ok {
			return nil, fmt.Errorf("%s: benchmarks[%d]: %q is not one of the six benchmarks (%s)", evalPath, i, o.Benchmark, strings.Join(BenchmarkNames(), ", "))
		}
		if !o.Scored {
			skipped = append(skipped, fmt.Sprintf("%s (%s)", o.Benchmark, o.Error))
			continue
		}
		switch {
		case u.Profile == "":
			u.Profile = o.Profile
		case u.Profile != o.Profile:
			return nil, fmt.Errorf("%s: benchmarks were scored with different profiles (%s and %s); submit one profile at a time", evalPath, u.Profile, o.Profile)
		}
		itemsPath := filepath.Join(dir, o.Benchmark+".items.jsonl")
		if _, err := readRegular(itemsPath); err != nil {
			return nil, fmt.Errorf("%s: %w (eval.json lists %s)", itemsPath, err, o.Benchmark)
		}
		responses, err := evaluate.ReadPredictions(itemsPath)
		if err != nil {
			return nil, err
		}
		preds := make([]Prediction, len(responses))
		for j, r := range responses {
			preds[j] = Prediction{ID: r.ItemID, Response: r.Text}
		}
		u.Benchmarks[o.Benchmark] = preds
		name := o.Plugin.Name
		if o.Plugin.Version != "" {
			name += " " + o.Plugin.Version
		}
		run.Plugins[o.Benchmark] = name
		run.DataHashes[o.Benchmark] = o.DataHash
	}
	if len(u.Benchmarks) == 0 {
		return nil, fmt.Errorf("%s: no benchmark was scored (%s)", evalPath, strings.Join(skipped, "; "))
	}
	u.Run = run
	return u, nil
}

// readRegular reads a regular file, refusing symlinks and devices.
func readRegular(path string) ([]byte, error) {
	st, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file (%s)", st.Mode().Type())
	}
	return os.ReadFile(path)
}

// FromRunDir reads one recipe × model row of a `harness run` folder
// (run.json and cells/RECIPE/MODEL/BENCHMARK.items.jsonl) as an upload's
// predictions. Like FromEvalDir it follows no path written in run.json.
// Cells scored on the synthetic toy world are refused: their ids are not
// the benchmarks' and their numbers are not comparable.
func FromRunDir(dir, recipe, model string) (*Upload, error) {
	runPath := filepath.Join(dir, "run.json")
	if _, err := readRegular(runPath); err != nil {
		return nil, fmt.Errorf("%s: %w (give the folder `harness run` reported)", runPath, err)
	}
	var run result.Run
	if err := result.Read(runPath, &run); err != nil {
		return nil, fmt.Errorf("not a run record: %w", err)
	}
	for _, name := range []string{recipe, model} {
		if name == "" || name == "." || name == ".." || strings.ContainsAny(name, `/\`) {
			return nil, fmt.Errorf("%s: recipe and model must be plain names, got %q", runPath, name)
		}
	}
	u := &Upload{Benchmarks: map[string][]Prediction{}}
	r := &Run{Harness: run.Harness, ModelName: model, Plugins: map[string]string{}, DataHashes: map[string]string{}}
	var rows []string
	for _, c := range run.Cells {
		rows = append(rows, c.Recipe+"/"+c.Model)
		if c.Recipe != recipe || c.Model != model || !c.Scored {
			continue
		}
		if _, ok := leaderboard.BenchmarkByName(c.Benchmark); !ok {
			continue // a run may evaluate other benchmarks too
		}
		if c.Synthetic {
			return nil, fmt.Errorf("%s: %s/%s was scored on the synthetic toy world (%s); only runs on the benchmarks' data can be submitted", runPath, recipe, model, c.Data)
		}
		switch {
		case u.Profile == "":
			u.Profile = c.Profile
		case u.Profile != c.Profile:
			return nil, fmt.Errorf("%s: %s/%s has benchmarks scored with different profiles (%s and %s)", runPath, recipe, model, u.Profile, c.Profile)
		}
		itemsPath := filepath.Join(dir, "cells", recipe, model, c.Benchmark+".items.jsonl")
		if _, err := readRegular(itemsPath); err != nil {
			return nil, fmt.Errorf("%s: %w (run.json lists %s/%s/%s)", itemsPath, err, recipe, model, c.Benchmark)
		}
		responses, err := evaluate.ReadPredictions(itemsPath)
		if err != nil {
			return nil, err
		}
		preds := make([]Prediction, len(responses))
		for j, x := range responses {
			preds[j] = Prediction{ID: x.ItemID, Response: x.Text}
		}
		u.Benchmarks[c.Benchmark] = preds
		r.Plugins[c.Benchmark] = strings.TrimSpace(c.Plugin.Name + " " + c.Plugin.Version)
		r.DataHashes[c.Benchmark] = c.DataHash
		if c.Checkpoint != "" {
			r.Endpoint = "checkpoint " + c.Checkpoint
		}
	}
	if len(u.Benchmarks) == 0 {
		return nil, fmt.Errorf("%s: no scored cell for recipe %q and model %q (rows: %s)", runPath, recipe, model, strings.Join(unique(rows), ", "))
	}
	u.Run = r
	return u, nil
}

// RunRows lists the recipe × model rows of a run folder, in run order.
func RunRows(dir string) ([][2]string, error) {
	var run result.Run
	if err := result.Read(filepath.Join(dir, "run.json"), &run); err != nil {
		return nil, err
	}
	var out [][2]string
	seen := map[[2]string]bool{}
	for _, c := range run.Cells {
		k := [2]string{c.Recipe, c.Model}
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out, nil
}

func unique(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
