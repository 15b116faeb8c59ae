package clv

import (
	"time"

	"fmt"
	"math"
	"math/rand/v2"

	"github.com/ltvgo/ltv/internal/fault"
	"github.com/ltvgo/ltv/internal/numeric"
)

// ShiftedBetaGeometric is the shifted-beta-geometric (sBG) model of
// contractual retention (Fader & Hardie 2007, 2010): subscribers who pay
// at the start of every period and either renew or cancel at its end.
//
// Each customer cancels at the end of any period with a fixed probability
// θ, and θ ~ Beta(α, β) across customers (α, β > 0, no unit). The period
// T ∈ {1, 2, …} in which a customer leaves then has (Fader & Hardie 2007, eqs. 1–2)
//
//	P(T = t) = B(α+1, β+t−1)/B(α,β)          (ChurnProbability)
//	S(t)     = P(T > t) = B(α, β+t)/B(α,β)    (Survival, S(0) = 1)
//	r_t      = S(t)/S(t−1) = (β+t−1)/(α+β+t−1) (RetentionRate)
//
// The retention rate rises with t although no customer's θ changes: the
// customers most likely to cancel leave first (the sorting effect).
// Periods are whatever the data count (months, years); discount rates are
// per period.
//
// A ShiftedBetaGeometric is a plain value, safe for concurrent use.
type ShiftedBetaGeometric struct {
	Alpha, Beta float64
	// Period is the time unit the model was fitted in (FitOptions.Period),
	// of one renewal period; 0 means not stated (see "Units" in the package documentation).
	Period time.Duration
}

// FitShiftedBetaGeometric fits an sBG model by maximum likelihood to one
// cohort: alive[t] is the number of customers still active at the start
// of period t, alive[0] the cohort size, and alive[t−1] − alive[t] of them
// cancelled in period t (FH 2007):
//
//	LL = Σ_{t=1}^{k} (a_{t−1} − a_t)·ln P(T=t) + a_k·ln S(k),  k = len(alive) − 1.
//
// Counts may be fractional (weighted or scaled data); they must be finite,
// ≥ 0, not increasing, with alive[0] > 0 and at least one period
// (len(alive) ≥ 2). alive is not modified or kept. The search uses the
// analytic gradient (sums of reciprocals: the ψ differences of §6
// telescoped) from the starts (1, 1), (0.5, 0.5) and (2, 2), tried
// after opt.Start when it is set. Fit.N is the cohort size.
//
// Errors: a *DataError naming the index (Row) of a bad count, wrapping
// ErrInvalid, or ErrEmpty for fewer than two periods. A cohort that nobody
// leaves (α → 0), or that everybody leaves in period 1 (β → 0), has no
// finite MLE: the limiting model comes back with a *BoundaryError.
func FitShiftedBetaGeometric(alive []float64, opt *FitOptions) (ShiftedBetaGeometric, Fit, error) {
	const fn = "clv.FitShiftedBetaGeometric"
	if err := checkAlive(fn, "alive", alive); err != nil {
		return ShiftedBetaGeometric{}, Fit{}, err
	}
	return fitSBG(fn, [][]float64{alive}, opt)
}

// FitShiftedBetaGeometricCohorts fits one sBG model to several cohorts,
// each given as for FitShiftedBetaGeometric and possibly of different
// lengths (cohorts acquired at different times): their log-likelihoods
// add. Fit.N is the sum of the cohort sizes. The slices are not modified
// or kept.
//
// Errors are as for FitShiftedBetaGeometric, with Field "cohorts[i]" and
// Row the index within that cohort; no cohorts at all is ErrEmpty.
func FitShiftedBetaGeometricCohorts(cohorts [][]float64, opt *FitOptions) (ShiftedBetaGeometric, Fit, error) {
	const fn = "clv.FitShiftedBetaGeometricCohorts"
	if err := checkCohorts(fn, cohorts); err != nil {
		return ShiftedBetaGeometric{}, Fit{}, err
	}
	return fitSBG(fn, cohorts, opt)
}

