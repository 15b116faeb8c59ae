package clv

import (
	"math"
	"math/rand/v2"
	"time"

	"gonum.org/v1/gonum/mathext"

	"github.com/ltvgo/ltv/internal/fault"
	"github.com/ltvgo/ltv/internal/numeric"
)

// BGBB is the beta-geometric/beta-Bernoulli model of Fader, Hardie & Shang
// (2010) for discrete, non-contractual purchases: a donation campaign each
// year, a conference each season, a weekly market stall.
//
// There are transaction opportunities 1, 2, …. At the start of each one an
// active customer drops out for good with probability θ; a customer still
// active then transacts with probability p. Across customers
//
//	p ~ Beta(α, β),   θ ~ Beta(γ, δ),
//
// all four parameters > 0 and without unit. A customer is summarised by
// (x, t_x, n): Frequency x transactions in opportunities 1..n, the last at
// opportunity Recency t_x (0 when x = 0), and T = n. Unlike the continuous
// models of this package, all three are whole numbers with x ≤ t_x ≤ n,
// and every "time" argument of a BGBB method counts opportunities: a
// non-whole t gives NaN. The initial purchase that made someone a customer
// is not counted (it happens at opportunity 0).
//
// The likelihood of one customer is (FHS 2010)
//
//	L = B(α+x, β+n−x)/B(α,β) · B(γ, δ+n)/B(γ,δ)
//	  + Σ_{i=0}^{n−t_x−1} B(α+x, β+t_x−x+i)/B(α,β) · B(γ+1, δ+t_x+i)/B(γ,δ),
//
// the first term for a customer active through n, the others for one who
// dropped out at the start of opportunity t_x+i+1. It is evaluated in log
// space by log-sum-exp, with the beta functions of consecutive terms
// updated by one ratio each, so a row costs O(n − t_x) and stays finite
// for any n.
//
// A BGBB is a plain value: safe for concurrent use, and one made from
// published parameters works as well as a fitted one.
type BGBB struct {
	Alpha, Beta, Gamma, Delta float64
	// Period is the time unit the model was fitted in (FitOptions.Period),
	// of one transaction opportunity; 0 means not stated (see "Units" in the package documentation).
	Period time.Duration
}

var _ PurchaseModel = BGBB{}

// FitBGBB fits a BG/BB model by maximum likelihood to discrete summaries:
// Frequency x, Recency t_x and T = n are whole numbers of opportunities
// with x ≤ t_x ≤ n. Identical rows are grouped (with Weight as a count or
// case weight; 0 means 1) before the fit, so the cost grows with distinct
// (x, t_x, n) rows, not customers. cs is not modified or kept.
//
// The search runs on the log-parameters with the analytic gradient (sums
// of digamma differences weighted by each likelihood term's share,
// FHS 2010) from the starts (1, 1, 1, 1), (1, 1, 1, 3) and
// (0.5, 0.5, 0.5, 0.5), after opt.Start when it is set. Fit.N is Σ w.
//
// Errors: a *DataError wrapping ErrEmpty for no rows, or ErrInvalid naming
// the row and field of a bad value (NaN, negative, not whole, x > t_x,
// t_x > n), or for fewer than four distinct rows. When nobody ever
// transacts (α → 0) or another shape runs to a limit, the limiting model
// comes back with a *BoundaryError; a search that stops early returns its
// best estimate with an error wrapping ErrNotConverged.
func FitBGBB(cs []Customer, opt *FitOptions) (BGBB, Fit, error) {
	m, fit, err := fitBGBB("clv.FitBGBB", cs, Covariates{}, opt)
	return m.BGBB, fit, err
}

// negLogLikelihood returns −Σ w·ℓ over rows and, when grad is not nil,
// writes its gradient with respect to (α, β, γ, δ) into grad.
func (m BGBB) negLogLikelihood(rows []row, grad []float64) float64 {
	terms := []bgbbTerms{m.newBGBBTerms()}
	if grad == nil {
		return bgbbNegLL(rows, nil, terms, nil, nil)
	}
	grads := make([][4]float64, 1)
	v := bgbbNegLL(rows, nil, terms, grads, make([][4]float64, len(rows)))
	copy(grad, grads[0][:])
	return v
}

// bgbbRowCost is the time bgbbNegLL takes per row of a few opportunities.
const bgbbRowCost = 400 * time.Nanosecond

