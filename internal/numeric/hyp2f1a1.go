package numeric

import "math"

const (
	// hypSeriesTerms is where Hyp2F1A1Deriv hands the series over to
	// Euler's integral (the series needs about 37/(1−z) terms).
	hypSeriesTerms = 10_000
	// hypMaxTerms caps the series where the integral does not apply (c ≤ 1).
	hypMaxTerms = 1_000_000
)

// Hyp2F1A1Deriv returns h = 2F1(1, b; c; z), the Gauss hypergeometric
// function with first parameter 1, together with its partial derivatives
// ∂h/∂b, ∂h/∂c and ∂h/∂z, for 0 ≤ z < 1 and c > b > 0 (Abramowitz & Stegun 15.1.1). It is
// the series of the Pareto/NBD likelihood:
//
//	h = Σ_{n≥0} t_n,   t_0 = 1,   t_{n+1} = t_n·(b+n)/(c+n)·z.
//
// The terms are positive and shrink at least like z^n, so the tail after
// t_n is at most t_n·z/(1−z). The derivatives are carried alongside the
// terms (forward-mode accumulation), and the series stops once the tails of
// h and of ∂h/∂z (the slower one, n·t_n/z) are below 1e-16 of h.
//
// The series needs about 37/(1−z) terms. Past 1e4 terms (z ≳ 0.996), h
// and its partials come from Euler's integral, for c > 1 (always so in
// Pareto/NBD, where c = r+s+x+1),
//
//	h = (c−1)·∫_0^∞ (1+v)^(−(c−b))·(1+(1−z)·v)^(−b) dv,
//
// by composite Gauss–Legendre quadrature in y = ln(1+v); for c ≤ 1 the
// series goes on up to 1e6 terms. One could hand over to gonum's
// mathext.Hypergeo (Cephes hyp2f1) there instead, but it returns NaN for
// c ≳ 100 near z = 1 and does not terminate when c−b−1 is a whole number
// and c is large (2F1(1, 3; 300; 0.999)).
//
// Special cases are:
//
//	Hyp2F1A1Deriv(b, c, 0) = 1, with ∂h/∂z = b/c and the other partials 0
//	Hyp2F1A1Deriv(b, c, z) = NaN (all four) if z < 0, z ≥ 1, b ≤ 0, c ≤ b or an argument is NaN or +Inf,
//	                         or if c ≤ 1 and the series needs more than 1e6 terms
func Hyp2F1A1Deriv(b, c, z float64) (h, db, dc, dz float64) {
	nan := math.NaN()
	if !(z >= 0 && z < 1 && b > 0 && c > b) || math.IsInf(c, 1) {
		return nan, nan, nan, nan
	}
	if h, db, dc, dz, ok := hyp2F1A1DerivSeries(b, c, z, hypSeriesTerms); ok {
		return h, db, dc, dz
	}
	if c > 1 {
		return hyp2F1A1DerivQuad(b, c, z)
	}
	if h, db, dc, dz, ok := hyp2F1A1DerivSeries(b, c, z, hypMaxTerms); ok {
		return h, db, dc, dz
	}
	return nan, nan, nan, nan
}

// Hyp2F1A1 returns h = 2F1(1, b; c; z) alone, as Hyp2F1A1Deriv computes
// it. It is the discounted sum of a beta-geometric survivor curve: the
// sBG's DEL and DERL and the BG/BB's DERT are all of this form, with
// z = 1/(1+d) for a discount rate d.
//
// Special cases are those of Hyp2F1A1Deriv.
func Hyp2F1A1(b, c, z float64) float64 {
	h, _, _, _ := Hyp2F1A1Deriv(b, c, z)
	return h
}

