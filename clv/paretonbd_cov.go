package clv

import (
	"math"

	"github.com/ltvgo/ltv/internal/fault"
)

// ParetoNBDCov is a Pareto/NBD with static covariates (see Covariates):
// customer i's model is the ParetoNBD For(z_p,i, z_d,i), with
//
//	α_i = α·exp(−γ_p·z_p,i)   β_i = β·exp(−γ_d·z_d,i)
//
// and the shapes R and S of the embedded ParetoNBD, which is the model of a
// customer whose covariates are all 0. Purchase and Dropout are γ_p and
// γ_d, one coefficient per column of Covariates.Purchase and .Dropout (a
// Shared column holds the same value in both). A ParetoNBDCov built from
// published coefficients (e.g. CLVTools' trans.* and life.*, same signs)
// is as good as a fitted one; the value is safe for concurrent use.
type ParetoNBDCov struct {
	ParetoNBD
	Purchase, Dropout []float64
}

// For returns the ParetoNBD of a customer with purchase covariates
// purchase and dropout covariates dropout, in the column order of the fit
// (nil for a process without covariates). Every prediction of ParetoNBD
// (PAlive, ConditionalExpectedPurchases, DERT, Value through ScoreEach,
// …) then applies to that customer.
//
// Special cases are:
//
//	For(p, d) has NaN Alpha (Beta) if len(p) ≠ len(m.Purchase) (len(d) ≠ len(m.Dropout)), and so NaN predictions
func (m ParetoNBDCov) For(purchase, dropout []float64) ParetoNBD {
	return ParetoNBD{
		R: m.R, Alpha: scale(m.Alpha, paretoLink.signP, m.Purchase, purchase),
		S: m.S, Beta: scale(m.Beta, paretoLink.signD, m.Dropout, dropout),
	}
}

// Models returns the ParetoNBD of every customer of cov (For of row i of
// cov.Purchase and cov.Dropout), in order. cov must have the model's
// columns (L2 and Shared are not read); it is not modified.
//
// Errors: a *DataError wrapping ErrInvalid names a row of the wrong length
// or a value that is NaN or ±Inf, or ErrEmpty when cov has no rows.
func (m ParetoNBDCov) Models(cov Covariates) ([]ParetoNBD, error) {
	rows, err := modelRows("clv.ParetoNBDCov.Models", cov, len(m.Purchase), len(m.Dropout))
	if err != nil {
		return nil, err
	}
	out := make([]ParetoNBD, len(rows))
	for i, r := range rows {
		out[i] = m.For(r.purchase, r.dropout)
	}
	return out, nil
}

// FitParetoNBDCov returns the maximum-likelihood Pareto/NBD with static
// covariates cov for cs (see Covariates for the parameterisation, CLVTools
// 0.12.1's). The analytic gradient of FitParetoNBD is carried to the
// coefficients by the chain rule through each covariate group's α_i and
// β_i; identical (x, t_x, T, z_p, z_d) rows are compressed first and
// Customer.Weight counts repeated rows. The search starts from the fit
// without covariates (coefficients 0), unless FitOptions.Start is set (r,
// α, s, β, then the coefficients in the order below). An empty
// Covariates{} is FitParetoNBD exactly. cs and cov are not modified.
//
// Fit.StdErr and Fit.Cov are in the order r, α, s, β, every Purchase
// coefficient (a Shared one included, once), then the Dropout coefficients
// that are not Shared; Fit.NumParams counts the coefficients, so AIC, BIC
// and LikelihoodRatioTest compare nested covariate fits. With
// Covariates.L2 > 0, Fit.Penalized is true and the standard errors are
// those of the penalised objective.
//
// Errors: those of FitParetoNBD; a *DataError wrapping ErrInvalid for a
// covariate value that is NaN or ±Inf (naming the row and field, e.g.
// Row 17, Field "Purchase[2]"), a ragged row, a Purchase or Dropout whose
// row count is not len(cs), or a bad option (Row −1, Field
// "Covariates.Shared" or "Covariates.L2"); one wrapping ErrSingular for a
// constant column (collinear with α or β) or columns that are collinear.
func FitParetoNBDCov(cs []Customer, cov Covariates, opt *FitOptions) (ParetoNBDCov, Fit, error) {
	return fitParetoNBD("clv.FitParetoNBDCov", cs, cov, opt)
}

