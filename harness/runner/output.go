package runner

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"

	"github.com/vlmlab/harness/harness/report"
	"github.com/vlmlab/harness/harness/result"
	"github.com/vlmlab/harness/internal/version"
	"github.com/vlmlab/harness/plugins/sdk"
)

// Manifest is runs/ID/manifest.json: what a run was made of, so a reader
// can tell two runs' numbers apart.
type Manifest struct {
	SchemaVersion int               `json:"schema_version"`
	Harness       string            `json:"harness_version"`
	Revision      string            `json:"revision,omitempty"`
	Config        string            `json:"config"`
	ConfigSHA256  string            `json:"config_sha256"`
	Plugins       []ManifestPlugin  `json:"plugins"`
	Stages        []ManifestStage   `json:"stages"`
	Judge         string            `json:"judge,omitempty"`
	Profiles      map[string]string `json:"profiles"`
	Jobs          int               `json:"jobs"`
}

// ManifestPlugin is one plugin the run used.
type ManifestPlugin struct {
	Name       string `json:"name"`
	Kind       string `json:"kind"`
	Version    string `json:"version"`
	Executable string `json:"executable_sha256"`
}

// ManifestStage is one stage: its key, seed, and checkpoint.
type ManifestStage struct {
	Recipe     string `json:"recipe"`
	Stage      string `json:"stage"`
	Trainer    string `json:"trainer"`
	Key        string `json:"key"`
	Seed       int64  `json:"seed"`
	Checkpoint string `json:"checkpoint,omitempty"`
	Cached     bool   `json:"cached"`
	Error      string `json:"error,omitempty"`
}

// Summary is runs/ID/summary.json: one row per recipe × model.
type Summary struct {
	Benchmarks []string     `json:"benchmarks"`
	Synthetic  bool         `json:"synthetic"`
	Rows       []SummaryRow `json:"rows"`
}

// SummaryRow is one recipe × model: the six scores, their average, and the
// paper's diagnostics over all its benchmarks.
type SummaryRow struct {
	Recipe  string             `json:"recipe"`
	Model   string             `json:"model"`
	Scores  map[string]float64 `json:"scores"`
	Failed  []string           `json:"failed,omitempty"`
	Average *float64           `json:"average,omitempty"`
	// Diagnostics over every response of the row (weighted by responses).
	Diagnostics result.Diagnostics `json:"diagnostics"`
}

func (r *Runner) writeOutputs(res *Result, plan *Plan) error {
	dir := res.Dir
	// Per-cell reports: the cached files, under the run.
	for i, c := range res.Cells {
		if c.Report == "" {
			continue
		}
		dst := filepath.Join(dir, "cells", c.Recipe, c.Model)
		rep, err := linkInto(c.Report, dst)
		if err != nil {
			return err
		}
		items := ""
		if c.ItemsFile != "" {
			if items, err = linkInto(c.ItemsFile, dst); err != nil {
				return err
			}
		}
		res.Cells[i].Report, res.Cells[i].ItemsFile = rep, items
	}
	if err := result.Write(filepath.Join(dir, "run.json"), res); err != nil {
		return err
	}
	if err := result.Write(filepath.Join(dir, "manifest.json"), r.manifest(plan)); err != nil {
		return err
	}
	sum := Summarize(res)
	if err := result.Write(filepath.Join(dir, "summary.json"), sum); err != nil {
		return err
	}
	var md strings.Builder
	if err := sum.Markdown(&md); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "summary.md"), []byte(md.String()), 0o644); err != nil {
		return err
	}
	return r.writeCurves(dir, plan)
}

// linkInto puts file into dir (a hard link, else a copy) and returns the new path.
func linkInto(file, dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	dst := filepath.Join(dir, filepath.Base(file))
	os.Remove(dst)
	if err := os.Link(file, dst); err == nil {
		return dst, nil
	}
	in, err := os.Open(file)
	if err != nil {
		return "", err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return "", err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return "", err
	}
	return dst, out.Close()
}