// bgbbNegLL returns −Σ w·ℓ over rows, row j at the parameters of
// terms[groups[j]] (terms[0] for every row when groups is nil), summed in
// parallel chunks combined in chunk order. When grads is not nil it adds
// to grads[g] the gradient of group g's part in that group's own (α, β,
// γ, δ), summed in row order through dls, one entry per row.
func bgbbNegLL(rows []row, groups []int32, terms []bgbbTerms, grads, dls [][4]float64) float64 {
	group := func(j int) int32 {
		if groups == nil {
			return 0
		}
		return groups[j]
	}
	v := sumChunks(len(rows), bgbbRowCost, nil, func(lo, hi int) float64 { // checked per pass, not per chunk
		var sum numeric.KahanSum
		for j := lo; j < hi; j++ {
			var dl *[4]float64
			if grads != nil {
				dl = &dls[j]
			}
			r := rows[j]
			sum.Add(-r.w * terms[group(j)].logLikelihood(r.x, r.tx, r.t, dl))
		}
		return sum.Sum()
	})
	if grads != nil {
		for j, dl := range dls[:len(rows)] {
			g := &grads[group(j)]
			for i, v := range dl {
				g[i] -= rows[j].w * v
			}
		}
	}
	return v
}

// bgbbTerms holds what every row's likelihood needs at one parameter
// value: the parameters and the normalising beta functions.
type bgbbTerms struct {
	a, b, g, d   float64
	lnBab, lnBgd float64
}

func (m BGBB) newBGBBTerms() bgbbTerms {
	return bgbbTerms{
		a: m.Alpha, b: m.Beta, g: m.Gamma, d: m.Delta,
		lnBab: numeric.LnBeta(m.Alpha, m.Beta),
		lnBgd: numeric.LnBeta(m.Gamma, m.Delta),
	}
}

// logLikelihood returns ℓ(x, t_x, n) and, when dl is not nil, ∂ℓ/∂(α, β,
// γ, δ) in dl. It walks j = t_x..n, where the term for j < n is "dropped
// out at the start of opportunity j+1" and j = n is "active through n":
//
//	ℓ_j = lnB(α+x, β+j−x) − lnB(α,β) + lnB(γ+1, δ+j) − lnB(γ,δ),
//	ℓ_active = ℓ_n + ln((γ+δ+n)/γ)   (B(γ, v) = B(γ+1, v)·(γ+v)/γ),
//
// stepping each term by one ratio. ∂lnB(u, v)/∂u = ψ(u) − ψ(u+v),
// so every derivative is a sum of digamma differences ψ(u+k) − ψ(u),
// taken as sums of reciprocals (digammaStep) and stepped by one
// reciprocal per j (ψ(u+1) = ψ(u) + 1/u): no digamma is evaluated for a
// row of up to 20 opportunities.
func (k *bgbbTerms) logLikelihood(x, tx, n float64, dl *[4]float64) float64 {
	a, b, g, d := k.a, k.b, k.g, k.d
	l0 := numeric.LnBeta(a+x, b+tx-x) - k.lnBab + numeric.LnBeta(g+1, d+tx) - k.lnBgd // ℓ_{t_x}
	// At j: ψ(α+x) − ψ(α), ψ(β+j−x) − ψ(β), ψ(α+β+j) − ψ(α+β), ψ(δ+j) −
	// ψ(δ) and ψ(γ+δ+1+j) − ψ(γ+δ).
	var dA, dBj, dABj, dDj, dGDj float64
	if dl != nil {
		dA = digammaStep(a, x)
		dBj = digammaStep(b, tx-x)
		dABj = digammaStep(a+b, tx)
		dDj = digammaStep(d, tx)
		dGDj = digammaStep(g+d, tx+1)
	}
	// The dropped-out terms relative to the first, w_j = e^(ℓ_j − ℓ_{t_x}),
	// shrink by a ratio < 1 at each step, so they are summed as they are,
	// without a log or exp per term: w·e^lw is w_j, and once w_j is below
	// 1e-200 (lw < 0) the terms no longer count against the first one.
	var sum float64
	var gsum, dj [4]float64
	w, lw := 1.0, 0.0
	for j := tx; j < n; j++ {
		if dl != nil {
			dj = [4]float64{dA - dABj, dBj - dABj, 1/g - dGDj, dDj - dGDj} // ψ(γ+1) − ψ(γ) = 1/γ
			dBj += 1 / (b + j - x)
			dABj += 1 / (a + b + j)
			dDj += 1 / (d + j)
			dGDj += 1 / (g + d + 1 + j)
		}
		if lw == 0 {
			sum += w
			for i, v := range dj {
				gsum[i] += w * v
			}
		}
		w *= (b + j - x) * (d + j) / ((a + b + j) * (g + d + 1 + j))
		if w < 1e-200 {
			lw += math.Log(w)
			w = 1
		}
	}
	var acc logSumAcc
	acc.init(dl != nil)
	if sum > 0 {
		for i := range gsum {
			gsum[i] /= sum
		}
		acc.add(l0+math.Log(sum), &gsum)
	}
	if dl != nil {
		dGDn := dGDj - 1/(g+d+n) // ψ(γ+δ+n) − ψ(γ+δ)
		dj = [4]float64{dA - dABj, dBj - dABj, -dGDn, dDj - dGDn}
	}
	acc.add(l0+lw+math.Log(w)+math.Log((g+d+n)/g), &dj)
	return acc.result(dl)
}

