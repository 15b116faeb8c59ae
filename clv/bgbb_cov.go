package clv

import (
	"math"
	"slices"
	"time"

	"github.com/ltvgo/ltv/internal/fault"
	"github.com/ltvgo/ltv/internal/parallel"
)

// BGBBCov is a BG/BB with static covariates on the means of its two Beta
// mixing distributions, the dispersions held common: customer i's model is
// the BGBB For(z_p,i, z_d,i), with
//
//	α_i/β_i = (α/β)·exp(b_p·z_p,i)   α_i + β_i = α + β
//	γ_i/δ_i = (γ/δ)·exp(b_d·z_d,i)   γ_i + δ_i = γ + δ
//
// that is, the mean transaction probability μ_p,i = α_i/(α_i+β_i) has
// logit(μ_p,i) = ln(α/β) + b_p·z_p,i and the mean dropout probability
// μ_d,i = γ_i/(γ_i+δ_i) has logit(μ_d,i) = ln(γ/δ) + b_d·z_d,i, while the
// precisions α+β and γ+δ (the polarisation of p and θ around their means)
// are the same for everyone. This is the mean–precision parameterisation
// of beta regression (Ferrari & Cribari-Neto 2004, J. Applied Statistics
// 31(7)) and of logistic beta-binomial regression (Prentice 1986, JASA
// 81(394)), put on the BG/BB of Fader, Hardie & Shang (2010); neither
// CLVTools nor pymc-marketing has covariates for the BG/BB, so the
// parameterisation is this package's. A positive Purchase coefficient
// raises the customer's mean transaction probability, a positive Dropout
// coefficient the mean dropout probability.
//
// The embedded BGBB is the model of a customer whose covariates are all 0;
// Purchase and Dropout are b_p and b_d, one coefficient per column of
// Covariates.Purchase and .Dropout (a Shared column holds the same value in
// both). A BGBBCov built from published coefficients is as good as a
// fitted one; the value is safe for concurrent use.
type BGBBCov struct {
	BGBB
	Purchase, Dropout []float64
	// PurchaseNames and DropoutNames are the fit's Covariates.PurchaseNames
	// and .DropoutNames (nil: unnamed).
	PurchaseNames, DropoutNames []string
}

// For returns the BGBB of a customer with purchase covariates purchase and
// dropout covariates dropout, in the column order of the fit (nil for a
// process without covariates). Every prediction of BGBB (PAlive,
// ConditionalExpectedPurchases, DERT, Value through ScoreEach, …) then
// applies to that customer. Covariates whose linear predictor is 0 give
// the embedded BGBB exactly.
//
// Special cases are:
//
//	For(p, d) has NaN Alpha and Beta (Gamma and Delta) if len(p) ≠ len(m.Purchase) (len(d) ≠ len(m.Dropout)), and so NaN predictions
func (m BGBBCov) For(purchase, dropout []float64) BGBB {
	a, b := shiftOdds(m.Alpha, m.Beta, dot(m.Purchase, purchase))
	g, d := shiftOdds(m.Gamma, m.Delta, dot(m.Dropout, dropout))
	return BGBB{Alpha: a, Beta: b, Gamma: g, Delta: d, Period: m.Period}
}

// LogLikelihood returns ℓ of customer c with these covariates, that is
// For(purchase, dropout).LogLikelihood(c). It takes the covariates so that
// BGBBCov is not a PurchaseModel: a function taking one would otherwise
// score every customer with the promoted methods of the embedded BGBB,
// which are those of a customer whose covariates are all 0.
func (m BGBBCov) LogLikelihood(c Customer, purchase, dropout []float64) float64 {
	return m.For(purchase, dropout).LogLikelihood(c)
}

