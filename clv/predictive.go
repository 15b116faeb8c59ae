package clv

import (
	"math"

	"gonum.org/v1/gonum/integrate/quad"

	"github.com/ltvgo/ltv/internal/numeric"
)

// Every purchase model of this package factors its forward-looking
// predictions through the probability that the customer is alive at T:
// given alive, the posterior of the customer's rates depends on x and T
// only (not on t_x), so
//
//	E[Y(t) | x, t_x, T]      = P(alive)·E[Y(t) | alive, x, T]
//	P(Y(t) = n | x, t_x, T)  = [n = 0]·(1 − P(alive)) + P(alive)·P(Y(t) = n | alive, x, T).
//
// The interval and draw machinery uses the same split: the "if alive"
// part is computed once per distinct (x, T), P(alive) once per distinct
// (x, t_x, T).

// ProbNoPurchase returns P(no purchase in (T, T+t] | x, t_x, T), a churn
// score: the likelihood ratio L(x, t_x, T+t)/L(x, t_x, T) (FHL 2005 eq. 6),
// evaluated as 1 − P(alive) + P(alive)·((α+T)/(α+T+t))^(r+x), the gamma
// posterior's chance of no Poisson event in t, both terms positive. It is
// ConditionalProbPurchases(c, 0, t).
//
// Special cases are:
//
//	ProbNoPurchase(c, 0) = 1
//	ProbNoPurchase(c, t) = NaN for an invalid c, t < 0, t = +Inf or NaN, or invalid parameters
func (m BGNBD) ProbNoPurchase(c Customer, t float64) float64 {
	return m.family().conditionalPMF(c, 0, t)
}

// ProbNoPurchase returns P(no purchase in (T, T+t] | x, t_x, T), the
// likelihood ratio L(x, t_x, T+t)/L(x, t_x, T) (Batislam et al. 2007), as
// BGNBD.ProbNoPurchase computes it with the dropout posterior
// Beta(a, b+x+1).
//
// Special cases are:
//
//	ProbNoPurchase(c, 0) = 1
//	ProbNoPurchase(c, t) = NaN for an invalid c, t < 0, t = +Inf or NaN, or invalid parameters
func (m MBGNBD) ProbNoPurchase(c Customer, t float64) float64 {
	return m.family().conditionalPMF(c, 0, t)
}

// ConditionalProbPurchases returns P(Y(t) = n | x, t_x, T), the
// probability of exactly n purchases in (T, T+t]. A customer alive at T
// has λ ~ Gamma(r+x, α+T) and p ~ Beta(a, b+x) and, from then on, follows
// the BG/NBD process, so the probability given alive is FHL 2005 eq. 8 at
// those posteriors (Fader, Hardie & Lee 2005, "A note on deriving the
// Pareto/NBD model and related expressions"):
//
//	P(Y(t) = n) = [n = 0]·(1 − P(alive)) + P(alive)·[B(a, b'+n)/B(a, b')·NB_n
//	              + [n > 0]·B(a+1, b'+n−1)/B(a, b')·I_{t/(α+T+t)}(n, r+x)],   b' = b+x,
//
// with NB_n the negative binomial NB(r+x, (α+T)/(α+T+t)) at n, accurate
// as ProbPurchases. The sum over n is 1 and Σ n·P = ConditionalExpectedPurchases.
//
// Special cases are:
//
//	ConditionalProbPurchases(c, 0, 0) = 1; ConditionalProbPurchases(c, n, 0) = 0 for n > 0
//	ConditionalProbPurchases(c, n, t) = NaN for an invalid c, n < 0, t < 0, t = +Inf or NaN, or invalid parameters
func (m BGNBD) ConditionalProbPurchases(c Customer, n int, t float64) float64 {
	return m.family().conditionalPMF(c, n, t)
}

