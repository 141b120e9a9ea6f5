package config

import (
	"fmt"
	"strings"
)

// Problem is one thing wrong in a config file, at a position.
type Problem struct {
	File   string
	Line   int
	Column int
	Msg    string
}

func (p Problem) String() string {
	if p.Line == 0 {
		return fmt.Sprintf("%s: %s", p.File, p.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", p.File, p.Line, p.Column, p.Msg)
}

// Problems is every problem found in one file; it is the error Load returns.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Lines returns each problem as "file:line:column: message".
func (ps Problems) Lines() []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}

// ProblemAt makes a Problem at a field path of c, such as
// "plugins[1].config.learning_rate" or "models[0].backend": the position of
// that value, or of the nearest enclosing one that the file writes. Checks
// that run after Load (a plugin's config schema, a launch) report through it
// with the same file:line:column as Load's own.
func (c *Config) ProblemAt(path, format string, args ...any) Problem {
	p, ok := c.at[path]
	for !ok && path != "" {
		if i := strings.LastIndexAny(path, ".["); i >= 0 {
			path = path[:i]
		} else {
			path = ""
		}
		p, ok = c.at[path]
	}
	return Problem{File: c.File, Line: p.line, Column: p.col, Msg: fmt.Sprintf(format, args...)}
}
