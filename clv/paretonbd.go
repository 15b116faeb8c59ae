package clv

import (
	"math"
	"time"

	"gonum.org/v1/gonum/mathext"

	"github.com/ltvgo/ltv/internal/numeric"
	"github.com/ltvgo/ltv/internal/parallel"
)

// ParetoNBD is the Pareto/NBD repeat-purchase model of Schmittlein,
// Morrison & Colombo (1987), in the likelihood of Fader & Hardie (2005,
// note 009). While alive a customer buys as a Poisson process with rate
// λ ~ Gamma(R, rate Alpha); the lifetime after the first purchase is
// exponential with rate μ ~ Gamma(S, rate Beta). Alpha and Beta are in the
// model's time unit, R and S have no unit; E[X(∞)] = R·Beta/(Alpha·(S−1))
// is finite only when S > 1. A ParetoNBD built from published parameters
// is as good as a fitted one; the value is safe for concurrent use.
//
// The likelihood of (x, t_x, T) is (Fader & Hardie note 009, eqs. 18–20)
//
//	ℓ  = lnΓ(r+x) − lnΓ(r) + r·ln α + s·ln β + LSE(ℓ1, ℓ2)
//	ℓ1 = −(r+x)·ln(α+T) − s·ln(β+T)                   (alive at T)
//	ℓ2 = ln s − ln(r+s+x) + ln(F(t_x) − F(T))         (died in (t_x, T])
//	F(y) = (r+s+x)·∫_y^∞ (α+u)^(−(r+x))·(β+u)^(−(s+1)) du
//	     = (a+y)^(−p)·(b+y)^(−(q−1))·2F1(1, p; p+q; (a−b)/(a+y))
//
// with (a, p, b, q) = (α, r+x, β, s+1) when α ≥ β and (β, s+1, α, r+x)
// otherwise, so that z = (a−b)/(a+y) lies in [0, 1). These are the Euler
// transforms of note 009's eqs. 18–20: they never form (α+y)^(r+s+x),
// which overflows for x ≳ 300 (lifetimes#25), the 2F1 series has positive
// terms bounded by z^n, and α = β needs no special case (z = 0).
// ln(F(t_x) − F(T)) is a signed log-difference taken with log1mexp.
//
// CLVTools and BTYD maximise the same likelihood; lifetimes reports the
// mean negative log-likelihood instead of the total, and penalises
// time-rescaled parameters. β is weakly identified on samples of CDNOW's
// size (SE 6.2 for β̂ = 11.7, corr(s, β) = 0.97), so compare fits by
// log-likelihood and predictions rather than by β.
type ParetoNBD struct {
	R, Alpha, S, Beta float64
	// Period is the time unit the model was fitted in (FitOptions.Period),
	// of Alpha, Beta and every time t; 0 means not stated (see "Units" in the package documentation).
	Period time.Duration
}

var _ PurchaseModel = ParetoNBD{}

// FitParetoNBD returns the maximum-likelihood Pareto/NBD for cs. Identical
// (x, t_x, T) rows are compressed first, and the 2F1 series of the
// likelihood are evaluated once per distinct (x, t_x) and (x, T), so the
// cost grows with distinct values, not customers; Customer.Weight counts
// repeated rows. The search runs on log-parameters with an analytic
// gradient (forward-mode derivatives through the series) from the CLVTools
// start (0.5, 15, 0.5, 10), then all-1, then a start scaled to the data's
// time unit, keeping the first that converges. Standard errors come from
// the Hessian (central differences of that gradient) by the delta method
// (the delta method on the log-parameter Hessian). cs is not modified.
//
// A sample in which hardly anyone seems to drop out pushes s and β towards
// infinity (s/β fixed) or s towards 0: the fit then returns that limit
// with a *BoundaryError (see the package doc).
//
// Errors: a *DataError wrapping ErrEmpty or ErrInvalid names the bad row
// and field; a sample without any repeat purchase is ErrInvalid, fewer
// than four distinct rows ErrEmpty; a search that stops early returns its
// best estimate with an error wrapping ErrNotConverged.
func FitParetoNBD(cs []Customer, opt *FitOptions) (ParetoNBD, Fit, error) {
	m, fit, err := fitParetoNBD("clv.FitParetoNBD", cs, Covariates{}, opt)
	return m.ParetoNBD, fit, err
}

