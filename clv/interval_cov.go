package clv

import (
	"errors"
	"math"

	"github.com/ltvgo/ltv/internal/fault"
)

// CovariateModel is a purchase model with static covariates, for the
// interval functions that take covariates (ScoreWithIntervalsCov,
// PredictionIntervalsCov).
type CovariateModel interface {
	ParetoNBDCov | BGNBDCov | MBGNBDCov | BGBBCov
}

// ScoreWithIntervalsCov is ScoreWithIntervals for a model with static
// covariates: customer i is predicted by model.For(cov.Purchase[i],
// cov.Dropout[i]), and fit is the covariate fit, whose Fit.Cov is in the
// order base parameters, every Purchase coefficient (a Shared one once),
// then the Dropout coefficients that are not Shared (the order of
// FitParetoNBDCov and FitBGNBDCov). cov must be laid out as at the fit:
// the model's columns and the same Shared list (L2 is not read; a
// Penalized fit is refused, as by ScoreWithIntervals).
//
// Customers with equal covariates share a model. For the delta method,
// each such group's model θ_g is a smooth function of the full vector θ
// through the links (e.g. α_g = α·exp(−γ_p·z_p), so ∂α_g/∂γ_p = −α_g·z_p,
// ∂α_g/∂α = α_g/α; for BGBBCov the odds link, which moves both shapes
// of each Beta), and the chain rule ∇_θ f = J_g'·∇_θg f, J_g = ∂θ_g/∂θ,
// makes a group's predictions those of its own model with covariance
// J_g·Σ·J_g', computed as ScoreWithIntervals computes them; the total's
// gradient is Σ_g J_g'·∇S_g. With ParameterDraws the full θ is drawn
// jointly, base parameters on the log scale and coefficients on their own
// (they may be of either sign), from the same stream as DrawModels, and
// every group's model follows each draw. cs and cov are not modified.
//
// Errors: those of ScoreWithIntervals, and a *DataError wrapping
// ErrInvalid for covariates that do not fit the model (as
// ParetoNBDCov.Models reports them), a cov with a row count other than
// len(cs) ("Covariates"), or a Shared column whose Purchase and Dropout
// coefficients differ in the model ("Covariates.Shared").
func ScoreWithIntervalsCov[M CovariateModel](model M, fit Fit, spend GammaGamma, spendFit Fit,
	cs []Customer, cov Covariates, opt ValueOptions, iv IntervalOptions) ([]ScoreInterval, Interval, error) {
	const fn = "clv.ScoreWithIntervalsCov"
	space, err := covSpace(fn, model, cov, len(cs))
	if err != nil {
		return nil, Interval{}, err
	}
	return scoreIntervals(fn, space, fit, plainSpend(spend), spendFit, cs, opt, iv)
}

// IntervalModel is a purchase model ScoreWithIntervalsSpendCov takes: one
// of this package's, with or without covariates.
type IntervalModel interface {
	BGNBD | MBGNBD | ParetoNBD | BGBB | CovariateModel
}

// ScoreWithIntervalsSpendCov is ScoreWithIntervals (model without
// covariates, cov empty) or ScoreWithIntervalsCov (model with covariates
// cov) with a spend model with covariates: customer i's spend model is
// spend.For(scov.Spend[i]), and spendFit is FitGammaGammaCov's, Fit.Cov in
// the order p, q, γ, then the coefficients δ. The purchase and spend
// parameters are taken as independent (separate fits). With spend
// covariates absent (scov.Spend nil, spend.Spend empty) the intervals are
// those of the function without them.
//
// Customers with equal spend covariates share a Gamma-Gamma, γ_g =
// γ·exp(δ·z_g), a smooth function of θ_S = (p, q, γ, δ) with
// ∂γ_g/∂γ = γ_g/γ and ∂γ_g/∂δ_j = γ_g·z_gj: by the delta method, a
// customer's value has variance ∇_P'·Σ_P·∇_P + ∇_S'·Σ_S·∇_S, ∇_S the
// closed-form gradient in (p, q, γ_g) carried to θ_S by the chain rule, and
// the total's gradients are the sums of the customers'. With
// ParameterDraws θ_S is drawn jointly, p, γ and q − 1 on the log scale (as
// DrawSpendModels) and δ on its own, and every customer's spend model
// follows each draw. With Bootstrap both models are refitted per
// replicate (FitGammaGammaCov with scov's rows of the replicate's
// customers). cs, cov and scov are not modified; scov.L2 is not read (a
// Penalized spendFit is refused).
//
// Errors: those of ScoreWithIntervals and ScoreWithIntervalsCov, and a
// *DataError wrapping ErrInvalid for covariates given with a model
// without them ("Covariates"), spend coefficients that are not finite
// ("spend.Spend"), or spend covariates that do not fit spend: a row of the
// wrong length or a value that is NaN or ±Inf (the row and "Spend[j]"), a
// row count other than len(cs), a column count other than len(spend.Spend)
// ("SpendCovariates.Spend"), or names other than the model's
// ("SpendCovariates.Names").
func ScoreWithIntervalsSpendCov[M IntervalModel](model M, fit Fit, spend GammaGammaCov, spendFit Fit,
	cs []Customer, cov Covariates, scov SpendCovariates, opt ValueOptions, iv IntervalOptions) ([]ScoreInterval, Interval, error) {
	const fn = "clv.ScoreWithIntervalsSpendCov"
	var space *paramSpace
	var err error
	if m, plain := any(model).(PurchaseModel); plain { // a covariate model is not a PurchaseModel
		if cov.Purchase != nil || cov.Dropout != nil || cov.Shared != nil {
			return nil, Interval{}, fault.New(fn, -1, "Covariates", ErrInvalid, "are given, but the model %T has none", model)
		}
		space, err = spaceOf(fn, m)
	} else {
		space, err = covSpace(fn, model, cov, len(cs))
	}
	if err != nil {
		return nil, Interval{}, err
	}
	sp, err := covSpend(fn, spend, scov, len(cs))
	if err != nil {
		return nil, Interval{}, err
	}
	return scoreIntervals(fn, space, fit, sp, spendFit, cs, opt, iv)
}

