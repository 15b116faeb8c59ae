package clv

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/ltvgo/ltv/internal/numeric"
)

// BetaDiscreteWeibull is the beta-discrete-Weibull (BdW) model of
// contractual retention (Fader, Hardie, Liu, Davin & Steenburgh 2018,
// "'How to Project Customer Retention' Revisited: The Role of Duration
// Dependence", J. Interactive Marketing 43): the sBG with duration
// dependence. A customer with churn parameter θ survives t periods with
// probability (1−θ)^(t^c) — a discrete Weibull, whose own churn
// probability per period rises with tenure for c > 1 and falls for
// c < 1 — and θ ~ Beta(α, β) across customers (α, β, c > 0, no unit), so
// that, integrating (1−θ)^(t^c) over the Beta,
//
//	S(t)     = P(T > t) = B(α, β+t^c)/B(α, β)        (Survival, S(0) = 1)
//	P(T = t) = S(t−1) − S(t)                          (ChurnProbability)
//	r_t      = S(t)/S(t−1)                            (RetentionRate)
//
// With C = 1 it is the ShiftedBetaGeometric with the same α and β
// (method ShiftedBetaGeometric). The
// cohort's retention rate r_t mixes the sorting effect of the sBG (the
// customers most likely to cancel leave first) with each customer's own
// duration dependence; for c > 1 it can fall before it rises. Periods are
// whatever the data count; discount rates are per period.
//
// S is computed from ln[B(α, β+x)/B(α, β)] in a form without the
// cancellation of lgamma differences, and P(T = t) as
// S(t−1)·(−expm1(ln r_t)) with ln r_t = ln[B(α, β+(t−1)^c+Δ)/B(α,
// β+(t−1)^c)], Δ = t^c − (t−1)^c, so both keep their relative accuracy
// for late periods, tiny α and huge β.
//
// A BetaDiscreteWeibull is a plain value, safe for concurrent use.
type BetaDiscreteWeibull struct {
	Alpha, Beta, C float64
	// Period is the time unit the model was fitted in (FitOptions.Period),
	// of one renewal period; 0 means not stated (see "Units" in the package documentation).
	Period time.Duration
}

// FitBetaDiscreteWeibull fits a BdW model by maximum likelihood to one
// cohort's alive counts, given as for FitShiftedBetaGeometric (alive[t]
// customers still active at the start of period t, alive[0] the cohort
// size):
//
//	LL = Σ_{t=1}^{k} (a_{t−1} − a_t)·ln P(T=t) + a_k·ln S(k),  k = len(alive) − 1
//
// It needs at least three periods (len(alive) ≥ 4) for its three
// parameters. The search uses the analytic gradient (digamma differences,
// with ∂t^c/∂c = t^c·ln t) from the starts (1, 1, 1), (0.5, 0.5, 1) and
// (2, 2, 1) (sBG-like) unless opt.Start (α, β, c) is set; Fit.StdErr and
// Fit.Cov are in the order α, β, c, from the Hessian (central differences
// of the gradient) by the delta method. Fit.N is the cohort size. alive
// is not modified or kept.
//
// The sBG is the BdW with c = 1, so LikelihoodRatioTest(sbgFit, bdwFit,
// false) tests duration dependence (1 degree of freedom; c = 1 is inside
// the parameter space): on FH 2007's High End segment, years 0..7,
// LR = 11.69 and p = 0.0006 (see the example).
//
// Errors are those of FitShiftedBetaGeometric: a *DataError naming the
// index (Row) of a bad count, wrapping ErrInvalid, or ErrEmpty for too few
// periods; a *BoundaryError when α or β runs to a limit (nobody or
// everybody leaves); ErrNotConverged with the best estimate.
func FitBetaDiscreteWeibull(alive []float64, opt *FitOptions) (BetaDiscreteWeibull, Fit, error) {
	const fn = "clv.FitBetaDiscreteWeibull"
	if err := checkAlive(fn, "alive", alive); err != nil {
		return BetaDiscreteWeibull{}, Fit{}, err
	}
	return fitBdW(fn, [][]float64{alive}, opt)
}

