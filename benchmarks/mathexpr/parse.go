package mathexpr

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// Binding powers of the Pratt parser.
const (
	bpAdd     = 10
	bpFuncArg = 19 // \sin 2x reads sin(2x); \sin x + 1 reads sin(x)+1
	bpMul     = 20 // explicit and implicit multiplication, division
	bpPrefix  = 25 // unary minus: -2^2 = -(2^2), -2x = (-2)x
	bpPow     = 30
	bpPostfix = 40 // ! % °
)

type parser struct {
	src    string
	toks   []token
	i      int
	depth  int
	abs    int // open |…| bars: inside one, '|' closes instead of multiplying
	noFunc int // inside a bare function argument: \sin x \cos x is sin(x)·cos(x)
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) peekAt(k int) token {
	if p.i+k < len(p.toks) {
		return p.toks[p.i+k]
	}
	return p.toks[len(p.toks)-1]
}
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) errorf(t token, kind error, format string, args ...any) error {
	return fmt.Errorf("at byte %d of %q: %s: %w", t.pos, p.src, fmt.Sprintf(format, args...), kind)
}

func (p *parser) enter() error {
	if p.depth++; p.depth > MaxDepth {
		return p.errorf(p.peek(), ErrTooDeep, "more than %d levels of nesting", MaxDepth)
	}
	return nil
}
func (p *parser) leave() { p.depth-- }

func (p *parser) expectOp(op string) error {
	if t := p.next(); !t.is(tOp, op) {
		return p.errorf(t, ErrSyntax, "expected %q, found %v", op, t)
	}
	return nil
}

// parseAnswer: item { (',' | and | or | ';') item } EOF.
func (p *parser) parseAnswer() (node, error) {
	var items []node
	for {
		if len(items) == MaxElems {
			return nil, p.errorf(p.peek(), ErrUnsupported, "more than %d items", MaxElems)
		}
		it, err := p.parseItem()
		if err != nil {
			return nil, err
		}
		items = append(items, it)
		if t := p.peek(); t.is(tOp, ",") || t.kind == tSep {
			p.next()
			continue
		}
		break
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, p.errorf(t, ErrSyntax, "unexpected %v", t)
	}
	if len(items) == 1 {
		return items[0], nil
	}
	return &seqNode{elems: items}, nil
}

// parseItem: relation { \cup relation }.
func (p *parser) parseItem() (node, error) {
	first, err := p.parseRelation()
	if err != nil || p.peek().kind != tUnion {
		return first, err
	}
	u := &unionNode{parts: []node{first}}
	for p.peek().kind == tUnion {
		p.next()
		part, err := p.parseRelation()
		if err != nil {
			return nil, err
		}
		u.parts = append(u.parts, part)
	}
	return u, nil
}

// parseRelation: ratio { relop ratio }. "a < x < b" with a variable in the
// middle becomes the interval (a, b).
func (p *parser) parseRelation() (node, error) {
	first, err := p.parseRatio()
	if err != nil || p.peek().kind != tRel {
		return first, err
	}
	r := &relNode{sides: []node{first}}
	for p.peek().kind == tRel {
		r.ops = append(r.ops, p.next().text)
		side, err := p.parseRatio()
		if err != nil {
			return nil, err
		}
		r.sides = append(r.sides, side)
	}
	if iv := chainInterval(r); iv != nil {
		return iv, nil
	}
	return r, nil
}

func chainInterval(r *relNode) node {
	if len(r.sides) != 3 {
		return nil
	}
	if _, ok := r.sides[1].(*varNode); !ok {
		return nil
	}
	lo, hi, a, b := r.sides[0], r.sides[2], r.ops[0], r.ops[1]
	if (a == ">" || a == ">=") && (b == ">" || b == ">=") {
		lo, hi, a, b = hi, lo, b, a
		a, b = flip(a), flip(b)
	}
	if (a != "<" && a != "<=") || (b != "<" && b != "<=") {
		return nil
	}
	iv := &seqNode{open: '(', close: ')', elems: []node{lo, hi}}
	if a == "<=" {
		iv.open = '['
	}
	if b == "<=" {
		iv.close = ']'
	}
	return iv
}

func flip(op string) string {
	return map[string]string{"<": ">", ">": "<", "<=": ">=", ">=": "<="}[op]
}

