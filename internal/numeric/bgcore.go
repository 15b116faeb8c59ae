package numeric

import "math"

// BGCore returns M(a, b', k, τ) = E[(1 − (1+pτ)^(−k))/p] for p ~ Beta(a, b'),
// the core of every BG/NBD and MBG/NBD expectation (Fader, Hardie & Lee
// 2005, eqs. 9–10; Batislam, Denizel & Filiztekin 2007). In hypergeometric
// form, with c = a+b'−1 and z = τ/(1+τ),
//
//	M = c/(a−1)·[1 − 2F1(a−1, k; c; −τ)]
//	  = c/(a−1)·[1 − (1−z)^(a−1)·2F1(a−1, c−k; c; z)]     (Pfaff, A&S 15.3.4)
//
// It is computed in one of two ways.
//
// The series. With E1 = (1 − (1−z)^(a−1))/(a−1) (−ln(1−z) at a = 1),
//
//	M = c·E1 − (1−z)^(a−1)·G,   G = Σ_{j≥1} g_j,
//	g_1 = (c−k)·z,   g_{j+1} = g_j·(c−k+j)(a+j−1)·z/((c+j)(j+1)),
//
// which is finite at a = 1 and c → 0, and fast (tens of terms) for the
// parameters of fitted models. Its two parts cancel when c−k ≪ 0 (large
// r, or large x with small b), when k ≪ c (c·E1 and G agree to many
// digits), and G overflows when a is large. So a first-order bound on its
// rounding error, u·(|c·E1|·(|ln(1−z)^(a−1)| + 4) + (1−z)^(a−1)·Σ_j (6j+n)·|g_j|
// + …) with u = 2^−53 and n terms, is carried along the sum, and the series is kept
// only when that bound is below 1e-11·M and it converged within 3,000
// terms.
//
// The quadrature. Otherwise M is the Beta integral
//
//	M = ∫ h(y) dy,   h(y) = p^(a−1)·(1−p)^(b')·(1 − (1+pτ)^(−k))/B(a, b'),   p = 1/(1+e^(−y)),
//
// whose integrand is positive and computed to full relative precision, so
// nothing cancels. ln h is unimodal in y with slope a on the far left and
// −b' on the far right; its mode is found by safeguarded Newton steps, and
// 20-point Gauss–Legendre panels step out from it with widths set by the
// local slope and curvature, until a rigorous tail bound (h/|slope|, valid
// beyond the mode for this integrand) is below 1e-16 of the sum, or p or
// 1−p is so small (below 1e-17/(kτ+b'+a+2), resp. 1e-17/(a+2)) that the
// tail is h/a, resp. h/b', to double precision. The normalising constant
// is formed from Stirling remainders, so that B(a, b') costs no digits for
// a, b' up to 1e8 and beyond.
//
// Accuracy: 1e-9 relative or better (1e-12 measured) against mpmath at 40
// digits for a, b' ∈ [1e-3, 1e8+1e4], k ∈ [1e-3, 2e4], τ ∈ [1e-8, 1e7]: the
// BG/NBD and MBG/NBD box r, α ∈ [1e-3, 1e4], a, b ∈ [1e-3, 1e8],
// x ≤ 1e4, t, T ∈ [1e-3, 1e4] (clv/testdata/bgref.py makes the grid).
//
// Special cases are:
//
//	BGCore(a, b', k, 0) = 0
//	BGCore(a, b', k, τ) = NaN if a, b' or k is ≤ 0 or +Inf, τ < 0, τ = +Inf or any is NaN,
//	                      or if the quadrature exceeds its panel cap (never seen inside the range above)
func BGCore(a, bp, k, tau float64) float64 {
	switch {
	case !(a > 0 && bp > 0 && k > 0 && tau >= 0) ||
		math.IsInf(a, 1) || math.IsInf(bp, 1) || math.IsInf(k, 1) || math.IsInf(tau, 1):
		return math.NaN()
	case tau == 0:
		return 0
	}
	if m, ok := bgCoreSeries(a, bp, k, tau); ok {
		return m
	}
	return bgCoreQuad(a, bp, k, tau)
}

const (
	// bgSeriesMaxTerms is where the series gives way to the quadrature:
	// past it the quadrature (~400 integrand values) is the faster one.
	bgSeriesMaxTerms = 3000
	// bgSeriesTol is the largest rounding-error bound, relative to M, at
	// which the series is kept.
	bgSeriesTol = 1e-11
	// unitRoundoff is u = 2^−53.
	unitRoundoff = 0x1p-53
)