// fitParetoNBD is FitParetoNBD and FitParetoNBDCov.
func fitParetoNBD(fn string, cs []Customer, cov Covariates, opt *FitOptions) (ParetoNBDCov, Fit, error) {
	if len(cs) == 0 {
		return ParetoNBDCov{}, Fit{}, fault.New(fn, -1, "", ErrEmpty, "no customers")
	}
	design, err := cov.design(fn, len(cs), scaleNames{purchase: "the scale α", dropout: "the scale β"})
	if err != nil {
		return ParetoNBDCov{}, Fit{}, err
	}
	rows, rowGroups, n, err := compressGroups(fn, cs, design.customerGroup, false)
	if err != nil {
		return ParetoNBDCov{}, Fit{}, err
	}
	d := newParetoDataGroups(rows, rowGroups, design.groups.size())
	if d.sumX == 0 {
		return ParetoNBDCov{}, Fit{}, fault.New(fn, -1, "Frequency", ErrInvalid,
			"no customer has a repeat purchase, so the purchase rate is not identified")
	}
	meanT := d.sumT / n
	p := mlProblem{
		fn: fn,
		params: append([]param{
			gammaShape("R", "Alpha", "purchase rates"), {name: "Alpha"},
			gammaShape("S", "Beta", "dropout rates"), {name: "Beta"},
		}, design.coefParams()...),
		starts: [][]float64{{0.5, 15, 0.5, 10}, {1, 1, 1, 1}, {1, d.sumT / d.sumX, 1, meanT}},
		n:      n,
		rows:   len(rows),
		negLL:  d.negLL,
		ridge:  design.l2,
	}
	if design.k > 0 {
		p.starts = covStarts(p.starts, design.k, opt, func(o *FitOptions) ([]float64, error) {
			m, _, err := fitParetoNBD(fn, cs, Covariates{}, o)
			return []float64{m.R, m.Alpha, m.S, m.Beta}, err
		})
		p.negLL = newParetoCov(design, d).negLL
	}
	th, fit, err := maximize(p, opt)
	if th == nil {
		return ParetoNBDCov{}, fit, err
	}
	m := ParetoNBDCov{ParetoNBD: ParetoNBD{th[0], th[1], th[2], th[3]}}
	m.Purchase, m.Dropout = design.coefficients(th[4:])
	return m, fit, err
}

// paretoCov is the likelihood of a Pareto/NBD with covariates: each
// covariate group's model from θ, paretoData.eval, and the chain rule of
// covSums.
type paretoCov struct {
	design *covDesign
	data   *paretoData
	models []ParetoNBD  // per joint group
	scales [][2]float64 // per joint group: ∂(−LL)/∂(α_g, β_g)
}

func newParetoCov(design *covDesign, data *paretoData) *paretoCov {
	g := design.groups.size()
	return &paretoCov{design: design, data: data, models: make([]ParetoNBD, g), scales: make([][2]float64, g)}
}

// negLL returns −LL(θ) and, when grad is not nil, its gradient, for θ = (r,
// α, s, β, coefficients).
func (c *paretoCov) negLL(theta, grad []float64) float64 {
	d, gr := c.design, c.design.groups
	m := ParetoNBDCov{ParetoNBD: ParetoNBD{theta[0], theta[1], theta[2], theta[3]}}
	m.Purchase, m.Dropout = d.coefficients(theta[4:])
	for g := range c.models {
		c.models[g] = m.For(d.zP[gr.purchaseOf(int32(g))], d.zD[gr.dropoutOf(int32(g))])
	}
	var shapes [2]float64
	v := c.data.eval(c.models, &shapes, c.scales)
	if grad == nil || math.IsNaN(v) {
		return v
	}
	s := newCovSums(d, paretoLink, false)
	s.add(-1, -1, &[4]float64{shapes[0], 0, shapes[1], 0}, nil)
	for g, sc := range c.scales {
		mg := c.models[g]
		s.add(int(gr.purchaseOf(int32(g))), int(gr.dropoutOf(int32(g))), &[4]float64{0, sc[0] * mg.Alpha, 0, sc[1] * mg.Beta}, nil)
	}
	s.toTheta(theta, grad, nil)
	return v
}