// checkCohorts validates the cohorts of a fit to several cohorts.
func checkCohorts(fn string, cohorts [][]float64) error {
	if len(cohorts) == 0 {
		return fault.New(fn, -1, "cohorts", ErrEmpty, "is empty")
	}
	for i, alive := range cohorts {
		if err := checkAlive(fn, fmt.Sprintf("cohorts[%d]", i), alive); err != nil {
			return err
		}
	}
	return nil
}

// checkAlive validates one cohort's alive counts.
func checkAlive(fn, field string, alive []float64) error {
	if len(alive) < 2 {
		return fault.New(fn, -1, field, ErrEmpty, "has %d counts, want the cohort size and at least one period", len(alive))
	}
	for t, v := range alive {
		switch {
		case math.IsNaN(v) || math.IsInf(v, 0):
			return fault.New(fn, t, field, ErrInvalid, "is %v", v)
		case v < 0:
			return fault.New(fn, t, field, ErrInvalid, "is negative (%v)", v)
		case t == 0 && v == 0:
			return fault.New(fn, t, field, ErrInvalid, "is 0, want a cohort size > 0")
		case t > 0 && v > alive[t-1]:
			return fault.New(fn, t, field, ErrInvalid, "%v exceeds the previous count %v: counts cannot increase", v, alive[t-1])
		}
	}
	return nil
}

// fitSBG fits validated cohorts.
func fitSBG(fn string, cohorts [][]float64, opt *FitOptions) (ShiftedBetaGeometric, Fit, error) {
	est, fit, err := fitCohorts(fn, cohorts, sbgParams, [][]float64{{1, 1}, {0.5, 0.5}, {2, 2}},
		func(theta []float64) retentionStep {
			return ShiftedBetaGeometric{Alpha: theta[0], Beta: theta[1]}.logRetention
		}, opt)
	if est == nil {
		return ShiftedBetaGeometric{}, fit, err
	}
	fit.Fingerprint = FingerprintCohorts(cohorts)
	return ShiftedBetaGeometric{Alpha: est[0], Beta: est[1], Period: opt.period()}, fit, err
}

// sbgParams are the parameters (α, β) of the sBG's Beta mixing distribution.
var sbgParams = []param{
	betaShape("Alpha", "Beta", "churn probabilities", true), betaShape("Beta", "Alpha", "churn probabilities", false),
}

// fitCohorts maximises the likelihood of the retention model whose
// periods at parameters θ (params) are step(θ) on validated cohorts, from
// starts. Each cohort's periods are its data rows; Fit.N is the sum of the
// cohort sizes.
func fitCohorts(fn string, cohorts [][]float64, params []param, starts [][]float64,
	step func(theta []float64) retentionStep, opt *FitOptions) ([]float64, Fit, error) {
	var n float64
	var periods int
	for _, alive := range cohorts {
		n += alive[0]
		periods += len(alive) - 1
	}
	h := cohortLifetimes(cohorts)
	negLL := func(theta, grad []float64) float64 { return h.negLL(grad, step(theta)) }
	return maximize(mlProblem{fn: fn, params: params, starts: starts, n: n, rows: periods, negLL: negLL}, opt)
}

// negLogLikelihood returns −LL summed over the cohorts and, when grad is
// not nil, writes ∂(−LL)/∂(α, β) into it.
func (m ShiftedBetaGeometric) negLogLikelihood(cohorts [][]float64, grad []float64) float64 {
	return cohortLifetimes(cohorts).negLL(grad, m.logRetention)
}

// logRetention is the sBG's retentionStep (FH 2007, eqs. 1–2):
//
//	ln r_t = ln((β+t−1)/(α+β+t−1)),   ln(1 − r_t) = ln(α/(α+β+t−1))
//	∂ln r_t/∂α = −1/(α+β+t−1),     ∂ln r_t/∂β = 1/(β+t−1) − 1/(α+β+t−1).
func (m ShiftedBetaGeometric) logRetention(t int, dLnR []float64) (lnR, ln1mR float64) {
	a, b := m.Alpha, m.Beta
	u := a + b + float64(t-1)
	v := b + float64(t-1)
	if dLnR != nil {
		dLnR[0], dLnR[1] = -1/u, 1/v-1/u
	}
	if v < a { // r_t < ½: ln r_t from the ratio, else from 1 − r_t = α/u without log1p's amplification near −1
		return math.Log(v / u), math.Log(a / u)
	}
	return math.Log1p(-a / u), math.Log(a / u)
}