// digammaStep returns ψ(u+k) − ψ(u) for a whole k ≥ 0: the sum
// Σ_{i<k} 1/(u+i), free of cancellation, or for k > 20, where two
// digammas (~100 ns) cost less than the sum (~4 ns a term), their
// difference.
func digammaStep(u, k float64) float64 {
	if k > 20 {
		return mathext.Digamma(u+k) - mathext.Digamma(u)
	}
	var s float64
	for i := 0.0; i < k; i++ {
		s += 1 / (u + i)
	}
	return s
}

// logSumAcc accumulates log Σ_j e^(ℓ_j) in one pass, and optionally the
// softmax-weighted mean Σ_j π_j·∂ℓ_j with π_j = e^(ℓ_j − ℓ): sums are kept
// relative to the running maximum and rescaled when it moves.
type logSumAcc struct {
	max, sum float64
	grad     [4]float64
	withGrad bool
}

func (s *logSumAcc) init(withGrad bool) {
	*s = logSumAcc{max: math.Inf(-1), withGrad: withGrad}
}

func (s *logSumAcc) add(l float64, dl *[4]float64) {
	w := 1.0
	if l > s.max {
		scale := math.Exp(s.max - l)
		s.sum *= scale
		if s.withGrad {
			for j := range s.grad {
				s.grad[j] *= scale
			}
		}
		s.max = l
	} else {
		w = math.Exp(l - s.max)
	}
	s.sum += w
	if s.withGrad {
		for j := range s.grad {
			s.grad[j] += w * dl[j]
		}
	}
}

// result returns log Σ e^(ℓ_j) and writes the weighted gradient into dl
// when it is not nil.
func (s *logSumAcc) result(dl *[4]float64) float64 {
	if dl != nil {
		for j := range dl {
			dl[j] = s.grad[j] / s.sum
		}
	}
	return s.max + math.Log(s.sum)
}

// valid reports whether every parameter is finite and > 0.
func (m BGBB) valid() bool {
	for _, v := range [...]float64{m.Alpha, m.Beta, m.Gamma, m.Delta} {
		if !(v > 0) || math.IsInf(v, 1) {
			return false
		}
	}
	return true
}

// isCount reports whether v is a finite whole number ≥ 0.
func isCount(v float64) bool {
	return v >= 0 && v == math.Trunc(v) && !math.IsInf(v, 1)
}

// logLik returns ℓ of a valid customer, or NaN for an invalid customer or
// model.
func (m BGBB) logLik(c Customer) float64 {
	if !m.valid() || checkCustomer("", -1, c, true) != nil {
		return math.NaN()
	}
	k := m.newBGBBTerms()
	return k.logLikelihood(c.Frequency, c.Recency, c.T, nil)
}

// LogLikelihood returns ℓ(x, t_x, n), the log-probability of the
// customer's purchase pattern (unweighted; Weight is ignored).
//
// Special cases are:
//
//	LogLikelihood(c) = NaN for an invalid c (NaN, negative, not whole, x > t_x, t_x > n)
//	LogLikelihood(c) = NaN if a parameter is not finite and > 0
func (m BGBB) LogLikelihood(c Customer) float64 { return m.logLik(c) }