// PredictionIntervalsCov is PredictionIntervals for a model with static
// covariates, customer i predicted by model.For(cov.Purchase[i],
// cov.Dropout[i]); fit and cov are as for ScoreWithIntervalsCov, and the
// intervals are computed as it computes them. cs and cov are not modified.
//
// Errors: those of PredictionIntervals and of ScoreWithIntervalsCov's
// covariate checks.
func PredictionIntervalsCov[M CovariateModel](model M, fit Fit, cs []Customer, cov Covariates,
	pred Prediction, iv IntervalOptions) ([]Interval, Interval, error) {
	const fn = "clv.PredictionIntervalsCov"
	space, err := covSpace(fn, model, cov, len(cs))
	if err != nil {
		return nil, Interval{}, err
	}
	return predictionIntervals(fn, space, fit, cs, pred, iv)
}

// covSpace returns the parameter space of a covariate model for the n
// customers of cov: θ = (base parameters, coefficients in Fit.Cov's
// order), one group per distinct pair of covariate rows.
func covSpace(fn string, model any, cov Covariates, n int) (*paramSpace, error) {
	base, link, gp, gd := covParts(model)
	if n == 0 {
		return nil, fault.New(fn, -1, "", ErrEmpty, "no customers")
	}
	if len(gp) == 0 && len(gd) == 0 && cov.Purchase == nil && cov.Dropout == nil {
		return baseSpace(base), nil
	}
	rows, err := modelRows(fn, cov, len(gp), len(gd))
	if err != nil {
		return nil, err
	}
	if len(rows) != n {
		return nil, fault.New(fn, -1, "Covariates", ErrInvalid, "has %d rows, want one per customer (%d)", len(rows), n)
	}
	d, err := newCovDesign(fn, cov, len(gp), len(gd))
	if err != nil {
		return nil, err
	}
	theta, err := d.theta(fn, base, gp, gd)
	if err != nil {
		return nil, err
	}
	d.group(cov, n)
	nb := len(base.params())
	_, odds := model.(BGBBCov)
	// own returns group g's own base parameters at th and, when jac is not
	// nil, their derivatives ∂θ_g/∂θ in its nb rows of len(th). A scale
	// link gives θ_gj = θ_j·m_j, m_j = exp(link_j·sign·η), so ∂θ_gj/∂θ_j =
	// m_j and ∂θ_gj/∂γ_c = θ_gj·link_j·sign·z_c. BGBBCov's odds link
	// (shiftOdds) gives, with k = a+b and q = a'·b'/k, ∂a'/∂a = a'/k + q/a,
	// ∂a'/∂b = a'/k − q/b, ∂b'/∂a = b'/k − q/a, ∂b'/∂b = b'/k + q/b and
	// ∂a'/∂b_c = −∂b'/∂b_c = q·z_c.
	own := func(th []float64, g int, jac [][]float64) []float64 {
		zp, zd := d.zP[d.groups.purchaseOf(int32(g))], d.zD[d.groups.dropoutOf(int32(g))]
		var ep, ed float64
		for c, z := range zp {
			ep += th[nb+c] * z
		}
		for c, z := range zd {
			ed += th[nb+d.dropCoef[c]] * z
		}
		// alongEta adds v·∂η/∂γ to row: v·z_c at the coefficients of the
		// purchase (or dropout) process.
		alongEta := func(row []float64, purchase bool, v float64) {
			if purchase {
				for c, z := range zp {
					row[nb+c] += v * z
				}
				return
			}
			for c, z := range zd {
				row[nb+d.dropCoef[c]] += v * z
			}
		}
		p := make([]float64, nb)
		if odds {
			for half, eta := range [2]float64{ep, ed} {
				j := 2 * half
				a, b := th[j], th[j+1]
				p[j], p[j+1] = shiftOdds(a, b, eta)
				if jac != nil {
					k := a + b
					q := p[j] * p[j+1] / k
					jac[j][j], jac[j][j+1] = p[j]/k+q/a, p[j]/k-q/b
					jac[j+1][j], jac[j+1][j+1] = p[j+1]/k-q/a, p[j+1]/k+q/b
					alongEta(jac[j], half == 0, q)
					alongEta(jac[j+1], half == 0, -q)
				}
			}
			return p
		}
		for j := range p {
			m := 1.0 // a shape stays, whatever η (0·∞ would be NaN)
			if link.linkP[j] != 0 || link.linkD[j] != 0 {
				m = math.Exp(link.linkP[j]*link.signP*ep + link.linkD[j]*link.signD*ed)
			}
			p[j] = th[j] * m
			if jac != nil {
				jac[j][j] = m
				alongEta(jac[j], true, p[j]*link.linkP[j]*link.signP)
				alongEta(jac[j], false, p[j]*link.linkD[j]*link.signD)
			}
		}
		return p
	}
	return &paramSpace{
		theta: theta, nLog: nb, groupOf: d.customerGroup, groups: d.groups.size(),
		model: func(th []float64, g int) parametric { return base.withParams(own(th, g, nil)) },
		jac: func(g int) [][]float64 {
			jac := make([][]float64, nb)
			for j := range jac {
				jac[j] = make([]float64, len(theta))
			}
			own(theta, g, jac)
			return jac
		},
		refit: func(cs []Customer, rows []int) ([]float64, error) {
			rc := Covariates{Shared: cov.Shared}
			if cov.Purchase != nil {
				rc.Purchase = pick(cov.Purchase, rows)
			}
			if cov.Dropout != nil {
				rc.Dropout = pick(cov.Dropout, rows)
			}
			opt := &FitOptions{Start: theta}
			var fitted any
			var err error
			switch model.(type) {
			case ParetoNBDCov:
				fitted, _, err = FitParetoNBDCov(cs, rc, opt)
			case BGNBDCov:
				fitted, _, err = FitBGNBDCov(cs, rc, opt)
			case MBGNBDCov:
				fitted, _, err = FitMBGNBDCov(cs, rc, opt)
			case BGBBCov:
				fitted, _, err = FitBGBBCov(cs, rc, opt)
			}
			if err != nil && !errors.Is(err, ErrBoundary) {
				return nil, err
			}
			b, _, p, q := covParts(fitted)
			th, _ := d.theta(fn, b, p, q)
			return th, err
		},
	}, nil
}

