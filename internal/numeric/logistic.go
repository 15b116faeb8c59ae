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
	p, q = sigmoid(x, e)
	l := math.Log1p(e)
	if x < 0 {
		return p, q, -ax - l, -l
	}
	return p, q, -l, -ax - l
}

// Sigmoid returns p = σ(x) and q = 1 − p as Logistic does, without the
// logarithm that Logistic's lnP and lnQ cost.
//
// Special cases are those of Logistic.
func Sigmoid(x float64) (p, q float64) { return sigmoid(x, math.Exp(-math.Abs(x))) }

// sigmoid returns σ(x) and 1 − σ(x) from e = e^(−|x|).
func sigmoid(x, e float64) (p, q float64) {
	big, small := 1/(1+e), e/(1+e)
	if x < 0 {
		return small, big
	}
	return big, small
}

// Expit returns σ(x) = 1/(1 + e^(−x)) alone, as Logistic computes it.
//
// Special cases are those of Logistic.
func Expit(x float64) float64 {
	p, _ := Sigmoid(x)
	return p
}
