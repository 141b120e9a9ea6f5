package mathexpr

import (
	"math/big"
	"sort"
	"strings"
)

// The parse tree. Scalars: num, constant, variable, neg, bin, fn, mark,
// binom, apply. Structures (only above scalars): seq, set, union, ratio, rel.
type node interface{ format(b *strings.Builder) }

type (
	numNode struct {
		v *big.Rat // exact literal
		f float64  // its float64 value, for evaluation at random points
	}
	constNode struct{ name string } // "pi", "e", "inf"
	varNode   struct{ name string }
	negNode   struct{ x node }
	binNode   struct {
		op   byte // + - * / ^
		l, r node
	}
	fnNode struct {
		name string // sin … ln, log (natural), lg, sqrt, root (index in base), abs
		arg  node
		base node // log base or root index; nil when absent
	}
	markNode struct {
		kind byte // '!' factorial, '%' percent, 'd' degree
		x    node
	}
	binomNode struct{ n, k node }
	// applyNode is f(x): it evaluates as the product f·x, but an equation
	// whose left side is one tells "f(x) = 2x+1" apart from "2x = 4".
	applyNode struct {
		name string
		args []node
	}
	// seqNode is a bracketed tuple, point or interval ("(1,2)", "[0,1)"),
	// or, with open == 0, a bare list "1, 2".
	seqNode struct {
		open, close byte
		elems       []node
	}
	setNode   struct{ elems []node }
	unionNode struct{ parts []node }
	ratioNode struct{ parts []node } // a:b or a:b:c
	// relNode is a chain of sides joined by = < > <= >= != or "in".
	relNode struct {
		ops   []string
		sides []node
	}
)

func (n *numNode) format(b *strings.Builder) { b.WriteString(n.v.RatString()) }
func (n *constNode) format(b *strings.Builder) {
	b.WriteString(map[string]string{"pi": `\pi`, "e": "e", "inf": `\infty`}[n.name])
}
func (n *varNode) format(b *strings.Builder) { b.WriteString(n.name) }
func (n *negNode) format(b *strings.Builder) {
	b.WriteString("(-")
	n.x.format(b)
	b.WriteByte(')')
}
func (n *binNode) format(b *strings.Builder) {
	b.WriteByte('(')
	n.l.format(b)
	b.WriteByte(n.op)
	n.r.format(b)
	b.WriteByte(')')
}
func (n *fnNode) format(b *strings.Builder) {
	b.WriteString(n.name)
	if n.base != nil {
		b.WriteByte('_')
		n.base.format(b)
	}
	b.WriteByte('(')
	n.arg.format(b)
	b.WriteByte(')')
}
func (n *markNode) format(b *strings.Builder) {
	n.x.format(b)
	b.WriteString(map[byte]string{'!': "!", '%': "%", 'd': "°"}[n.kind])
}
func (n *binomNode) format(b *strings.Builder) {
	b.WriteString("binom(")
	n.n.format(b)
	b.WriteByte(',')
	n.k.format(b)
	b.WriteByte(')')
}
func (n *applyNode) format(b *strings.Builder) {
	b.WriteString(n.name)
	formatList(b, '(', ')', n.args)
}
func (n *seqNode) format(b *strings.Builder) { formatList(b, n.open, n.close, n.elems) }
func (n *setNode) format(b *strings.Builder) { formatList(b, '{', '}', n.elems) }
func (n *unionNode) format(b *strings.Builder) {
	for i, p := range n.parts {
		if i > 0 {
			b.WriteString(" U ")
		}
		p.format(b)
	}
}
func (n *ratioNode) format(b *strings.Builder) {
	for i, p := range n.parts {
		if i > 0 {
			b.WriteByte(':')
		}
		p.format(b)
	}
}
func (n *relNode) format(b *strings.Builder) {
	for i, s := range n.sides {
		if i > 0 {
			b.WriteString(" " + n.ops[i-1] + " ")
		}
		s.format(b)
	}
}

func formatList(b *strings.Builder, open, close byte, elems []node) {
	if open != 0 {
		b.WriteByte(open)
	}
	for i, e := range elems {
		if i > 0 {
			b.WriteString(", ")
		}
		e.format(b)
	}
	if close != 0 {
		b.WriteByte(close)
	}
}

// isScalar reports whether n is an expression with a single value.
func isScalar(n node) bool {
	switch n.(type) {
	case *seqNode, *setNode, *unionNode, *ratioNode, *relNode:
		return false
	}
	return true
}

// collectVars adds the free variables of n to set.
func collectVars(n node, set map[string]bool) {
	switch n := n.(type) {
	case *varNode:
		set[n.name] = true
	case *negNode:
		collectVars(n.x, set)
	case *binNode:
		collectVars(n.l, set)
		collectVars(n.r, set)
	case *fnNode:
		collectVars(n.arg, set)
		if n.base != nil {
			collectVars(n.base, set)
		}
	case *markNode:
		collectVars(n.x, set)
	case *binomNode:
		collectVars(n.n, set)
		collectVars(n.k, set)
	case *applyNode:
		set[n.name] = true
		for _, a := range n.args {
			collectVars(a, set)
		}
	case *seqNode:
		for _, e := range n.elems {
			collectVars(e, set)
		}
	case *setNode:
		for _, e := range n.elems {
			collectVars(e, set)
		}
	case *unionNode:
		for _, e := range n.parts {
			collectVars(e, set)
		}
	case *ratioNode:
		for _, e := range n.parts {
			collectVars(e, set)
		}
	case *relNode:
		for _, e := range n.sides {
			collectVars(e, set)
		}
	}
}

func sortedVars(set map[string]bool) []string {
	vs := make([]string, 0, len(set))
	for v := range set {
		vs = append(vs, v)
	}
	sort.Strings(vs)
	return vs
}

// hasMark reports whether n contains a percent or degree mark of kind k.
func hasMark(n node, k byte) bool {
	switch n := n.(type) {
	case *markNode:
		return n.kind == k || hasMark(n.x, k)
	case *negNode:
		return hasMark(n.x, k)
	case *binNode:
		return hasMark(n.l, k) || hasMark(n.r, k)
	case *fnNode:
		return hasMark(n.arg, k) || n.base != nil && hasMark(n.base, k)
	case *binomNode:
		return hasMark(n.n, k) || hasMark(n.k, k)
	case *applyNode:
		return anyMark(n.args, k)
	case *seqNode:
		return anyMark(n.elems, k)
	case *setNode:
		return anyMark(n.elems, k)
	case *unionNode:
		return anyMark(n.parts, k)
	case *ratioNode:
		return anyMark(n.parts, k)
	case *relNode:
		return anyMark(n.sides, k)
	}
	return false
}

func anyMark(ns []node, k byte) bool {
	for _, n := range ns {
		if hasMark(n, k) {
			return true
		}
	}
	return false
}
