package clv

import (
	"math"
	"slices"

	"github.com/ltvgo/ltv/internal/fault"
)

// SpendCovariates are static customer covariates of the Gamma-Gamma spend
// model, for FitGammaGammaCov. They move the scale of the mixing
// distribution (see GammaGammaCov).
//
// Row i of Spend belongs to customer i of the []Customer it is passed
// with, the rows of customers without a repeat purchase included (they
// are validated, then skipped with their customers); every row has the
// same number of columns, and nil means no covariates. Values must be
// finite, and no column may be constant over the customers with a repeat
// purchase (it would be collinear with the scale γ) or a linear
// combination of the others. A categorical covariate of k levels takes
// k−1 dummy columns.
type SpendCovariates struct {
	Spend [][]float64 // row i: customer i's covariates, in the order of cs; nil: none
	// L2 is a ridge penalty λ ≥ 0 on the coefficients, as Covariates.L2:
	// the fit maximises LL − λ·Σδ², Fit.LogLikelihood stays the plain LL,
	// Fit.Penalized is true and the standard errors are those of the
	// penalised objective.
	L2 float64
	// Names names the columns of Spend (nil: unnamed), one distinct
	// non-empty name per column, as Covariates.PurchaseNames: a fit
	// records them in its model and in Fit.Names ("Spend[channel]"), and
	// Models refuses covariates named otherwise.
	Names []string
}

// GammaGammaCov is a Gamma-Gamma spend model with static covariates on
// the scale of the mixing distribution: customer i's transaction values
// are Gamma(P, ν_i) and ν_i ~ Gamma(shape Q, rate γ_i), with
//
//	γ_i = γ·exp(δ·z_i)
//
// so the customer's expected spend per transaction, P·γ_i/(Q−1), is the
// base model's multiplied by exp(δ·z_i): a coefficient is the change in
// log mean spend per unit of its covariate, and the shapes P (how much a
// customer's transactions vary around their own mean) and Q (how much
// customers' means vary) are the same for everyone. The covariates enter
// the Gamma-Gamma model (Colombo & Jiang 1999; Fader, Hardie & Lee 2005,
// JMR; Fader & Hardie 2013, "The Gamma-Gamma Model of Monetary Value")
// through its scale parameter, as static covariates enter the purchase
// models' scales (Fader & Hardie 2007, "Incorporating time-invariant
// covariates into the Pareto/NBD and BG/NBD models"); with δ = 0 it is the
// plain model. The likelihood of a customer with x repeat transactions of
// mean m̄ is note 025's with γ_i in place of γ:
//
//	lgamma(px+q) − lgamma(px) − lgamma(q) + q·ln γ_i + (px−1)·ln m̄ + px·ln x − (px+q)·ln(γ_i + x·m̄)
//
// The embedded GammaGamma is the model of a customer whose covariates are
// all 0, and Spend holds δ, one coefficient per column of
// SpendCovariates.Spend. A GammaGammaCov built from published
// coefficients is as good as a fitted one; the value is safe for
// concurrent use.
type GammaGammaCov struct {
	GammaGamma
	Spend []float64
	Names []string // the fit's SpendCovariates.Names (nil: unnamed)
}

// For returns the GammaGamma of a customer with covariates z, in the
// column order of the fit: Gamma is γ·exp(δ·z). Every method of
// GammaGamma (ConditionalExpectedSpend, MeanSpend, LogLikelihood, the
// value functions) then applies to that customer.
//
// Special cases are:
//
//	For(z) has NaN Gamma if len(z) ≠ len(m.Spend), and so NaN predictions
func (m GammaGammaCov) For(z []float64) GammaGamma {
	return GammaGamma{P: m.P, Q: m.Q, Gamma: scale(m.Gamma, 1, m.Spend, z)}
}

// Models returns the GammaGamma of every customer of cov (For of row i of
// cov.Spend), in order, for their ConditionalExpectedSpend and value. cov
// must have the model's columns (L2 is not read); it is not modified.
//
// Errors: a *DataError wrapping ErrInvalid names a row of the wrong
// length, a value that is NaN or ±Inf, or column names (cov.Names) other
// than the model's when both are given; ErrEmpty when cov has no rows.
func (m GammaGammaCov) Models(cov SpendCovariates) ([]GammaGamma, error) {
	const fn = "clv.GammaGammaCov.Models"
	if m.Names != nil && cov.Names != nil && !slices.Equal(m.Names, cov.Names) {
		return nil, fault.New(fn, -1, "SpendCovariates.Names", ErrInvalid, "is %q, but the model was fitted with %q", cov.Names, m.Names)
	}
	if len(cov.Spend) == 0 {
		return nil, fault.New(fn, -1, "SpendCovariates.Spend", ErrEmpty, "has no rows")
	}
	cols, err := checkCovariates(fn, "Spend", cov.Spend, len(cov.Spend))
	if err != nil {
		return nil, err
	}
	if cols != len(m.Spend) {
		return nil, fault.New(fn, -1, "SpendCovariates.Spend", ErrInvalid, "has %d columns, want the model's %d", cols, len(m.Spend))
	}
	out := make([]GammaGamma, len(cov.Spend))
	for i, z := range cov.Spend {
		out[i] = m.For(z)
	}
	return out, nil
}