// LogLikelihood returns ℓ(x, t_x, T) of one customer (note 009 eqs. 18–20
// in the overflow-free form above). Weight is ignored. It stays finite for
// heavy buyers (x = 1e4) and long histories.
//
// Special cases are:
//
//	LogLikelihood(c) = NaN for an invalid c or invalid parameters
func (m ParetoNBD) LogLikelihood(c Customer) float64 {
	l1, l2, ok := m.terms(c)
	if !ok {
		return math.NaN()
	}
	x := c.Frequency
	return numeric.Lgamma(m.R+x) - numeric.Lgamma(m.R) + m.R*math.Log(m.Alpha) + m.S*math.Log(m.Beta) +
		numeric.LogSumExp(l1, l2)
}

// PAlive returns the probability that the customer is still alive at T
// (note 009 eqs. 36–37), 1/(1 + e^(ℓ2−ℓ1)), which underflows cleanly to 0
// for heavy buyers who stopped long ago.
//
// Special cases are:
//
//	PAlive(c) = 1 if c.Recency == c.T (a purchase at T)
//	PAlive(c) = NaN for an invalid c or invalid parameters
func (m ParetoNBD) PAlive(c Customer) float64 {
	p, _ := m.alive(c)
	return p
}

// alive returns P(alive at T) = σ(ℓ1 − ℓ2) and its complement, each to full
// relative precision, or NaN for an invalid customer or model.
func (m ParetoNBD) alive(c Customer) (p, q float64) {
	l1, l2, ok := m.terms(c)
	if !ok {
		return math.NaN(), math.NaN()
	}
	p, q = numeric.Sigmoid(l1 - l2)
	return p, q
}

// ExpectedPurchases returns E[X(t)], the expected repeat purchases in
// (0, t] of a customer whose first purchase was at 0 (note 009 eq. 27):
//
//	E[X(t)] = r·β/(α·(s−1))·[1 − (β/(β+t))^(s−1)],
//
// evaluated without the division by s−1, so that s = 1 gives its limit
// (r·β/α)·ln(1 + t/β).
//
// Special cases are:
//
//	ExpectedPurchases(0) = 0
//	ExpectedPurchases(+Inf) = r·β/(α·(s−1)) if s > 1, +Inf otherwise
//	ExpectedPurchases(t) = NaN for t < 0, NaN or invalid parameters
func (m ParetoNBD) ExpectedPurchases(t float64) float64 {
	if !m.valid() || !(t >= 0) {
		return math.NaN()
	}
	return m.R * m.Beta / m.Alpha * numeric.ExpRel(m.S-1, math.Log1p(t/m.Beta))
}

// ConditionalExpectedPurchases returns E[Y(t) | x, t_x, T], the expected
// purchases in (T, T+t] (note 009 eq. 41):
//
//	E[Y(t)] = (r+x)·(β+T)/((α+T)·(s−1))·[1 − ((β+T)/(β+T+t))^(s−1)]·P(alive),
//
// in the same division-free form as ExpectedPurchases.
//
// Special cases are:
//
//	ConditionalExpectedPurchases(c, 0) = 0
//	ConditionalExpectedPurchases(c, +Inf) = (r+x)·(β+T)/((α+T)·(s−1))·P(alive) if s > 1, +Inf otherwise (0 if P(alive) = 0)
//	ConditionalExpectedPurchases(c, t) = NaN for an invalid c, t < 0, NaN or invalid parameters
func (m ParetoNBD) ConditionalExpectedPurchases(c Customer, t float64) float64 {
	p := m.PAlive(c)
	switch {
	case math.IsNaN(p) || !(t >= 0):
		return math.NaN()
	case p == 0:
		return 0
	}
	return p * m.purchasesIfAlive(c.Frequency, c.T, t)
}

// purchasesIfAlive returns E[Y(t) | alive at T, x, T]: given alive,
// λ ~ Gamma(r+x, α+T) and μ ~ Gamma(s, β+T) (note 009 eq. 41 without P(alive)).
func (m ParetoNBD) purchasesIfAlive(x, T, t float64) float64 {
	bt := m.Beta + T
	return (m.R + x) * bt / (m.Alpha + T) * numeric.ExpRel(m.S-1, math.Log1p(t/bt))
}

