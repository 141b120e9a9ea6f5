package reward

import (
	"errors"
	"fmt"
	"strings"

	"github.com/vlmlab/harness/benchmarks/mathexpr"
)

// scoreMath gives 1 when the answer is mathematically equivalent to the label
// under mathexpr.Reward() — the Math-Verify-like setting that stands in for
// the paper's Math Verify package: exact rationals, relative 1e-6 for floats,
// radicals, π, e, intervals, sets and equations, and expressions with free
// variables compared at seeded random points. The answer and the label are
// first reduced by unwrapFinal (last \boxed{…}, math delimiters).
//
// A label mathexpr cannot parse is still compared as text (identical answers
// match), so one odd label does not stop a training run; CheckLabel reports
// such labels so a data set can be cleaned first.
func scoreMath(s Sample, ans string) (float64, string, error) {
	want := unwrapFinal(s.Label)
	if strings.TrimSpace(want) == "" {
		return 0, "", fmt.Errorf("label is empty: want a math expression such as \\frac{1}{2}")
	}
	got := unwrapFinal(ans)
	eq, err := mathexpr.Equal(got, want, mathexpr.Reward())
	switch {
	case eq:
		return 1, "equivalent", nil
	case err != nil:
		return 0, "not comparable: " + mathReason(err), nil
	}
	return 0, "not equivalent: " + clip(got), nil
}

// mathReason names the mathexpr failure briefly (which side, which kind).
func mathReason(err error) string {
	for _, kind := range []error{mathexpr.ErrSyntax, mathexpr.ErrUnsupported, mathexpr.ErrTooDeep,
		mathexpr.ErrTooLong, mathexpr.ErrRange, mathexpr.ErrUndefined} {
		if errors.Is(err, kind) {
			side := "answer"
			if strings.HasPrefix(err.Error(), "second answer") {
				side = "label"
			}
			return side + ": " + kind.Error()
		}
	}
	return err.Error()
}

// mathLabel parses a math label as CheckLabel wants it: parseable, so the
// reward compares values, not just text.
func mathLabel(label string) (*mathexpr.Expr, error) {
	want := unwrapFinal(label)
	if strings.TrimSpace(want) == "" {
		return nil, fmt.Errorf("label is empty: want a math expression such as \\frac{1}{2}")
	}
	e, err := mathexpr.Parse(want)
	if err != nil {
		return nil, fmt.Errorf("label %s: %w (only an identical answer would match it)", clip(label), err)
	}
	return e, nil
}
