package mathexpr

import (
	"fmt"
	"strings"

	"github.com/vlmlab/harness/benchmarks/answer"
)

// Kind is the shape of a parsed answer.
type Kind int

const (
	Scalar     Kind = iota // a number or an expression: 3, \frac{1}{2}, 2x+1
	Tuple                  // bracketed, comma-separated: (3,-4), [1,2), (-\infty, 3]
	List                   // bare comma/and/or-separated items: 1, 2 or x=1 or x=2
	Set                    // \{1, 2\} or {1, 2}
	Union                  // [0,1) \cup (2,3]
	Ratio                  // 1:2
	Equation               // y = 2x+1, x \in [1,2]
	Inequality             // x > 2, x \ne 0
)

func (k Kind) String() string {
	return [...]string{"scalar", "tuple", "list", "set", "union", "ratio", "equation", "inequality"}[k]
}

// Expr is a parsed answer.
type Expr struct {
	root  node
	loose bool // a unit was dropped or items were joined by and/or/;
}

// Parse parses one answer (LaTeX or plain text; see README.md for the
// grammar). Surrounding $…$, \(…\), \[…\], a trailing period, LaTeX spacing
// and a trailing unit are ignored.
func Parse(s string) (*Expr, error) {
	c, err := clean(s)
	if err != nil {
		return nil, err
	}
	toks, loose, err := lex(c)
	if err != nil {
		return nil, err
	}
	p := &parser{src: c, toks: toks}
	root, err := p.parseAnswer()
	if err != nil {
		return nil, err
	}
	return &Expr{root: root, loose: loose}, nil
}

// Kind reports the shape of the answer.
func (e *Expr) Kind() Kind {
	switch n := e.root.(type) {
	case *seqNode:
		if n.open == 0 {
			return List
		}
		return Tuple
	case *setNode:
		return Set
	case *unionNode:
		return Union
	case *ratioNode:
		return Ratio
	case *relNode:
		for _, op := range n.ops {
			if op != "=" && op != "in" {
				return Inequality
			}
		}
		return Equation
	}
	return Scalar
}

// Vars lists the free variables, sorted.
func (e *Expr) Vars() []string {
	set := map[string]bool{}
	collectVars(e.root, set)
	return sortedVars(set)
}

// String prints the parse tree in a fully parenthesised form, for
// debugging and error messages: "2x+1" prints as "((2*x)+1)".
func (e *Expr) String() string { return format(e.root) }

// Eval evaluates a scalar answer with the given variable values; percent
// and degree marks are read plainly (50% is 50, 30° is 30). Structures
// (tuples, sets, equations, …) give an error wrapping ErrUnsupported; a
// missing variable or a value outside a function's domain gives
// ErrUndefined.
func (e *Expr) Eval(vars map[string]float64) (float64, error) {
	ev := &evaluator{read: plainMarks, vars: vars}
	v, err := ev.eval(e.root)
	if err != nil {
		return 0, err
	}
	return v.float(), nil
}

func format(n node) string {
	var b strings.Builder
	n.format(&b)
	return b.String()
}

// clean prepares an answer for the lexer: Unicode folding, outer math
// delimiters, a sentence-final period, LaTeX thousands separators ({,})
// and plain ones (see dropThousands).
func clean(s string) (string, error) {
	if len(s) > MaxLen {
		return "", fmt.Errorf("answer of %d bytes (limit %d): %w", len(s), MaxLen, ErrTooLong)
	}
	s = strings.TrimSpace(answer.Normalize(s))
	for changed := true; changed; {
		changed = false
		for _, d := range [...][2]string{{"$$", "$$"}, {"$", "$"}, {`\(`, `\)`}, {`\[`, `\]`}} {
			if len(s) >= len(d[0])+len(d[1]) && strings.HasPrefix(s, d[0]) && strings.HasSuffix(s, d[1]) {
				s, changed = strings.TrimSpace(s[len(d[0]):len(s)-len(d[1])]), true
			}
		}
		if t := strings.TrimSuffix(s, "."); t != s && !strings.HasSuffix(t, ".") {
			s, changed = strings.TrimSpace(t), true
		}
	}
	if s == "" {
		return "", fmt.Errorf("empty answer: %w", ErrSyntax)
	}
	s = strings.ReplaceAll(s, "{,}", "")
	return dropThousands(s), nil
}

// dropThousands removes thousands separators when the answer cannot be a
// tuple: no brackets anywhere, and every comma sits between a digit and
// exactly three digits, the first group having one to three digits
// ("12,345.6" → "12345.6"; "1,2" and "(1,000)" are left alone).
func dropThousands(s string) string {
	if !strings.Contains(s, ",") || strings.ContainsAny(s, "()[]{}") {
		return s
	}
	for i := 0; i < len(s); i++ {
		if s[i] != ',' {
			continue
		}
		lead := 0
		for j := i - 1; j >= 0 && isDigit(s[j]); j-- {
			lead++
		}
		trail := 0
		for j := i + 1; j < len(s) && isDigit(s[j]); j++ {
			trail++
		}
		if lead == 0 || trail != 3 {
			return s
		}
		if start := i - lead; lead > 3 && (start == 0 || s[start-1] != ',') {
			return s
		}
	}
	return strings.ReplaceAll(s, ",", "")
}
