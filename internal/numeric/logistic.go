package numeric

import "math"

// Logistic returns the logistic function p = σ(x) = 1/(1 + e^(−x)), its
// complement q = 1 − p = σ(−x), and their logarithms ln p = −ln(1 + e^(−x))
// and ln q = −ln(1 + e^x) (minus the softplus of −x and of x), from one exp
// and without overflow. Each result is within a few ulp of the true value,
// relative, for every x: the smaller of p and q is e/(1+e) with
// e = e^(−|x|) ≤ 1, never 1 minus the larger. This is the one sigmoid of
// the library (logistic regression, P(alive), the weights of a two-term
// log-sum-exp).
//
// Special cases are:
//
//	Logistic(+Inf) = 1, 0, 0, −Inf
//	Logistic(−Inf) = 0, 1, −Inf, 0
//	Logistic(NaN) = NaN, NaN, NaN, NaN
func Logistic(x float64) (p, q, lnP, lnQ float64) {
	ax := math.Abs(x)
	e := math.Exp(-ax)
	l := math.Log1p(e)
	big, small := 1/(1+e), e/(1+e)
	if x < 0 {
		return small, big, -ax - l, -l
	}
	return big, small, -l, -ax - l
}

// Expit returns σ(x) = 1/(1 + e^(−x)) alone, as Logistic computes it.
//
// Special cases are those of Logistic.
func Expit(x float64) float64 {
	p, _, _, _ := Logistic(x)
	return p
}
