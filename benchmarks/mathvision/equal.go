package mathvision

import (
	"strings"

	"github.com/vlmlab/harness/benchmarks/mathexpr"
)

// officialEqual is MATH-V's is_equal (evaluation/utils.py): lower-case;
// false when either side is blank; equal strings (ignoring surrounding
// space); else, when both sides are numeric expressions upstream can
// evaluate (see sympyValue), the values, tuple elements one by one, rounded
// to 2 decimals. Upstream evaluates str(latex2sympy(x)) with Python's eval;
// mathexpr parses instead, so answers only sympy's parser reads (or
// half-reads) can differ — the goldens test lists every such item.
func officialEqual(gold, answer string) bool {
	g, a := strings.ToLower(gold), strings.ToLower(answer)
	if strings.ReplaceAll(g, " ", "") == "" || strings.ReplaceAll(a, " ", "") == "" {
		return false
	}
	if strings.TrimSpace(g) == strings.TrimSpace(a) {
		return true
	}
	eg, ok1 := sympyValue(g)
	ea, ok2 := sympyValue(a)
	if !ok1 || !ok2 {
		return false
	}
	ok, _ := mathexpr.EqualExpr(eg, ea, mathexpr.MathVOfficial())
	return ok
}
