package clv

import (
	"math"
	"slices"
	"time"

	"github.com/ltvgo/ltv/internal/fault"
	"github.com/ltvgo/ltv/internal/numeric"
	"github.com/ltvgo/ltv/internal/parallel"
)

// Subscriber is one customer of a contractual business (a subscription
// renewed period by period) for FitShiftedBetaGeometricSubscribers and
// FitBetaDiscreteWeibullSubscribers.
type Subscriber struct {
	// Periods is the number of periods the subscriber completed: for one
	// who churned, the period at whose end they cancelled (T = Periods ≥
	// 1); for one still active, the periods they have renewed through
	// (T > Periods ≥ 0).
	Periods int
	// Churned says the subscriber cancelled; false means still active
	// (right-censored).
	Churned bool
	// Weight is how many identical subscribers the row stands for; 0
	// means 1.
	Weight float64
}

// SubscriberCovariates are static (time-invariant) subscriber covariates
// on the two shapes of the churn-parameter distribution θ_i ~ Beta(α_i,
// β_i), in the parameterisation of pymc-marketing's ShiftedBetaGeoModel
// with dropout covariates (after Fader & Hardie's 2007 note 019 on
// covariates in the BG/NBD):
//
//	α_i = α·exp(−γ_α·z_α,i)   β_i = β·exp(−γ_β·z_β,i)
//
// so a positive γ_α lowers α_i and with it the churn probability, and a
// positive γ_β raises it (E[θ_i] = α_i/(α_i+β_i)). Row i of Alpha and of
// Beta belongs to subscriber i; a shape without covariates is nil (the
// same columns may be passed for both, as pymc-marketing does). Values
// must be finite, and no column may be constant (collinear with the
// scale) or a linear combination of the others.
type SubscriberCovariates struct {
	Alpha [][]float64 // row i: subscriber i's covariates on α; nil: none
	Beta  [][]float64 // row i: subscriber i's covariates on β; nil: none
	// AlphaNames and BetaNames name the columns of Alpha and Beta (nil:
	// unnamed), one distinct non-empty name per column, as
	// Covariates.PurchaseNames: a fit records them in its model and in
	// Fit.Names ("Alpha[tenure]").
	AlphaNames, BetaNames []string
}

// ShiftedBetaGeometricCov is an sBG with subscriber covariates (see
// SubscriberCovariates): subscriber i's model is the ShiftedBetaGeometric
// For(z_α,i, z_β,i). The embedded model is that of a subscriber whose
// covariates are all 0; AlphaCoef and BetaCoef are γ_α and γ_β, and
// AlphaNames and BetaNames the fit's SubscriberCovariates.AlphaNames and
// .BetaNames (nil: unnamed).
type ShiftedBetaGeometricCov struct {
	ShiftedBetaGeometric
	AlphaCoef, BetaCoef   []float64
	AlphaNames, BetaNames []string
}

// For returns the sBG of a subscriber with covariates alpha and beta, in
// the column order of the fit (nil for a shape without covariates).
//
// Special cases are:
//
//	For(a, b) has NaN Alpha (Beta) if len(a) ≠ len(m.AlphaCoef) (len(b) ≠ len(m.BetaCoef))
func (m ShiftedBetaGeometricCov) For(alpha, beta []float64) ShiftedBetaGeometric {
	return ShiftedBetaGeometric{Alpha: scale(m.Alpha, -1, m.AlphaCoef, alpha), Beta: scale(m.Beta, -1, m.BetaCoef, beta), Period: m.Period}
}

// BetaDiscreteWeibullCov is a BdW with subscriber covariates (see
// SubscriberCovariates) on α and β; c is common to all subscribers.
// Subscriber i's model is the BetaDiscreteWeibull For(z_α,i, z_β,i);
// fields are as for ShiftedBetaGeometricCov.
type BetaDiscreteWeibullCov struct {
	BetaDiscreteWeibull
	AlphaCoef, BetaCoef   []float64
	AlphaNames, BetaNames []string
}

// For returns the BdW of a subscriber with covariates alpha and beta, in
// the column order of the fit (nil for a shape without covariates).
//
// Special cases are:
//
//	For(a, b) has NaN Alpha (Beta) if len(a) ≠ len(m.AlphaCoef) (len(b) ≠ len(m.BetaCoef))
func (m BetaDiscreteWeibullCov) For(alpha, beta []float64) BetaDiscreteWeibull {
	return BetaDiscreteWeibull{Alpha: scale(m.Alpha, -1, m.AlphaCoef, alpha), Beta: scale(m.Beta, -1, m.BetaCoef, beta), C: m.C, Period: m.Period}
}