// retentionStep gives a retention model's period t ≥ 1: it returns ln r_t
// and ln(1 − r_t) and, when dLnR is not nil, writes ∂ln r_t/∂θ into it.
type retentionStep func(t int, dLnR []float64) (lnR, ln1mR float64)

// lifetimes is a histogram of customers' lifetimes T: churned[t] customers
// cancelled at the end of period t ≥ 1 (T = t), censored[t] were still
// active after t periods (T > t). Both have the same length.
type lifetimes struct{ churned, censored []float64 }

// cohortLifetimes returns the histogram of cohorts' alive counts: the
// a_{t−1} − a_t customers who cancelled in period t, and the a_k still
// active after the last period k of each cohort.
func cohortLifetimes(cohorts [][]float64) lifetimes {
	k := 0
	for _, alive := range cohorts {
		k = max(k, len(alive))
	}
	h := lifetimes{churned: make([]float64, k), censored: make([]float64, k)}
	for _, alive := range cohorts {
		for t := 1; t < len(alive); t++ {
			h.churned[t] += alive[t-1] - alive[t]
		}
		h.censored[len(alive)-1] += alive[len(alive)-1]
	}
	return h
}

// negLL returns −LL of the histogram under the retention model step and,
// when grad is not nil, writes ∂(−LL)/∂θ into it (len(grad) parameters).
// It runs the log-space recursions
//
//	ln S(t) = ln S(t−1) + ln r_t,   ln S(0) = 0
//	ln P(T=t) = ln S(t−1) + ln(1 − r_t),   ∂ln(1 − r_t)/∂θ = −r_t/(1 − r_t)·∂ln r_t/∂θ
//
// of LL = Σ_t churned[t]·ln P(T=t) + censored[t]·ln S(t).
func (h lifetimes) negLL(grad []float64, step retentionStep) float64 {
	k := len(grad)
	var dLnR, dS []float64
	if grad != nil {
		clear(grad)
		dLnR, dS = make([]float64, k), make([]float64, k)
	}
	var sum numeric.KahanSum
	var lnS float64 // ln S(t−1), then ln S(t)
	for t := 1; t < len(h.churned); t++ {
		lnR, ln1mR := step(t, dLnR)
		if c := h.churned[t]; c > 0 {
			sum.Add(-c * (lnS + ln1mR))
			odds := -math.Exp(lnR - ln1mR) // −r_t/(1 − r_t)
			for j := range grad {
				grad[j] -= c * (dS[j] + odds*dLnR[j])
			}
		}
		lnS += lnR
		for j := range dS {
			dS[j] += dLnR[j]
		}
		if a := h.censored[t]; a > 0 {
			sum.Add(-a * lnS)
			for j := range grad {
				grad[j] -= a * dS[j]
			}
		}
	}
	return sum.Sum()
}

// valid reports whether both parameters are finite and > 0.
func (m ShiftedBetaGeometric) valid() bool {
	return m.Alpha > 0 && m.Beta > 0 && !math.IsInf(m.Alpha, 1) && !math.IsInf(m.Beta, 1)
}

// Survival returns S(t) = P(T > t) = B(α, β+t)/B(α,β), the share of a
// cohort still active after t periods (at the start of period t+1).
//
// Special cases are:
//
//	Survival(t) = 1 for t ≤ 0
//	Survival(t) = NaN if a parameter is not finite and > 0
func (m ShiftedBetaGeometric) Survival(t int) float64 {
	switch {
	case !m.valid():
		return math.NaN()
	case t <= 0:
		return 1
	}
	return math.Exp(numeric.LnBeta(m.Alpha, m.Beta+float64(t)) - numeric.LnBeta(m.Alpha, m.Beta))
}