// bgCoreSeries sums the series form of BGCore with its error bound, and
// reports whether the result is trustworthy.
func bgCoreSeries(a, bp, k, tau float64) (float64, bool) {
	c := a + bp - 1
	A := c - k
	z := tau / (1 + tau)
	l := -math.Log1p(tau) // ln(1−z)
	eps := a - 1
	el := eps * l
	// (1−z)^(a−1) and E1 = −expm1(ε·l)/ε share one expm1 where the
	// power is not small (so 1 + expm1 keeps its digits).
	var pw, e1 float64
	if el > -0.5 {
		em := math.Expm1(el)
		pw = 1 + em
		e1 = -l
		if eps != 0 {
			e1 = -em / eps
		}
	} else {
		pw, e1 = math.Exp(el), ExpRel(eps, -l)
	}
	if pw == 0 { // (1−z)^(a−1) underflowed: G may not be negligible, so integrate
		return 0, false
	}
	ce1 := c * e1
	ref := ce1 / pw // M/(1−z)^(a−1) = ref − G
	// With c−k ≥ 0 every term is ≥ 0 (the usual case: c−k = a+b−1−r for
	// BG/NBD whatever x), so Σ|g_j| = G and only the signed case needs
	// Σ|g_j| and Σ j·|g_j| carried along.
	signed := A < 0
	g := A * z
	sum := g
	absG, absJ := math.Abs(g), math.Abs(g)
	am1 := a - 1
	n := 0
	for j := 1; j < bgSeriesMaxTerms; j++ {
		jf := float64(j)
		ratio := (A + jf) * (am1 + jf) * z / ((c + jf) * (jf + 1))
		next := g * ratio
		sum += next
		an := math.Abs(next)
		if signed {
			absG += an
			absJ += an * (jf + 1)
		}
		if lim := 1e-15 * math.Abs(ref-sum); an <= lim {
			// The ratios tend to z monotonically, so the tail after next
			// is at most |next|·ρ/(1−ρ) with ρ = max(|ratio|, z): stop
			// once that is below 1e-15 of M as it stands.
			if rho := max(math.Abs(ratio), z); an == 0 || an*rho <= (1-rho)*lim {
				n = j + 1
				break
			}
		} else if !(an < 1e300) { // overflow (large a) or NaN
			return 0, false
		}
		g = next
	}
	if n == 0 {
		return 0, false
	}
	if !signed {
		absG, absJ = sum, float64(n)*sum
	}
	m := ce1 - pw*sum
	// Term j carries ~6j roundings of the recurrence, the n-term sum
	// n·Σ|g_j| more; (1−z)^(a−1) and E1 are off by ~|ε·l| ulp, and the
	// shortcut 1 + expm1 by an ulp of 1.
	bound := unitRoundoff * ((math.Abs(el)+4)*math.Abs(ce1) +
		(pw*(math.Abs(el)+2)+1)*math.Abs(sum) + pw*(6*absJ+float64(n)*absG))
	if !(m > 0) || !(bound <= bgSeriesTol*m) {
		return 0, false
	}
	return m, true
}

const (
	bgQuadMaxPanels = 2000  // per side; a few tens are typical
	bgQuadTailTol   = 1e-16 // tail bound, relative to the sum
	bgQuadCut       = 1e-17 // p (or 1−p) below which the tail is analytic
)

// bgQuad holds the fixed quantities of one BGCore quadrature. Points are
// addressed by u = y − y0, the offset from the mode y0 = ln(a/b') of the
// weight p^a·(1−p)^(b'), where p0 = a/(a+b'): measured from there,
//
//	ln(p/p0) = −log1p(q0·expm1(−u)),   ln((1−p)/q0) = −log1p(p0·expm1(u)),
//
// so a·ln p and b'·ln(1−p), each up to ~1e9, never round away h.
type bgQuad struct {
	a, bp, k, tau float64
	p0, q0, y0    float64
	lnC           float64 // ln h at u = 0, less ln g(p0)
}

func newBGQuad(a, bp, k, tau float64) *bgQuad {
	s := a + bp
	q := &bgQuad{a: a, bp: bp, k: k, tau: tau, p0: a / s, q0: bp / s, y0: math.Log(a) - math.Log(bp)}
	// ln[p0^(a−1)·q0^b'/B(a, b')] with the Stirling form of B: the terms
	// a·ln p0 and b'·ln q0 cancel analytically against those of ln B.
	q.lnC = 0.5*(math.Log(bp)+math.Log(s)-math.Log(a)) - halfLn2Pi -
		lgammaRem(a) - lgammaRem(bp) + lgammaRem(s)
	return q
}

// point returns h(u), p, 1−p and g = 1 − (1+pτ)^(−k) at u.
func (q *bgQuad) point(u float64) (h, p, pc, g float64) {
	e := math.Expm1(math.Abs(u))
	emNeg, emPos := -e/(1+e), e // expm1(−u), expm1(u)
	if u < 0 {
		emNeg, emPos = e, -e/(1+e)
	}
	var dlp, dlq float64
	if xp := q.q0 * emNeg; xp > -0.5 {
		dlp = -math.Log1p(xp)
		p = q.p0 / (1 + xp)
	} else { // p > 2·p0: log1p(xp) would cancel; go through y itself
		var lnP float64
		p, _, lnP, _ = Logistic(q.y0 + u)
		dlp = lnP - math.Log(q.p0)
	}
	if xq := q.p0 * emPos; xq > -0.5 {
		dlq = -math.Log1p(xq)
		pc = q.q0 / (1 + xq)
	} else {
		var lnQ float64
		_, pc, _, lnQ = Logistic(q.y0 + u)
		dlq = lnQ - math.Log(q.q0)
	}
	g = -math.Expm1(-q.k * math.Log1p(p*q.tau))
	h = math.Exp(q.lnC+(q.a-1)*dlp+q.bp*dlq) * g
	return h, p, pc, g
}

