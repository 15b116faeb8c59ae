package clv

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/floats"

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
	// PurchaseNames and DropoutNames are the fit's Covariates.PurchaseNames
	// and .DropoutNames (nil: unnamed).
	PurchaseNames, DropoutNames []string
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
		Period: m.Period,
	}
}

// LogLikelihood returns ℓ of customer c with these covariates, that is
// For(purchase, dropout).LogLikelihood(c). It takes the covariates so that
// ParetoNBDCov is not a PurchaseModel: a function taking one would otherwise
// score every customer with the promoted methods of the embedded ParetoNBD,
// which are those of a customer whose covariates are all 0.
func (m ParetoNBDCov) LogLikelihood(c Customer, purchase, dropout []float64) float64 {
	return m.For(purchase, dropout).LogLikelihood(c)
}

// Models returns the ParetoNBD of every customer of cov (For of row i of
// cov.Purchase and cov.Dropout), in order. cov must have the model's
// columns (L2 and Shared are not read); it is not modified.
//
// Errors: a *DataError wrapping ErrInvalid names a row of the wrong length,
// a value that is NaN or ±Inf, or column names (Covariates.PurchaseNames,
// .DropoutNames) other than the model's when both are given; ErrEmpty
// when cov has no rows.
func (m ParetoNBDCov) Models(cov Covariates) ([]ParetoNBD, error) {
	const fn = "clv.ParetoNBDCov.Models"
	if err := cov.sameNames(fn, m.PurchaseNames, m.DropoutNames); err != nil {
		return nil, err
	}
	rows, err := modelRows(fn, cov, len(m.Purchase), len(m.Dropout))
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
// β_i, and the search runs by damped Newton on a Hessian from differences
// of that gradient, four passes over the data whatever the number of
// coefficients (the groups' likelihoods are perturbed all at once);
// identical (x, t_x, T, z_p, z_d) rows are compressed first and
// Customer.Weight counts repeated rows. The search starts from the fit
// without covariates (coefficients 0) and, on 20,000 distinct rows or
// more, from a fit to a seeded 1/16 subsample of them; FitOptions.Start
// (r, α, s, β, then the coefficients in the order below) replaces both (then the defaults follow). An
// empty Covariates{} is FitParetoNBD exactly. Customers with equal
// covariates share the likelihood's terms, so categorical covariates cost
// little, while a continuous one gives every customer their own. cs and
// cov are not modified.
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
	rows, rowGroups, _, err := compressGroups(fn, cs, design.customerGroup, false)
	if err != nil {
		return ParetoNBDCov{}, Fit{}, err
	}
	problem := func(rows []row, rowGroups []int32, design *covDesign) (mlProblem, error) {
		return paretoProblem(fn, rows, rowGroups, design)
	}
	p, err := problem(rows, rowGroups, design)
	if err != nil {
		return ParetoNBDCov{}, Fit{}, err
	}
	p = warmStarts(p, opt, rows, rowGroups, design, problem)
	th, fit, err := maximize(p, opt)
	if th == nil {
		return ParetoNBDCov{}, fit, err
	}
	fit.Fingerprint = Fingerprint(cs)
	m := ParetoNBDCov{ParetoNBD: ParetoNBD{th[0], th[1], th[2], th[3], opt.period()}}
	m.Purchase, m.Dropout = design.coefficients(th[4:])
	m.PurchaseNames, m.DropoutNames = design.purchaseNames, design.dropoutNames
	return m, fit, err
}

// paretoParams are the parameters (r, α, s, β) of the Pareto/NBD.
var paretoParams = []param{
	gammaShape("R", "Alpha", "purchase rates"), {name: "Alpha"},
	gammaShape("S", "Beta", "dropout rates"), {name: "Beta"},
}

// paretoProblem returns the likelihood of a Pareto/NBD with design's
// covariates on rows, row j in covariate group rowGroups[j] (ErrInvalid
// for rows without a repeat purchase). Without covariates the search is
// BFGS on the analytic gradient; with covariates it is Newton on the
// Hessian of paretoCov.eval. Starts: CLVTools' (0.5, 15, 0.5, 10), all-1,
// and one scaled to the data's time unit.
func paretoProblem(fn string, rows []row, rowGroups []int32, design *covDesign) (mlProblem, error) {
	d := newParetoDataGroups(rows, rowGroups, design.groups.size())
	if d.sumX == 0 {
		return mlProblem{}, fault.New(fn, -1, "Frequency", ErrInvalid,
			"no customer has a repeat purchase, so the purchase rate is not identified")
	}
	n := floats.Sum(d.w)
	p := mlProblem{
		fn:     fn,
		params: append(slices.Clone(paretoParams), design.coefParams()...),
		starts: withCoefficients([][]float64{{0.5, 15, 0.5, 10}, {1, 1, 1, 1}, {1, d.sumT / d.sumX, 1, d.sumT / n}}, design.k),
		n:      n,
		rows:   len(rows),
		negLL:  d.negLL,
		ridge:  design.l2,
	}
	d.stop = &interrupt{}
	p.interrupt = d.stop
	if design.k > 0 {
		c := newParetoCov(design, d)
		p.negLL, p.hessian = c.negLL, c.eval
	}
	return p, nil
}