// Models returns the BGBB of every customer of cov (For of row i of
// cov.Purchase and cov.Dropout), in order. cov must have the model's
// columns (L2 and Shared are not read); it is not modified.
//
// Errors: a *DataError wrapping ErrInvalid names a row of the wrong length,
// a value that is NaN or ±Inf, or column names (Covariates.PurchaseNames,
// .DropoutNames) other than the model's when both are given; ErrEmpty
// when cov has no rows.
func (m BGBBCov) Models(cov Covariates) ([]BGBB, error) {
	const fn = "clv.BGBBCov.Models"
	if err := cov.sameNames(fn, m.PurchaseNames, m.DropoutNames); err != nil {
		return nil, err
	}
	rows, err := modelRows(fn, cov, len(m.Purchase), len(m.Dropout))
	if err != nil {
		return nil, err
	}
	out := make([]BGBB, len(rows))
	for i, r := range rows {
		out[i] = m.For(r.purchase, r.dropout)
	}
	return out, nil
}

// FitBGBBCov returns the maximum-likelihood BG/BB with static covariates
// cov for the discrete summaries cs (see BGBBCov for the parameterisation,
// and FitBGBB for the data). Each covariate group's BG/BB likelihood and
// its analytic gradient are those of FitBGBB, carried to (α, β, γ, δ) and
// the coefficients by the chain rule through the group's α_i, β_i, γ_i and
// δ_i; the search is FitBGBB's, on the log base parameters and the
// coefficients, and the standard errors come from differences of that
// gradient. Identical (x, t_x, n, z_p, z_d) rows are compressed first and
// Customer.Weight counts repeated rows; customers with equal covariates
// share the per-group work, so categorical covariates cost little, while
// a continuous one gives every customer their own row. The search starts
// from the fit without covariates (coefficients 0), then from FitBGBB's
// starts; FitOptions.Start (α, β, γ, δ, then the coefficients in the
// order below) replaces them. An empty Covariates{} is FitBGBB exactly. cs
// and cov are not modified.
//
// Fit.StdErr and Fit.Cov are in the order α, β, γ, δ, every Purchase
// coefficient (a Shared one included, once), then the Dropout coefficients
// that are not Shared; Fit.NumParams counts the coefficients, so AIC, BIC
// and LikelihoodRatioTest compare nested covariate fits. With
// Covariates.L2 > 0, Fit.Penalized is true and the standard errors are
// those of the penalised objective. A precision that runs to a limit (α+β
// or γ+δ → ∞: everyone of a covariate group has the same probability) is
// held there and reported with a *BoundaryError, as FitBGBB does.
//
// Errors: those of FitBGBB; a *DataError wrapping ErrInvalid for a
// covariate value that is NaN or ±Inf (naming the row and field, e.g.
// Row 17, Field "Purchase[2]"), a ragged row, a Purchase or Dropout whose
// row count is not len(cs), or a bad option (Row −1, Field
// "Covariates.Shared" or "Covariates.L2"); one wrapping ErrSingular for a
// constant column (collinear with ln(α/β) or ln(γ/δ)) or columns that are
// collinear.
func FitBGBBCov(cs []Customer, cov Covariates, opt *FitOptions) (BGBBCov, Fit, error) {
	return fitBGBB("clv.FitBGBBCov", cs, cov, opt)
}

// fitBGBB is FitBGBB and FitBGBBCov.
func fitBGBB(fn string, cs []Customer, cov Covariates, opt *FitOptions) (BGBBCov, Fit, error) {
	if len(cs) == 0 {
		return BGBBCov{}, Fit{}, fault.New(fn, -1, "", ErrEmpty, "no customers")
	}
	design, err := cov.design(fn, len(cs), scaleNames{purchase: "the log-odds ln(α/β)", dropout: "the log-odds ln(γ/δ)"})
	if err != nil {
		return BGBBCov{}, Fit{}, err
	}
	rows, rowGroups, n, err := compressGroups(fn, cs, design.customerGroup, true)
	if err != nil {
		return BGBBCov{}, Fit{}, err
	}
	problem := func(rows []row, rowGroups []int32, design *covDesign) (mlProblem, error) {
		if design.k == 0 { // the warm start without covariates: rows of all groups merge
			rows = distinctRows(rows)
		}
		return bgbbProblem(fn, rows, rowGroups, design, n), nil
	}
	p, _ := problem(rows, rowGroups, design)
	p = warmStarts(p, opt, rows, rowGroups, design, problem)
	th, fit, err := maximize(p, opt)
	if th == nil {
		return BGBBCov{}, fit, err
	}
	fit.Fingerprint = Fingerprint(cs)
	m := BGBBCov{BGBB: BGBB{th[0], th[1], th[2], th[3], opt.period()}}
	m.Purchase, m.Dropout = design.coefficients(th[4:])
	m.PurchaseNames, m.DropoutNames = design.purchaseNames, design.dropoutNames
	return m, fit, err
}