// covParts returns a covariate model's base model, link and coefficients.
func covParts(model any) (base parametric, link covLink, gp, gd []float64) {
	switch m := model.(type) {
	case ParetoNBDCov:
		return m.ParetoNBD, paretoLink, m.Purchase, m.Dropout
	case BGNBDCov:
		return m.BGNBD, bgLink, m.Purchase, m.Dropout
	case MBGNBDCov:
		return m.MBGNBD, bgLink, m.Purchase, m.Dropout
	case BGBBCov:
		return m.BGBB, covLink{}, m.Purchase, m.Dropout // the odds link of shiftOdds
	}
	return nil, covLink{}, nil, nil
}

// theta returns the parameter vector of d's layout (Fit.Cov's order) of a
// model with base model base and coefficients gp, gd, or a *DataError
// when a Shared column's two coefficients differ.
func (d *covDesign) theta(fn string, base parametric, gp, gd []float64) ([]float64, error) {
	theta := append(base.params(), gp...)
	for j, c := range d.dropCoef {
		switch {
		case c >= d.nP:
			theta = append(theta, gd[j])
		case gd[j] != gp[j]:
			return nil, fault.New(fn, -1, "Covariates.Shared", ErrInvalid,
				"lists column %d, but the model's Purchase[%d] = %v and Dropout[%d] = %v differ", j, j, gp[j], j, gd[j])
		}
	}
	return theta, nil
}
