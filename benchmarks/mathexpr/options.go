package mathexpr

// Options says when two numbers count as equal and how to read marks.
// The zero value compares exactly: rationals must be equal, and float
// results (radicals, π, functions) may differ only by a relative 1e-12 of
// float rounding.
type Options struct {
	// AbsTol and RelTol: numbers a, b are equal when
	// |a-b| <= max(AbsTol, RelTol·max(|a|,|b|)). Zero disables each.
	AbsTol, RelTol float64
	// RoundDecimals > 0 rounds both values to that many decimals (as
	// Python's round, on the float64 value) and compares the results
	// instead of using tolerances; MATH-V's official scorer uses 2.
	RoundDecimals int
	// AllowPercent also reads a percent mark as a fraction: "50%" then
	// equals both 50 and 0.5. Without it "50%" is 50.
	AllowPercent bool
	// Degrees also reads a degree mark as radians: "30°" then equals both
	// 30 and \frac{\pi}{6}. Without it "30°" is 30.
	Degrees bool
	// Symbolic compares expressions with free variables by evaluating both
	// at random points (6 valid points out of at most 24 tries, variables
	// drawn from [-4,-0.25] ∪ [0.25,4] ∪ [5,25]). Without it an expression
	// with variables equals only one that parses to the same tree
	// (StrictNotation: only an identical string).
	Symbolic bool
	// StrictNotation refuses (with ErrUnsupported) what latex2sympy cannot
	// read in MATH-V's official scorer: units, percent and degree marks, bare
	// lists, sets, unions and and/or; and identical strings must match
	// exactly after trimming (spaces inside count).
	StrictNotation bool
	// IgnoreCase lower-cases both answers first (VLMEvalKit's and MATH-V's
	// is_equal do), which also merges variables x and X.
	IgnoreCase bool
	// Seed seeds the random points, so results are reproducible.
	Seed uint64
}

// VLMEvalKit approximates VLMEvalKit's MathVision is_equal: lower-case,
// string equality, else absolute difference below 1e-6 after parsing.
// Sympy's symbolic simplification is approximated by random points.
func VLMEvalKit() Options { return Options{AbsTol: 1e-6, Symbolic: true, IgnoreCase: true} }

// MathVOfficial approximates MATH-V's official is_equal: lower-case,
// string equality, else both values (tuple elements one by one) rounded to
// 2 decimals and compared; expressions with variables never match; units,
// marks, bare lists and sets are refused as latex2sympy refuses them.
func MathVOfficial() Options {
	return Options{RoundDecimals: 2, IgnoreCase: true, StrictNotation: true}
}

// DynaMath is DynaMath's float rule: |a-b| <= 0.001 (π allowed in answers).
func DynaMath() Options { return Options{AbsTol: 1e-3} }

// Reward is the Math-Verify-like setting of the GRPO math reward: relative
// 1e-6 (absolute 1e-9 near zero), percent and degree marks read either way,
// expressions and equations compared symbolically.
func Reward() Options {
	return Options{AbsTol: 1e-9, RelTol: 1e-6, AllowPercent: true, Degrees: true, Symbolic: true}
}
