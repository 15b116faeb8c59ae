package numeric

import "math"

// RegIncBeta returns the regularised incomplete beta function I_x(a, b)
// for a, b > 0, with x ∈ [0, 1] given together with its complement
// y = 1 − x. Callers that know y more accurately than 1 − x (y = α/(α+t)
// when t ≫ α) pass it, and the factor x^a·y^b keeps every digit; gonum's
// mathext.RegIncBeta forms 1 − x itself, which costs b·|ln y|·ulp(1)
// relative when y is small. Against mpmath at 40 digits over a, b ∈
// [0.01, 1e8] and y ∈ [1e-15, 1 − 1e-10], this is within 5e-13 relative
// for a, b ≤ 1e5 and 4e-10 beyond; mathext.RegIncBeta is off by up to
// 3e-5 and 1.4e-3 there (at y = 1e-15, resp. a = 1e8, y = 1e-10), so it
// is not used.
//
// It evaluates x^a·y^b/(a·B(a, b)) times the continued fraction of
// Abramowitz & Stegun 26.5.8 by the modified Lentz method, on the side of
// the mean where the fraction converges fast: directly when
// x < (a+1)/(a+b+2), otherwise as 1 − I_y(b, a). B(a, b) comes from
// LnBeta, so a and b up to 1e8 cost no digits.
//
// Special cases are:
//
//	RegIncBeta(a, b, 0, 1) = 0
//	RegIncBeta(a, b, 1, 0) = 1
//	RegIncBeta(a, b, x, y) = NaN if a ≤ 0, b ≤ 0, x or y outside [0, 1], any is NaN or +Inf,
//	                         or the fraction does not converge in 10,000 steps
func RegIncBeta(a, b, x, y float64) float64 {
	switch {
	case !(a > 0 && b > 0 && x >= 0 && x <= 1 && y >= 0 && y <= 1) || math.IsInf(a, 1) || math.IsInf(b, 1):
		return math.NaN()
	case x == 0:
		return 0
	case y == 0:
		return 1
	}
	if x*(a+b+2) < a+1 {
		return incBetaFront(a, b, x, y) * incBetaFraction(a, b, x)
	}
	return 1 - incBetaFront(b, a, y, x)*incBetaFraction(b, a, y)
}

// incBetaFront returns x^a·y^b/(a·B(a, b)), taking the logarithm of the
// larger of x and y as log1p of minus the smaller, which keeps its digits.
func incBetaFront(a, b, x, y float64) float64 {
	lx, ly := math.Log(x), math.Log(y)
	if x > y {
		lx = math.Log1p(-y)
	} else {
		ly = math.Log1p(-x)
	}
	return math.Exp(a*lx+b*ly-LnBeta(a, b)) / a
}

// incBetaFraction evaluates the continued fraction of A&S 26.5.8,
// 1/(1+ d1/(1+ d2/(1+ …))), by the modified Lentz method.
func incBetaFraction(a, b, x float64) float64 {
	const tiny = 1e-300
	clamp := func(v float64) float64 {
		if math.Abs(v) < tiny {
			return tiny
		}
		return v
	}
	c := 1.0
	d := 1 / clamp(1-(a+b)*x/(a+1))
	f := d
	for m := 1; m <= 10_000; m++ {
		mf := float64(m)
		m2 := 2 * mf
		// even step: d_{2m} = m(b−m)x/((a+2m−1)(a+2m))
		num := mf * (b - mf) * x / ((a + m2 - 1) * (a + m2))
		d = 1 / clamp(1+num*d)
		c = clamp(1 + num/c)
		f *= d * c
		// odd step: d_{2m+1} = −(a+m)(a+b+m)x/((a+2m)(a+2m+1))
		num = -(a + mf) * (a + b + mf) * x / ((a + m2) * (a + m2 + 1))
		d = 1 / clamp(1+num*d)
		c = clamp(1 + num/c)
		del := d * c
		f *= del
		if math.Abs(del-1) <= 1e-16 {
			return f
		}
	}
	return math.NaN()
}
