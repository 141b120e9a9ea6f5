package mathvision

import (
	"regexp"
	"strings"

	"github.com/vlmlab/harness/benchmarks/mathexpr"
)

// MATH-V's official is_equal compares values with
// round(eval(str(latex2sympy(x))), 2), evaluated beside `from math import *`
// (latex2sympy2 of OrangeX4/latex2sympy, grammar PS.g4). That succeeds only
// for answers that are plain numeric expressions: any symbol left in the
// sympy expression (a unit such as \mathrm{~cm}, a degree mark \circ, a word,
// a variable, even Euler's E, which Python's math spells e) raises
// NameError, and bare comma lists, relations and a percent sign after a
// space do not evaluate either, so upstream scores such answers by exact
// text only. mathexpr is deliberately more lenient (it drops units and reads
// marks), so this gate, missing from mathexpr, decides which answers may be
// compared by value at all.

// sympyCommands are the LaTeX commands whose sympy translation evaluates
// with Python's math module (\pi → pi, \sqrt → sqrt, \ln → log, ...).
var sympyCommands = map[string]bool{
	"frac": true, "dfrac": true, "tfrac": true, "sqrt": true, "pi": true,
	"cdot": true, "times": true, "div": true, "left": true, "right": true,
	"sin": true, "cos": true, "tan": true, "arcsin": true, "arccos": true, "arctan": true,
	"ln": true, "log": true, "exp": true,
	// removed by latex2sympy before parsing
	"displaystyle": true, "quad": true, "qquad": true,
}

// percentNumber is latex2sympy's PERCENT_NUMBER token: a number directly
// followed by \% (thousands commas allowed) is that number over 100.
var percentNumber = regexp.MustCompile(`(\d+(?:,\d{3})*(?:\.\d+)?|\.\d+)\\%`)

var latexCommand = regexp.MustCompile(`\\([a-z]+)`)

// sympyValue parses an answer the official scorer can evaluate to a number
// (or, through eval_tuple, a bracketed tuple of numbers); ok is false for
// anything upstream can only compare as text.
func sympyValue(s string) (*mathexpr.Expr, bool) {
	s = percentNumber.ReplaceAllStringFunc(s, func(m string) string {
		return `\frac{` + strings.ReplaceAll(strings.TrimSuffix(m, `\%`), ",", "") + `}{100}`
	})
	// Letters left after the known commands are sympy symbols and have no
	// value. \infty has none either, except inside a tuple, where
	// eval_tuple keeps it as text.
	infty := false
	rest := latexCommand.ReplaceAllStringFunc(s, func(cmd string) string {
		name := cmd[1:]
		switch {
		case sympyCommands[name]:
			return " "
		case name == "infty":
			infty = true
			return " "
		}
		return "?" // unknown command: no value
	})
	if strings.ContainsAny(rest, "?%=<>°") {
		return nil, false
	}
	for _, r := range rest {
		if r >= 'a' && r <= 'z' || r > 0x7f {
			return nil, false
		}
	}
	e, err := mathexpr.Parse(s)
	if err != nil {
		return nil, false
	}
	switch e.Kind() {
	case mathexpr.Scalar, mathexpr.Ratio:
		if infty {
			return nil, false
		}
	case mathexpr.Tuple:
		t := strings.TrimSpace(s)
		if !(strings.HasPrefix(t, "(") && strings.HasSuffix(t, ")") || strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]")) {
			return nil, false // eval_tuple needs the brackets at both ends
		}
	default:
		return nil, false
	}
	return e, len(e.Vars()) == 0
}