// FitBetaDiscreteWeibullCohorts fits one BdW model to several cohorts,
// each given as for FitBetaDiscreteWeibull and possibly of different
// lengths: their log-likelihoods add. Fit.N is the sum of the cohort
// sizes. The slices are not modified or kept.
//
// Errors are as for FitShiftedBetaGeometricCohorts.
func FitBetaDiscreteWeibullCohorts(cohorts [][]float64, opt *FitOptions) (BetaDiscreteWeibull, Fit, error) {
	const fn = "clv.FitBetaDiscreteWeibullCohorts"
	if err := checkCohorts(fn, cohorts); err != nil {
		return BetaDiscreteWeibull{}, Fit{}, err
	}
	return fitBdW(fn, cohorts, opt)
}

// fitBdW fits validated cohorts.
func fitBdW(fn string, cohorts [][]float64, opt *FitOptions) (BetaDiscreteWeibull, Fit, error) {
	est, fit, err := fitCohorts(fn, cohorts, append(sbgParams[:2:2], param{name: "C"}),
		[][]float64{{1, 1, 1}, {0.5, 0.5, 1}, {2, 2, 1}},
		func(theta []float64) retentionStep {
			return BetaDiscreteWeibull{Alpha: theta[0], Beta: theta[1], C: theta[2]}.logRetention
		}, opt)
	if est == nil {
		return BetaDiscreteWeibull{}, fit, err
	}
	fit.Fingerprint = FingerprintCohorts(cohorts)
	return BetaDiscreteWeibull{Alpha: est[0], Beta: est[1], C: est[2], Period: opt.period()}, fit, err
}

// negLogLikelihood returns −LL summed over the cohorts and, when grad is
// not nil, writes ∂(−LL)/∂(α, β, c) into it. Period t's log retention
// (logRetention) is
// G(y, Δ) = ln[B(α, y+Δ)/B(α, y)] with y = β + (t−1)^c and Δ = t^c −
// (t−1)^c, whose derivatives are digamma differences:
//
//	∂G/∂α = ψ(α+y) − ψ(α+y+Δ)
//	∂G/∂y = ψ(y+Δ) − ψ(y) − [ψ(α+y+Δ) − ψ(α+y)] = ψ(α+y) − ψ(y) − [ψ(α+y+Δ) − ψ(y+Δ)]
//	∂G/∂Δ = ψ(y+Δ) − ψ(α+y+Δ)
//
// and ∂y/∂c = (t−1)^c·ln(t−1), ∂Δ/∂c = Δ·ln t + (t−1)^c·log1p(1/(t−1)).
func (m BetaDiscreteWeibull) negLogLikelihood(cohorts [][]float64, grad []float64) float64 {
	return cohortLifetimes(cohorts).negLL(grad, m.logRetention)
}

// logRetention is the BdW's retentionStep.
func (m BetaDiscreteWeibull) logRetention(t int, dLnR []float64) (lnR, ln1mR float64) {
	a, b, c := m.Alpha, m.Beta, m.C
	x0, d := powStep(t, c)
	y := b + x0
	lnR = numeric.LnBetaRatio(a, y, d)
	if dLnR != nil {
		dA := -numeric.DigammaDiff(a+y, d)
		dD := -numeric.DigammaDiff(y+d, a)
		var dY float64 // the grouping whose differences are over the smaller of α and Δ
		if a < d {
			dY = numeric.DigammaDiff(y, a) + dD
		} else {
			dY = numeric.DigammaDiff(y, d) + dA
		}
		var dX0, dDelta float64 = 0, d * math.Log(float64(t))
		if t > 1 {
			dX0 = x0 * math.Log(float64(t-1))
			dDelta += x0 * math.Log1p(1/float64(t-1))
		}
		dLnR[0], dLnR[1], dLnR[2] = dA, dY, dY*dX0+dD*dDelta
	}
	return lnR, numeric.Log1mExp(lnR)
}

// powStep returns (t−1)^c and Δ = t^c − (t−1)^c for t ≥ 1, Δ without the
// cancellation of the difference: (t−1)^c·expm1(c·log1p(1/(t−1))).
func powStep(t int, c float64) (x0, d float64) {
	if t == 1 {
		return 0, 1
	}
	x0 = math.Pow(float64(t-1), c)
	return x0, x0 * math.Expm1(c*math.Log1p(1/float64(t-1)))
}

