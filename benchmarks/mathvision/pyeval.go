package mathvision

import (
	"math"
	"strconv"
	"strings"
)

// VLMEvalKit's is_equal first runs Python's eval on both lower-cased
// strings: a = eval(gold); b = eval(answer); abs(a - b) < 1e-6. pyEval
// reproduces the arithmetic subset of Python that can get that far:
// numeric literals as Python reads them (digit underscores: 44_6 is 446),
// + - * / // % ** with Python's precedence, the integer operators ^ (XOR,
// not power), & | << >> ~, and parentheses. Everything else Python would
// raise on, or produce a non-number for (tuples, strings, comparisons), is
// a failure here too. One name exists: while the answer is evaluated, the
// function's local variable a holds the gold's value, so the answer "a"
// (or "A", lower-cased) equals any gold that evaluates.

// pyNum is a Python int or float.
type pyNum struct {
	isInt bool
	i     int64
	f     float64
}

func (n pyNum) float() float64 {
	if n.isInt {
		return float64(n.i)
	}
	return n.f
}

type pyParser struct {
	s     string
	pos   int
	local *pyNum // the local variable a, nil while the gold is evaluated
	ok    bool
}

// pyEval evaluates s; ok is false where Python would raise or give a
// non-number.
func pyEval(s string, local *pyNum) (pyNum, bool) {
	p := &pyParser{s: s, local: local, ok: true}
	v := p.or()
	p.space()
	if !p.ok || p.pos != len(p.s) {
		return pyNum{}, false
	}
	return v, true
}

func (p *pyParser) fail() pyNum { p.ok = false; return pyNum{} }

func (p *pyParser) space() {
	for p.pos < len(p.s) && (p.s[p.pos] == ' ' || p.s[p.pos] == '\t') {
		p.pos++
	}
}

// op consumes the operator tok, but not the first character of ** or //.
func (p *pyParser) op(tok string) bool {
	p.space()
	if !strings.HasPrefix(p.s[p.pos:], tok) {
		return false
	}
	if next := p.pos + 1; len(tok) == 1 && next < len(p.s) && (tok == "*" || tok == "/") && p.s[next] == tok[0] {
		return false
	}
	p.pos += len(tok)
	return true
}

func (p *pyParser) intOnly(a, b pyNum, f func(x, y int64) (int64, bool)) pyNum {
	if !p.ok || !a.isInt || !b.isInt {
		return p.fail()
	}
	r, ok := f(a.i, b.i)
	if !ok {
		return p.fail()
	}
	return pyNum{isInt: true, i: r}
}

func (p *pyParser) or() pyNum {
	v := p.xor()
	for p.ok && p.op("|") {
		v = p.intOnly(v, p.xor(), func(x, y int64) (int64, bool) { return x | y, true })
	}
	return v
}

func (p *pyParser) xor() pyNum {
	v := p.and()
	for p.ok && p.op("^") {
		v = p.intOnly(v, p.and(), func(x, y int64) (int64, bool) { return x ^ y, true })
	}
	return v
}

func (p *pyParser) and() pyNum {
	v := p.shift()
	for p.ok && p.op("&") {
		v = p.intOnly(v, p.shift(), func(x, y int64) (int64, bool) { return x & y, true })
	}
	return v
}

func (p *pyParser) shift() pyNum {
	v := p.arith()
	for p.ok {
		switch {
		case p.op("<<"):
			v = p.intOnly(v, p.arith(), func(x, y int64) (int64, bool) { return x << y, y >= 0 && y < 63 && x<<y>>y == x })
		case p.op(">>"):
			v = p.intOnly(v, p.arith(), func(x, y int64) (int64, bool) { return x >> min(y, 63), y >= 0 })
		default:
			return v
		}
	}
	return v
}

func (p *pyParser) arith() pyNum {
	v := p.term()
	for p.ok {
		switch {
		case p.op("+"):
			v = p.binary(v, p.term(), '+')
		case p.op("-"):
			v = p.binary(v, p.term(), '-')
		default:
			return v
		}
	}
	return v
}

func (p *pyParser) term() pyNum {
	v := p.unary()
	for p.ok {
		switch {
		case p.op("//"):
			v = p.binary(v, p.unary(), 'f')
		case p.op("*"):
			v = p.binary(v, p.unary(), '*')
		case p.op("/"):
			v = p.binary(v, p.unary(), '/')
		case p.op("%"):
			v = p.binary(v, p.unary(), '%')
		default:
			return v
		}
	}
	return v
}

func (p *pyParser) unary() pyNum {
	switch {
	case p.op("-"):
		v := p.unary()
		if v.isInt {
			return pyNum{isInt: true, i: -v.i}
		}
		return pyNum{f: -v.f}
	case p.op("+"):
		return p.unary()
	case p.op("~"):
		v := p.unary()
		return p.intOnly(v, pyNum{isInt: true}, func(x, _ int64) (int64, bool) { return ^x, true })
	}
	return p.power()
}

// power is atom ** unary (right-associative, binding tighter than a unary
// minus on its left: -2**2 is -4).
func (p *pyParser) power() pyNum {
	v := p.atom()
	if p.ok && p.op("**") {
		return p.binary(v, p.unary(), 'p')
	}
	return v
}