// hyp2F1A1DerivSeries sums the N4 series and its derivatives; ok is false
// when it did not meet the stopping rule within maxTerms terms.
func hyp2F1A1DerivSeries(b, c, z float64, maxTerms int) (h, db, dc, dz float64, ok bool) {
	// t, tb, tc, tz are t_n and its partials ∂t_n/∂b, ∂t_n/∂c, ∂t_n/∂z.
	t, tb, tc, tz := 1.0, 0.0, 0.0, 0.0
	h = 1
	inv := 1 / (1 - z)
	for n := 0; n < maxTerms; n++ {
		// Tail bounds after t_n: Σ_{m>n} t_m ≤ t_n·z/(1−z) and
		// Σ_{m>n} m·t_m/z ≤ t_n·(n + 1/(1−z))/(1−z).
		if t*(z+float64(n)+inv)*inv <= 1e-16*h {
			return h, db, dc, dz, true
		}
		bn, cn := b+float64(n), c+float64(n)
		g := bn / cn // t_{n+1} = t_n·g·z
		tb = (tb*g + t/cn) * z
		tc = (tc*g - t*g/cn) * z
		tz = tz*g*z + t*g
		t *= g * z
		h += t
		db += tb
		dc += tc
		dz += tz
	}
	return h, db, dc, dz, false
}

// hyp2F1A1DerivQuad evaluates h = (c−1)·I and its partials for c > 1 from
//
//	I = ∫_0^∞ g(y) dy,   ln g = −(q−1)·y − b·ln(1 + ε·(e^y − 1)),   q = c−b, ε = 1−z,
//
// (Euler's integral with 1+v = e^y), whose partials in b, q and ε are the
// integrals of g times −ln(1+ε·(e^y−1)), −y and −b·(e^y−1)/(1+ε·(e^y−1)).
// ln g is concave with slope −κ(y), κ rising from q−1+b·ε to c−1, so the
// panels are 20-point Gauss–Legendre of width min(¼, 4/κ), and the tail
// after y is at most g(y)/κ(y).
func hyp2F1A1DerivQuad(b, c, z float64) (h, db, dc, dz float64) {
	const maxPanels = 10_000
	q, eps := c-b, 1-z
	kappa := func(y float64) float64 { return q - 1 + b*eps/(eps+(1-eps)*math.Exp(-y)) }
	// logs returns l = ln(1 + ε·(e^y−1)) and e = (e^y−1)/(1 + ε·(e^y−1)),
	// rewritten in e^(−y) where e^y would overflow.
	logs := func(y float64) (l, e float64) {
		if y < 700 {
			em := math.Expm1(y)
			return math.Log1p(eps * em), em / (1 + eps*em)
		}
		w := math.Exp(-y)
		return y + math.Log(eps+(1-eps)*w), (1 - w) / (w + eps*(1-w))
	}
	var sum, sumL, sumY, sumE float64 // ∫g, ∫g·ln(1+ε(e^y−1)), ∫g·y, ∫g·(e^y−1)/(1+ε(e^y−1))
	y, done := 0.0, false
	for range maxPanels {
		width := 0.25
		if k := kappa(y); k > 16 {
			width = 4 / k
		}
		var p, pL, pY, pE float64 // this panel's share
		for i, x := range glNodes {
			u := y + (x+1)*width/2
			l, e := logs(u)
			g := glWeights[i] * math.Exp(-(q-1)*u-b*l)
			p += g
			pL += g * l
			pY += g * u
			pE += g * e
		}
		half := width / 2
		sum += p * half
		sumL += pL * half
		sumY += pY * half
		sumE += pE * half
		y += width
		// The tails of ∫g·y and ∫g·ln(…) are at most (1+y+1/κ) times that of ∫g.
		l, _ := logs(y)
		g := math.Exp(-(q-1)*y - b*l)
		if k := kappa(y); k > 0 && g/k*(1+y+1/k) <= 1e-17*sum {
			done = true
			break
		}
		// Once (1−ε)·e^(−y) ≤ 1e-17·ε, ln(1+ε(e^u−1)) = u + ln ε for all
		// u ≥ y, so g(u) = g(y)·e^(−(c−1)(u−y)) and the four tails are
		// closed forms. This bounds the work when c−1 is tiny and g decays
		// too slowly for its tail to become negligible.
		if (1-eps)*math.Exp(-y) <= 1e-17*eps {
			k := c - 1
			tail := g / k
			sum += tail
			sumY += tail * (y + 1/k)
			sumL += tail * (y + 1/k + math.Log(eps))
			sumE += tail / eps
			done = true
			break
		}
	}
	if !done || !(sum > 0) || math.IsInf(sum, 1) {
		nan := math.NaN()
		return nan, nan, nan, nan
	}
	h = (c - 1) * sum
	db = (c - 1) * (sumY - sumL)
	dc = sum - (c-1)*sumY
	dz = (c - 1) * b * sumE
	return h, db, dc, dz
}
