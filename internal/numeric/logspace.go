package numeric

import "math"

// LogSumExp returns log(e^u + e^v) without overflow.
// LogSumExp(u, −Inf) is u.
func LogSumExp(u, v float64) float64 {
	if math.IsInf(v, -1) {
		return u
	}
	if math.IsInf(u, -1) {
		return v
	}
	m := math.Max(u, v)
	return m + math.Log1p(math.Exp(-math.Abs(u-v)))
}

// Log1mExp returns log(1 − e^d) for d ≤ 0, accurate for d near 0 and for
// large −d (Mächler 2012). It returns −Inf at d = 0 and NaN for d > 0.
func Log1mExp(d float64) float64 {
	switch {
	case d > 0:
		return math.NaN()
	case d > -math.Ln2:
		return math.Log(-math.Expm1(d))
	default:
		return math.Log1p(-math.Exp(d))
	}
}

// ExpRel returns (1 − e^(−εL))/ε, with its limit L at ε = 0.
func ExpRel(eps, l float64) float64 {
	if eps == 0 {
		return l
	}
	return -math.Expm1(-eps*l) / eps
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

// Sum returns the compensated total.
func (k *KahanSum) Sum() float64 { return k.sum + k.c }
