// Package mathexpr decides whether two free-form math answers are equal, in
// pure Go, without ever evaluating model text as code.
//
// An answer is tokenized (LaTeX and plain text alike), parsed by a Pratt
// parser into a small tree, and compared structurally: scalars numerically
// (exact rationals with math/big where possible, float64 for radicals, π, e
// and functions), expressions with free variables by evaluation at seeded
// random points, and tuples, intervals, sets, ratios, equations and
// inequalities by their own rules. README.md lists exactly what parses and
// what does not.
//
// Entry points:
//
//   - [Equal](a, b, opts): parse both answers and compare them.
//   - [Parse](s) gives an [*Expr]; [EqualExpr] compares parsed answers (parse
//     a gold answer once, compare it with many rollouts); [Expr.Eval]
//     evaluates a scalar answer at given variable values.
//   - [Options] carries tolerances and readings; [VLMEvalKit], [MathVOfficial],
//     [DynaMath] and [Reward] are the presets the evaluators and the GRPO math
//     reward use.
//
// Errors wrap [ErrSyntax], [ErrUnsupported], [ErrTooDeep], [ErrTooLong],
// [ErrRange] or [ErrUndefined]; an error always means "could not compare",
// never "equal".
package mathexpr