// DERT returns the discounted expected residual transactions of the
// customer after T, with continuous discounting at rate delta per model
// time unit (Fader, Hardie & Lee 2005, "RFM and CLV", JMR 42(4), eq. 2):
//
//	DERT = P(alive)·(r+x)·(β+T)/(α+T)·S(s, δ·(β+T)),   S(s, z) = ∫_0^∞ e^(−z·v)·(1+v)^(−s) dv,
//
// the expected purchase rate of a live customer times the discounted
// survival ∫_0^∞ e^(−δt)·((β+T)/(β+T+t))^s dt. Multiplied by the margin on
// a transaction it is the customer's residual lifetime value (Fader,
// Hardie & Lee 2005, "RFM and CLV", JMR 42(4), eq. 2); it has an infinite horizon, so it is not comparable with a sum over
// a finite number of periods.
//
// delta is continuously compounded: an effective annual rate d becomes
// δ = ln(1+d)/(units per year), e.g. ln(1.15)/52.178571 for weekly data
// (52.178571 = 365.25/7 weeks per year; math.Log1p(d) *
// float64(period)/float64(Year) in code). CLVTools' default
// continuous.discount.factor, ln(1.1), is applied per model unit, i.e.
// 10% a week on weekly data. As δ → 0 DERT grows without bound when
// s ≤ 1, so δ must be positive. S(s, z) = e^z·E_s(z) is the scaled
// generalised exponential integral (Abramowitz & Stegun 5.1.4).
//
// Special cases are:
//
//	DERT(c, delta) = NaN for an invalid c, delta ≤ 0, NaN or +Inf, or invalid parameters
func (m ParetoNBD) DERT(c Customer, delta float64) float64 {
	p := m.PAlive(c)
	switch {
	case math.IsNaN(p) || !(delta > 0) || math.IsInf(delta, 1):
		return math.NaN()
	case p == 0:
		return 0
	}
	bt := m.Beta + c.T
	return p * (m.R + c.Frequency) * bt / (m.Alpha + c.T) * numeric.ScaledExpInt(m.S, delta*bt)
}

// valid reports whether every parameter is finite and > 0.
func (m ParetoNBD) valid() bool {
	for _, v := range [...]float64{m.R, m.Alpha, m.S, m.Beta} {
		if !(v > 0) || math.IsInf(v, 1) {
			return false
		}
	}
	return true
}

// terms returns ℓ1 and ℓ2 of one customer, or ok = false when the customer
// or the parameters are invalid.
func (m ParetoNBD) terms(c Customer) (l1, l2 float64, ok bool) {
	if !m.valid() || checkCustomer("", 0, c, false) != nil {
		return 0, 0, false
	}
	x := c.Frequency
	var atTx, atT paretoPoint
	m.point(x, c.Recency, false, &atTx)
	m.point(x, c.T, false, &atT)
	return atT.alive, math.Log(m.S) - math.Log(m.R+m.S+x) + lnDiff(atTx.lnF, atT.lnF), true
}

// lnDiff returns ln(e^u − e^v) for v ≤ u, −Inf when v = u (t_x = T). v > u
// is read as rounding of v = u.
func lnDiff(u, v float64) float64 {
	return u + numeric.Log1mExp(math.Min(0, v-u))
}

// paretoPoint holds the parts of ℓ that depend on x and one time y only,
// and their partial derivatives in (r, α, s, β) when asked for.
type paretoPoint struct {
	lnF    float64    // ln F(y)
	alive  float64    // ℓ1 at T = y: −(r+x)·ln(α+y) − s·ln(β+y)
	dLnF   [4]float64 // ∂ ln F(y)
	dAlive [4]float64 // ∂ℓ1
}

// point fills pt for x repeat purchases and time y, with derivatives when
// grad is set. With the larger rate a (power p) and the smaller b (power q),
//
//	ln F(y) = −p·ln(a+y) − (q−1)·ln(b+y) + ln h(p, p+q, z),   z = (a−b)/(a+y),
//
// and the partials of ln h come from numeric.Hyp2F1A1Deriv.
func (m ParetoNBD) point(x, y float64, grad bool, pt *paretoPoint) {
	lnAy, lnBy := math.Log(m.Alpha+y), math.Log(m.Beta+y)
	pt.alive = -(m.R+x)*lnAy - m.S*lnBy
	// Indices into (r, α, s, β) of p and a, and of q and b.
	ip, ia, iq, ib := 0, 1, 2, 3
	p, q, a, b := m.R+x, m.S+1, m.Alpha, m.Beta
	lnA, lnB := lnAy, lnBy
	if m.Alpha < m.Beta {
		ip, ia, iq, ib = 2, 3, 0, 1
		p, q, a, b = q, p, b, a
		lnA, lnB = lnBy, lnAy
	}
	ay, by := a+y, b+y
	h, hp, hc, hz := numeric.Hyp2F1A1Deriv(p, p+q, (a-b)/ay)
	pt.lnF = -p*lnA - (q-1)*lnB + math.Log(h)
	if !grad {
		return
	}
	hp, hc, hz = hp/h, hc/h, hz/h // partials of ln h
	pt.dLnF[ip] = -lnA + hp + hc
	pt.dLnF[iq] = -lnB + hc
	pt.dLnF[ia] = -p/ay + hz*by/(ay*ay)
	pt.dLnF[ib] = -(q-1)/by - hz/ay
	pt.dAlive = [4]float64{-lnAy, -(m.R + x) / (m.Alpha + y), -lnBy, -m.S / (m.Beta + y)}
}