// paretoCov is the likelihood of a Pareto/NBD with covariates: each
// covariate group's model from θ, paretoData.eval, and the chain rule of
// covSums. It keeps the pass at the last θ: Newton evaluates a point in
// its line search and then asks for the gradient and Hessian there, and
// the standard errors ask for the Hessian at the optimum again.
type paretoCov struct {
	design *covDesign
	data   *paretoData
	models []ParetoNBD  // per joint group, at θ = at
	grads  [][4]float64 // per joint group: ∂(−LL)/∂(r, α_g, s, β_g) at at
	at     []float64    // the θ of models and grads; nil before the first pass
	v      float64      // −LL at at
	hess   []float64    // the Hessian in θ at at; nil until asked for
}

func newParetoCov(design *covDesign, data *paretoData) *paretoCov {
	g := design.groups.size()
	return &paretoCov{design: design, data: data, models: make([]ParetoNBD, g), grads: make([][4]float64, g)}
}

// negLL returns −LL(θ) and, when grad is not nil, its gradient, for θ = (r,
// α, s, β, coefficients).
func (c *paretoCov) negLL(theta, grad []float64) float64 { return c.eval(theta, grad, nil) }

// eval is negLL with, when hess is not nil, the row-major Hessian in θ.
//
// A covariate group's part of −LL depends on its own parameters (r, α_g,
// s, β_g) only, so perturbing one of them in every group at once and
// differencing the analytic gradient gives that column of every group's
// Hessian: four passes whatever the number of coefficients, where
// differences in θ would take one or two per parameter. covSums carries
// the groups' Hessians to θ.
func (c *paretoCov) eval(theta, grad, hess []float64) float64 {
	d := c.design
	if !slices.Equal(theta, c.at) {
		m := ParetoNBDCov{ParetoNBD: ParetoNBD{R: theta[0], Alpha: theta[1], S: theta[2], Beta: theta[3]}}
		m.Purchase, m.Dropout = d.coefficients(theta[4:])
		for g := range c.models {
			c.models[g] = m.For(d.zP[d.groups.purchaseOf(int32(g))], d.zD[d.groups.dropoutOf(int32(g))])
		}
		c.v = c.data.eval(c.models, c.grads)
		c.at, c.hess = slices.Clone(theta), nil
	}
	if grad == nil || math.IsNaN(c.v) {
		return c.v
	}
	newHessian := hess != nil && c.hess == nil
	s := newCovSums(d, paretoLink, theta, newHessian)
	var hs [][4][4]float64
	if newHessian {
		hs = c.groupHessians()
	}
	for g, m := range c.models {
		var h *[4][4]float64
		if hs != nil {
			h = &hs[g]
		}
		at := [4]float64{m.R, m.Alpha, m.S, m.Beta}
		s.add(int(d.groups.purchaseOf(int32(g))), int(d.groups.dropoutOf(int32(g))), &at, &c.grads[g], h)
	}
	switch {
	case newHessian:
		s.result(grad, hess)
		c.hess = slices.Clone(hess)
	case hess != nil:
		s.result(grad, nil)
		copy(hess, c.hess)
	default:
		s.result(grad, nil)
	}
	return c.v
}

// groupHessians returns each group's Hessian of its part of −LL in its
// own (r, α_g, s, β_g) by forward differences of its gradient from
// c.models and c.grads (which it leaves as they were), each parameter
// stepped by 1e-5 of itself: four passes. Their error, ~1e-5 relative, is
// far below what Newton's steps and the standard errors need.
func (c *paretoCov) groupHessians() [][4][4]float64 {
	const h = 1e-5
	at, atGrads := slices.Clone(c.models), slices.Clone(c.grads)
	hs := make([][4][4]float64, len(at))
	steps := make([]float64, len(at))
	for j := range 4 {
		for g, m := range at {
			p := [4]*float64{&m.R, &m.Alpha, &m.S, &m.Beta}[j]
			v := *p
			*p *= 1 + h
			steps[g] = *p - v // exactly the step taken
			c.models[g] = m
		}
		c.data.eval(c.models, c.grads)
		for g := range at {
			for i := range 4 {
				hs[g][i][j] = (c.grads[g][i] - atGrads[g][i]) / steps[g]
			}
		}
	}
	copy(c.models, at)
	copy(c.grads, atGrads)
	for g := range hs { // symmetrise
		for i := range 4 {
			for j := i + 1; j < 4; j++ {
				v := (hs[g][i][j] + hs[g][j][i]) / 2
				hs[g][i][j], hs[g][j][i] = v, v
			}
		}
	}
	return hs
}