// FitShiftedBetaGeometricSubscribers fits an sBG by maximum likelihood to
// individual subscribers, with static covariates cov on α and β:
//
//	LL = Σ_i w_i·[churned_i·ln P(T = n_i | α_i, β_i) + (1 − churned_i)·ln S(n_i | α_i, β_i)],  n_i = Periods
//
// (FH 2007, eqs. 1–2, per subscriber; pymc-marketing fits the same model
// by MCMC). Subscribers of different tenures, acquired at different
// times, fit together. Without covariates it is FitShiftedBetaGeometric
// on the cohort the subscribers make: the same likelihood, the same
// estimate. The analytic gradient is carried to the coefficients by the
// chain rule through each covariate group's (α_i, β_i); subscribers with
// equal covariates share their group's work. The search starts from the
// fit without covariates (coefficients 0) unless opt.Start (α, β, the
// Alpha coefficients, the Beta coefficients) is set. Fit.StdErr and
// Fit.Cov are in that order, Fit.Names with the columns' names where cov
// names them; Fit.NumParams counts the coefficients, so
// LikelihoodRatioTest compares nested fits; Fit.Fingerprint is
// FingerprintSubscribers(subs). subs and cov are not modified.
//
// Errors: a *DataError wrapping ErrInvalid naming the row and field of a
// bad subscriber (Periods < 0, or 0 for a churned one; a Weight NaN, ±Inf
// or negative) or covariate value (NaN, ±Inf, a ragged row, e.g. Row 17,
// Field "Alpha[2]"), or a covariate matrix whose row count is not
// len(subs) (Row −1, Field "Covariates.Alpha", as for Covariates) or
// names that are not one distinct non-empty name per column (Row −1,
// Field "SubscriberCovariates.AlphaNames"); ErrSingular for
// a constant or collinear column; ErrEmpty for no subscribers or fewer
// distinct (covariates, Periods, Churned) cells than parameters; the
// fit's errors as for FitShiftedBetaGeometric.
func FitShiftedBetaGeometricSubscribers(subs []Subscriber, cov SubscriberCovariates, opt *FitOptions) (ShiftedBetaGeometricCov, Fit, error) {
	d, err := newSubscriberData("clv.FitShiftedBetaGeometricSubscribers", subs, cov, 2)
	if err != nil {
		return ShiftedBetaGeometricCov{}, Fit{}, err
	}
	th, fit, err := d.fit(opt)
	if th == nil {
		return ShiftedBetaGeometricCov{}, fit, err
	}
	fit.Fingerprint = FingerprintSubscribers(subs)
	alpha, beta := d.coefficients(th)
	return ShiftedBetaGeometricCov{ShiftedBetaGeometric{Alpha: th[0], Beta: th[1], Period: opt.period()}, alpha, beta,
		slices.Clone(cov.AlphaNames), slices.Clone(cov.BetaNames)}, fit, err
}

// FitBetaDiscreteWeibullSubscribers is FitShiftedBetaGeometricSubscribers
// for the beta-discrete-Weibull (FHLDS 2018): subscriber i's S(t) =
// B(α_i, β_i+t^c)/B(α_i, β_i), with one c for all. Without covariates it
// is FitBetaDiscreteWeibull on the subscribers' cohort. opt.Start and
// Fit.StdErr are in the order α, β, c, the Alpha coefficients, the Beta
// coefficients. Errors are as for FitShiftedBetaGeometricSubscribers.
func FitBetaDiscreteWeibullSubscribers(subs []Subscriber, cov SubscriberCovariates, opt *FitOptions) (BetaDiscreteWeibullCov, Fit, error) {
	d, err := newSubscriberData("clv.FitBetaDiscreteWeibullSubscribers", subs, cov, 3)
	if err != nil {
		return BetaDiscreteWeibullCov{}, Fit{}, err
	}
	th, fit, err := d.fit(opt)
	if th == nil {
		return BetaDiscreteWeibullCov{}, fit, err
	}
	fit.Fingerprint = FingerprintSubscribers(subs)
	alpha, beta := d.coefficients(th)
	return BetaDiscreteWeibullCov{BetaDiscreteWeibull{Alpha: th[0], Beta: th[1], C: th[2], Period: opt.period()}, alpha, beta,
		slices.Clone(cov.AlphaNames), slices.Clone(cov.BetaNames)}, fit, err
}

