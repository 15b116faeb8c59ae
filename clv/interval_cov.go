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
	ParetoNBDCov | BGNBDCov | MBGNBDCov
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
// ∂α_g/∂α = α_g/α), and the chain rule ∇_θ f = J_g'·∇_θg f, J_g = ∂θ_g/∂θ,
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
	switch m := any(model).(type) {
	case ParetoNBDCov, BGNBDCov, MBGNBDCov:
		space, err = covSpace(fn, m, cov, len(cs))
	default:
		if cov.Purchase != nil || cov.Dropout != nil || cov.Shared != nil {
			return nil, Interval{}, fault.New(fn, -1, "Covariates", ErrInvalid, "are given, but the model %T has none", model)
		}
		space, err = spaceOf(fn, m.(PurchaseModel))
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
	// multipliers returns exp(link·η) of group g's base parameters at th.
	multipliers := func(th []float64, g int) []float64 {
		zp, zd := d.zP[d.groups.purchaseOf(int32(g))], d.zD[d.groups.dropoutOf(int32(g))]
		var ep, ed float64
		for c, z := range zp {
			ep += th[nb+c] * z
		}
		for c, z := range zd {
			ed += th[nb+d.dropCoef[c]] * z
		}
		m := make([]float64, nb)
		for j := range m {
			m[j] = 1 // a shape stays, whatever η (0·∞ would be NaN)
			if link.linkP[j] != 0 || link.linkD[j] != 0 {
				m[j] = math.Exp(link.linkP[j]*link.signP*ep + link.linkD[j]*link.signD*ed)
			}
		}
		return m
	}
	return &paramSpace{
		theta: theta, nLog: nb, groupOf: d.customerGroup, groups: d.groups.size(),
		model: func(th []float64, g int) parametric {
			p := multipliers(th, g)
			for j := range p {
				p[j] *= th[j]
			}
			return base.withParams(p)
		},
		// ∂θ_gj/∂θ_j = m_j, ∂θ_gj/∂γ_c = θ_gj·link_j·sign·z_c.
		jac: func(g int) [][]float64 {
			m := multipliers(theta, g)
			zp, zd := d.zP[d.groups.purchaseOf(int32(g))], d.zD[d.groups.dropoutOf(int32(g))]
			jac := make([][]float64, nb)
			for j := range jac {
				jac[j] = make([]float64, len(theta))
				jac[j][j] = m[j]
				at := theta[j] * m[j]
				for c, z := range zp {
					jac[j][nb+c] += at * link.linkP[j] * link.signP * z
				}
				for c, z := range zd {
					jac[j][nb+d.dropCoef[c]] += at * link.linkD[j] * link.signD * z
				}
			}
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
