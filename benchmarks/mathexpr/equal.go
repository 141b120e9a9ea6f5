package mathexpr

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Equal parses both answers and reports whether they are equal under opts.
// Identical answers (ignoring spaces) are equal without parsing. An error
// means the answers could not be compared (one does not parse, or a
// constant has no value); the result is then false.
func Equal(a, b string, opts Options) (bool, error) {
	if opts.IgnoreCase {
		a, b = strings.ToLower(a), strings.ToLower(b)
	}
	if opts.StrictNotation {
		if t := strings.TrimSpace(a); t != "" && t == strings.TrimSpace(b) {
			return true, nil
		}
	} else if squash(a) == squash(b) && strings.TrimSpace(a) != "" {
		return true, nil
	}
	ea, err := Parse(a)
	if err != nil {
		return false, fmt.Errorf("first answer: %w", err)
	}
	eb, err := Parse(b)
	if err != nil {
		return false, fmt.Errorf("second answer: %w", err)
	}
	return EqualExpr(ea, eb, opts)
}

func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, s)
}

// EqualExpr compares parsed answers (see the README for the rules by kind).
// When a side holds percent or degree marks and opts allows the second
// reading, each combination of readings is tried.
func EqualExpr(a, b *Expr, opts Options) (bool, error) {
	if opts.StrictNotation {
		if err := strictProblem(a); err != nil {
			return false, fmt.Errorf("first answer: %w", err)
		}
		if err := strictProblem(b); err != nil {
			return false, fmt.Errorf("second answer: %w", err)
		}
	}
	ra, rb := readings(a.root, opts), readings(b.root, opts)
	var firstErr error
	for _, x := range ra {
		for _, y := range rb {
			c := &comparer{opts: opts, a: x, b: y}
			eq, err := c.equal(a.root, b.root)
			if eq {
				return true, nil
			}
			if err != nil && firstErr == nil {
				firstErr = err
			}
		}
	}
	return false, firstErr
}

// strictProblem names the loose notation Options.StrictNotation refuses.
func strictProblem(e *Expr) error {
	switch n := e.root.(type) {
	case *seqNode:
		if n.open == 0 {
			return fmt.Errorf("bare list %s: %w", e, ErrUnsupported)
		}
	case *setNode, *unionNode:
		return fmt.Errorf("set %s: %w", e, ErrUnsupported)
	}
	switch {
	case e.loose:
		return fmt.Errorf("unit or word in %s: %w", e, ErrUnsupported)
	case hasMark(e.root, '%'):
		return fmt.Errorf("percent mark in %s: %w", e, ErrUnsupported)
	case hasMark(e.root, 'd'):
		return fmt.Errorf("degree mark in %s: %w", e, ErrUnsupported)
	}
	return nil
}

// plainOnly is the usual single reading, shared to save an allocation.
var plainOnly = []reading{plainMarks}

func readings(n node, o Options) []reading {
	if !(o.AllowPercent && hasMark(n, '%')) && !(o.Degrees && hasMark(n, 'd')) {
		return plainOnly
	}
	rs := []reading{plainMarks}
	if o.AllowPercent && hasMark(n, '%') {
		rs = append(rs, reading{pct: percentFrac, deg: one})
	}
	if o.Degrees && hasMark(n, 'd') {
		for _, r := range rs {
			rs = append(rs, reading{pct: r.pct, deg: degToRad})
		}
	}
	return rs
}

// comparer compares a node of answer a with a node of answer b; a and b
// are their readings. swap() exchanges the sides for symmetric rules.
type comparer struct {
	opts Options
	a, b reading
}

func (c *comparer) swap() *comparer { return &comparer{opts: c.opts, a: c.b, b: c.a} }