// paretoData is a compressed sample laid out for fast likelihood passes.
// F(y) and ℓ1 depend on the row only through (x, y) and the row's
// parameters, so they are computed once per distinct (x, t_x) and (x, T)
// "knot" of each covariate group; each row then costs a few exp and log
// calls. Every group has its own model, with the same shapes r and s (see
// Covariates); without covariates there is one group. It serves one fit at
// a time (it keeps scratch space).
type paretoData struct {
	stop   *interrupt    // the fit's cancellation, checked per chunk of a pass
	xs     []float64     // distinct x
	wx     []float64     // Σ w per distinct x
	knotX  []int32       // per knot: index into xs
	knotY  []float64     // per knot: the time y
	knotG  []int32       // per knot: covariate group
	rowTx  []int32       // per row: knot of (x, t_x)
	rowT   []int32       // per row: knot of (x, T)
	rowX   []int32       // per row: index into xs
	rowG   []int32       // per row: covariate group
	w      []float64     // per row weight
	wg     []float64     // Σ w per group
	sumX   float64       // Σ w·x
	sumT   float64       // Σ w·T
	points []paretoPoint // per knot, at the current θ
	// Per distinct x at the current θ: ln s − ln(r+s+x), 1/(r+s+x),
	// lnΓ(r+x) − lnΓ(r) and ψ(r+x) − ψ(r).
	xDied, xInv, xLgamma, xDigamma []float64
	// Per row at the current θ: w·∂ℓ/∂(r, α, s, β) at the row's group's parameters.
	rowGrad [][4]float64
}

// newParetoData lays out rows without covariates: one group.
func newParetoData(rows []row) *paretoData { return newParetoDataGroups(rows, nil, 1) }

// newParetoDataGroups lays out rows of groups covariate groups, row j in
// group rowGroups[j] (every row in group 0 when rowGroups is nil).
func newParetoDataGroups(rows []row, rowGroups []int32, groups int) *paretoData {
	d := &paretoData{wg: make([]float64, groups)}
	var xs numbering[float64]
	type knot struct {
		x, y float64
		g    int32
	}
	var knots numbering[knot]
	d.rowTx = make([]int32, len(rows))
	d.rowT = make([]int32, len(rows))
	d.rowX = make([]int32, len(rows))
	d.rowG = make([]int32, len(rows))
	d.w = make([]float64, len(rows))
	for i, r := range rows {
		xi := xs.number(r.x)
		if int(xi) == len(d.wx) {
			d.wx = append(d.wx, 0)
		}
		if rowGroups != nil {
			d.rowG[i] = rowGroups[i]
		}
		g := d.rowG[i]
		d.rowX[i] = xi
		d.rowTx[i] = knots.number(knot{r.x, r.tx, g})
		d.rowT[i] = knots.number(knot{r.x, r.t, g})
		d.w[i] = r.w
		d.wx[xi] += r.w
		d.wg[g] += r.w
		d.sumX += r.w * r.x
		d.sumT += r.w * r.t
	}
	d.xs = xs.keys
	for _, k := range knots.keys {
		d.knotX = append(d.knotX, xs.number(k.x))
		d.knotY = append(d.knotY, k.y)
		d.knotG = append(d.knotG, k.g)
	}
	d.points = make([]paretoPoint, len(d.knotY))
	d.xDied = make([]float64, len(d.xs))
	d.xInv = make([]float64, len(d.xs))
	d.xLgamma = make([]float64, len(d.xs))
	d.xDigamma = make([]float64, len(d.xs))
	d.rowGrad = make([][4]float64, len(rows))
	return d
}

// negLL returns −LL(θ) and, when grad is not nil, ∂(−LL)/∂θ for
// θ = (r, α, s, β) of the one group of a sample without covariates.
func (d *paretoData) negLL(theta, grad []float64) float64 {
	var g [1][4]float64
	v := d.eval([]ParetoNBD{{R: theta[0], Alpha: theta[1], S: theta[2], Beta: theta[3]}}, g[:])
	if grad != nil {
		copy(grad, g[0][:])
	}
	return v
}