// PAlive returns P(active at opportunity n+1 | x, t_x, n): the probability
// that the customer survives into the next opportunity, as BTYD's
// bgbb.PAlive and FHS (2010) Table 6 report it. It is PAliveAt(c, 1).
//
// Special cases are as for LogLikelihood.
func (m BGBB) PAlive(c Customer) float64 { return m.PAliveAt(c, 1) }

// PAliveAt returns P(active at opportunity n+k | x, t_x, n) for k ≥ 0
// (FHS 2010):
//
//	exp(lnB(α+x, β+n−x) − lnB(α,β) + lnB(γ, δ+n+k) − lnB(γ,δ) − ℓ).
//
// PAliveAt(c, 0) is the probability of having been active through
// opportunity n.
//
// Special cases are:
//
//	PAliveAt(c, k) = NaN for k < 0, and as for LogLikelihood
func (m BGBB) PAliveAt(c Customer, k int) float64 {
	ll := m.logLik(c)
	if math.IsNaN(ll) || k < 0 {
		return math.NaN()
	}
	x, n := c.Frequency, c.T
	return math.Exp(numeric.LnBeta(m.Alpha+x, m.Beta+n-x) - numeric.LnBeta(m.Alpha, m.Beta) +
		numeric.LnBeta(m.Gamma, m.Delta+n+float64(k)) - numeric.LnBeta(m.Gamma, m.Delta) - ll)
}

// MaxOpportunities bounds the opportunities a BG/BB customer or horizon
// may span. The likelihood, ProbPurchases and the expectations sum one term
// per opportunity, so the bound keeps every call's work bounded (~1 ms);
// it is far beyond any real calendar of discrete opportunities (a daily
// one for 270 years).
const MaxOpportunities = 100_000

// survivorSum returns Σ_{k=1}^{count} S(from+k)/S(from), where
// S(t) = B(γ, δ+t)/B(γ,δ) = Π_{j<t} (δ+j)/(γ+δ+j) is the probability of
// being active at opportunity t. The product recursion is exact, costs
// O(count) and has no pole at γ = 1, unlike the closed form.
func (m BGBB) survivorSum(from, count float64) float64 {
	s, sum := 1.0, 0.0
	for j := from; j < from+count; j++ {
		s *= (m.Delta + j) / (m.Gamma + m.Delta + j)
		sum += s
	}
	return sum
}

// ExpectedPurchases returns E[X(n)], the expected transactions of a new
// customer in opportunities 1..n (FHS 2010), with n given as a
// float64 whole number (PurchaseModel):
//
//	E[X(n)] = α/(α+β) · Σ_{t=1}^{n} B(γ, δ+t)/B(γ,δ).
//
// The sum is built by its product recursion: O(n), finite at γ = 1.
//
// Special cases are:
//
//	ExpectedPurchases(n) = NaN if n is not a finite whole number ≥ 0
//	ExpectedPurchases(n) = NaN if n > MaxOpportunities
//	ExpectedPurchases(n) = NaN if a parameter is not finite and > 0
func (m BGBB) ExpectedPurchases(n float64) float64 {
	if !m.valid() || !isCount(n) || n > MaxOpportunities {
		return math.NaN()
	}
	return m.Alpha / (m.Alpha + m.Beta) * m.survivorSum(0, n)
}

// logLeadFactor returns ln of E[p | …]·P(active at n | …) for a customer,
// the factor in front of every forward-looking BG/BB expectation
// (FHS 2010, eqs. 13 and 14):
//
//	lnB(α+x+1, β+n−x) − lnB(α,β) + lnB(γ, δ+n) − lnB(γ,δ) − ℓ,
//
// or NaN for an invalid customer or model.
func (m BGBB) logLeadFactor(c Customer) float64 {
	ll := m.logLik(c)
	x, n := c.Frequency, c.T
	return numeric.LnBeta(m.Alpha+x+1, m.Beta+n-x) - numeric.LnBeta(m.Alpha, m.Beta) +
		numeric.LnBeta(m.Gamma, m.Delta+n) - numeric.LnBeta(m.Gamma, m.Delta) - ll
}

