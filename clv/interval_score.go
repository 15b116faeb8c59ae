package clv

import (
	"math"

	"github.com/ltvgo/ltv/internal/fault"
)

// ScoreInterval holds the intervals of one customer's Score.
type ScoreInterval struct {
	PAlive    Interval // P(alive) at T
	Purchases Interval // E[Y(K·f)]: expected purchases over the whole horizon
	Value     Interval // discounted value over the horizon
}

// ScoreWithIntervals returns, for every customer in order, the intervals
// of Score's P(alive), expected purchases over the horizon and value, and
// the interval of the population total of the values (Σ Weight·Value,
// Weight 0 counting 1), from the uncertainty of both fits: fit.Cov for
// the purchase model, spendFit.Cov for the spend model, taken as
// independent (the two are fitted to different data). Estimates are
// Score's (up to rounding).
//
// With DeltaMethod (see IntervalMethod) the total's standard error is
// sqrt(∇S'·Σ·∇S) of the sum S, which counts the covariance between
// customers that share the parameters, not the sum of the customers'
// variances. The purchase predictions are split as P(alive) times an
// expectation given alive that depends on (x, T) only (see
// ConditionalProbPurchases); the latter's gradient, which involves
// derivatives of hypergeometric functions, is taken by Richardson-
// extrapolated central differences in log-parameter space (see
// PredictionIntervals) once per distinct (x, T), and P(alive)'s gradient per
// distinct (x, t_x, T), in closed form for BGNBD and MBGNBD, by the same
// differences otherwise; the Gamma-Gamma gradient is in closed form. With
// ParameterDraws the models are drawn as DrawModels and DrawSpendModels
// do and every prediction is recomputed per draw, once per distinct row.
//
// model must be a purchase model of this package. cs is not modified.
//
// Errors: those of Score, and a *DataError wrapping ErrInvalid (Row −1)
// naming a bad IntervalOptions field, a model that is not of this package
// ("model"), or a covariance that is missing, not a symmetric k×k matrix
// of finite numbers, or from a Penalized fit (not a sampling covariance)
// ("fit.Cov", "spendFit.Cov"); with ParameterDraws, a covariance that is
// not positive definite on its free parameters is ErrSingular.
func ScoreWithIntervals(model PurchaseModel, fit Fit, spend GammaGamma, spendFit Fit,
	cs []Customer, opt ValueOptions, iv IntervalOptions) ([]ScoreInterval, Interval, error) {
	return scoreIntervals("clv.ScoreWithIntervals", model, fit, spend, spendFit, cs, opt, iv)
}

// scoreIntervals is ScoreWithIntervals for the public function fn.
func scoreIntervals(fn string, model PurchaseModel, fit Fit, spend GammaGamma, spendFit Fit,
	cs []Customer, opt ValueOptions, iv IntervalOptions) ([]ScoreInterval, Interval, error) {
	iv, z, err := iv.resolve(fn)
	if err != nil {
		return nil, Interval{}, err
	}
	pm, ok := model.(parametric)
	if !ok {
		return nil, Interval{}, fault.New(fn, -1, "model", ErrInvalid, "is a %T, want a purchase model of package clv", model)
	}
	covP, err := paramCov(fn, "fit.Cov", fit, len(pm.params()))
	if err != nil {
		return nil, Interval{}, err
	}
	covS, err := paramCov(fn, "spendFit.Cov", spendFit, 3)
	if err != nil {
		return nil, Interval{}, err
	}
	opt, err = opt.resolve(fn, model)
	if err != nil {
		return nil, Interval{}, err
	}
	table, rowOf, err := valueRows(fn, cs, nil)
	if err != nil {
		return nil, Interval{}, err
	}
	h := newHorizon(table.rows, opt)
	if iv.Method == ParameterDraws {
		return drawScores(fn, pm, fit, spend, spendFit, cs, rowOf, h, iv)
	}
	return deltaScores(fn, pm, covP, spend, covS, cs, rowOf, h, z)
}

// horizon is a valuation problem laid out for the split of the
// predictions: the distinct (x, t_x, T) rows, the distinct (x, T) groups
// they fall in, and the cash-flow schedule.
type horizon struct {
	rows     []row
	groupOf  []int32      // per row
	groups   [][2]float64 // distinct (x, T)
	f        float64      // cash-flow period in model units
	periods  int
	discount float64
	margin   float64
}

func newHorizon(rows []row, opt ValueOptions) *horizon {
	h := &horizon{rows: rows, groupOf: make([]int32, len(rows)),
		f: float64(opt.CashFlow) / float64(opt.Period), periods: opt.Horizon, discount: opt.Discount, margin: opt.Margin}
	var groups numbering[[2]float64]
	for i, r := range rows {
		h.groupOf[i] = groups.number([2]float64{r.x, r.t})
	}
	h.groups = groups.keys
	return h
}

// ifAlive writes, for a customer alive at T after x purchases, the
// expected purchases over the horizon C_K = E[Y(K·f) | alive] into out[0]
// and the discounted purchases V = Σ_k (C_k − C_{k−1})/(1+d)^k into out[1],
// as Score discounts them.
func (h *horizon) ifAlive(m parametric, g int, out []float64) {
	x, T := h.groups[g][0], h.groups[g][1]
	out[0], out[1] = discounted(h.periods, h.discount, func(k int) float64 { return m.purchasesIfAlive(x, T, float64(k)*h.f) })
}

