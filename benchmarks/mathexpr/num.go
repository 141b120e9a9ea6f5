package mathexpr

import (
	"fmt"
	"math"
	"math/big"
)

// num is a value: exact (r != nil) while only rational arithmetic produced
// it, float64 otherwise.
type num struct {
	r *big.Rat
	f float64
}

// Caps that keep exact arithmetic cheap on hostile input: beyond them a
// power is computed in float64 (and overflows to ErrRange).
const (
	maxExactBits = 1 << 14 // bits of numerator or denominator of a result
	maxFactorial = 1000
)

func exact(r *big.Rat) num { return num{r: r} }

// capped keeps a rational result exact unless it grew beyond maxExactBits,
// when it continues in float64 (where it usually overflows to ErrRange):
// a product of six hundred 1000! must not take seconds.
func capped(r *big.Rat) (num, error) {
	if r.Num().BitLen() <= maxExactBits && r.Denom().BitLen() <= maxExactBits {
		return exact(r), nil
	}
	f, _ := r.Float64()
	return checkFloat(f)
}
func inexact(f float64) num  { return num{f: f} }
func (x num) isExact() bool  { return x.r != nil }
func (x num) float() float64 { return toFloat(x) }

func toFloat(x num) float64 {
	if x.r == nil {
		return x.f
	}
	f, _ := x.r.Float64()
	return f
}

// checkFloat turns a NaN into ErrUndefined and an overflow of finite
// operands into ErrRange.
func checkFloat(f float64, operands ...float64) (num, error) {
	if math.IsNaN(f) {
		return num{}, fmt.Errorf("no real value: %w", ErrUndefined)
	}
	if math.IsInf(f, 0) {
		for _, o := range operands {
			if math.IsInf(o, 0) {
				return inexact(f), nil
			}
		}
		return num{}, fmt.Errorf("value overflows float64: %w", ErrRange)
	}
	return inexact(f), nil
}

func add(x, y num) (num, error) {
	if x.isExact() && y.isExact() {
		return capped(new(big.Rat).Add(x.r, y.r))
	}
	a, b := x.float(), y.float()
	return checkFloat(a+b, a, b)
}

func sub(x, y num) (num, error) {
	if x.isExact() && y.isExact() {
		return capped(new(big.Rat).Sub(x.r, y.r))
	}
	a, b := x.float(), y.float()
	return checkFloat(a-b, a, b)
}

func mul(x, y num) (num, error) {
	if x.isExact() && y.isExact() {
		return capped(new(big.Rat).Mul(x.r, y.r))
	}
	a, b := x.float(), y.float()
	return checkFloat(a*b, a, b)
}

func div(x, y num) (num, error) {
	if y.isExact() && y.r.Sign() == 0 || !y.isExact() && y.f == 0 {
		return num{}, fmt.Errorf("division by zero: %w", ErrUndefined)
	}
	if x.isExact() && y.isExact() {
		return capped(new(big.Rat).Quo(x.r, y.r))
	}
	a, b := x.float(), y.float()
	return checkFloat(a/b, a, b)
}

func neg(x num) num {
	if x.isExact() {
		return exact(new(big.Rat).Neg(x.r))
	}
	return inexact(-x.f)
}

// pow keeps integer powers of rationals exact within maxExactBits, and
// rational powers with denominator 2 or 3 exact when the root is (√(9/4)).
func pow(x, y num) (num, error) {
	if x.isExact() && y.isExact() {
		if r, ok, err := exactPow(x.r, y.r); ok || err != nil {
			return exact(r), err
		}
	}
	a, b := x.float(), y.float()
	if a == 0 && b < 0 {
		return num{}, fmt.Errorf("zero to a negative power: %w", ErrUndefined)
	}
	if a < 0 && y.isExact() && !y.r.IsInt() {
		// odd roots of negatives are real: (-8)^(1/3) = -2
		if d := y.r.Denom(); d.Bit(0) == 1 {
			v := -math.Pow(-a, b)
			if y.r.Num().Bit(0) == 0 {
				v = -v
			}
			return checkFloat(v, a, b)
		}
	}
	return checkFloat(math.Pow(a, b), a, b)
}

func exactPow(base, e *big.Rat) (*big.Rat, bool, error) {
	if !e.IsInt() {
		d := e.Denom()
		if !d.IsInt64() || (d.Int64() != 2 && d.Int64() != 3) || base.Sign() < 0 {
			return nil, false, nil
		}
		rn, okN := intRoot(base.Num(), d.Int64())
		rd, okD := intRoot(base.Denom(), d.Int64())
		if !okN || !okD {
			return nil, false, nil
		}
		return exactPow(new(big.Rat).SetFrac(rn, rd), new(big.Rat).SetInt(e.Num()))
	}
	n := e.Num()
	if !n.IsInt64() {
		return nil, false, nil
	}
	k := n.Int64()
	if base.Sign() == 0 {
		if k < 0 {
			return nil, false, fmt.Errorf("zero to a negative power: %w", ErrUndefined)
		}
		if k == 0 {
			return big.NewRat(1, 1), true, nil
		}
		return new(big.Rat), true, nil
	}
	abs := k
	if abs < 0 {
		abs = -abs
	}
	bits := int64(max(base.Num().BitLen(), base.Denom().BitLen()))
	if abs > maxExactBits || bits*abs > maxExactBits {
		return nil, false, nil
	}
	ek := big.NewInt(abs)
	r := new(big.Rat).SetFrac(new(big.Int).Exp(base.Num(), ek, nil), new(big.Int).Exp(base.Denom(), ek, nil))
	if k < 0 {
		r.Inv(r)
	}
	return r, true, nil
}

// intRoot returns the exact k-th root (k = 2 or 3) of a non-negative n.
func intRoot(n *big.Int, k int64) (*big.Int, bool) {
	if k == 2 {
		s := new(big.Int).Sqrt(n)
		return s, new(big.Int).Mul(s, s).Cmp(n) == 0
	}
	f, _ := new(big.Float).SetInt(n).Float64()
	c := big.NewInt(int64(math.Round(math.Cbrt(f))))
	if !c.IsInt64() || math.IsInf(f, 0) || f > 1<<62 {
		return nil, false
	}
	return c, new(big.Int).Exp(c, big.NewInt(3), nil).Cmp(n) == 0
}

func factorial(x num) (num, error) {
	if !x.isExact() || !x.r.IsInt() || x.r.Sign() < 0 {
		return num{}, fmt.Errorf("factorial of a non-natural number: %w", ErrUndefined)
	}
	if !x.r.Num().IsInt64() || x.r.Num().Int64() > maxFactorial {
		return num{}, fmt.Errorf("factorial above %d!: %w", maxFactorial, ErrRange)
	}
	f := new(big.Int).MulRange(1, x.r.Num().Int64())
	return exact(new(big.Rat).SetInt(f)), nil
}

func binom(n, k num) (num, error) {
	if !n.isExact() || !k.isExact() || !n.r.IsInt() || !k.r.IsInt() || n.r.Sign() < 0 || k.r.Sign() < 0 {
		return num{}, fmt.Errorf("binomial of non-natural numbers: %w", ErrUndefined)
	}
	if !n.r.Num().IsInt64() || n.r.Num().Int64() > 10*maxFactorial {
		return num{}, fmt.Errorf("binomial above n=%d: %w", 10*maxFactorial, ErrRange)
	}
	b := new(big.Int).Binomial(n.r.Num().Int64(), k.r.Num().Int64())
	return exact(new(big.Rat).SetInt(b)), nil
}