// distinctRows returns rows with equal (x, t_x, T) merged, their weights
// summed, in the order of first appearance (rows themselves when they are
// distinct).
func distinctRows(rows []row) []row {
	var t rowTable
	for _, r := range rows {
		t.add(r, 0)
	}
	return t.rows
}

// bgbbParams are the parameters (α, β, γ, δ) of the BG/BB.
var bgbbParams = []param{
	betaShape("Alpha", "Beta", "purchase probabilities", true), betaShape("Beta", "Alpha", "purchase probabilities", false),
	betaShape("Gamma", "Delta", "dropout probabilities", true), betaShape("Delta", "Gamma", "dropout probabilities", false),
}

// bgbbProblem returns the likelihood of a BG/BB with design's covariates
// on rows (Σ w = n), row j in covariate group rowGroups[j]. Starts:
// (1, 1, 1, 1), (1, 1, 1, 3) and (0.5, 0.5, 0.5, 0.5), coefficients 0.
func bgbbProblem(fn string, rows []row, rowGroups []int32, design *covDesign, n float64) mlProblem {
	p := mlProblem{
		fn:     fn,
		params: append(slices.Clone(bgbbParams), design.coefParams()...),
		starts: withCoefficients([][]float64{{1, 1, 1, 1}, {1, 1, 1, 3}, {0.5, 0.5, 0.5, 0.5}}, design.k),
		n:      n,
		rows:   len(rows),
		negLL: func(theta, grad []float64) float64 {
			return BGBB{Alpha: theta[0], Beta: theta[1], Gamma: theta[2], Delta: theta[3]}.negLogLikelihood(rows, grad)
		},
		ridge: design.l2,
	}
	if design.k > 0 {
		p.negLL = newBGBBCov(design, rows, rowGroups).negLL
	}
	return p
}

// bgbbCov is the likelihood of a BG/BB with covariates: each covariate
// group's BGBB from θ by shiftOdds, the rows' terms by bgbbNegLL, and the
// chain rule of oddsChain.
type bgbbCov struct {
	design    *covDesign
	rows      []row
	rowGroups []int32
	ab, gd    [][2]float64 // per purchase group (α_g, β_g), per dropout group (γ_g, δ_g)
	gAB, gGD  [][2]float64 // their parts of ∂(−LL)
	terms     []bgbbTerms  // per joint group
	grads     [][4]float64 // per joint group: ∂(−LL)/∂(α_g, β_g, γ_g, δ_g)
	dls       [][4]float64 // per row, bgbbNegLL's scratch
}

func newBGBBCov(design *covDesign, rows []row, rowGroups []int32) *bgbbCov {
	g := design.groups.size()
	nP, nD := design.groups.counts()
	return &bgbbCov{
		design: design, rows: rows, rowGroups: rowGroups,
		ab: make([][2]float64, nP), gd: make([][2]float64, nD),
		gAB: make([][2]float64, nP), gGD: make([][2]float64, nD),
		terms: make([]bgbbTerms, g), grads: make([][4]float64, g),
		dls: make([][4]float64, len(rows)),
	}
}

// bgbbTermsCost is the time newBGBBTerms takes.
const bgbbTermsCost = 100 * time.Nanosecond