// parseRatio: expr { ':' expr }.
func (p *parser) parseRatio() (node, error) {
	first, err := p.parseExpr(0)
	if err != nil || !p.peek().is(tOp, ":") {
		return first, err
	}
	r := &ratioNode{parts: []node{first}}
	for p.peek().is(tOp, ":") {
		if len(r.parts) == MaxElems {
			return nil, p.errorf(p.peek(), ErrUnsupported, "more than %d items", MaxElems)
		}
		p.next()
		part, err := p.parseExpr(0)
		if err != nil {
			return nil, err
		}
		r.parts = append(r.parts, part)
	}
	return r, nil
}

// startsImplicit reports whether t begins a factor of an implicit product
// ("2x", "3\sqrt{2}", "2(x+1)"). A number does only after a closing
// bracket ("2^{12} 13^2", "(1+2)3"): "1 000" and "2 3" are refused rather
// than multiplied.
func (p *parser) startsImplicit(t token) bool {
	switch t.kind {
	case tNum:
		return p.i > 0 && (p.toks[p.i-1].is(tOp, "}") || p.toks[p.i-1].is(tOp, ")"))
	case tVar, tConst, tFrac, tSqrt, tBinom:
		return true
	case tFunc:
		return p.noFunc == 0
	case tOp:
		return t.text == "(" || t.text == "{" || t.text == "|" && p.abs == 0
	}
	return false
}

// parseExpr is the Pratt loop: a prefix form, then operators binding
// tighter than rbp.
func (p *parser) parseExpr(rbp int) (node, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	left, err := p.parsePrefix()
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		switch {
		case (t.is(tOp, "+") || t.is(tOp, "-")) && bpAdd > rbp:
			p.next()
			r, err := p.parseExpr(bpAdd)
			if err != nil {
				return nil, err
			}
			left = &binNode{op: t.text[0], l: left, r: r}
		case (t.is(tOp, "*") || t.is(tOp, "/")) && bpMul > rbp:
			p.next()
			r, err := p.parseExpr(bpMul)
			if err != nil {
				return nil, err
			}
			left = &binNode{op: t.text[0], l: left, r: r}
		case p.startsImplicit(t) && bpMul > rbp:
			r, err := p.parseExpr(bpMul)
			if err != nil {
				return nil, err
			}
			left = &binNode{op: '*', l: left, r: r}
		case t.is(tOp, "^") && bpPow > rbp:
			p.next()
			if d := p.peek(); d.kind == tDegree { // ^\circ
				p.next()
				left = &markNode{kind: 'd', x: left}
				continue
			}
			r, err := p.parseArg(false)
			if err != nil {
				return nil, err
			}
			left = &binNode{op: '^', l: left, r: r}
		case t.is(tOp, "!") && bpPostfix > rbp:
			p.next()
			left = &markNode{kind: '!', x: left}
		case t.kind == tPercent && bpPostfix > rbp:
			p.next()
			left = &markNode{kind: '%', x: left}
		case t.kind == tDegree && bpPostfix > rbp:
			p.next()
			left = &markNode{kind: 'd', x: left}
		default:
			return left, nil
		}
	}
}

func (p *parser) parsePrefix() (node, error) {
	t := p.next()
	switch t.kind {
	case tNum:
		return numLiteral(p, t)
	case tConst:
		return &constNode{name: t.text}, nil
	case tVar:
		return p.parseVar(t)
	case tFrac:
		num, err := p.parseArg(true)
		if err != nil {
			return nil, err
		}
		den, err := p.parseArg(true)
		if err != nil {
			return nil, err
		}
		return &binNode{op: '/', l: num, r: den}, nil
	case tSqrt:
		var index node
		if p.peek().is(tOp, "[") {
			p.next()
			var err error
			if index, err = p.parseExpr(0); err != nil {
				return nil, err
			}
			if err := p.expectOp("]"); err != nil {
				return nil, err
			}
		}
		arg, err := p.parseArg(true)
		if err != nil {
			return nil, err
		}
		if index != nil {
			return &fnNode{name: "root", arg: arg, base: index}, nil
		}
		return &fnNode{name: "sqrt", arg: arg}, nil
	case tBinom:
		n, err := p.parseArg(true)
		if err != nil {
			return nil, err
		}
		k, err := p.parseArg(true)
		if err != nil {
			return nil, err
		}
		return &binomNode{n: n, k: k}, nil
	case tFunc:
		return p.parseFunc(t)
	case tOp:
		switch t.text {
		case "-":
			x, err := p.parseExpr(bpPrefix)
			if err != nil {
				return nil, err
			}
			return &negNode{x: x}, nil
		case "+":
			return p.parseExpr(bpPrefix)
		case "(", "[":
			return p.parseBracket(t)
		case "{":
			return p.parseBraces(t)
		case "|":
			p.abs++
			x, err := p.parseExpr(0)
			p.abs--
			if err != nil {
				return nil, err
			}
			if err := p.expectOp("|"); err != nil {
				return nil, err
			}
			return &fnNode{name: "abs", arg: x}, nil
		}
	case tLSet:
		elems, err := p.parseElems(func(t token) bool { return t.kind == tRSet })
		if err != nil {
			return nil, err
		}
		p.next()
		return &setNode{elems: elems}, nil
	case tWord:
		return nil, p.errorf(t, ErrUnsupported, "word %q where a value is expected (units may only follow a value at the end)", t.text)
	case tEOF:
		return nil, p.errorf(t, ErrSyntax, "answer ends where a value is expected")
	}
	return nil, p.errorf(t, ErrSyntax, "unexpected %v", t)
}