func (c *comparer) equal(x, y node) (bool, error) {
	rx, xRel := x.(*relNode)
	ry, yRel := y.(*relNode)
	switch {
	case xRel && yRel:
		return c.relations(rx, ry)
	case xRel:
		return c.namedEquation(rx, y)
	case yRel:
		return c.swap().namedEquation(ry, x)
	}
	switch x := x.(type) {
	case *seqNode:
		switch y := y.(type) {
		case *seqNode:
			if x.open == 0 && y.open == 0 {
				return c.unordered(x.elems, y.elems)
			}
			if x.open != y.open || x.close != y.close || len(x.elems) != len(y.elems) {
				return false, nil
			}
			return c.pairwise(x.elems, y.elems)
		case *setNode:
			if x.open == 0 {
				return c.unordered(x.elems, y.elems)
			}
		}
		return false, nil
	case *setNode:
		switch y := y.(type) {
		case *setNode:
			return c.unordered(x.elems, y.elems)
		case *seqNode:
			if y.open == 0 {
				return c.unordered(x.elems, y.elems)
			}
		}
		return false, nil
	case *unionNode:
		if y, ok := y.(*unionNode); ok {
			return c.unordered(x.parts, y.parts)
		}
		return false, nil
	case *ratioNode:
		if y, ok := y.(*ratioNode); ok {
			return c.ratios(x, y)
		}
		if isScalar(y) && len(x.parts) == 2 {
			return c.scalars(&binNode{op: '/', l: x.parts[0], r: x.parts[1]}, y)
		}
		return false, nil
	}
	switch y := y.(type) {
	case *ratioNode:
		return c.swap().equal(y, x)
	}
	if !isScalar(y) {
		return false, nil
	}
	return c.scalars(x, y)
}

// ratios: a:b:c equals d:e:f when the parts are proportional, i.e. b/a =
// e/d and c/a = f/d (2:4 equals 1:2). A zero first part compares parts as
// they are.
func (c *comparer) ratios(x, y *ratioNode) (bool, error) {
	if len(x.parts) != len(y.parts) {
		return false, nil
	}
	for i := 1; i < len(x.parts); i++ {
		eq, err := c.scalars(&binNode{op: '/', l: x.parts[i], r: x.parts[0]}, &binNode{op: '/', l: y.parts[i], r: y.parts[0]})
		if errors.Is(err, ErrUndefined) {
			eq, err = c.equal(x.parts[i], y.parts[i])
		}
		if !eq {
			return false, err
		}
	}
	return true, nil
}

func (c *comparer) pairwise(xs, ys []node) (bool, error) {
	for i := range xs {
		if eq, err := c.equal(xs[i], ys[i]); !eq {
			return false, err
		}
	}
	return true, nil
}

// unordered: every element of xs equals some element of ys and vice versa
// (sets ignore order and repetition).
func (c *comparer) unordered(xs, ys []node) (bool, error) {
	for _, x := range xs {
		if ok, err := c.anyEqual(x, ys); !ok {
			return false, err
		}
	}
	for _, y := range ys {
		if ok, err := c.swap().anyEqual(y, xs); !ok {
			return false, err
		}
	}
	return true, nil
}

func (c *comparer) anyEqual(x node, ys []node) (bool, error) {
	var firstErr error
	for _, y := range ys {
		eq, err := c.equal(x, y)
		if eq {
			return true, nil
		}
		if err != nil && firstErr == nil {
			firstErr = err
		}
	}
	return false, firstErr
}

// lhsRhs views a relation chain as its first and last side: "x = 1+1 = 2"
// is x = 2.
func lhsRhs(r *relNode) (lhs node, op string, rhs node) {
	op = r.ops[0]
	for _, o := range r.ops[1:] {
		if o != op {
			op = "" // mixed chain such as a < b = c
		}
	}
	return r.sides[0], op, r.sides[len(r.sides)-1]
}

// isName: a variable or a function application f(x) — the left side of an
// answer written as "name = value".
func isName(n node) bool {
	switch n.(type) {
	case *varNode, *applyNode:
		return true
	}
	return false
}

// namedEquation compares "y = value" (or "x \in [1,2]") with a
// non-relation: the value decides.
func (c *comparer) namedEquation(r *relNode, y node) (bool, error) {
	lhs, op, rhs := lhsRhs(r)
	if (op == "=" || op == "in") && isName(lhs) {
		return c.equal(rhs, y)
	}
	return false, nil
}