// RetentionRate returns r_t = S(t)/S(t−1) = (β+t−1)/(α+β+t−1), the share of
// the customers active in period t who renew at its end.
//
// Special cases are:
//
//	RetentionRate(t) = NaN for t < 1
//	RetentionRate(t) = NaN if a parameter is not finite and > 0
func (m ShiftedBetaGeometric) RetentionRate(t int) float64 {
	if !m.valid() || t < 1 {
		return math.NaN()
	}
	return (m.Beta + float64(t-1)) / (m.Alpha + m.Beta + float64(t-1)) // t−1 first: β + t − 1 would round a tiny β away
}

// ChurnProbability returns P(T = t) = B(α+1, β+t−1)/B(α,β), the probability
// that a new customer cancels at the end of period t.
//
// Special cases are:
//
//	ChurnProbability(t) = 0 for t < 1
//	ChurnProbability(t) = NaN if a parameter is not finite and > 0
func (m ShiftedBetaGeometric) ChurnProbability(t int) float64 {
	switch {
	case !m.valid():
		return math.NaN()
	case t < 1:
		return 0
	}
	return math.Exp(numeric.LnBeta(m.Alpha+1, m.Beta+float64(t-1)) - numeric.LnBeta(m.Alpha, m.Beta))
}

// ExpectedAlive projects a cohort: element t of the result is
// cohortSize·S(t), the expected number still active at the start of
// period t, for t = 0..periods (so the result has periods+1 elements and
// matches the alive counts a fit takes).
//
// Special cases are:
//
//	ExpectedAlive(cohortSize, periods) = nil if periods < 0
//	every element is NaN if a parameter is not finite and > 0
func (m ShiftedBetaGeometric) ExpectedAlive(cohortSize float64, periods int) []float64 {
	if periods < 0 {
		return nil
	}
	out := make([]float64, periods+1)
	s := 1.0
	if !m.valid() {
		s = math.NaN()
	}
	for t := range out {
		if t > 0 {
			s *= m.RetentionRate(t)
		}
		out[t] = cohortSize * s
	}
	return out
}

// DEL returns the discounted expected lifetime of a new customer in
// periods, at a discount rate d > 0 per period, counting the period of
// acquisition as 1 (payments at the start of each period, FH 2010):
//
//	DEL(d) = Σ_{t≥0} S(t)/(1+d)^t = 2F1(1, β; α+β; 1/(1+d)) = 1 + DERL(d, 0)/(1+d).
//
// Special cases are:
//
//	DEL(d) = NaN if d ≤ 0, NaN or +Inf
//	DEL(d) = NaN if a parameter is not finite and > 0
func (m ShiftedBetaGeometric) DEL(d float64) float64 {
	if !m.valid() || !(d > 0) || math.IsInf(d, 1) {
		return math.NaN()
	}
	return numeric.Hyp2F1A1(m.Beta, m.Alpha+m.Beta, 1/(1+d))
}

// DERL returns the discounted expected residual lifetime, in periods, of a
// customer who has renewed renewals times (so is in period renewals+1),
// valued just before the next renewal decision; the payment of that
// renewal, if it happens, is not discounted (FH 2010, with
// n = renewals+1):
//
//	DERL(d, n−1) = Σ_{t≥n} [S(t)/S(n−1)]/(1+d)^(t−n)
//	             = (β+n−1)/(α+β+n−1) · 2F1(1, β+n; α+β+n; 1/(1+d)).
//
// The series needs about 37/d terms; past 10,000 it is evaluated from
// Euler's integral by quadrature (see internal/numeric.Hyp2F1A1Deriv).
//
// Special cases are:
//
//	DERL(d, renewals) = NaN if d ≤ 0, NaN or +Inf, or renewals < 0
//	DERL(d, renewals) = NaN if a parameter is not finite and > 0
func (m ShiftedBetaGeometric) DERL(d float64, renewals int) float64 {
	if !m.valid() || !(d > 0) || math.IsInf(d, 1) || renewals < 0 {
		return math.NaN()
	}
	return m.RetentionRate(renewals+1) * numeric.Hyp2F1A1(m.Beta+float64(renewals+1), m.Alpha+m.Beta+float64(renewals+1), 1/(1+d))
}

