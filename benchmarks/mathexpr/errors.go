package mathexpr

import "errors"

var (
	// ErrSyntax: the answer is not a well-formed expression.
	ErrSyntax = errors.New("syntax error")
	// ErrUnsupported: well-formed, but uses notation this package does not
	// handle (see README.md), such as \pm, \int or a long word.
	ErrUnsupported = errors.New("unsupported notation")
	// ErrTooDeep: nesting beyond MaxDepth (hostile or runaway input).
	ErrTooDeep = errors.New("nesting too deep")
	// ErrTooLong: the answer is longer than MaxLen bytes.
	ErrTooLong = errors.New("answer too long")
	// ErrRange: a value overflows (2^99999999) or a factorial is too large.
	ErrRange = errors.New("number out of range")
	// ErrUndefined: a constant expression has no real value (1/0, \sqrt{-1},
	// \ln 0), or no random point gave both sides a value.
	ErrUndefined = errors.New("undefined value")
)

const (
	// MaxLen is the longest answer accepted, in bytes. Answers are short;
	// whole responses must go through answer extraction first.
	MaxLen = 4096
	// MaxDepth bounds parser recursion, so 1000 nested braces give
	// ErrTooDeep instead of exhausting the stack.
	MaxDepth = 200
)