// ConditionalProbPurchases returns P(Y(t) = n | x, t_x, T), the
// probability of exactly n purchases in (T, T+t], as
// BGNBD.ConditionalProbPurchases with the dropout posterior Beta(a, b+x+1)
// (Batislam et al. 2007): a live customer's coin is tossed after each
// purchase, as in the BG/NBD.
//
// Special cases are:
//
//	ConditionalProbPurchases(c, 0, 0) = 1; ConditionalProbPurchases(c, n, 0) = 0 for n > 0
//	ConditionalProbPurchases(c, n, t) = NaN for an invalid c, n < 0, t < 0, t = +Inf or NaN, or invalid parameters
func (m MBGNBD) ConditionalProbPurchases(c Customer, n int, t float64) float64 {
	return m.family().conditionalPMF(c, n, t)
}

// conditionalPMF returns P(Y(t) = n | x, t_x, T) (see BGNBD.ConditionalProbPurchases).
func (m bgFamily) conditionalPMF(c Customer, n int, t float64) float64 {
	p, q := m.alive(c)
	if math.IsNaN(p) || n < 0 || !(t >= 0) || math.IsInf(t, 1) {
		return math.NaN()
	}
	return splitPMF(p, q, n, t, func() float64 { return m.pmfIfAlive(n, c.Frequency, c.T, t) })
}

// pmfIfAlive returns P(Y(t) = n | alive at T, x, T): the BG/NBD pmf (its
// coin after each purchase, shift 0) at the posteriors r+x, α+T and
// b+x+shift.
func (m bgFamily) pmfIfAlive(n int, x, T, t float64) float64 {
	return bgFamily{r: m.r + x, alpha: m.alpha + T, a: m.a, b: m.b + x + m.shift}.probPurchases(n, t)
}

// splitPMF combines P(alive) = p, its complement q and the probability
// given alive into P(Y(t) = n); ifAlive is not called when p = 0.
func splitPMF(p, q float64, n int, t float64, ifAlive func() float64) float64 {
	switch {
	case t == 0 && n == 0:
		return 1
	case t == 0:
		return 0
	case p == 0 && n == 0:
		return q
	case p == 0:
		return 0
	case n == 0:
		return min(1, q+p*ifAlive())
	}
	return p * ifAlive()
}

// ProbNoPurchase returns P(no purchase in (T, T+t] | x, t_x, T), a churn
// score: the likelihood ratio L(x, t_x, T+t)/L(x, t_x, T) of note 009
// (eqs. 18–20), in which the terms that do not depend on T cancel:
// e^(LSE(ℓ1, ℓ2) at T+t − LSE(ℓ1, ℓ2) at T).
//
// Special cases are:
//
//	ProbNoPurchase(c, 0) = 1
//	ProbNoPurchase(c, t) = NaN for an invalid c, t < 0, t = +Inf or NaN, or invalid parameters
func (m ParetoNBD) ProbNoPurchase(c Customer, t float64) float64 {
	l1, l2, ok := m.terms(c)
	if !ok || !(t >= 0) || math.IsInf(t, 1) {
		return math.NaN()
	}
	if t == 0 {
		return 1
	}
	later := c
	later.T += t
	u1, u2, ok := m.terms(later)
	if !ok {
		return math.NaN()
	}
	return min(1, math.Exp(numeric.LogSumExp(u1, u2)-numeric.LogSumExp(l1, l2)))
}

// ConditionalProbPurchases returns P(Y(t) = n | x, t_x, T), the
// probability of exactly n purchases in (T, T+t] (Fader & Hardie 2006,
// "Deriving the conditional PMF of the Pareto/NBD model"). n = 0 is
// ProbNoPurchase. For n > 0 it is P(alive) times the probability for a
// customer alive at T, whose λ ~ Gamma(r', α') and μ ~ Gamma(s, β')
// with r' = r+x, α' = α+T, β' = β+T: still alive at T+t after n purchases,
// or dead at T+u, u ≤ t, after n purchases,
//
//	NB_n(t)·(β'/(β'+t))^s + ∫_0^t s/β'·(β'/(β'+u))^(s+1)·NB_n(u) du,
//	NB_n(u) = Γ(r'+n)/(Γ(r')·n!)·(α'/(α'+u))^(r')·(u/(α'+u))^n.
//
// The integral, a Beta(n+1, r'+s) kernel in p = u/(α'+u) times a smooth
// factor, is evaluated by Gauss–Legendre panels in logit(p) placed from
// its mode outwards, to about 1e-12 relative.
//
// Special cases are:
//
//	ConditionalProbPurchases(c, 0, 0) = 1; ConditionalProbPurchases(c, n, 0) = 0 for n > 0
//	ConditionalProbPurchases(c, n, t) = NaN for an invalid c, n < 0, t < 0, t = +Inf or NaN, or invalid parameters
func (m ParetoNBD) ConditionalProbPurchases(c Customer, n int, t float64) float64 {
	if n == 0 {
		return m.ProbNoPurchase(c, t)
	}
	p, q := m.alive(c)
	if math.IsNaN(p) || n < 0 || !(t >= 0) || math.IsInf(t, 1) {
		return math.NaN()
	}
	return splitPMF(p, q, n, t, func() float64 { return m.pmfIfAlive(n, c.Frequency, c.T, t) })
}