// FitGammaGammaCov returns the maximum-likelihood Gamma-Gamma with static
// covariates cov on the scale γ (see GammaGammaCov) for the customers
// with a repeat purchase; the others are skipped, and so is their row of
// cov.Spend, after both are validated. Identical (x, m̄, z) rows are
// compressed, Customer.Weight counts repeated rows, and the search runs by
// damped Newton on the analytic Hessian, from the fit without covariates
// (coefficients 0) and, on 20,000 distinct rows or more, from a fit to a
// seeded 1/16 subsample; FitOptions.Start (p, q, γ, then the coefficients)
// replaces both. An empty SpendCovariates{} is FitGammaGamma exactly,
// spend unit, ConstrainQ and Penalty included. cs and cov are not
// modified.
//
// Fit.StdErr and Fit.Cov are in the order p, q, γ, then the coefficients;
// Fit.NumParams counts the coefficients, so AIC, BIC and
// LikelihoodRatioTest compare nested covariate fits. Without ConstrainQ,
// an estimate q ≤ 1 comes with an error wrapping ErrUndefined, as in
// FitGammaGamma.
//
// Errors: those of FitGammaGamma; a *DataError wrapping ErrInvalid for a
// covariate value that is NaN or ±Inf (naming the row and field, e.g. Row
// 17, Field "Spend[1]"), a ragged row, a Spend whose row count is not
// len(cs), a negative L2 or bad Names (Row −1, Field
// "SpendCovariates.Spend", "SpendCovariates.L2" or
// "SpendCovariates.Names"); one wrapping ErrSingular for a column that is
// constant over the customers with a repeat purchase, or columns that are
// collinear there (Field names the column).
func FitGammaGammaCov(cs []Customer, cov SpendCovariates, opt *FitOptions) (GammaGammaCov, Fit, error) {
	const fn = "clv.FitGammaGammaCov"
	th, fit, err := fitGammaGamma(fn, cs, cov, opt)
	if th == nil {
		return GammaGammaCov{}, fit, err
	}
	m := GammaGammaCov{GammaGamma: GammaGamma{th[0], th[1], th[2]}, Spend: th[3:], Names: slices.Clone(cov.Names)}
	return m, fit, qDefined(fn, m.GammaGamma, err)
}

// columns validates cov.Spend and cov.Names for n customers and returns
// the number of columns, or a *DataError wrapping ErrInvalid naming a row
// count other than n, a ragged row, a value that is NaN or ±Inf, or bad
// names. L2 is not read.
func (cov SpendCovariates) columns(fn string, n int) (int, error) {
	if cov.Spend != nil && len(cov.Spend) != n {
		return 0, fault.New(fn, -1, "SpendCovariates.Spend", ErrInvalid, "has %d rows, want one per customer (%d)", len(cov.Spend), n)
	}
	cols, err := checkCovariates(fn, "Spend", cov.Spend, n)
	if err != nil {
		return 0, err
	}
	return cols, checkNames(fn, "SpendCovariates.Names", cov.Names, cols)
}

// design validates cov for n customers, of which used have a repeat
// purchase, and lays out its coefficients and the covariate groups of the
// used customers (group j is used[j]'s). A bad value or setting is a
// *DataError wrapping ErrInvalid; a constant or collinear column over the
// used customers one wrapping ErrSingular.
func (cov SpendCovariates) design(fn string, n int, used []int) (*covDesign, error) {
	if !(cov.L2 >= 0) || math.IsInf(cov.L2, 1) {
		return nil, fault.New(fn, -1, "SpendCovariates.L2", ErrInvalid, "is %v, want a finite λ ≥ 0", cov.L2)
	}
	cols, err := cov.columns(fn, n)
	if err != nil {
		return nil, err
	}
	d := &covDesign{l2: cov.L2}
	if cols == 0 || len(used) == 0 {
		return d, nil
	}
	z := make([][]float64, len(used))
	for j, i := range used {
		z[j] = cov.Spend[i]
	}
	if err := checkRank(fn, "Spend", z, cols, "the scale γ"); err != nil {
		return nil, err
	}
	d.nP, d.k = cols, cols
	d.spans = make([]float64, cols)
	for j := range cols {
		d.names = append(d.names, coefName("Spend", cov.Names, j))
		for _, r := range z {
			d.spans[j] = math.Max(d.spans[j], math.Abs(r[j]))
		}
	}
	d.group(Covariates{Purchase: z}, len(z))
	return d, nil
}