// negLL returns −LL(θ) and, when grad is not nil, its gradient, for θ =
// (α, β, γ, δ, coefficients).
func (c *bgbbCov) negLL(theta, grad []float64) float64 {
	d := c.design
	purchase, dropout := d.coefficients(theta[4:])
	for pg, z := range d.zP {
		c.ab[pg][0], c.ab[pg][1] = shiftOdds(theta[0], theta[1], dot(purchase, z))
	}
	for dg, z := range d.zD {
		c.gd[dg][0], c.gd[dg][1] = shiftOdds(theta[2], theta[3], dot(dropout, z))
	}
	parallel.For(len(c.terms), bgbbTermsCost, func(_, lo, hi int) {
		for g := lo; g < hi; g++ {
			ab, gd := c.ab[d.groups.purchaseOf(int32(g))], c.gd[d.groups.dropoutOf(int32(g))]
			c.terms[g] = BGBB{Alpha: ab[0], Beta: ab[1], Gamma: gd[0], Delta: gd[1]}.newBGBBTerms()
		}
	})
	if grad == nil {
		return bgbbNegLL(c.rows, c.rowGroups, c.terms, nil, nil)
	}
	clear(c.grads)
	v := bgbbNegLL(c.rows, c.rowGroups, c.terms, c.grads, c.dls)
	// Each process's gradient per its own covariate group, then the chain
	// rule of shiftOdds into θ.
	clear(c.gAB)
	clear(c.gGD)
	for g, gr := range c.grads {
		p, q := &c.gAB[d.groups.purchaseOf(int32(g))], &c.gGD[d.groups.dropoutOf(int32(g))]
		p[0] += gr[0]
		p[1] += gr[1]
		q[0] += gr[2]
		q[1] += gr[3]
	}
	clear(grad)
	for pg, z := range d.zP {
		oddsChain(theta[0], theta[1], c.ab[pg], c.gAB[pg], grad[0:2], z, func(j int) int { return 4 + j }, grad)
	}
	for dg, z := range d.zD {
		oddsChain(theta[2], theta[3], c.gd[dg], c.gGD[dg], grad[2:4], z, func(j int) int { return 4 + d.dropCoef[j] }, grad)
	}
	return v
}

// shiftOdds returns the Beta(a', b') with odds a'/b' = e^η·a/b and the
// same precision a'+b' = a+b, so logit(a'/(a'+b')) = ln(a/b) + η; η = 0
// gives (a, b) exactly, and NaN η gives NaN. The exponential is taken of
// −|η|, so neither shape overflows.
func shiftOdds(a, b, eta float64) (float64, float64) {
	switch k := a + b; {
	case eta == 0:
		return a, b
	case eta > 0:
		u := b * math.Exp(-eta)
		return k * a / (a + u), k * u / (a + u)
	default:
		t := a * math.Exp(eta)
		return k * t / (t + b), k * b / (t + b)
	}
}

// oddsChain adds to base (∂/∂a, ∂/∂b) and to the coefficients coef(j) of
// gradient grad the chain rule of shiftOdds for one covariate group with
// covariates z, base shapes (a, b), own shapes own = (a', b') and gradient
// g = ∂/∂(a', b'). With k = a+b, M = (g_a'·a' + g_b'·b')/k and
// D = (a'·b'/k)·(g_a' − g_b'),
//
//	∂/∂a = M + D/a   ∂/∂b = M − D/b   ∂/∂b_j = D·z_j
//
// since ∂a'/∂η = −∂b'/∂η = a'·b'/k and ∂η/∂a = 1/a, ∂η/∂b = −1/b for
// η = ln(a/b) + b·z.
func oddsChain(a, b float64, own, g [2]float64, base, z []float64, coef func(j int) int, grad []float64) {
	k, a1, b1 := a+b, own[0], own[1]
	mean := (g[0]*a1 + g[1]*b1) / k
	diff := a1 * b1 / k * (g[0] - g[1])
	base[0] += mean + diff/a
	base[1] += mean - diff/b
	for j, v := range z {
		grad[coef(j)] += diff * v
	}
}