// subscriberData is a validated subscriber sample laid out for a fit: one
// lifetime histogram per joint covariate group.
type subscriberData struct {
	fn     string
	base   int         // base parameters: 2 (sBG: α, β) or 3 (BdW: α, β, c)
	nA, nB int         // covariate columns on α and on β
	zA, zB [][]float64 // per joint group: its covariate rows (nil without covariates)
	hist   []lifetimes // per joint group
	spans  []float64   // per coefficient: its column's largest |z|
	n      float64     // Σ w
	cells  int         // distinct (group, Periods, Churned) cells
	names  []string    // per coefficient, e.g. "Alpha[0]"
	step   func(theta []float64) retentionStep
}

// newSubscriberData validates subs and cov and groups the subscribers by
// their covariates, for a model of base parameters (2: sBG, 3: BdW).
func newSubscriberData(fn string, subs []Subscriber, cov SubscriberCovariates, base int) (*subscriberData, error) {
	n := len(subs)
	if n == 0 {
		return nil, fault.New(fn, -1, "", ErrEmpty, "no subscribers")
	}
	for i, s := range subs {
		switch {
		case s.Periods < 0:
			return nil, fault.New(fn, i, "Periods", ErrInvalid, "is %d, want ≥ 0", s.Periods)
		case s.Churned && s.Periods == 0:
			return nil, fault.New(fn, i, "Periods", ErrInvalid, "is 0 for a churned subscriber, want ≥ 1 (the period at whose end they cancelled)")
		case !(s.Weight >= 0) || math.IsInf(s.Weight, 1):
			return nil, fault.New(fn, i, "Weight", ErrInvalid, "is %v, want a finite number ≥ 0 (0 means 1)", s.Weight)
		}
	}
	d := &subscriberData{fn: fn, base: base}
	for _, f := range [...]struct {
		name  string
		z     [][]float64
		names []string
		cols  *int
		scale string
	}{{"Alpha", cov.Alpha, cov.AlphaNames, &d.nA, "the scale α"}, {"Beta", cov.Beta, cov.BetaNames, &d.nB, "the scale β"}} {
		cols, err := checkCovariates(fn, f.name, f.z, n)
		if err != nil {
			return nil, err
		}
		if err := checkNames(fn, "SubscriberCovariates."+f.name+"Names", f.names, cols); err != nil {
			return nil, err
		}
		if err := checkRank(fn, f.name, f.z, cols, f.scale); err != nil {
			return nil, err
		}
		*f.cols = cols
		for j := range cols {
			d.names = append(d.names, coefName(f.name, f.names, j))
			span := 0.0
			for _, r := range f.z {
				span = math.Max(span, math.Abs(r[j]))
			}
			d.spans = append(d.spans, span)
		}
	}
	aIDs, aFirst := rowIDs(cov.Alpha, d.nA, n)
	bIDs, bFirst := rowIDs(cov.Beta, d.nB, n)
	var joint numbering[[2]int32]
	group := make([]int32, n)
	for i := range n {
		group[i] = joint.number([2]int32{aIDs[i], bIDs[i]})
	}
	zA, zB := pick(cov.Alpha, aFirst), pick(cov.Beta, bFirst)
	for _, key := range joint.keys {
		d.zA, d.zB = append(d.zA, zA[key[0]]), append(d.zB, zB[key[1]])
	}
	longest := make([]int, len(joint.keys))
	for i, s := range subs {
		longest[group[i]] = max(longest[group[i]], s.Periods)
	}
	d.hist = make([]lifetimes, len(joint.keys))
	for g, k := range longest {
		d.hist[g] = lifetimes{churned: make([]float64, k+1), censored: make([]float64, k+1)}
	}
	for i, s := range subs {
		w := s.Weight
		if w == 0 {
			w = 1
		}
		d.n += w
		h := d.hist[group[i]]
		if s.Churned {
			h.churned[s.Periods] += w
		} else {
			h.censored[s.Periods] += w
		}
	}
	for _, h := range d.hist {
		for t := range h.churned {
			d.cells += btoi(h.churned[t] > 0) + btoi(h.censored[t] > 0)
		}
	}
	d.step = func(th []float64) retentionStep { return ShiftedBetaGeometric{Alpha: th[0], Beta: th[1]}.logRetention }
	if base == 3 {
		d.step = func(th []float64) retentionStep {
			return BetaDiscreteWeibull{Alpha: th[0], Beta: th[1], C: th[2]}.logRetention
		}
	}
	return d, nil
}

// btoi is 1 for true, 0 for false.
func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// coefficients splits θ into the Alpha and Beta coefficients.
func (d *subscriberData) coefficients(theta []float64) (alpha, beta []float64) {
	return slices.Clone(theta[d.base : d.base+d.nA]), slices.Clone(theta[d.base+d.nA:])
}

