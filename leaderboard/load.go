package leaderboard

import (
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Load reads every *.yaml entry in dir (not its subfolders). Errors name
// files by their path under dir.
func Load(dir string) ([]Entry, error) {
	return loadFS(os.DirFS(dir), dir)
}

// LoadFS reads every *.yaml entry at the root of fsys, such as the
// submissions.FS the binary embeds. Entries come back sorted by id. The
// error, if any, is an *Error listing every problem in every file.
func LoadFS(fsys fs.FS) ([]Entry, error) {
	return loadFS(fsys, "")
}

func loadFS(fsys fs.FS, dir string) ([]Entry, error) {
	where := dir
	if where == "" {
		where = "the embedded entries"
	}
	des, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("list entries in %s: %w", where, err)
	}
	var (
		ps    []Problem
		files []parsed
		bad   = map[string]bool{} // ids of files with problems
	)
	for _, de := range des {
		name := de.Name()
		full := name
		if dir != "" {
			full = filepath.Join(dir, name)
		}
		switch {
		case de.IsDir():
			continue
		case strings.HasSuffix(name, ".yml"):
			// The binary embeds *.yaml only, so a .yml entry would
			// work from a checkout and silently vanish from releases.
			ps = append(ps, Problem{File: full, Msg: fmt.Sprintf("entry files end in .yaml (the binary embeds only *.yaml); rename it to %s.yaml", strings.TrimSuffix(name, ".yml"))})
			continue
		case !strings.HasSuffix(name, ".yaml"):
			continue
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			ps = append(ps, Problem{File: full, Msg: fmt.Sprintf("cannot read: %v", err)})
			continue
		}
		f, fps := parse(full, data)
		ps = append(ps, fps...)
		if len(fps) > 0 {
			bad[strings.TrimSuffix(name, ".yaml")] = true
			bad[f.entry.ID] = true
			continue
		}
		files = append(files, f)
	}
	ps = append(ps, crossCheck(files, bad)...)
	if err := errorOf(ps); err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no entries (*.yaml files) in %s", where)
	}
	entries := make([]Entry, len(files))
	for i, f := range files {
		entries[i] = f.entry
	}
	// By id, not file name: "qwen2-vl-7b.yaml" sorts after
	// "qwen2-vl-7b-base-....yaml" because '.' > '-'.
	slices.SortFunc(entries, func(a, b Entry) int { return strings.Compare(a.ID, b.ID) })
	return entries, nil
}

// crossCheck applies the rules that need more than one file: ids unique, and
// derived scores following from their base entry. bad holds the ids of
// files that failed on their own, whose problems are already reported.
func crossCheck(files []parsed, bad map[string]bool) []Problem {
	var ps []Problem
	byID := map[string]parsed{}
	var ids []string
	for _, f := range files {
		if first, dup := byID[f.entry.ID]; dup {
			ps = append(ps, Problem{File: f.name, Line: f.pos.line("id"), Field: "id",
				Msg: fmt.Sprintf("%q is also the id of %s; ids must be unique, rename one", f.entry.ID, first.name)})
			continue
		}
		byID[f.entry.ID] = f
		ids = append(ids, f.entry.ID)
	}
	for _, f := range files {
		d := f.entry.Derivation
		if d == nil || bad[d.From] {
			continue
		}
		base, ok := byID[d.From]
		if !ok {
			msg := fmt.Sprintf("no entry with id %q", d.From)
			if near := closest(d.From, ids); len(near) > 0 {
				msg += fmt.Sprintf("; did you mean %s?", quoteOr(near))
			}
			ps = append(ps, Problem{File: f.name, Line: f.pos.line("derivation.from"), Field: "derivation.from", Msg: msg})
			continue
		}
		ps = append(ps, checkDerived(f, base)...)
	}
	return ps
}

// checkDerived recomputes derived scores from the base entry. Both the
// derived score and the percent change are printed rounded to 0.1, so the
// tolerance is half a unit of the score plus what half a unit of the
// percent moves the base.
func checkDerived(f, base parsed) []Problem {
	var ps []Problem
	for _, b := range Benchmarks() {
		from := base.entry.Scores[b.Name]
		pct := f.entry.Derivation.PercentChange[b.Name]
		want := from * (1 + pct/100)
		got := f.entry.Scores[b.Name]
		tol := AvgTolerance + math.Abs(from)*0.0005 + slack
		if math.Abs(got-want) > tol {
			field := "scores." + b.Name
			ps = append(ps, Problem{File: f.name, Line: f.pos.line(field), Field: field,
				Msg: fmt.Sprintf("%v does not follow from %s's %v changed by %+.1f%% (expected %.2f); check both numbers against the source", got, base.entry.ID, from, pct, want)})
		}
	}
	return ps
}