// slope returns d ln h/dy at a point with p, 1−p and g, and a curvature
// scale κ2 ≥ |d² ln h/dy²| up to O(1):
//
//	d ln h/dy = (1−p)·(a−1+w) − p·b',   w = kpτ·(1+pτ)^(−k−1)/g ∈ (0, 1],
//
// w being the elasticity of g, which falls as p grows.
func (q *bgQuad) slope(p, pc, g float64) (d1, w, k2 float64) {
	s := p * q.tau
	w = q.k * s * math.Exp(-(q.k+1)*math.Log1p(s)) / g
	d1 = pc*(q.a-1+w) - p*q.bp
	k2 = (q.a+q.bp)*p*pc + 1
	return d1, w, k2
}

// curvature returns d² ln h/dy² (for the Newton steps to the mode).
func (q *bgQuad) curvature(p, pc, g, w float64) float64 {
	s := p * q.tau
	wy := w * pc * (1 - q.k*s/g) / (1 + s) // dw/dy
	return -p*pc*(q.a-1+w+q.bp) + pc*wy
}

// mode returns (roughly: to a tenth of the local width) the u where
// d ln h/dy = 0. It is ≤ 0, since the weight peaks at u = 0 and the
// factor g/p falls with p; d ln h/dy changes sign exactly once.
func (q *bgQuad) mode() float64 {
	deriv := func(u float64) (d1, d2 float64) {
		_, p, pc, g := q.point(u)
		d1, w, _ := q.slope(p, pc, g)
		return d1, q.curvature(p, pc, g, w)
	}
	hi := 0.0
	d1, d2 := deriv(hi)
	if d1 >= 0 {
		return 0
	}
	lo := -1.0
	for ; lo > -300; lo *= 2 {
		if d, _ := deriv(lo); d > 0 {
			break
		}
		hi = lo
	}
	u := hi
	for range 60 {
		next := u - d1/d2
		if !(d2 < 0) || !(next > lo && next < hi) {
			next = 0.5 * (lo + hi)
		}
		step := math.Abs(next - u)
		u = next
		d1, d2 = deriv(u)
		if d1 > 0 {
			lo = u
		} else {
			hi = u
		}
		if d1 == 0 || step*math.Sqrt(math.Abs(d2)+1e-300) < 0.1 || hi-lo < 1e-12*(1+math.Abs(u)) {
			break
		}
	}
	return u
}

// bgCoreQuad evaluates BGCore by quadrature (see BGCore); it returns NaN
// when a side exceeds its panel cap.
func bgCoreQuad(a, bp, k, tau float64) float64 {
	q := newBGQuad(a, bp, k, tau)
	um := q.mode()
	pCut := bgQuadCut / (k*tau + bp + a + 2)
	qCut := bgQuadCut / (a + 2)

	// side integrates from the mode to the right (dir = 1) or left (−1).
	var total float64
	side := func(dir float64) bool {
		u := um
		_, p, pc, g := q.point(u)
		var sum float64
		done := false
		for range bgQuadMaxPanels {
			d1, _, k2 := q.slope(p, pc, g)
			width := min(4, 4/math.Sqrt(k2), 8/math.Abs(d1))
			half := width / 2
			mid := u + dir*half
			var ps float64
			for i, x := range glNodes {
				h, _, _, _ := q.point(mid + x*half)
				ps += glWeights[i] * h
			}
			sum += ps * half
			u += dir * width
			var h float64
			h, p, pc, g = q.point(u)
			d1, _, _ = q.slope(p, pc, g)
			if dir > 0 {
				if pc < qCut {
					sum += h / bp
					done = true
				} else if d1 < 0 && h <= bgQuadTailTol*min(-d1, bp)*(total+sum) {
					done = true
				}
			} else {
				if p < pCut {
					sum += h / a
					done = true
				} else if d1 > 0 && h <= bgQuadTailTol*d1*(total+sum) {
					done = true
				}
			}
			if done || (h == 0 && sum > 0) { // h == 0: underflowed, nothing left to add
				done = true
				break
			}
			if math.IsNaN(sum) {
				return false
			}
		}
		total += sum
		return done
	}
	if !side(1) || !side(-1) || !(total > 0) || math.IsInf(total, 1) {
		return math.NaN()
	}
	return total
}