// eval returns −LL with group g's customers under ms[g] (all with the same
// R and S), and writes into grads[g] the gradient of group g's part of
// −LL in its own (r, α_g, s, β_g). With π = P(alive) = e^(ℓ1−LSE) and
// ∂ln A0 = (∂ln F(t_x) − e^Δ·∂ln F(T))/(1 − e^Δ), Δ = ln F(T) − ln F(t_x):
//
//	∂ℓ = ∂(lnΓ(r+x) − lnΓ(r) + r·ln α + s·ln β) + π·∂ℓ1 + (1−π)·(∂(ln s − ln(r+s+x)) + ∂ln A0).
func (d *paretoData) eval(ms []ParetoNBD, grads [][4]float64) float64 {
	clear(grads)
	for _, m := range ms {
		if !m.valid() {
			return math.NaN()
		}
	}
	r, s := ms[0].R, ms[0].S
	sumChunks(len(d.points), paretoPointCost, d.stop, func(lo, hi int) float64 {
		for k := lo; k < hi; k++ {
			ms[d.knotG[k]].point(d.xs[d.knotX[k]], d.knotY[k], true, &d.points[k])
		}
		return 0
	})
	lnS, lgR, psiR := math.Log(s), numeric.Lgamma(r), mathext.Digamma(r)
	for k, x := range d.xs {
		d.xDied[k] = lnS - math.Log(r+s+x)
		d.xInv[k] = 1 / (r + s + x)
		d.xLgamma[k] = numeric.Lgamma(r+x) - lgR
		d.xDigamma[k] = mathext.Digamma(r+x) - psiR
	}
	ll := sumChunks(len(d.w), paretoRowCost, d.stop, func(lo, hi int) float64 {
		var ll float64
		for i := lo; i < hi; i++ {
			xi := d.rowX[i]
			p1, p2 := &d.points[d.rowTx[i]], &d.points[d.rowT[i]]
			w := d.w[i]
			l1 := p2.alive
			delta := math.Min(0, p2.lnF-p1.lnF)
			l2 := d.xDied[xi] + p1.lnF + numeric.Log1mExp(delta)
			// The weights π = e^(ℓ1−LSE) = σ(ℓ1−ℓ2), 1−π, and LSE(ℓ1, ℓ2) =
			// ℓ1 − ln π = ℓ2 − ln(1−π), taken from the larger ℓ.
			alive, dead, lnAlive, lnDead := numeric.Logistic(l1 - l2)
			ll += w * (d.xLgamma[xi] + math.Max(l1, l2) - math.Max(lnAlive, lnDead))
			var g [4]float64 // ∂ℓ in (r, α, s, β), without the terms in ln α and ln β
			for j := range 4 {
				g[j] = alive * p2.dAlive[j]
			}
			g[0] += d.xDigamma[xi]
			if dead != 0 {
				ed := math.Exp(delta)
				oneMinus := 1 - ed // 1 − e^Δ, accurate below −ln 2
				if delta > -math.Ln2 {
					oneMinus = -math.Expm1(delta)
				}
				inv := d.xInv[xi]
				g[0] -= dead * inv
				g[2] += dead * (1/s - inv)
				for j := range 4 {
					g[j] += dead * (p1.dLnF[j] - ed*p2.dLnF[j]) / oneMinus
				}
			}
			d.rowGrad[i] = [4]float64{w * g[0], w * g[1], w * g[2], w * g[3]}
		}
		return ll
	})
	for i, g := range d.rowG {
		for j := range 4 {
			grads[g][j] -= d.rowGrad[i][j]
		}
	}
	// The terms in ln α and ln β, weighted by Σw per group.
	for g, m := range ms {
		wg := d.wg[g]
		lnAlpha, lnBeta := math.Log(m.Alpha), math.Log(m.Beta)
		ll += wg * (r*lnAlpha + s*lnBeta)
		grads[g][0] -= wg * lnAlpha
		grads[g][1] -= wg * r / m.Alpha
		grads[g][2] -= wg * lnBeta
		grads[g][3] -= wg * s / m.Beta
	}
	return -ll
}

// sumChunks runs f over the chunks of [0, n) in parallel (cost per item,
// see parallel.For) and returns the sum of the chunks' results, added in
// chunk order so that it does not depend on the number of CPUs. Once stop
// is done it skips the remaining chunks (the sum is then meaningless).
func sumChunks(n int, cost time.Duration, stop *interrupt, f func(lo, hi int) float64) float64 {
	sums := make([]float64, parallel.Chunks(n, cost))
	parallel.For(n, cost, func(c, lo, hi int) {
		if !stop.done() {
			sums[c] = f(lo, hi)
		}
	})
	var acc float64
	for _, v := range sums {
		acc += v
	}
	return acc
}

// The time eval takes per knot (F(y), ℓ1 and their gradients) and per row.
const (
	paretoPointCost = 100 * time.Nanosecond
	paretoRowCost   = 160 * time.Nanosecond
)
