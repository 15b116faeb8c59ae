package clv

import (
	"math"

	"github.com/ltvgo/ltv/internal/fault"
	"github.com/ltvgo/ltv/resample"
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
// With Bootstrap cs must be the customers both models were fitted to:
// they are resampled, both models refitted and every prediction
// recomputed per replicate (see IntervalMethod); fit and spendFit are not
// read.
//
// model must be a purchase model of this package without covariates
// (ScoreWithIntervalsCov takes those). cs is not modified.
//
// Errors: those of Score, and a *DataError wrapping ErrInvalid (Row −1)
// naming a bad IntervalOptions field, a model that is not of this package
// ("model"), or a covariance that is missing, not a symmetric k×k matrix
// of finite numbers, or from a Penalized fit (not a sampling covariance)
// ("fit.Cov", "spendFit.Cov"); with ParameterDraws, a covariance that is
// not positive definite on its free parameters is ErrSingular; with
// Bootstrap, a Weight that is not a whole number is ErrInvalid, and
// replicates whose refit failed are reported by a *BootstrapError
// (wrapping ErrNotConverged) returned with the intervals of the others,
// or alone when fewer than two replicates worked.
func ScoreWithIntervals(model PurchaseModel, fit Fit, spend GammaGamma, spendFit Fit,
	cs []Customer, opt ValueOptions, iv IntervalOptions) ([]ScoreInterval, Interval, error) {
	const fn = "clv.ScoreWithIntervals"
	space, err := spaceOf(fn, model)
	if err != nil {
		return nil, Interval{}, err
	}
	return scoreIntervals(fn, space, fit, plainSpend(spend), spendFit, cs, opt, iv)
}

// scoreIntervals is ScoreWithIntervals for the public function fn, the
// purchase models of space and the spend models of sp, group by group of
// space; within a group each customer takes the spend model of its own
// group of sp.
func scoreIntervals(fn string, space *paramSpace, fit Fit, sp *spendSpace, spendFit Fit,
	cs []Customer, opt ValueOptions, iv IntervalOptions) ([]ScoreInterval, Interval, error) {
	iv, z, err := iv.resolve(fn)
	if err != nil {
		return nil, Interval{}, err
	}
	if iv.Method == Bootstrap {
		if opt, err = opt.resolve(fn, space.model(space.theta, 0)); err != nil {
			return nil, Interval{}, err
		}
		if _, _, err := valueRows(fn, cs, nil); err != nil {
			return nil, Interval{}, err
		}
		return bootstrapScores(fn, space, sp, cs, opt, iv)
	}
	covP, err := paramCov(fn, "fit.Cov", fit, len(space.theta))
	if err != nil {
		return nil, Interval{}, err
	}
	covS, err := paramCov(fn, "spendFit.Cov", spendFit, len(sp.theta))
	if err != nil {
		return nil, Interval{}, err
	}
	if opt, err = opt.resolve(fn, space.model(space.theta, 0)); err != nil {
		return nil, Interval{}, err
	}
	if space.groupOf != nil { // in the caller's order, before the groups
		for i, c := range cs {
			if err := checkValueCustomer(fn, i, c); err != nil {
				return nil, Interval{}, err
			}
		}
	}
	var thetas [][]float64
	var spends [][]float64
	if iv.Method == ParameterDraws {
		if thetas, err = space.draw(fn, covP, iv); err != nil {
			return nil, Interval{}, err
		}
		if spends, err = sp.draw(fn, covS, iv); err != nil {
			return nil, Interval{}, err
		}
	}
	out := make([]ScoreInterval, len(cs))
	gP, gS, totals := make([]float64, len(space.theta)), make([]float64, len(sp.theta)), make([]float64, len(thetas))
	var total float64
	for g, members := range space.members() {
		sub := subset(cs, members)
		table, rowOf, err := valueRows(fn, sub, nil)
		if err != nil {
			return nil, Interval{}, err
		}
		h := newHorizon(table.rows, opt)
		m := space.model(space.theta, g)
		var part []ScoreInterval
		var t float64
		var ts, gPg, gSg []float64 // per draw; or the gradients
		spendOf := sp.groupsOf(members)
		if iv.Method == ParameterDraws {
			part, t, ts, err = drawScores(fn, m, space.groupModels(thetas, g), sp, spendOf, spends, sub, rowOf, h, iv.Level)
		} else {
			part, t, gPg, gSg, err = deltaScores(fn, m, space.groupCov(g, covP), sp, spendOf, covS, sub, rowOf, h, z)
		}
		if err != nil {
			return nil, Interval{}, callerRow(err, members)
		}
		for d, v := range ts {
			totals[d] += v
		}
		if gPg != nil {
			space.addGrad(gP, g, gPg)
		}
		for j, v := range gSg {
			gS[j] += v
		}
		scatter(out, part, members)
		total += t
	}
	if iv.Method == ParameterDraws {
		return out, resample.Percentile(total, totals, iv.Level), nil
	}
	return out, plainInterval(total, math.Sqrt(quadForm(gP, covP)+quadForm(gS, covS)), z), nil
}

// scatter writes part[k] into out[members[k]] (out[k] for nil members).
func scatter[T any](out, part []T, members []int32) {
	if members == nil {
		copy(out, part)
		return
	}
	for k, i := range members {
		out[i] = part[k]
	}
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

// deltaScores is ScoreWithIntervals by the delta method for the
// customers of one model m whose parameters have covariance covP, customer
// k's spend model group spendOf[k] of sp (group 0 for nil spendOf), whose
// θ_S has covariance covS: it returns their intervals, the total of their
// values and its gradients in m's parameters (gP) and in θ_S (gS).
func deltaScores(fn string, m parametric, covP [][]float64, sp *spendSpace, spendOf []int32, covS [][]float64,
	cs []Customer, rowOf []int32, h *horizon, z float64) (out []ScoreInterval, total float64, gP, gS []float64, err error) {
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
	out = make([]ScoreInterval, len(cs))
	rowSpend := make([]float64, len(h.rows)) // Σ w·E[Z] per row
	gS, gz, gzS := make([]float64, len(sp.theta)), make([]float64, 3), make([]float64, len(sp.theta))
	models := make(map[int32]GammaGamma) // spend group models at θ_S
	for i, c := range cs {
		r := &rows[rowOf[i]]
		var sg int32
		if spendOf != nil {
			sg = spendOf[i]
		}
		spend, ok := models[sg]
		if !ok {
			spend = sp.model(sp.theta, int(sg))
			models[sg] = spend
		}
		spendZ := spend.spendGrad(c, gz)
		sp.lift(gzS, int(sg), gz)
		v := h.margin * spendZ * r.d
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, 0, nil, nil, fault.New(fn, i, "", ErrUndefined, "has no finite value under %+v and %+v", m, spend)
		}
		vr := h.margin * h.margin * (spendZ*spendZ*r.qd + r.d*r.d*quadForm(gzS, covS))
		out[i] = ScoreInterval{PAlive: r.pAlive, Purchases: r.purchases, Value: plainInterval(v, math.Sqrt(vr), z)}
		w := c.weight()
		total += w * v
		rowSpend[rowOf[i]] += w * spendZ
		for j := range gS {
			gS[j] += w * h.margin * r.d * gzS[j]
		}
	}
	gP = make([]float64, k)
	for i, r := range rows {
		for j := range gP {
			gP[j] += h.margin * rowSpend[i] * r.gd[j]
		}
	}
	return out, total, gP, gS, nil
}