// ConditionalExpectedPurchases returns E[X(n, n+n*) | x, t_x, n], the
// expected transactions of the customer in the next nStar opportunities
// n+1..n+n* (FHS 2010, eq. 13):
//
//	exp(lnB(α+x+1, β+n−x) − lnB(α,β) − ℓ) · Σ_{t=n+1}^{n+n*} B(γ, δ+t)/B(γ,δ),
//
// evaluated as PAliveAt(c, 0) times the expectation of a customer active
// through n. nStar is a float64 whole number (PurchaseModel); the cost is O(n*).
//
// Special cases are:
//
//	ConditionalExpectedPurchases(c, n*) = NaN if n* is not a finite whole number ≥ 0
//	ConditionalExpectedPurchases(c, n*) = NaN if n* > MaxOpportunities
//	ConditionalExpectedPurchases(c, n*) = NaN for an invalid c or model, as for LogLikelihood
func (m BGBB) ConditionalExpectedPurchases(c Customer, nStar float64) float64 {
	p := m.PAliveAt(c, 0)
	if math.IsNaN(p) {
		return p
	}
	return p * m.purchasesIfAlive(c.Frequency, c.T, nStar)
}

// purchasesIfAlive returns the expected transactions in opportunities
// n+1..n+n* of a customer active through n after x transactions: given
// that, p ~ Beta(α+x, β+n−x) and θ ~ Beta(γ, δ+n), so it is
// (α+x)/(α+β+n) · Σ_{t=n+1}^{n+n*} B(γ, δ+t)/B(γ, δ+n) (FHS 2010, eq. 13
// over P(active at n)), or NaN unless n* is a whole number of at most
// MaxOpportunities.
func (m BGBB) purchasesIfAlive(x, n, nStar float64) float64 {
	if !isCount(nStar) || nStar > MaxOpportunities {
		return math.NaN()
	}
	return (m.Alpha + x) / (m.Alpha + m.Beta + n) * m.survivorSum(n, nStar)
}

// DERT returns the discounted expected residual transactions of the
// customer (FHS 2010, eq. 14): the expected transactions in opportunities
// n+1, n+2, …, the one at n+k discounted by (1+d)^(−k), for a discount
// rate d > 0 per opportunity:
//
//	DERT = exp(lnB(α+x+1, β+n−x) − lnB(α,β) − ℓ) · Σ_{t>n} B(γ, δ+t)/B(γ,δ)/(1+d)^(t−n)
//	     = (lead) · B(γ, δ+n+1)/(B(γ,δ)(1+d)) · 2F1(1, δ+n+1; γ+δ+n+1; 1/(1+d)).
//
// The series needs about 37/d terms; past 10,000 it is evaluated from
// Euler's integral by quadrature (see internal/numeric.Hyp2F1A1Deriv). Multiply by a value per transaction for the
// customer's residual value.
//
// Special cases are:
//
//	DERT(c, d) = NaN if d ≤ 0, NaN or +Inf
//	DERT(c, d) = NaN for an invalid c or model, as for LogLikelihood
func (m BGBB) DERT(c Customer, d float64) float64 {
	lead := m.logLeadFactor(c)
	if math.IsNaN(lead) || !(d > 0) || math.IsInf(d, 1) {
		return math.NaN()
	}
	n := c.T
	first := (m.Delta + n) / (m.Gamma + m.Delta + n) / (1 + d)
	return math.Exp(lead) * first * numeric.Hyp2F1A1(m.Delta+n+1, m.Gamma+m.Delta+n+1, 1/(1+d))
}

// ProbPurchases returns P(X(n) = x), the probability that a new customer
// makes exactly x transactions in opportunities 1..n (FHS 2010):
//
//	C(n,x)·B(α+x, β+n−x)/B(α,β)·B(γ, δ+n)/B(γ,δ)
//	  + Σ_{i=x}^{n−1} C(i,x)·B(α+x, β+i−x)/B(α,β)·B(γ+1, δ+i)/B(γ,δ),
//
// summed in log space with the terms stepped by ratios (O(n − x)).
//
// Special cases are:
//
//	ProbPurchases(x, n) = 0 if x < 0 or x > n
//	ProbPurchases(x, n) = NaN if n < 0 or n > MaxOpportunities
//	ProbPurchases(x, n) = NaN if a parameter is not finite and > 0
func (m BGBB) ProbPurchases(x, n int) float64 {
	switch {
	case !m.valid() || n < 0 || n > MaxOpportunities:
		return math.NaN()
	case x < 0 || x > n:
		return 0
	}
	a, b, g, d := m.Alpha, m.Beta, m.Gamma, m.Delta
	xf := float64(x)
	// Term i (dropped out at the start of i+1), from i = x:
	// ln C(i,x) + lnB(α+x, β+i−x) − lnB(α,β) + lnB(γ+1, δ+i) − lnB(γ,δ).
	li := numeric.LnBeta(a+xf, b) - numeric.LnBeta(a, b) + numeric.LnBeta(g+1, d+xf) - numeric.LnBeta(g, d)
	var acc logSumAcc
	acc.init(false)
	for i := xf; i < float64(n); i++ {
		acc.add(li, nil)
		li += math.Log((i + 1) / (i + 1 - xf) * (b + i - xf) * (d + i) / ((a + b + i) * (g + d + 1 + i)))
	}
	acc.add(li+math.Log((g+d+float64(n))/g), nil) // active through n
	return math.Exp(acc.result(nil))
}