func (r *Runner) manifest(plan *Plan) Manifest {
	m := Manifest{SchemaVersion: result.SchemaVersion, Harness: version.Version, Revision: version.Revision(),
		Config: r.Config.File, Profiles: map[string]string{}, Jobs: max(1, r.Jobs)}
	if b, err := os.ReadFile(r.Config.File); err == nil {
		s := sha256.Sum256(b)
		m.ConfigSHA256 = hex.EncodeToString(s[:])
	} else if b, err := json.Marshal(r.Config); err == nil {
		s := sha256.Sum256(b)
		m.ConfigSHA256 = hex.EncodeToString(s[:]) // the embedded default, as decoded
	}
	if j := r.Config.Judge; j != nil {
		m.Judge = j.Model
	}
	seen := map[string]bool{}
	add := func(name, kind, v, exe string) {
		if !seen[name] {
			seen[name] = true
			m.Plugins = append(m.Plugins, ManifestPlugin{Name: name, Kind: kind, Version: v, Executable: exe})
		}
	}
	for _, s := range plan.Stages {
		add(s.entry.Name, sdk.KindTrainer, s.Inputs.Version, s.Inputs.Executable)
		ms := ManifestStage{Recipe: s.Recipe, Stage: s.Name, Trainer: s.Trainer, Key: s.Key, Seed: s.stage.Seed, Cached: s.Cached}
		if s.ckpt != nil {
			ms.Checkpoint = s.ckpt.Hash
		}
		if s.err != nil {
			ms.Error = s.err.Error()
		}
		m.Stages = append(m.Stages, ms)
	}
	for _, c := range plan.Cells {
		add(c.entry.Name, sdk.KindEvaluator, c.Inputs.Version, c.Inputs.Executable)
		m.Profiles[c.Benchmark] = c.bench.Profile
	}
	sort.Slice(m.Plugins, func(i, j int) bool { return m.Plugins[i].Name < m.Plugins[j].Name })
	return m
}

// Summarize makes the recipes × benchmarks table of a run.
func Summarize(res *Result) Summary {
	s := Summary{Benchmarks: BenchmarkNames(res)}
	idx := map[string]int{}
	diags := map[int][]*result.Diagnostics{}
	for _, c := range res.Cells {
		k := c.Recipe + "\x00" + c.Model
		i, ok := idx[k]
		if !ok {
			i = len(s.Rows)
			idx[k] = i
			s.Rows = append(s.Rows, SummaryRow{Recipe: c.Recipe, Model: c.Model, Scores: map[string]float64{}})
		}
		row := &s.Rows[i]
		if !c.Scored {
			row.Failed = append(row.Failed, c.Benchmark)
			continue
		}
		s.Synthetic = s.Synthetic || c.Synthetic
		row.Scores[c.Benchmark] = c.Score
		diags[i] = append(diags[i], c.Diagnostics)
	}
	for i := range s.Rows {
		row := &s.Rows[i]
		if len(row.Failed) == 0 && len(row.Scores) == len(s.Benchmarks) && len(s.Benchmarks) > 0 {
			sum := 0.0
			for _, v := range row.Scores {
				sum += v
			}
			avg := sum / float64(len(row.Scores))
			row.Average = &avg
		}
		row.Diagnostics = result.PoolDiagnostics(diags[i]...)
	}
	return s
}

// Table is the summary as a header and rows: recipe, model, the benchmarks,
// avg, then the diagnostics.
func (s Summary) Table() ([]string, [][]string) {
	header := append([]string{"recipe", "model"}, s.Benchmarks...)
	header = append(header, "avg")
	header = append(header, report.DiagnosticsHeader()...)
	var rows [][]string
	for _, r := range s.Rows {
		row := []string{r.Recipe, r.Model}
		for _, b := range s.Benchmarks {
			if v, ok := r.Scores[b]; ok {
				row = append(row, report.Pct(v))
			} else {
				row = append(row, "FAILED")
			}
		}
		avg := "incomplete"
		if r.Average != nil {
			avg = report.Pct(*r.Average)
		}
		row = append(row, avg)
		row = append(row, report.DiagnosticsCells(r.Diagnostics)...)
		rows = append(rows, row)
	}
	return header, rows
}