// valid reports whether every parameter is finite and > 0.
func (m BetaDiscreteWeibull) valid() bool {
	return ShiftedBetaGeometric{Alpha: m.Alpha, Beta: m.Beta}.valid() && m.C > 0 && !math.IsInf(m.C, 1)
}

// ShiftedBetaGeometric returns the sBG with the same α, β and Period: the
// BdW with c = 1.
func (m BetaDiscreteWeibull) ShiftedBetaGeometric() ShiftedBetaGeometric {
	return ShiftedBetaGeometric{Alpha: m.Alpha, Beta: m.Beta, Period: m.Period}
}

// lnSurvivalFrom returns ln[S(t)/S(n)] for t ≥ n ≥ 0: the log survival to
// t of a customer active after n periods, ln[B(α, β+t^c)/B(α, β+n^c)].
func (m BetaDiscreteWeibull) lnSurvivalFrom(n, t int) float64 {
	if n == 0 {
		return numeric.LnBetaRatio(m.Alpha, m.Beta, math.Pow(float64(t), m.C))
	}
	xn := math.Pow(float64(n), m.C)
	return numeric.LnBetaRatio(m.Alpha, m.Beta+xn, xn*math.Expm1(m.C*math.Log1p(float64(t-n)/float64(n))))
}

// Survival returns S(t) = P(T > t) = B(α, β+t^c)/B(α, β), the share of a
// cohort still active after t periods (at the start of period t+1).
//
// Special cases are:
//
//	Survival(t) = 1 for t ≤ 0
//	Survival(t) = NaN if a parameter is not finite and > 0
func (m BetaDiscreteWeibull) Survival(t int) float64 {
	switch {
	case !m.valid():
		return math.NaN()
	case t <= 0:
		return 1
	}
	return math.Exp(m.lnSurvivalFrom(0, t))
}

// RetentionRate returns r_t = S(t)/S(t−1), the share of the customers
// active in period t who renew at its end.
//
// Special cases are:
//
//	RetentionRate(t) = NaN for t < 1
//	RetentionRate(t) = NaN if a parameter is not finite and > 0
func (m BetaDiscreteWeibull) RetentionRate(t int) float64 {
	if !m.valid() || t < 1 {
		return math.NaN()
	}
	return math.Exp(m.lnSurvivalFrom(t-1, t))
}

// ChurnProbability returns P(T = t) = S(t−1) − S(t), the probability that
// a new customer cancels at the end of period t, computed as
// S(t−1)·(−expm1(ln r_t)) so that it keeps its relative accuracy where
// S(t) ≈ S(t−1).
//
// Special cases are:
//
//	ChurnProbability(t) = 0 for t < 1
//	ChurnProbability(t) = NaN if a parameter is not finite and > 0
func (m BetaDiscreteWeibull) ChurnProbability(t int) float64 {
	switch {
	case !m.valid():
		return math.NaN()
	case t < 1:
		return 0
	}
	return math.Exp(m.lnSurvivalFrom(0, t-1) + numeric.Log1mExp(m.lnSurvivalFrom(t-1, t)))
}

// ExpectedAlive projects a cohort: element t of the result is
// cohortSize·S(t), the expected number still active at the start of
// period t, for t = 0..periods (periods+1 elements, as the alive counts a
// fit takes).
//
// Special cases are:
//
//	ExpectedAlive(cohortSize, periods) = nil if periods < 0
//	every element is NaN if a parameter is not finite and > 0
func (m BetaDiscreteWeibull) ExpectedAlive(cohortSize float64, periods int) []float64 {
	if periods < 0 {
		return nil
	}
	out := make([]float64, periods+1)
	for t := range out {
		out[t] = cohortSize * m.Survival(t)
	}
	return out
}

// maxDiscountTerms caps the series of DEL and DERL.
const maxDiscountTerms = 1_000_000