// pmfIfAlive returns P(Y(t) = n | alive at T, x, T) for n ≥ 1 and t > 0
// (see ConditionalProbPurchases).
func (m ParetoNBD) pmfIfAlive(n int, x, T, t float64) float64 {
	r, a, s, b := m.R+x, m.Alpha+T, m.S, m.Beta+T
	nf := float64(n)
	lnK := numeric.LnGammaRatio(r, nf) - numeric.Lgamma(nf+1)
	alive := math.Exp(lnK - r*math.Log1p(t/a) - nf*math.Log1p(a/t) - s*math.Log1p(t/b))
	// With p = σ(y), u = α'p/(1−p), the dead part is
	//   s·α'·β'^s·K·∫_{−∞}^{ln(t/α')} p^(n+1)·(1−p)^(r'+s)·(β'(1−p) + α'p)^(−(s+1)) dy.
	lnB, lnA := math.Log(b), math.Log(a)
	lnH := func(y float64) (lnh, slope, curv float64) {
		p, q, lnP, lnQ := numeric.Logistic(y)
		mix := numeric.LogSumExp(lnB+lnQ, lnA+lnP) // ln(β'(1−p) + α'p)
		w := math.Exp(lnA + lnP - mix)             // α'p/(β'(1−p) + α'p)
		lnh = (nf+1)*lnP + (r+s)*lnQ - (s+1)*mix
		slope = (nf+1)*q - (r+s)*p - (s+1)*(w-p)
		curv = (nf+r+2*s+2)*p*q + 1e-300
		return lnh, slope, curv
	}
	dead := math.Exp(logitQuad(lnH, math.Log(t)-lnA) + math.Log(s) + lnA + s*lnB + lnK)
	return alive + dead
}

// glRule is the 20-point Gauss–Legendre rule on [−1, 1].
var glRule = func() (r struct{ x, w []float64 }) {
	r.x, r.w = make([]float64, 20), make([]float64, 20)
	quad.Legendre{}.FixedLocations(r.x, r.w, -1, 1)
	return r
}()