// MaxElems bounds the items of one tuple, set or list, so that comparing
// unordered collections (quadratic) stays fast.
const MaxElems = 256

// parseElems parses comma-separated expressions up to (not past) a token
// for which isEnd is true.
func (p *parser) parseElems(isEnd func(token) bool) ([]node, error) {
	var elems []node
	for {
		if len(elems) == MaxElems {
			return nil, p.errorf(p.peek(), ErrUnsupported, "more than %d items", MaxElems)
		}
		e, err := p.parseRatio()
		if err != nil {
			return nil, err
		}
		elems = append(elems, e)
		t := p.peek()
		if t.is(tOp, ",") {
			p.next()
			continue
		}
		if isEnd(t) {
			return elems, nil
		}
		return nil, p.errorf(t, ErrSyntax, "expected ',' or a closing bracket, found %v", t)
	}
}

// parseBracket: "(x)" and "[x]" group; with commas they are tuples or
// intervals, closed by ')' or ']' in any combination.
func (p *parser) parseBracket(open token) (node, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	saved := p.abs
	p.abs = 0
	elems, err := p.parseElems(func(t token) bool { return t.is(tOp, ")") || t.is(tOp, "]") })
	p.abs = saved
	if err != nil {
		return nil, err
	}
	close := p.next()
	if len(elems) == 1 {
		if open.text == "(" && close.text != ")" || open.text == "[" && close.text != "]" {
			return nil, p.errorf(close, ErrSyntax, "%q closed by %q", open.text, close.text)
		}
		return elems[0], nil
	}
	return &seqNode{open: open.text[0], close: close.text[0], elems: elems}, nil
}

// parseBraces: "{x}" groups; "{1, 2}" is a set.
func (p *parser) parseBraces(open token) (node, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	saved := p.abs
	p.abs = 0
	elems, err := p.parseElems(func(t token) bool { return t.is(tOp, "}") })
	p.abs = saved
	if err != nil {
		return nil, err
	}
	p.next()
	if len(elems) == 1 {
		return elems[0], nil
	}
	return &setNode{elems: elems}, nil
}

// parseArg reads one argument of \frac, \sqrt, \binom, ^ or _: a braced
// group, a signed argument, or a single primary. With splitDigits, a bare
// number gives only its first digit, as LaTeX reads \frac12 as \frac{1}{2};
// after ^ the whole number is taken (2^10 is 1024, as in plain text).
func (p *parser) parseArg(splitDigits bool) (node, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	t := p.peek()
	switch {
	case t.is(tOp, "{"):
		p.next()
		saved := p.abs
		p.abs = 0
		x, err := p.parseExpr(0)
		p.abs = saved
		if err != nil {
			return nil, err
		}
		if err := p.expectOp("}"); err != nil {
			return nil, err
		}
		return x, nil
	case t.is(tOp, "-"):
		p.next()
		x, err := p.parseArg(splitDigits)
		if err != nil {
			return nil, err
		}
		return &negNode{x: x}, nil
	case t.kind == tNum && splitDigits && len(t.text) > 1 && isDigit(t.text[1]):
		p.toks[p.i].text, p.toks[p.i].pos = t.text[1:], t.pos+1
		return numLiteral(p, token{kind: tNum, text: t.text[:1], pos: t.pos})
	}
	return p.parsePrefix()
}

