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

// braceless matches \frac and \sqrt without their braced argument
// (\frac12, \sqrt2): PS.g4's frac and sqrt rules require L_BRACE, so
// latex2sympy raises and upstream compares such answers as text only.
var braceless = regexp.MustCompile(`\\(?:[dt]?frac|sqrt)\s*(?:[^\s{\[]|$)`)

// latexPrefix is the part of s latex2sympy actually reads. PS.g4's start
// rule (math: relation | relation_list) has no EOF, so the ANTLR parser
// stops without error at the first token that cannot extend the
// expression and converts only what came before: an unbalanced closing
// brace, bracket or parenthesis, or a PERIOD that is not a decimal point.
// That is how "\frac{7}{32}}.theansweris:\frac{7}{32" evaluates to 7/32 and
// "5.so,even…" to 5 upstream (MATH-V evaluate.py, latex2sympy2 1.9.1).
func latexPrefix(s string) string {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++ // \{, \}, \% and letter commands are not delimiters
		case '{', '(', '[':
			depth++
		case '}', ')', ']':
			if depth == 0 {
				return s[:i]
			}
			depth--
		case '.':
			if depth == 0 && (i+1 == len(s) || s[i+1] < '0' || s[i+1] > '9') {
				return s[:i]
			}
		}
	}
	return s
}

// badEscape reports a backslash before a character PS.g4 has no token for
// (\! or \: spacing, \;): the lexer raises, so upstream has no value.
// (\, and ~ are removed by latex2sympy before lexing; \{ \} \| \% \$ lex.)
func badEscape(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i] != '\\' {
			continue
		}
		c := s[i+1]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case strings.IndexByte("{}|%$,\\", c) >= 0:
		default:
			return true
		}
		i++
	}
	return len(s) > 0 && s[len(s)-1] == '\\'
}

// sympyValue parses an answer the official scorer can evaluate to a number
// (or, through eval_tuple, a bracketed tuple of numbers); ok is false for
// anything upstream can only compare as text.
func sympyValue(s string) (*mathexpr.Expr, bool) {
	s = latexPrefix(s)
	if strings.TrimSpace(s) == "" || badEscape(s) || braceless.MatchString(s) {
		return nil, false
	}
	return gatedValue(s, sympyCommands, true)
}

// gatedValue parses s when every LaTeX command in it is one of commands and
// no letter (a sympy symbol), unit, degree mark or relation is left; tuples
// count only when allowed and bracketed at both ends.
func gatedValue(s string, commands map[string]bool, tuples bool) (*mathexpr.Expr, bool) {
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
		case commands[name]:
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
		if !tuples || !(strings.HasPrefix(t, "(") && strings.HasSuffix(t, ")") || strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]")) {
			return nil, false // eval_tuple needs the brackets at both ends
		}
	default:
		return nil, false
	}
	return e, len(e.Vars()) == 0
}