// logitQuad returns ln ∫_{−∞}^{ymax} e^(lnh(y)) dy for a unimodal integrand
// whose log-slope tends to a positive limit as y → −∞: 20-point
// Gauss–Legendre panels step from the mode (or ymax, if the mode lies
// beyond it) with widths min(2, 4/√curv), to ymax on the right and, on the
// left, until the tail bound h/slope is below 1e-17 of the sum. NaN if a
// side does not finish within its panel cap.
func logitQuad(lnh func(y float64) (lnh, slope, curv float64), ymax float64) float64 {
	const maxPanels = 4000
	// The mode: bracket, then bisect, the slope, which falls from
	// positive to negative.
	mode := ymax
	if _, s, _ := lnh(ymax); s < 0 {
		hi, step := ymax, 1.0
		lo := hi - step
		for _, s, _ := lnh(lo); s < 0 && lo > -1e3; _, s, _ = lnh(lo) {
			hi, step = lo, 2*step
			lo -= step
		}
		for range 200 {
			mid := 0.5 * (lo + hi)
			if _, s, _ := lnh(mid); s > 0 {
				lo = mid
			} else {
				hi = mid
			}
			if hi-lo < 1e-9*(1+math.Abs(mid)) {
				break
			}
		}
		mode = 0.5 * (lo + hi)
	}
	ref, _, _ := lnh(mode)
	panel := func(a, b float64) float64 {
		half, mid := (b-a)/2, (a+b)/2
		var sum float64
		for i, x := range glRule.x {
			l, _, _ := lnh(mid + x*half)
			sum += glRule.w[i] * math.Exp(l-ref)
		}
		return sum * half
	}
	var sum float64
	for y, i := mode, 0; y < ymax; i++ {
		if i == maxPanels {
			return math.NaN()
		}
		_, _, k := lnh(y)
		next := min(ymax, y+min(2, 4/math.Sqrt(k)))
		sum += panel(y, next)
		y = next
	}
	for y, i := mode, 0; ; i++ {
		if i == maxPanels {
			return math.NaN()
		}
		_, _, k := lnh(y)
		next := y - min(2, 4/math.Sqrt(k))
		sum += panel(next, y)
		y = next
		l, s, _ := lnh(y)
		if h := math.Exp(l - ref); s > 0 && h <= 1e-17*s*sum || h == 0 {
			break
		}
	}
	return math.Log(sum) + ref
}

// ProbNoPurchase returns P(no transaction in opportunities n+1..n+t |
// x, t_x, n), a churn score: the likelihood ratio L(x, t_x, n+t)/L(x, t_x, n)
// (FHS 2010), evaluated as ConditionalProbPurchases(c, 0, t). t is a
// float64 whole number of opportunities.
//
// Special cases are:
//
//	ProbNoPurchase(c, 0) = 1
//	ProbNoPurchase(c, t) = NaN if t is not a finite whole number ≥ 0, or t > MaxOpportunities
//	ProbNoPurchase(c, t) = NaN for an invalid c or model, as for LogLikelihood
func (m BGBB) ProbNoPurchase(c Customer, t float64) float64 {
	return m.ConditionalProbPurchases(c, 0, t)
}

// ConditionalProbPurchases returns P(X(n, n+t) = k | x, t_x, n), the
// probability of exactly k transactions in opportunities n+1..n+t (FHS
// 2010). A customer active through n has p ~ Beta(α+x, β+n−x) and
// θ ~ Beta(γ, δ+n), so the probability given active is ProbPurchases(k, t)
// of the BG/BB with those parameters:
//
//	P = [k = 0]·(1 − PAliveAt(c, 0)) + PAliveAt(c, 0)·BGBB{α+x, β+n−x, γ, δ+n}.ProbPurchases(k, t).
//
// t is a float64 whole number of opportunities.
//
// Special cases are:
//
//	ConditionalProbPurchases(c, 0, 0) = 1
//	ConditionalProbPurchases(c, k, t) = 0 if k < 0 or k > t
//	ConditionalProbPurchases(c, k, t) = NaN if t is not a finite whole number ≥ 0, or t > MaxOpportunities
//	ConditionalProbPurchases(c, k, t) = NaN for an invalid c or model, as for LogLikelihood
func (m BGBB) ConditionalProbPurchases(c Customer, k int, t float64) float64 {
	p, q := m.alive(c)
	switch {
	case math.IsNaN(p) || !isCount(t) || t > MaxOpportunities:
		return math.NaN()
	case k < 0 || float64(k) > t:
		return 0
	}
	return splitPMF(p, q, k, t, func() float64 { return m.pmfIfAlive(k, c.Frequency, c.T, t) })
}

// alive returns P(active through n) = PAliveAt(c, 0) and 1 minus it.
func (m BGBB) alive(c Customer) (p, q float64) {
	p = m.PAliveAt(c, 0)
	return p, 1 - p
}

// pmfIfAlive returns P(k transactions in n+1..n+t | active through n, x, n).
func (m BGBB) pmfIfAlive(k int, x, n, t float64) float64 {
	return BGBB{Alpha: m.Alpha + x, Beta: m.Beta + n - x, Gamma: m.Gamma, Delta: m.Delta + n}.ProbPurchases(k, int(t))
}