// relations compares two equations or inequalities:
//   - "name = value" on both sides: the values decide ("y = 2x+1" equals
//     "f(x) = 1+2x");
//   - other equations: lhs-rhs of one is a nonzero multiple of lhs-rhs of
//     the other ("2x = 4" equals "x = 2", "x^2+y^2=1" equals "y^2 = 1-x^2");
//   - inequalities: same strictness after turning > into <, and a positive
//     multiple ("x > 2" equals "2 < x" and "2x > 4").
func (c *comparer) relations(x, y *relNode) (bool, error) {
	lx, opx, rx := lhsRhs(x)
	ly, opy, ry := lhsRhs(y)
	if opx == "" || opy == "" {
		return false, nil
	}
	if opx == "in" || opy == "in" {
		if opx == opy && isName(lx) && isName(ly) {
			return c.equal(rx, ry)
		}
		return false, nil
	}
	if opx == "=" && opy == "=" {
		if isName(lx) && isName(ly) {
			return c.equal(rx, ry)
		}
		return c.proportional(&binNode{op: '-', l: lx, r: rx}, &binNode{op: '-', l: ly, r: ry}, false)
	}
	dx, sx := difference(lx, opx, rx)
	dy, sy := difference(ly, opy, ry)
	if dx == nil || dy == nil || sx != sy {
		return false, nil
	}
	return c.proportional(dx, dy, sx != "!=")
}

// difference turns "l op r" into d and a strictness so that the relation
// reads d > 0 ("<"), d >= 0 ("<="), or d != 0.
func difference(l node, op string, r node) (node, string) {
	switch op {
	case "<", "<=":
		return &binNode{op: '-', l: r, r: l}, op
	case ">", ">=":
		return &binNode{op: '-', l: l, r: r}, flip(op)
	case "!=":
		return &binNode{op: '-', l: l, r: r}, op
	}
	return nil, ""
}

// scalars compares two scalar expressions: exactly or numerically without
// variables, at random points with them.
func (c *comparer) scalars(x, y node) (bool, error) {
	vars := map[string]bool{}
	collectVars(x, vars)
	collectVars(y, vars)
	if len(vars) == 0 {
		vx, err := (&evaluator{read: c.a}).eval(x)
		if err != nil {
			return false, err
		}
		vy, err := (&evaluator{read: c.b}).eval(y)
		if err != nil {
			return false, err
		}
		return c.numbersEqual(vx, vy), nil
	}
	if !c.opts.Symbolic {
		// the same tree is the same expression (\text{A} and A), except
		// where latex2sympy would fail to evaluate symbols at all
		return !c.opts.StrictNotation && format(x) == format(y), nil
	}
	valid, mismatch := 0, false
	err := c.eachPoint(sortedVars(vars), func(env map[string]float64) (bool, error) {
		fx, errx := (&evaluator{read: c.a, vars: env, fast: true}).eval(x)
		fy, erry := (&evaluator{read: c.b, vars: env, fast: true}).eval(y)
		if errx != nil || erry != nil {
			return true, nil // outside a domain: try another point
		}
		if !c.pointEqual(fx.float(), fy.float()) {
			mismatch = true
			return false, nil
		}
		valid++
		return valid < pointsWanted, nil
	})
	if err != nil || mismatch {
		return false, err
	}
	if valid < pointsNeeded {
		return false, fmt.Errorf("only %d of %d random points gave both sides a value: %w", valid, pointsTried, ErrUndefined)
	}
	return true, nil
}

// proportional reports whether dx = k·dy for one constant k != 0 (k > 0
// when positive) at every random point.
func (c *comparer) proportional(dx, dy node, positive bool) (bool, error) {
	vars := map[string]bool{}
	collectVars(dx, vars)
	collectVars(dy, vars)
	if len(vars) == 0 || !c.opts.Symbolic {
		return false, nil
	}
	k, haveK, valid, equal := 0.0, false, 0, true
	err := c.eachPoint(sortedVars(vars), func(env map[string]float64) (bool, error) {
		vx, errx := (&evaluator{read: c.a, vars: env, fast: true}).eval(dx)
		vy, erry := (&evaluator{read: c.b, vars: env, fast: true}).eval(dy)
		if errx != nil || erry != nil {
			return true, nil
		}
		fx, fy := vx.float(), vy.float()
		if math.IsInf(fx, 0) || math.IsInf(fy, 0) {
			return true, nil
		}
		switch {
		case math.Abs(fy) <= 1e-9:
			equal = math.Abs(fx) <= 1e-9
		case !haveK:
			k, haveK = fx/fy, true
			equal = math.Abs(k) > 1e-12 && (!positive || k > 0)
		default:
			equal = c.pointEqual(fx, k*fy)
		}
		valid++
		return equal && valid < pointsWanted, nil
	})
	if err != nil || !equal {
		return false, err
	}
	if valid < pointsNeeded || !haveK {
		return false, fmt.Errorf("only %d of %d random points gave both sides a value: %w", valid, pointsTried, ErrUndefined)
	}
	return true, nil
}

