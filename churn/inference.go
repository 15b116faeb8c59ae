package churn

import (
	"cmp"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// Term is one row of a coefficient table.
type Term struct {
	Name     string  // "(Intercept)" or the feature name
	Estimate float64 // β, on the raw feature scale (log-odds per unit)
	StdErr   float64
	Z        float64 // β/SE; NaN for a penalised fit
	P        float64 // two-sided Wald p-value 2·Φ(−|z|); NaN for a penalised fit
	// Lower and Upper are the Wald confidence interval β ± q·SE at the
	// requested level (q the normal quantile); with a penalty they are the
	// ridge (posterior-style) interval.
	Lower, Upper float64
	// OddsRatio is e^β, the factor on the odds of churn per unit of the
	// feature; OddsLower and OddsUpper are e^Lower and e^Upper.
	OddsRatio, OddsLower, OddsUpper float64
}

// Summary returns the coefficient table, intercept first, with confidence
// intervals at level (e.g. 0.95).
//
// It also serves a Logistic built by hand from published coefficients:
// missing names default to x0, x1, …, and a missing standard error is NaN
// (so are its z, p and interval).
//
// Special cases are:
//
//	Lower, Upper, OddsLower, OddsUpper = NaN in every Term if level is not in (0, 1)
func (l *Logistic) Summary(level float64) []Term {
	q := math.NaN()
	if level > 0 && level < 1 {
		q = distuv.UnitNormal.Quantile(1 - (1-level)/2)
	}
	k := len(l.Coef)
	est := append([]float64{l.Intercept}, l.Coef...)
	se := make([]float64, k+1)
	for j := range se {
		se[j] = math.NaN()
	}
	se[0] = l.InterceptStdErr
	copy(se[1:], l.StdErr)
	names := append([]string{"(Intercept)"}, featureNames(nil, k)...)
	copy(names[1:], l.Names)
	out := make([]Term, len(est))
	for j := range est {
		t := Term{Name: names[j], Estimate: est[j], StdErr: se[j], Z: math.NaN(), P: math.NaN()}
		if !l.Penalized() {
			t.Z = est[j] / se[j]
			t.P = math.Erfc(math.Abs(t.Z) / math.Sqrt2)
		}
		t.Lower, t.Upper = est[j]-q*se[j], est[j]+q*se[j]
		t.OddsRatio, t.OddsLower, t.OddsUpper = math.Exp(est[j]), math.Exp(t.Lower), math.Exp(t.Upper)
		out[j] = t
	}
	return out
}

// AIC returns 2(k+1) − 2ℓ, k the number of features.
func (l *Logistic) AIC() float64 { return 2*float64(len(l.Coef)+1) - 2*l.LogLikelihood }

// BIC returns (k+1)·ln N − 2ℓ with N = Σw.
func (l *Logistic) BIC() float64 {
	return float64(len(l.Coef)+1)*math.Log(l.N) - 2*l.LogLikelihood
}

// McFaddenR2 returns 1 − ℓ/ℓ_0, ℓ_0 the intercept-only log-likelihood.
func (l *Logistic) McFaddenR2() float64 { return 1 - l.LogLikelihood/l.NullLogLikelihood }

// LikelihoodRatio returns the statistic 2(ℓ − ℓ_0) of the test that every
// slope is 0, its degrees of freedom k and its χ²_k p-value. It is only
// meaningful for an unpenalised fit.
//
// Special cases are: with no features (df = 0) the statistic is 0 and
// p = 1; a statistic below 0, which an unpenalised fit gives only by
// rounding (ℓ ≥ ℓ_0 at the maximum), has p = 1; a NaN ℓ or ℓ_0 gives NaN.
func (l *Logistic) LikelihoodRatio() (stat float64, df int, p float64) {
	stat = 2 * (l.LogLikelihood - l.NullLogLikelihood)
	df = len(l.Coef)
	switch {
	case math.IsNaN(stat):
		return stat, df, math.NaN()
	case df == 0:
		return 0, 0, 1
	case stat <= 0:
		return stat, df, 1
	}
	return stat, df, distuv.ChiSquared{K: float64(df)}.Survival(stat)
}

// Reason is one feature's part in a customer's score.
type Reason struct {
	Feature int     // column index
	Name    string  // feature name
	Value   float64 // the customer's value x_j
	// Contribution is β_j·(x_j − mean_j): how much the feature moves the
	// customer's log-odds of churn away from those of the average training
	// customer. Positive values push towards churn.
	Contribution float64
}

// Reasons returns the per-feature contributions of x to its log-odds
// relative to the average customer, largest |Contribution| first (ties in
// column order). The contributions sum to LogOdds(x) − LogOdds(Mean). It
// needs l.Mean (set by FitLogistic); x is only read.
//
// Special cases are:
//
//	Reasons(x) = nil if len(x) or len(l.Mean) differs from len(l.Coef)
func (l *Logistic) Reasons(x []float64) []Reason {
	if len(x) != len(l.Coef) || len(l.Mean) != len(l.Coef) {
		return nil
	}
	out := make([]Reason, len(x))
	for j, v := range x {
		out[j] = Reason{Feature: j, Value: v, Contribution: l.Coef[j] * (v - l.Mean[j])}
		if j < len(l.Names) {
			out[j].Name = l.Names[j]
		}
	}
	slices.SortStableFunc(out, func(a, b Reason) int {
		return cmp.Compare(math.Abs(b.Contribution), math.Abs(a.Contribution))
	})
	return out
}