// NewSubscriberValue returns the expected discounted value of a customer
// just acquired who pays payment (currency units) at the start of every
// period while active, the first payment now and undiscounted:
// payment·DEL(d). Special cases are as for DEL.
func (m ShiftedBetaGeometric) NewSubscriberValue(payment, d float64) float64 {
	return payment * m.DEL(d)
}

// ResidualValue returns the expected discounted value still to come from a
// customer who has renewed renewals times and pays payment (currency
// units) at the start of every period while active, valued just before the
// next renewal decision (whose payment is undiscounted): payment·DERL(d,
// renewals). Special cases are as for DERL.
func (m ShiftedBetaGeometric) ResidualValue(payment, d float64, renewals int) float64 {
	return payment * m.DERL(d, renewals)
}

// CohortSimulationOptions configure SimulateShiftedBetaGeometric. Size and
// Periods are required.
type CohortSimulationOptions struct {
	// Size is the number of customers acquired at the start (> 0).
	Size int
	// Periods is the number of periods the cohort is followed for (> 0).
	Periods int
	// Seed makes the simulation reproducible: the same options give the
	// same counts (math/rand/v2 PCG).
	Seed uint64
}

// SimulateShiftedBetaGeometric draws one cohort of opt.Size customers for
// opt.Periods periods: each customer gets θ ~ Beta(α, β) and cancels at
// the end of each period with probability θ. It returns the alive counts
// for t = 0..Periods, as FitShiftedBetaGeometric takes them.
//
// Errors: a *DataError wrapping ErrInvalid, with Row -1 and Field naming
// the first parameter that is not a finite positive number (e.g.
// "ShiftedBetaGeometric.Alpha") or the option out of its domain (e.g.
// "CohortSimulationOptions.Size").
func SimulateShiftedBetaGeometric(m ShiftedBetaGeometric, opt CohortSimulationOptions) ([]float64, error) {
	const fn = "clv.SimulateShiftedBetaGeometric"
	if err := checkParams(fn, "ShiftedBetaGeometric", []string{"Alpha", "Beta"}, m.Alpha, m.Beta); err != nil {
		return nil, err
	}
	thetaDist := newBetaSampler(m.Alpha, m.Beta)
	return simulateCohort(fn, opt, func(rng *rand.Rand) int {
		theta := thetaDist.draw(rng)
		for t := 1; t <= opt.Periods; t++ {
			if rng.Float64() < theta {
				return t
			}
		}
		return opt.Periods + 1
	})
}

// simulateCohort checks opt and draws a cohort of opt.Size customers whose
// periods of cancellation come from lifetime (a value past opt.Periods:
// still active at the end), returning the alive counts for t =
// 0..opt.Periods.
func simulateCohort(fn string, opt CohortSimulationOptions, lifetime func(*rand.Rand) int) ([]float64, error) {
	switch {
	case opt.Size <= 0:
		return nil, fault.New(fn, -1, "CohortSimulationOptions.Size", ErrInvalid, "is %d, want > 0", opt.Size)
	case opt.Periods <= 0:
		return nil, fault.New(fn, -1, "CohortSimulationOptions.Periods", ErrInvalid, "is %d, want > 0", opt.Periods)
	}
	rng := rand.New(rand.NewPCG(opt.Seed, 0))
	left := make([]int, opt.Periods+1) // left[t]: customers who cancelled at the end of period t
	for range opt.Size {
		if t := lifetime(rng); t <= opt.Periods {
			left[t]++
		}
	}
	alive := make([]float64, opt.Periods+1)
	n := opt.Size
	for t := range alive {
		n -= left[t]
		alive[t] = float64(n)
	}
	return alive, nil
}