func (p *pyParser) binary(a, b pyNum, op byte) pyNum {
	if !p.ok {
		return pyNum{}
	}
	if a.isInt && b.isInt {
		x, y := a.i, b.i
		switch op {
		case '+':
			if r := x + y; (r > x) == (y > 0) || y == 0 {
				return pyNum{isInt: true, i: r}
			}
			return p.fail() // overflow: beyond what is reproduced
		case '-':
			if r := x - y; (r < x) == (y > 0) || y == 0 {
				return pyNum{isInt: true, i: r}
			}
			return p.fail()
		case '*':
			if x == 0 || y == 0 {
				return pyNum{isInt: true}
			}
			if r := x * y; r/y == x {
				return pyNum{isInt: true, i: r}
			}
			return p.fail()
		case 'f', '%':
			if y == 0 {
				return p.fail() // ZeroDivisionError
			}
			q, r := x/y, x%y
			if r != 0 && (r < 0) != (y < 0) {
				q, r = q-1, r+y
			}
			if op == 'f' {
				return pyNum{isInt: true, i: q}
			}
			return pyNum{isInt: true, i: r}
		case 'p':
			if y >= 0 {
				r := math.Pow(float64(x), float64(y))
				if math.Abs(r) < 1<<62 {
					return pyNum{isInt: true, i: int64(r)}
				}
				return p.fail()
			}
			if x == 0 {
				return p.fail()
			}
		}
	}
	x, y := a.float(), b.float()
	switch op {
	case '+':
		return pyNum{f: x + y}
	case '-':
		return pyNum{f: x - y}
	case '*':
		return pyNum{f: x * y}
	case '/':
		if y == 0 {
			return p.fail()
		}
		return pyNum{f: x / y}
	case 'f':
		if y == 0 {
			return p.fail()
		}
		return pyNum{f: math.Floor(x / y)}
	case '%':
		if y == 0 {
			return p.fail()
		}
		r := math.Mod(x, y)
		if r != 0 && (r < 0) != (y < 0) {
			r += y
		}
		return pyNum{f: r}
	case 'p':
		if x == 0 && y < 0 || x < 0 && y != math.Trunc(y) {
			return p.fail() // ZeroDivisionError, or a complex result
		}
		return pyNum{f: math.Pow(x, y)}
	}
	return p.fail()
}

func (p *pyParser) atom() pyNum {
	p.space()
	if p.pos >= len(p.s) {
		return p.fail()
	}
	c := p.s[p.pos]
	switch {
	case c == '(':
		p.pos++
		v := p.or()
		if !p.op(")") {
			return p.fail() // unclosed, or a tuple
		}
		return v
	case c >= '0' && c <= '9' || c == '.':
		return p.number()
	case c == 'a' && p.local != nil && (p.pos+1 == len(p.s) || !isIdent(p.s[p.pos+1])):
		p.pos++
		return *p.local
	}
	return p.fail()
}

func isIdent(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// number reads a Python int or float literal: digit groups may be joined by
// single underscores; a decimal int other than zero has no leading zero.
func (p *pyParser) number() pyNum {
	start := p.pos
	digits := func() bool {
		if p.pos >= len(p.s) || p.s[p.pos] < '0' || p.s[p.pos] > '9' {
			return false
		}
		for p.pos < len(p.s) {
			c := p.s[p.pos]
			switch {
			case c >= '0' && c <= '9':
				p.pos++
			case c == '_' && p.pos+1 < len(p.s) && p.s[p.pos+1] >= '0' && p.s[p.pos+1] <= '9':
				p.pos += 2
			default:
				return true
			}
		}
		return true
	}
	intPart := digits()
	isFloat := false
	if p.pos < len(p.s) && p.s[p.pos] == '.' {
		p.pos++
		isFloat = true
		if !digits() && !intPart {
			return p.fail()
		}
	}
	if p.pos < len(p.s) && (p.s[p.pos] == 'e' || p.s[p.pos] == 'E') {
		save := p.pos
		p.pos++
		if p.pos < len(p.s) && (p.s[p.pos] == '+' || p.s[p.pos] == '-') {
			p.pos++
		}
		if !digits() {
			p.pos = save
		} else {
			isFloat = true
		}
	}
	if p.pos < len(p.s) && (isIdent(p.s[p.pos]) || p.s[p.pos] == '.') {
		return p.fail() // 5j, 3x, 1.2.3: not a number Python reads
	}
	lit := strings.ReplaceAll(p.s[start:p.pos], "_", "")
	if !isFloat {
		if len(lit) > 1 && lit[0] == '0' && strings.Trim(lit, "0") != "" {
			return p.fail() // leading zeros are a SyntaxError
		}
		i, err := strconv.ParseInt(lit, 10, 64)
		if err != nil {
			return p.fail()
		}
		return pyNum{isInt: true, i: i}
	}
	f, err := strconv.ParseFloat(lit, 64)
	if err != nil {
		return p.fail()
	}
	return pyNum{f: f}
}

// pyEvalEqual is is_equal's first step: eval(gold), then eval(answer) with
// the gold's value in a, equal within 1e-6.
func pyEvalEqual(gold, answer string) bool {
	g, ok := pyEval(gold, nil)
	if !ok {
		return false
	}
	a, ok := pyEval(answer, &g)
	if !ok {
		return false
	}
	if g.isInt && a.isInt {
		d := g.i - a.i
		return d == 0
	}
	return math.Abs(g.float()-a.float()) < 1e-6
}