// DEL returns the discounted expected lifetime of a new customer in
// periods, at a discount rate d > 0 per period, counting the period of
// acquisition as 1 (payments at the start of each period, as
// ShiftedBetaGeometric.DEL):
//
//	DEL(d) = Σ_{t≥0} S(t)/(1+d)^t = 1 + DERL(d, 0)/(1+d).
//
// Special cases are as for DERL.
func (m BetaDiscreteWeibull) DEL(d float64) float64 {
	return 1 + m.DERL(d, 0)/(1+d)
}

// DERL returns the discounted expected residual lifetime, in periods, of a
// customer who has renewed renewals times, valued just before the next
// renewal decision, whose payment is not discounted (FH 2010, as
// ShiftedBetaGeometric.DERL, with n = renewals+1):
//
//	DERL(d, n−1) = Σ_{t≥n} [S(t)/S(n−1)]/(1+d)^(t−n).
//
// There is no closed form for c ≠ 1: the series is summed until its tail,
// at most the last term times (1+d)/d because S falls, is below 1e-16 of
// the sum, about 37/d terms at worst.
//
// Special cases are:
//
//	DERL(d, renewals) = NaN if d ≤ 0, NaN or +Inf, or renewals < 0
//	DERL(d, renewals) = NaN if the series needs more than 1e6 terms (d below about 4e-5)
//	DERL(d, renewals) = NaN if a parameter is not finite and > 0
func (m BetaDiscreteWeibull) DERL(d float64, renewals int) float64 {
	if !m.valid() || !(d > 0) || math.IsInf(d, 1) || renewals < 0 {
		return math.NaN()
	}
	lnDisc := math.Log1p(d)
	var sum numeric.KahanSum
	for j := range maxDiscountTerms {
		term := math.Exp(m.lnSurvivalFrom(renewals, renewals+1+j) - float64(j)*lnDisc)
		sum.Add(term)
		if term*(1+d)/d <= 1e-16*sum.Sum() {
			return sum.Sum()
		}
	}
	return math.NaN()
}

// NewSubscriberValue returns payment·DEL(d), the expected discounted value
// of a customer just acquired who pays payment at the start of every
// period while active. Special cases are as for DERL.
func (m BetaDiscreteWeibull) NewSubscriberValue(payment, d float64) float64 {
	return payment * m.DEL(d)
}

// ResidualValue returns payment·DERL(d, renewals), the expected discounted
// value still to come from a customer who has renewed renewals times.
// Special cases are as for DERL.
func (m BetaDiscreteWeibull) ResidualValue(payment, d float64, renewals int) float64 {
	return payment * m.DERL(d, renewals)
}

// SimulateBetaDiscreteWeibull draws one cohort of opt.Size customers for
// opt.Periods periods: each customer gets θ ~ Beta(α, β) and survives t
// periods with probability (1−θ)^(t^c), so leaves in period ⌈(E/−ln(1−θ))^(1/c)⌉
// with E ~ Exp(1). It returns the alive counts for t = 0..Periods, as
// FitBetaDiscreteWeibull takes them.
//
// Errors: a *DataError wrapping ErrInvalid, with Row -1 and Field naming
// the first parameter that is not a finite positive number (e.g.
// "BetaDiscreteWeibull.C") or the option out of its domain (e.g.
// "CohortSimulationOptions.Size").
func SimulateBetaDiscreteWeibull(m BetaDiscreteWeibull, opt CohortSimulationOptions) ([]float64, error) {
	const fn = "clv.SimulateBetaDiscreteWeibull"
	if err := checkParams(fn, "BetaDiscreteWeibull", []string{"Alpha", "Beta", "C"}, m.Alpha, m.Beta, m.C); err != nil {
		return nil, err
	}
	thetaDist := newBetaSampler(m.Alpha, m.Beta)
	return simulateCohort(fn, opt, func(rng *rand.Rand) int {
		life := math.Pow(rng.ExpFloat64()/-math.Log1p(-thetaDist.draw(rng)), 1/m.C)
		if !(life < float64(opt.Periods)) { // also θ = 0 (life +Inf) and NaN
			return opt.Periods + 1
		}
		return max(1, int(math.Ceil(life)))
	})
}
