package numeric

import "math"

// LogSumExp returns log(e^u + e^v) without overflow, as
// max(u, v) + log1p(e^(−|u−v|)), within 1 ulp of max(|u|, |v|) + ln 2.
//
// Special cases are:
//
//	LogSumExp(u, −Inf) = LogSumExp(−Inf, u) = u
//	LogSumExp(+Inf, v) = LogSumExp(v, +Inf) = +Inf if v is not NaN
//	LogSumExp(u, v) = NaN if u or v is NaN
func LogSumExp(u, v float64) float64 {
	switch {
	case math.IsInf(v, -1):
		return u
	case math.IsInf(u, -1):
		return v
	case u == v: // ±Inf included, where u − v is NaN
		return u + math.Ln2
	}
	m := math.Max(u, v)
	return m + math.Log1p(math.Exp(-math.Abs(u-v)))
}

// Log1mExp returns log(1 − e^d) for d ≤ 0, within 2 ulp relative: as
// log(−expm1(d)) above −ln 2 and log1p(−e^d) below, where each keeps its
// digits (Mächler 2012, "Accurately computing log(1 − exp(−|a|))", Rmpfr
// vignette). For subnormal d it scales −d into the normal range first:
// math.Log is wrong for subnormal arguments on amd64 (golang/go#56600).
//
// Special cases are:
//
//	Log1mExp(0) = −Inf
//	Log1mExp(−Inf) = 0
//	Log1mExp(d) = NaN if d > 0 or d is NaN
func Log1mExp(d float64) float64 {
	switch {
	case d > 0:
		return math.NaN()
	case d > -0x1p-1022: // then 1 − e^d = −d, subnormal or 0
		return math.Log(-d*0x1p52) - 52*math.Ln2
	case d > -math.Ln2:
		return math.Log(-math.Expm1(d))
	default:
		return math.Log1p(-math.Exp(d))
	}
}

// ExpRel returns (1 − e^(−εL))/ε, within 4 ulp relative, with its limit L
// at ε = 0: by expm1, or where |εL| < 1e-5 by the series
// L·(1 − εL/2 + (εL)²/6), whose next term is below 5e-17 relative. The
// series keeps the digits that a subnormal ε·L (a few bits) would cost
// expm1(−εL)/ε.
//
// Special cases are:
//
//	ExpRel(0, L) = L
//	ExpRel(ε, +Inf) = 1/ε for ε > 0, +Inf for ε < 0
//	ExpRel(ε, L) = NaN if ε or L is NaN
func ExpRel(eps, l float64) float64 {
	if eps == 0 {
		return l
	}
	x := eps * l
	if math.Abs(x) < 1e-5 {
		return l * (1 - x/2*(1-x/3))
	}
	return -math.Expm1(-x) / eps
}

// KahanSum accumulates a sum with Neumaier's compensation, for totals whose
// rounding noise matters (finite-difference Hessians of a log-likelihood).
type KahanSum struct{ sum, c float64 }

// Add adds v to the sum.
func (k *KahanSum) Add(v float64) {
	t := k.sum + v
	if math.Abs(k.sum) >= math.Abs(v) {
		k.c += (k.sum - t) + v
	} else {
		k.c += (v - t) + k.sum
	}
	k.sum = t
}

// Sum returns the compensated total, within 2u·|S| + 4n·u²·Σ|x_i| of the
// exact sum S of n terms, u = 2^−53 (Higham 2002, "Accuracy and Stability
// of Numerical Algorithms", §4.3). Once the plain sum is ±Inf or NaN it is
// returned as it is: the compensation then holds Inf − Inf.
func (k *KahanSum) Sum() float64 {
	if math.IsInf(k.sum, 0) || math.IsNaN(k.sum) {
		return k.sum
	}
	return k.sum + k.c
}