// BGBBSimulationOptions configure SimulateBGBB. Customers and
// Opportunities are required.
type BGBBSimulationOptions struct {
	// Customers is the number of customers drawn (> 0).
	Customers int
	// Opportunities is the number of transaction opportunities each
	// customer is observed for, their T (1 to MaxOpportunities).
	Opportunities int
	// Seed makes the simulation reproducible: the same options give the
	// same customers (math/rand/v2 PCG).
	Seed uint64
}

// SimulateBGBB draws opt.Customers independent BG/BB customers observed
// for opt.Opportunities opportunities each: every customer gets
// p ~ Beta(α, β) and θ ~ Beta(γ, δ), then at each opportunity drops out
// with probability θ or, still active, transacts with probability p. The
// result holds one Customer per draw with Frequency x, Recency t_x and
// T = opportunities (ID, Monetary and Weight zero); FitBGBB groups
// identical rows itself.
//
// Errors: a *DataError wrapping ErrInvalid, with Row -1 and Field naming
// the first parameter that is not a finite positive number (e.g.
// "BGBB.Gamma") or the option out of its domain (e.g.
// "BGBBSimulationOptions.Opportunities").
func SimulateBGBB(m BGBB, opt BGBBSimulationOptions) ([]Customer, error) {
	const fn = "clv.SimulateBGBB"
	if err := checkParams(fn, "BGBB", []string{"Alpha", "Beta", "Gamma", "Delta"}, m.Alpha, m.Beta, m.Gamma, m.Delta); err != nil {
		return nil, err
	}
	switch {
	case opt.Customers <= 0:
		return nil, fault.New(fn, -1, "BGBBSimulationOptions.Customers", ErrInvalid, "is %d, want > 0", opt.Customers)
	case opt.Opportunities <= 0 || opt.Opportunities > MaxOpportunities:
		return nil, fault.New(fn, -1, "BGBBSimulationOptions.Opportunities", ErrInvalid,
			"is %d, want 1 to %d", opt.Opportunities, MaxOpportunities)
	}
	rng := rand.New(rand.NewPCG(opt.Seed, 0))
	pDist, thetaDist := newBetaSampler(m.Alpha, m.Beta), newBetaSampler(m.Gamma, m.Delta)
	out := make([]Customer, opt.Customers)
	for i := range out {
		p, theta := pDist.draw(rng), thetaDist.draw(rng)
		x, tx := 0, 0
		for t := 1; t <= opt.Opportunities; t++ {
			if rng.Float64() < theta {
				break
			}
			if rng.Float64() < p {
				x, tx = x+1, t
			}
		}
		out[i] = Customer{Frequency: float64(x), Recency: float64(tx), T: float64(opt.Opportunities)}
	}
	return out, nil
}

// betaSampler draws Beta(a, b) as X/(X+Y) with X ~ Gamma(a), Y ~ Gamma(b),
// using the simulators' gamma sampler.
type betaSampler struct {
	a, b float64
	x, y gammaSampler
}

func newBetaSampler(a, b float64) betaSampler {
	return betaSampler{a: a, b: b, x: newGammaSampler(a), y: newGammaSampler(b)}
}

// draw returns one Beta(a, b) variate. When both gamma draws underflow to
// 0 (shapes far below 1) it returns the limit law of that case: 1 with
// probability a/(a+b), else 0.
func (s betaSampler) draw(rng *rand.Rand) float64 {
	x, y := s.x.draw(rng), s.y.draw(rng)
	if x+y == 0 {
		if rng.Float64()*(s.a+s.b) < s.a {
			return 1
		}
		return 0
	}
	return x / (x + y)
}
