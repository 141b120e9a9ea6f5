package mathvision

import (
	"regexp"
	"strings"

	"github.com/vlmlab/harness/benchmarks/mathexpr"
)

// MATH-V's official is_equal compares values with
// round(eval(str(latex2sympy(x))), 2), evaluated beside `from math import *`.
// That succeeds only for answers that are plain numeric expressions: any
// symbol left in the sympy expression (a unit such as \mathrm{~cm}, a degree
// mark \circ, a word, a variable) raises NameError, and bare comma lists,
// percent signs and relations do not evaluate either, so upstream scores
// such answers by exact text only. mathexpr is deliberately more lenient (it
// drops units and reads marks), so this gate, missing from mathexpr,
// decides which answers may be compared by value at all.

// sympyCommands are the LaTeX commands whose sympy translation evaluates
// with Python's math module (\pi → pi, \sqrt → sqrt, \ln → log, ...).
var sympyCommands = map[string]bool{
	"frac": true, "dfrac": true, "tfrac": true, "sqrt": true, "pi": true,
	"cdot": true, "times": true, "div": true, "left": true, "right": true,
	"sin": true, "cos": true, "tan": true, "arcsin": true, "arccos": true, "arctan": true,
	"ln": true, "log": true, "exp": true, "displaystyle": true,
}

var latexCommand = regexp.MustCompile(`\\([a-z]+)`)

// sympyValue parses an answer the official scorer can evaluate to a number
// (or, through eval_tuple, a bracketed tuple of numbers); ok is false for
// anything upstream can only compare as text.
func sympyValue(s string) (*mathexpr.Expr, bool) {
	// Letters left after the known commands are sympy symbols; only e
	// (math.e) has a value. \infty has none, except inside a tuple, where
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
		if r >= 'a' && r <= 'z' && r != 'e' || r > 0x7f {
			return nil, false
		}
	}
	e, err := mathexpr.Parse(s)
	if err != nil {
		return nil, false
	}
	switch e.Kind() {
	case mathexpr.Scalar, mathexpr.Ratio:
		if infty || strings.Contains(s, ",") { // thousands separators do not evaluate
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