const (
	pointsWanted = 6
	pointsNeeded = 3
	pointsTried  = 24
)

// eachPoint calls f with up to pointsTried seeded random assignments of
// vars until f returns false or an error.
func (c *comparer) eachPoint(vars []string, f func(map[string]float64) (bool, error)) error {
	rng := rand.New(rand.NewPCG(c.opts.Seed, 0x6d617468657870))
	env := make(map[string]float64, len(vars))
	for try := 0; try < pointsTried; try++ {
		for _, v := range vars {
			u := 0.25 + 3.75*rng.Float64()
			switch try % 4 {
			case 1:
				u = -u
			case 3:
				u = 5 + 20*rng.Float64()
			}
			env[v] = u
		}
		more, err := f(env)
		if err != nil || !more {
			return err
		}
	}
	return nil
}

// pointEqual compares two values at a random point: the options'
// tolerances, but never tighter than relative 1e-9 (float noise).
func (c *comparer) pointEqual(a, b float64) bool {
	if math.IsInf(a, 0) || math.IsInf(b, 0) {
		return a == b
	}
	d := math.Abs(a - b)
	return d <= math.Max(c.opts.AbsTol, 1e-12) || d <= math.Max(c.opts.RelTol, 1e-9)*math.Max(math.Abs(a), math.Abs(b))
}

// numbersEqual applies Options to two constant values.
func (c *comparer) numbersEqual(x, y num) bool {
	if x.isExact() && y.isExact() {
		if x.r.Cmp(y.r) == 0 {
			return true
		}
		if !c.finite(x) || !c.finite(y) {
			return c.exactClose(x.r, y.r) // beyond float64: 10^{400} vs 10^{400}+1
		}
	}
	a, b := x.float(), y.float()
	if math.IsNaN(a) || math.IsNaN(b) {
		return false
	}
	if math.IsInf(a, 0) || math.IsInf(b, 0) {
		return a == b
	}
	if c.opts.RoundDecimals > 0 {
		return pyRound(a, c.opts.RoundDecimals) == pyRound(b, c.opts.RoundDecimals)
	}
	d := math.Abs(a - b)
	if d <= c.opts.AbsTol || d <= c.opts.RelTol*math.Max(math.Abs(a), math.Abs(b)) {
		return true
	}
	if !x.isExact() || !y.isExact() { // float arithmetic noise
		return d <= 1e-12*math.Max(math.Abs(a), math.Abs(b))
	}
	return false
}

func (c *comparer) finite(x num) bool { return !math.IsInf(x.float(), 0) }

// exactClose applies the tolerances to rationals too large for float64.
func (c *comparer) exactClose(x, y *big.Rat) bool {
	d := new(big.Rat).Sub(x, y)
	d.Abs(d)
	if f, _ := d.Float64(); c.opts.AbsTol > 0 && f <= c.opts.AbsTol {
		return true
	}
	m := new(big.Rat).Abs(x)
	if ay := new(big.Rat).Abs(y); ay.Cmp(m) > 0 {
		m = ay
	}
	rel, _ := new(big.Rat).Quo(d, m).Float64()
	return c.opts.RelTol > 0 && rel <= c.opts.RelTol
}

// pyRound is Python's round(x, n) on a float: the exact binary value
// rounded half to even at n decimals (strconv does the same).
func pyRound(x float64, n int) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'f', n, 64), 64)
	return v
}