// problem returns the likelihood of d: each group's histogram under its
// model (α_g, β_g, c), the gradient carried to θ by the chain rule
//
//	∂/∂α = Σ_g ∂_g/∂α_g·α_g/α,   ∂/∂γ_α,j = −Σ_g ∂_g/∂α_g·α_g·z_α,gj   (β alike)
//
// The groups are summed in parallel chunks (internal/parallel), whose
// partial sums add in chunk order, so the result is the same on any
// machine.
func (d *subscriberData) problem(starts [][]float64) mlProblem {
	params := slices.Clone(sbgParams)
	if d.base == 3 {
		params = append(params, param{name: "C"})
	}
	for j, name := range d.names {
		params = append(params, param{name: name, free: true, span: d.spans[j]})
	}
	var periods int
	for _, h := range d.hist {
		periods += len(h.churned)
	}
	cost := time.Duration(periods/len(d.hist)+1) * subscriberPeriodCost
	return mlProblem{
		fn: d.fn, params: params, starts: starts, n: d.n, rows: d.cells,
		negLL: func(theta, grad []float64) float64 {
			parts := make([]subscriberPart, parallel.Chunks(len(d.hist), cost))
			parallel.For(len(d.hist), cost, func(c, lo, hi int) { d.sum(&parts[c], theta, grad != nil, lo, hi) })
			clear(grad)
			var sum numeric.KahanSum
			for _, p := range parts {
				sum.Add(p.v.Sum())
				for j, g := range p.grad {
					grad[j] += g
				}
			}
			return sum.Sum()
		},
	}
}

// subscriberPeriodCost is the time of one period of one group's
// likelihood with its gradient (BdW, one core).
const subscriberPeriodCost = 1500 * time.Nanosecond

// subscriberPart is one chunk's part of −LL and of its gradient.
type subscriberPart struct {
	v    numeric.KahanSum
	grad []float64 // nil when only the value is wanted
}

// sum adds the groups lo..hi−1 at θ to p, with the gradient when withGrad.
func (d *subscriberData) sum(p *subscriberPart, theta []float64, withGrad bool, lo, hi int) {
	gammaA, gammaB := d.coefficients(theta)
	at := slices.Clone(theta[:d.base])
	var gGroup []float64
	if withGrad {
		gGroup, p.grad = make([]float64, d.base), make([]float64, len(theta))
	}
	for g := lo; g < hi; g++ {
		at[0] = scale(theta[0], -1, gammaA, d.zA[g])
		at[1] = scale(theta[1], -1, gammaB, d.zB[g])
		p.v.Add(d.hist[g].negLL(gGroup, d.step(at)))
		if !withGrad {
			continue
		}
		gA, gB := gGroup[0]*at[0], gGroup[1]*at[1] // along ln α_g and ln β_g
		p.grad[0] += gA / theta[0]
		p.grad[1] += gB / theta[1]
		if d.base == 3 {
			p.grad[2] += gGroup[2]
		}
		for j, z := range d.zA[g] {
			p.grad[d.base+j] -= gA * z
		}
		for j, z := range d.zB[g] {
			p.grad[d.base+d.nA+j] -= gB * z
		}
	}
}

// fit maximises the likelihood from the fit without covariates
// (coefficients 0), then the models' own starts.
func (d *subscriberData) fit(opt *FitOptions) ([]float64, Fit, error) {
	starts := [][]float64{{1, 1}, {0.5, 0.5}, {2, 2}}
	if d.base == 3 {
		starts = [][]float64{{1, 1, 1}, {0.5, 0.5, 1}, {2, 2, 1}}
	}
	k := d.nA + d.nB
	if k > 0 && (opt == nil || opt.Start == nil) {
		plain := &subscriberData{fn: d.fn, base: d.base, hist: []lifetimes{mergeLifetimes(d.hist)}, zA: [][]float64{nil}, zB: [][]float64{nil},
			n: d.n, cells: d.cells, step: d.step}
		if est, _, _ := maximize(plain.problem(starts), opt); est != nil {
			starts = append([][]float64{est}, starts...)
		}
	}
	return maximize(d.problem(withCoefficients(starts, k)), opt)
}

// mergeLifetimes adds histograms.
func mergeLifetimes(hs []lifetimes) lifetimes {
	k := 0
	for _, h := range hs {
		k = max(k, len(h.churned))
	}
	out := lifetimes{churned: make([]float64, k), censored: make([]float64, k)}
	for _, h := range hs {
		for t := range h.churned {
			out.churned[t] += h.churned[t]
			out.censored[t] += h.censored[t]
		}
	}
	return out
}