// Markdown writes the summary as a Markdown table.
func (s Summary) Markdown(w io.Writer) error {
	header, rows := s.Table()
	if s.Synthetic {
		fmt.Fprintln(w, "SYNTHETIC toy-world suites in the six benchmarks' formats: not comparable with published numbers.")
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "| %s |\n|%s\n", strings.Join(header, " | "), strings.Repeat(" --- |", len(header)))
	for _, r := range rows {
		fmt.Fprintf(w, "| %s |\n", strings.Join(r, " | "))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, report.DiagnosticsLegend)
	return nil
}

// curveMetrics are plotted, one PNG each, one line per recipe (paper Fig. 6).
var curveMetrics = []string{sdk.MetricReward, sdk.MetricResponseLength, sdk.MetricKL, sdk.MetricAhaRate, sdk.MetricLoss, sdk.MetricAccuracy}

// writeCurves joins each recipe's stages into one curve (steps counted
// across stages), writes it as curves/RECIPE.jsonl and plots each metric.
func (r *Runner) writeCurves(dir string, plan *Plan) error {
	type line struct {
		name   string
		points []CurvePoint
	}
	var lines []line
	seen := map[*Stage]bool{}
	for _, c := range plan.Cells {
		if c.Stage == nil || seen[c.Stage] {
			continue
		}
		seen[c.Stage] = true
		var chain []*Stage
		for s := c.Stage; s != nil; s = s.Parent {
			chain = append([]*Stage{s}, chain...)
		}
		var pts []CurvePoint
		offset := 0
		for _, s := range chain {
			ps, err := readCurve(s.Dir + ".metrics.jsonl")
			if err != nil {
				continue // a failed or foreign stage has no curve
			}
			last := 0
			for _, p := range ps {
				p.Step += offset
				p.Stage = s.Recipe + "/" + s.Name
				last = p.Step
				pts = append(pts, p)
			}
			offset = last
		}
		if len(pts) == 0 {
			continue
		}
		name := c.Recipe
		lines = append(lines, line{name: name + " (" + c.Model + ")", points: pts})
		if err := writeJSONL(filepath.Join(dir, "curves", slug(c.Recipe)+"__"+slug(c.Model)+".jsonl"), pts); err != nil {
			return err
		}
	}
	if len(lines) == 0 {
		return nil
	}
	for _, metric := range curveMetrics {
		p := plot.New()
		p.Title.Text = metric + " per step"
		p.X.Label.Text = "step"
		p.Y.Label.Text = metric
		var args []any
		for _, l := range lines {
			var xy plotter.XYs
			for _, pt := range l.points {
				if v, ok := pt.Metrics[metric]; ok {
					xy = append(xy, plotter.XY{X: float64(pt.Step), Y: v})
				}
			}
			if len(xy) > 0 {
				args = append(args, l.name, xy)
			}
		}
		if len(args) == 0 {
			continue
		}
		if err := plotutil.AddLines(p, args...); err != nil {
			return fmt.Errorf("plot %s: %w", metric, err)
		}
		if err := p.Save(6*vg.Inch, 4*vg.Inch, filepath.Join(dir, "curves", metric+".png")); err != nil {
			return fmt.Errorf("plot %s: %w", metric, err)
		}
	}
	return nil
}

// CurvePoint is one line of a stage's metrics log (CHECKPOINT.metrics.jsonl)
// and of a run's curves/RECIPE__MODEL.jsonl (steps counted across stages).
type CurvePoint struct {
	Step    int                `json:"step"`
	Total   int                `json:"total"`
	Seconds float64            `json:"seconds,omitempty"`
	Stage   string             `json:"stage,omitempty"`
	Metrics map[string]float64 `json:"metrics"`
}

func readCurve(path string) ([]CurvePoint, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []CurvePoint
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for sc.Scan() {
		var p CurvePoint
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, p)
	}
	return out, sc.Err()
}

func writeJSONL(path string, pts []CurvePoint) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(f)
	for _, p := range pts {
		if err := enc.Encode(p); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}
