package mathexpr

import (
	"fmt"
	"math"
	"math/big"
)

// reading says how the marks of one answer are read: a percent mark
// multiplies by pct (1 or 1/100), a degree mark by deg (1 or π/180).
type reading struct {
	pct num
	deg num
}

var (
	one         = exact(big.NewRat(1, 1))
	plainMarks  = reading{pct: one, deg: one}
	percentFrac = exact(big.NewRat(1, 100))
	degToRad    = inexact(math.Pi / 180)
)

// evaluator evaluates scalar nodes under a reading and variable values.
// With fast set, literals enter as float64: at random points the result is
// a float anyway, and big.Rat arithmetic would only cost time.
type evaluator struct {
	read reading
	vars map[string]float64
	fast bool
}

func (ev *evaluator) eval(n node) (num, error) {
	switch n := n.(type) {
	case *numNode:
		if ev.fast {
			return inexact(n.f), nil
		}
		return exact(n.v), nil
	case *constNode:
		switch n.name {
		case "pi":
			return inexact(math.Pi), nil
		case "e":
			return inexact(math.E), nil
		}
		return inexact(math.Inf(1)), nil
	case *varNode:
		return ev.variable(n.name)
	case *negNode:
		x, err := ev.eval(n.x)
		return neg(x), err
	case *binNode:
		l, err := ev.eval(n.l)
		if err != nil {
			return num{}, err
		}
		r, err := ev.eval(n.r)
		if err != nil {
			return num{}, err
		}
		switch n.op {
		case '+':
			return add(l, r)
		case '-':
			return sub(l, r)
		case '*':
			return mul(l, r)
		case '/':
			return div(l, r)
		}
		return pow(l, r)
	case *fnNode:
		return ev.function(n)
	case *markNode:
		x, err := ev.eval(n.x)
		if err != nil {
			return num{}, err
		}
		switch n.kind {
		case '!':
			return factorial(x)
		case '%':
			return mul(x, ev.read.pct)
		}
		return mul(x, ev.read.deg)
	case *binomNode:
		a, err := ev.eval(n.n)
		if err != nil {
			return num{}, err
		}
		b, err := ev.eval(n.k)
		if err != nil {
			return num{}, err
		}
		return binom(a, b)
	case *applyNode:
		v, err := ev.variable(n.name)
		for _, a := range n.args {
			if err != nil {
				return num{}, err
			}
			var x num
			if x, err = ev.eval(a); err == nil {
				v, err = mul(v, x)
			}
		}
		return v, err
	}
	return num{}, fmt.Errorf("%s is not a single value: %w", format(n), ErrUnsupported)
}

func (ev *evaluator) variable(name string) (num, error) {
	v, ok := ev.vars[name]
	if !ok {
		return num{}, fmt.Errorf("no value for variable %s: %w", name, ErrUndefined)
	}
	return inexact(v), nil
}

func (ev *evaluator) function(n *fnNode) (num, error) {
	x, err := ev.eval(n.arg)
	if err != nil {
		return num{}, err
	}
	switch n.name {
	case "abs":
		if x.isExact() {
			return exact(new(big.Rat).Abs(x.r)), nil
		}
		return inexact(math.Abs(x.f)), nil
	case "sqrt":
		if x.isExact() && x.r.Sign() < 0 || !x.isExact() && x.f < 0 {
			return num{}, fmt.Errorf("square root of a negative number: %w", ErrUndefined)
		}
		return pow(x, exact(big.NewRat(1, 2)))
	case "root":
		k, err := ev.eval(n.base)
		if err != nil {
			return num{}, err
		}
		inv, err := div(one, k)
		if err != nil {
			return num{}, err
		}
		return pow(x, inv)
	case "log":
		if n.base != nil {
			b, err := ev.eval(n.base)
			if err != nil {
				return num{}, err
			}
			return logBase(x.float(), b.float())
		}
		return logBase(x.float(), math.E)
	case "ln":
		return logBase(x.float(), math.E)
	case "exp":
		return checkFloat(math.Exp(x.float()), x.float())
	}
	f := x.float()
	var v float64
	switch n.name {
	case "sin":
		v = math.Sin(f)
	case "cos":
		v = math.Cos(f)
	case "tan":
		v = math.Tan(f)
	case "cot":
		v = 1 / math.Tan(f)
	case "sec":
		v = 1 / math.Cos(f)
	case "csc":
		v = 1 / math.Sin(f)
	case "arcsin":
		v = math.Asin(f)
	case "arccos":
		v = math.Acos(f)
	case "arctan":
		v = math.Atan(f)
	case "sinh":
		v = math.Sinh(f)
	case "cosh":
		v = math.Cosh(f)
	case "tanh":
		v = math.Tanh(f)
	default:
		return num{}, fmt.Errorf("function %s: %w", n.name, ErrUnsupported)
	}
	return checkFloat(v, f)
}

func logBase(x, b float64) (num, error) {
	if x <= 0 || b <= 0 || b == 1 {
		return num{}, fmt.Errorf("logarithm of %g to base %g: %w", x, b, ErrUndefined)
	}
	if b == math.E {
		return checkFloat(math.Log(x), x)
	}
	return checkFloat(math.Log(x)/math.Log(b), x, b)
}