// parseVar reads a variable with an optional subscript (x_1, a_{n+1}) and,
// when directly followed by a parenthesised list of variables, makes it an
// application f(x).
func (p *parser) parseVar(t token) (node, error) {
	name := t.text
	if p.peek().is(tOp, "_") {
		p.next()
		sub := p.next()
		switch {
		case sub.kind == tNum || sub.kind == tVar || sub.kind == tConst:
			name += "_" + sub.text
		case sub.is(tOp, "{"):
			var b strings.Builder
			for !p.peek().is(tOp, "}") {
				s := p.next()
				if s.kind == tEOF || s.is(tOp, "{") {
					return nil, p.errorf(s, ErrUnsupported, "subscript of %s", name)
				}
				b.WriteString(s.text)
			}
			p.next()
			name += "_" + b.String()
		default:
			return nil, p.errorf(sub, ErrSyntax, "subscript of %s", name)
		}
	}
	if p.peek().is(tOp, "(") {
		var args []node
		k := 1
		for ; p.peekAt(k).kind == tVar && (p.peekAt(k+1).is(tOp, ",") || p.peekAt(k+1).is(tOp, ")")); k += 2 {
			args = append(args, &varNode{name: p.peekAt(k).text})
			if p.peekAt(k+1).is(tOp, ")") {
				p.i += k + 2
				return &applyNode{name: name, args: args}, nil
			}
		}
	}
	return &varNode{name: name}, nil
}

// parseFunc reads \sin x, \sin(x), \sin^2 x, \tan^{-1} x, \log_2 8, \ln x.
func (p *parser) parseFunc(t token) (node, error) {
	name := t.text
	var base, power node
	if name == "log" && p.peek().is(tOp, "_") {
		p.next()
		var err error
		if base, err = p.parseArg(false); err != nil {
			return nil, err
		}
	}
	if p.peek().is(tOp, "^") {
		p.next()
		var err error
		if power, err = p.parseArg(false); err != nil {
			return nil, err
		}
		if isMinusOne(power) && (name == "sin" || name == "cos" || name == "tan") {
			name, power = "arc"+name, nil
		}
	}
	var arg node
	var err error
	if p.peek().is(tOp, "(") {
		arg, err = p.parsePrefix()
	} else {
		p.noFunc++
		arg, err = p.parseExpr(bpFuncArg)
		p.noFunc--
	}
	if err != nil {
		return nil, err
	}
	switch name {
	case "lg":
		name, base = "log", &numNode{v: big.NewRat(10, 1), f: 10}
	case "abs":
		name = "abs"
	}
	var f node = &fnNode{name: name, arg: arg, base: base}
	if power != nil {
		f = &binNode{op: '^', l: f, r: power}
	}
	return f, nil
}

func isMinusOne(n node) bool {
	neg, ok := n.(*negNode)
	if !ok {
		return false
	}
	num, ok := neg.x.(*numNode)
	return ok && num.v.IsInt() && num.v.Num().IsInt64() && num.v.Num().Int64() == 1
}

// numLiteral parses a decimal literal exactly ("0.1" is 1/10).
func numLiteral(p *parser, t token) (node, error) {
	text := strings.TrimSuffix(t.text, ".")
	if v, f, ok := smallDecimal(text); ok {
		return &numNode{v: v, f: f}, nil
	}
	if i := strings.IndexAny(text, "eE"); i >= 0 {
		if exp := text[i+1:]; len(strings.TrimLeft(exp, "+-")) > 4 {
			return nil, p.errorf(t, ErrRange, "exponent of %s", t.text)
		}
	}
	v, ok := new(big.Rat).SetString(text)
	if !ok {
		return nil, p.errorf(t, ErrSyntax, "number %s", t.text)
	}
	f, _ := v.Float64()
	return &numNode{v: v, f: f}, nil
}

var pow10 = [...]int64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18}

// smallDecimal is the fast path of numLiteral for plain decimals of at most
// 18 digits (almost every answer): no big.Rat string parsing.
func smallDecimal(text string) (*big.Rat, float64, bool) {
	var m int64
	digits, scale, dot := 0, 0, false
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c == '.' && !dot:
			dot = true
		case isDigit(c):
			m = m*10 + int64(c-'0')
			if digits++; dot {
				scale++
			}
		default:
			return nil, 0, false
		}
	}
	if digits == 0 || digits > 18 {
		return nil, 0, false
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return nil, 0, false
	}
	return big.NewRat(m, pow10[scale]), f, true
}
