package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"strings"
)

// CheckRunnable reports what a valid config still lacks to run, the way
// `harness run` would meet it: an external plugin whose command does not
// exist or is not executable, and a matrix with no model. It is separate
// from Parse because the commands are looked up on this machine (relative
// paths from the working folder, as the host launches them), while a
// config is valid wherever it is read. It returns Problems, or nil.
func (c *Config) CheckRunnable() error {
	var ps Problems
	problem := func(path, format string, args ...any) {
		p := c.at[path]
		ps = append(ps, Problem{File: c.File, Line: p.line, Column: p.col, Msg: fmt.Sprintf(format, args...)})
	}
	for i, p := range c.Plugins {
		if len(p.Command) == 0 || p.Command[0] == "" {
			continue // Parse reported it
		}
		path := fmt.Sprintf("plugins[%d].command[0]", i)
		if _, ok := c.at[path]; !ok {
			path = fmt.Sprintf("plugins[%d].command", i)
		}
		if msg := commandProblem(p.Command[0]); msg != "" {
			problem(path, "plugin %s: %s", p.Name, msg)
		}
	}
	models := c.Matrix.Models
	if len(models) == 0 {
		for _, m := range c.Models {
			models = append(models, m.Name)
		}
	}
	if len(models) == 0 {
		where := "models"
		if _, ok := c.at[where]; !ok {
			where = ""
		}
		problem(where, "no models to evaluate: harness run needs one; add one under models (e.g. {name: baseline, backend: chance})")
	}
	if len(ps) == 0 {
		return nil
	}
	return ps
}

// commandProblem says why name cannot be started, "" when it can.
func commandProblem(name string) string {
	path, err := exec.LookPath(name)
	if err == nil {
		return ""
	}
	if !strings.ContainsRune(name, os.PathSeparator) {
		return fmt.Sprintf("command %q is not on $PATH; give its path, or install it", name)
	}
	st, serr := os.Stat(name)
	switch {
	case errors.Is(serr, fs.ErrNotExist):
		return fmt.Sprintf("command %s does not exist (relative paths are from the folder harness runs in); build it or fix the path", name)
	case serr != nil:
		return fmt.Sprintf("command %s: %v", name, serr)
	case st.IsDir():
		return fmt.Sprintf("command %s is a folder, not an executable", name)
	case st.Mode()&0o111 == 0:
		return fmt.Sprintf("command %s is not executable; chmod +x it", name)
	}
	_ = path
	return fmt.Sprintf("command %s cannot be run: %v", name, err)
}