// aliveRow returns P(alive) in PAlive's sense (pa) and in alive's (a) for
// one row, and writes their gradients into gpa and ga: in closed form
// where the model has one, by the stencil otherwise.
func aliveRow(m parametric, st *stencil, c Customer, gpa, ga []float64, buf []float64) (pa, a float64) {
	if ag, ok := m.(aliveGradient); ok {
		a, _ = ag.aliveGrad(c, ga)
		copy(gpa, ga)
		return a, a
	}
	f := func(m parametric, out []float64) {
		out[0] = m.PAlive(c)
		out[1], _ = m.alive(c)
	}
	var v [2]float64
	f(m, v[:])
	st.grad(f, [][]float64{gpa, ga}, buf)
	return v[0], v[1]
}

// spendGrad returns E[Z | x, m̄] = p(γ + x·m̄)/(px + q − 1) and writes its
// gradient in (p, q, γ) into g (note 025 eq. 5, differentiated):
//
//	∂/∂p = (γ + x·m̄)(q−1)/D²,   ∂/∂q = −p(γ + x·m̄)/D²,   ∂/∂γ = p/D,   D = px + q − 1.
func (m GammaGamma) spendGrad(c Customer, g []float64) float64 {
	z := m.ConditionalExpectedSpend(c)
	num, den := m.Gamma+c.Frequency*c.Monetary, m.P*c.Frequency+m.Q-1
	g[0] = num * (m.Q - 1) / (den * den)
	g[1] = -m.P * num / (den * den)
	g[2] = m.P / den
	return z
}

// deltaScores is ScoreWithIntervals by the delta method.
func deltaScores(fn string, m parametric, covP [][]float64, spend GammaGamma, covS [][]float64,
	cs []Customer, rowOf []int32, h *horizon, z float64) ([]ScoreInterval, Interval, error) {
	k := len(covP)
	st := newStencil(m, covP)
	buf := make([]float64, 8)

	// Per (x, T) group: C_K and V with their gradients.
	type groupPart struct {
		ck, v   float64
		gck, gv []float64
	}
	groups := make([]groupPart, len(h.groups))
	for g := range groups {
		gp := groupPart{gck: make([]float64, k), gv: make([]float64, k)}
		var out [2]float64
		h.ifAlive(m, g, out[:])
		gp.ck, gp.v = out[0], out[1]
		st.grad(func(m parametric, out []float64) { h.ifAlive(m, g, out) }, [][]float64{gp.gck, gp.gv}, buf)
		groups[g] = gp
	}

	// Per (x, t_x, T) row: P(alive), purchases and D = P(alive)·V with
	// gradients; ∇D is kept for the total.
	type rowPart struct {
		pAlive, purchases Interval
		d, qd             float64
		gd                []float64
	}
	rows := make([]rowPart, len(h.rows))
	gpa, ga, gp := make([]float64, k), make([]float64, k), make([]float64, k)
	for i, r := range h.rows {
		c := Customer{Frequency: r.x, Recency: r.tx, T: r.t}
		pa, a := aliveRow(m, st, c, gpa, ga, buf)
		gr := groups[h.groupOf[i]]
		gd := make([]float64, k)
		for j := range k {
			gp[j] = ga[j]*gr.ck + a*gr.gck[j]
			gd[j] = ga[j]*gr.v + a*gr.gv[j]
		}
		rows[i] = rowPart{
			pAlive:    probInterval(pa, math.Sqrt(quadForm(gpa, covP)), z),
			purchases: plainInterval(a*gr.ck, math.Sqrt(quadForm(gp, covP)), z),
			d:         a * gr.v, qd: quadForm(gd, covP), gd: gd,
		}
	}

	// Per customer: value = margin·E[Z]·D, and the total's gradient.
	out := make([]ScoreInterval, len(cs))
	rowSpend := make([]float64, len(h.rows)) // Σ w·E[Z] per row
	var total float64
	gS, gz := make([]float64, 3), make([]float64, 3)
	for i, c := range cs {
		r := &rows[rowOf[i]]
		spendZ := spend.spendGrad(c, gz)
		v := h.margin * spendZ * r.d
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, Interval{}, fault.New(fn, i, "", ErrUndefined, "has no finite value under %+v and %+v", m, spend)
		}
		vr := h.margin * h.margin * (spendZ*spendZ*r.qd + r.d*r.d*quadForm(gz, covS))
		out[i] = ScoreInterval{PAlive: r.pAlive, Purchases: r.purchases, Value: plainInterval(v, math.Sqrt(vr), z)}
		w := c.weight()
		total += w * v
		rowSpend[rowOf[i]] += w * spendZ
		for j := range gS {
			gS[j] += w * h.margin * r.d * gz[j]
		}
	}
	gP := make([]float64, k)
	for i, r := range rows {
		for j := range gP {
			gP[j] += h.margin * rowSpend[i] * r.gd[j]
		}
	}
	return out, plainInterval(total, math.Sqrt(quadForm(gP, covP)+quadForm(gS, covS)), z), nil
}
