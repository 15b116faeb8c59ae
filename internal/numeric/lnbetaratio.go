package numeric

import "math"

// LnBetaRatio returns ln[B(a, b+d)/B(a, b)] = lnΓ(b+d) + lnΓ(a+b) − lnΓ(b) −
// lnΓ(a+b+d) for a, b > 0 and d ≥ 0, a number ≤ 0: the log survival of
// the beta-geometric family, ln S(t) = LnBetaRatio(α, β, t^c), and its
// per-period log retention, LnBetaRatio(α, β+(t−1)^c, t^c−(t−1)^c).
//
// A difference of lgamma values (or of LnBeta values) loses every digit
// when a or d is small next to b, as in a late period's retention. Here
// the recurrence lnΓ(z) = lnΓ(z+1) − ln z first moves b to 10 or beyond,
// each step adding the term
//
//	K(b) = ln[b·(a+b+d)/((a+b)·(b+d))] = log1p(−a·d/((a+b)·(b+d))) ≤ 0,
//
// and Stirling's series lnΓ(z) = (z−½)·ln z − z + ½·ln 2π + δ(z) then
// regroups exactly into
//
//	−(b−½)·K(b) − a·log1p(d/(a+b)) − d·log1p(a/(b+d)) + δ(a+b) + δ(b+d) − δ(b) − δ(a+b+d)
//
// whose first terms are ≈ a·d/b, −2a·d/b, so at most a bit or two cancels,
// and whose remainder difference has its leading part −a·d·(2b+a+d)/
// (12·b·(a+b)·(b+d)·(a+b+d)) in closed form.
//
// Special cases are:
//
//	LnBetaRatio(a, b, 0) = 0
//	LnBetaRatio(a, b, +Inf) = −Inf
//	LnBetaRatio(a, b, d) = NaN if a ≤ 0, b ≤ 0, d < 0, a or b is +Inf, or any is NaN
func LnBetaRatio(a, b, d float64) float64 {
	switch {
	case !(a > 0 && b > 0 && d >= 0) || math.IsInf(a, 1) || math.IsInf(b, 1):
		return math.NaN()
	case d == 0:
		return 0
	case math.IsInf(d, 1):
		return math.Inf(-1)
	}
	k := func(b float64) float64 {
		u := -a / (a + b) * (d / (b + d))
		if u > -0.5 {
			return math.Log1p(u)
		}
		return math.Log1p(a/(b+d)) - math.Log1p(a/b) // log1p(u) would amplify u's rounding by 1/(1+u)
	}
	var acc float64
	for ; b < 10; b++ {
		acc += k(b)
	}
	ab, bd, abd := a+b, b+d, a+b+d
	main := -(b-0.5)*k(b) - a*math.Log1p(d/ab) - d*math.Log1p(a/bd)
	lead := -a / (b * ab) * (d / bd) * ((2*b + a + d) / abd) / 12
	tail := func(z float64) float64 { r2 := 1 / (z * z); return r2 / z * stirlingTail(r2) }
	return acc + main + lead + tail(ab) + tail(bd) - tail(b) - tail(abd)
}

// DigammaDiff returns ψ(x+m) − ψ(x) for x > 0 and m ≥ 0, accurate to a few
// ulp where ψ(x+m) and ψ(x) agree in most digits (m ≪ x): the recurrence
// ψ(z) = ψ(z+1) − 1/z adds the positive terms m/(z·(z+m)) until x ≥ 10,
// and then, with y = x+m and ψ(z) = ln z − 1/(2z) − T(z) (Abramowitz &
// Stegun 6.3.18, through B₁₄),
//
//	ψ(y) − ψ(x) = log1p(m/x) + m/(2xy) + m·(2x+m)/(12x²y²) − [T(y) − T(x) − (1/(12y²) − 1/(12x²))].
//
// Special cases are:
//
//	DigammaDiff(x, 0) = 0
//	DigammaDiff(x, +Inf) = +Inf
//	DigammaDiff(x, m) = NaN if x ≤ 0, m < 0, x is +Inf, or either is NaN
func DigammaDiff(x, m float64) float64 {
	switch {
	case !(x > 0 && m >= 0) || math.IsInf(x, 1):
		return math.NaN()
	case m == 0:
		return 0
	case math.IsInf(m, 1):
		return math.Inf(1)
	}
	var acc float64
	for ; x < 10; x++ {
		acc += m / x / (x + m)
	}
	y := x + m
	lead := m / y * ((2*x + m) / y) / (12 * x * x)
	// tail is T(z) − 1/(12z²): the Bernoulli terms B_2k/(2k·z^2k) for k = 2..7.
	tail := func(z float64) float64 {
		r2 := 1 / (z * z)
		return r2 * r2 * (-1.0/120 + r2*(1.0/252+r2*(-1.0/240+r2*(1.0/132+r2*(-691.0/32760+r2/12)))))
	}
	return acc + math.Log1p(m/x) + 0.5*(m/y)/x + lead - (tail(y) - tail(x))
}
