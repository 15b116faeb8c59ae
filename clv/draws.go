package clv

import (
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/ltvgo/ltv/internal/fault"
	"github.com/ltvgo/ltv/internal/parallel"
	"github.com/ltvgo/ltv/resample"
)

// Streams of the PCG generator seeded with IntervalOptions.Seed: the
// purchase and spend draws are independent for one seed.
const (
	purchaseStream = 0x70757263 // "purc"
	spendStream    = 0x7370656e // "spen"
)

// DrawModels returns iv.Draws (0 means DefaultDraws) purchase models whose
// parameters are drawn from the fit's asymptotic normal distribution on
// the log scale, the scale the fit runs on:
//
//	ln θ ~ N(ln θ̂, D⁻¹·Σ·D⁻¹),   D = diag(θ̂),   Σ = fit.Cov
//
// (the delta method maps Σ to the log scale), so every draw is a valid
// model with positive parameters. The draws are reproducible from
// iv.Seed (math/rand/v2 PCG) and the same as those ScoreWithIntervals
// uses with ParameterDraws. Parameters with zero variance (held at a
// bound) stay at θ̂. Each result has model's concrete type (e.g. BGNBD).
// Map a function over them with MapDraws.
//
// Errors: a *DataError (Row −1) wrapping ErrInvalid for a model that is
// not of this package ("model"), a bad IntervalOptions field, or a fit.Cov
// that is missing, not a symmetric 4×4 matrix of finite numbers, or from a
// Penalized fit ("fit.Cov"); ErrSingular when fit.Cov is not positive
// definite on its free parameters.
func DrawModels(model PurchaseModel, fit Fit, iv IntervalOptions) ([]PurchaseModel, error) {
	const fn = "clv.DrawModels"
	iv, _, err := iv.resolve(fn)
	if err != nil {
		return nil, err
	}
	space, err := spaceOf(fn, model)
	if err != nil {
		return nil, err
	}
	ms, err := drawModels(fn, space, fit, iv)
	if err != nil {
		return nil, err
	}
	out := make([]PurchaseModel, len(ms))
	for i, m := range ms {
		out[i] = m
	}
	return out, nil
}

// drawModels returns the models of space's group 0 at iv.Draws draws of
// its parameters.
func drawModels(fn string, s *paramSpace, fit Fit, iv IntervalOptions) ([]parametric, error) {
	cov, err := paramCov(fn, "fit.Cov", fit, len(s.theta))
	if err != nil {
		return nil, err
	}
	draws, err := s.draw(fn, cov, iv)
	if err != nil {
		return nil, err
	}
	return s.groupModels(draws, 0), nil
}

// DrawSpendModels returns iv.Draws (0 means DefaultDraws) Gamma-Gamma
// models drawn as DrawModels draws purchase models, on the scale
// (ln p, ln(q−1), ln γ): q − 1 on the log scale keeps every draw's mean
// spend p·γ/(q−1) finite, as FitOptions.ConstrainQ's fit does. The draws
// come from iv.Seed on a stream independent of DrawModels'.
//
// Errors: as DrawModels ("spendFit.Cov", 3×3), and ErrUndefined when
// spend.Q ≤ 1 (the mean spend does not exist).
func DrawSpendModels(spend GammaGamma, fit Fit, iv IntervalOptions) ([]GammaGamma, error) {
	const fn = "clv.DrawSpendModels"
	iv, _, err := iv.resolve(fn)
	if err != nil {
		return nil, err
	}
	return drawSpendModels(fn, spend, fit, iv)
}

func drawSpendModels(fn string, spend GammaGamma, fit Fit, iv IntervalOptions) ([]GammaGamma, error) {
	cov, err := paramCov(fn, "spendFit.Cov", fit, 3)
	if err != nil {
		return nil, err
	}
	s := plainSpend(spend)
	draws, err := s.draw(fn, cov, iv)
	if err != nil {
		return nil, err
	}
	out := make([]GammaGamma, len(draws))
	for i, d := range draws {
		out[i] = s.model(d, 0)
	}
	return out, nil
}

// drawParams returns n draws of θ: the first nLog parameters as
// θ = lower + e^φ with φ ~ N(ln(θ̂ − lower), J·Σ·J), J = diag(1/(θ̂ − lower))
// (lower nil means 0), the others (covariate coefficients, of either sign)
// as θ ~ N(θ̂, Σ), jointly. Parameters with zero variance are not drawn.
func drawParams(fn, field string, theta, lower []float64, nLog int, cov [][]float64, n int, rng *rand.Rand) ([][]float64, error) {
	k := len(theta)
	if lower == nil {
		lower = make([]float64, k)
	}
	scale := make([]float64, k) // ∂φ/∂θ at θ̂
	var free []int
	for j := range k {
		scale[j] = 1
		if j < nLog {
			scale[j] = 1 / (theta[j] - lower[j])
		}
		if cov[j][j] > 0 {
			free = append(free, j)
		}
	}
	sym := mat.NewSymDense(len(free), nil)
	for a, i := range free {
		for b, j := range free {
			sym.SetSym(a, b, cov[i][j]*scale[i]*scale[j])
		}
	}
	var chol mat.Cholesky
	if len(free) > 0 && !chol.Factorize(sym) {
		return nil, fault.New(fn, -1, field, ErrSingular, "is not positive definite on the free parameters")
	}
	var l mat.TriDense
	chol.LTo(&l)
	out := make([][]float64, n)
	eps := make([]float64, len(free))
	for d := range out {
		for a := range eps {
			eps[a] = rng.NormFloat64()
		}
		th := slices.Clone(theta)
		for a, i := range free {
			var phi float64
			for b := 0; b <= a; b++ {
				phi += l.At(a, b) * eps[b]
			}
			if i < nLog {
				th[i] = lower[i] + (theta[i]-lower[i])*math.Exp(phi)
			} else {
				th[i] = theta[i] + phi
			}
		}
		out[d] = th
	}
	return out, nil
}

// MapDraws returns the interval of f over parameter draws (from
// DrawModels or DrawSpendModels, or any draws of any type): Estimate is
// f(at), at the fitted parameters, StdErr the standard deviation of f
// over draws, and Lower, Upper its percentiles (resample.Percentile: R
// type 7) at (1 ∓ level)/2; level 0 means 0.90. draws is not modified.
//
// Special cases are:
//
//	MapDraws(at, draws, level, f) has StdErr, Lower and Upper NaN if f is NaN or ±Inf at any draw,
//	                                or if there are fewer than 2 draws, or level is not in (0, 1)
func MapDraws[M any](at M, draws []M, level float64, f func(M) float64) Interval {
	vals := make([]float64, len(draws))
	for i, d := range draws {
		vals[i] = f(d)
	}
	return resample.Percentile(f(at), vals, level)
}

// TotalValueInterval returns the interval of the population total of
// Value, Σ Weight·Value (Weight 0 counting 1), as ScoreWithIntervals
// computes it, without the per-customer intervals. With ParameterDraws
// the customers are first compressed to distinct (x, t_x, T) rows carrying
// Σ w and Σ w·m̄ (the total is linear in m̄ given the models), so each draw
// costs one P(alive) per distinct row and the horizon's expectations once
// per distinct (x, T), on two goroutines. cs is not modified.
//
// Errors: those of ScoreWithIntervals.
func TotalValueInterval(model PurchaseModel, fit Fit, spend GammaGamma, spendFit Fit,
	cs []Customer, opt ValueOptions, iv IntervalOptions) (Interval, error) {
	const fn = "clv.TotalValueInterval"
	space, err := spaceOf(fn, model)
	if err != nil {
		return Interval{}, err
	}
	if iv.Method != ParameterDraws {
		_, total, err := scoreIntervals(fn, space, fit, plainSpend(spend), spendFit, cs, opt, iv)
		return total, err
	}
	iv, _, err = iv.resolve(fn)
	if err != nil {
		return Interval{}, err
	}
	pm := model.(parametric)
	if opt, err = opt.resolve(fn, model); err != nil {
		return Interval{}, err
	}
	models, err := drawModels(fn, space, fit, iv)
	if err != nil {
		return Interval{}, err
	}
	spends, err := drawSpendModels(fn, spend, spendFit, iv)
	if err != nil {
		return Interval{}, err
	}
	table, rowOf, err := valueRows(fn, cs, nil)
	if err != nil {
		return Interval{}, err
	}
	h := newHorizon(table.rows, opt)
	w, wm := make([]float64, len(h.rows)), make([]float64, len(h.rows))
	for i, c := range cs {
		w[rowOf[i]] += c.weight()
		wm[rowOf[i]] += c.weight() * c.Monetary
	}
	est := h.total(pm, spend, w, wm, newAliveRows(pm, h))
	if math.IsNaN(est) || math.IsInf(est, 0) {
		return Interval{}, fault.New(fn, -1, "", ErrUndefined, "the total has no finite value under %+v and %+v", model, spend)
	}
	return resample.Percentile(est, h.drawTotals(models, spends, w, wm), iv.Level), nil
}

// total returns margin·Σ_rows P(alive)·V·Σ_{i∈row} w_i·E[Z_i], with
// Σ w_i·E[Z_i] = p(γ·Σw + x·Σw·m̄)/(px + q − 1) (note 025 eq. 5 summed; x = 0
// gives the mean spend), the last factor taken per group.
func (h *horizon) total(m parametric, spend GammaGamma, w, wm []float64, al *aliveRows) float64 {
	al.eval(m)
	for g := range al.v {
		al.v[g] = 0
	}
	for i, r := range h.rows {
		al.v[h.groupOf[i]] += al.a[i] * (spend.Gamma*w[i] + r.x*wm[i])
	}
	var out [2]float64
	var sum float64
	for g, xt := range h.groups {
		h.ifAlive(m, g, out[:])
		sum += al.v[g] * out[1] * spend.P / (spend.P*xt[0] + spend.Q - 1)
	}
	return h.margin * sum
}

// drawTotals returns the total at every pair of draws, in parallel.
func (h *horizon) drawTotals(models []parametric, spends []GammaGamma, w, wm []float64) []float64 {
	out := make([]float64, len(models))
	perDraw := time.Duration(len(h.rows)) * drawRowCost
	layout := newAliveRows(models[0], h)
	parallel.For(len(models), perDraw, func(_, lo, hi int) {
		al := layout.scratch()
		for d := lo; d < hi; d++ {
			out[d] = h.total(models[d], spends[d], w, wm, al)
		}
	})
	return out
}

// drawRowCost is the time one draw's total takes per distinct row.
const drawRowCost = 20 * time.Nanosecond

// aliveRows holds scratch space to evaluate P(alive) (alive's sense) of
// every row of a horizon, and V per group, for many models of one kind.
// For the BG family the log-odds of a row split as
//
//	ℓo = [ln a − ln(b+x+s−1) + (r+x)·ln(α+T)] − (r+x)·ln(α+t_x) = ln A_(x,T) + ln B_(x,t_x),
//
// so with A and B exponentiated once per distinct (x, T) and (x, t_x),
// P(alive) = 1/(1 + A·B) costs no exp per row (one where A·B over- or
// underflows).
type aliveRows struct {
	h        *horizon
	a, v     []float64 // per row P(alive); per group scratch
	bg       bool
	pairOf   []int32      // per row: index of (x, t_x)
	pairs    [][2]float64 // distinct (x, t_x)
	lnA, lnB []float64
	expA     []float64
	expB     []float64
}

func newAliveRows(m parametric, h *horizon) *aliveRows {
	al := &aliveRows{h: h, a: make([]float64, len(h.rows)), v: make([]float64, len(h.groups))}
	switch m.(type) {
	case BGNBD, MBGNBD:
		al.bg = true
	default:
		return al
	}
	var pairs numbering[[2]float64]
	al.pairOf = make([]int32, len(h.rows))
	for i, r := range h.rows {
		al.pairOf[i] = pairs.number([2]float64{r.x, r.tx})
	}
	al.pairs = pairs.keys
	al.lnA, al.expA = make([]float64, len(h.groups)), make([]float64, len(h.groups))
	al.lnB, al.expB = make([]float64, len(al.pairs)), make([]float64, len(al.pairs))
	return al
}

// scratch returns rows evaluating the same layout (rows, groups, pairs)
// in buffers of their own, for another goroutine.
func (al *aliveRows) scratch() *aliveRows {
	c := *al
	c.a, c.v = make([]float64, len(al.a)), make([]float64, len(al.v))
	if al.bg {
		c.lnA, c.expA = make([]float64, len(al.lnA)), make([]float64, len(al.expA))
		c.lnB, c.expB = make([]float64, len(al.lnB)), make([]float64, len(al.expB))
	}
	return &c
}

// eval fills al.a for model m.
func (al *aliveRows) eval(m parametric) {
	var f bgFamily
	switch m := m.(type) {
	case BGNBD:
		f = m.family()
	case MBGNBD:
		f = m.family()
	}
	if !al.bg || !f.valid() {
		for i, r := range al.h.rows {
			al.a[i], _ = m.alive(Customer{Frequency: r.x, Recency: r.tx, T: r.t})
		}
		return
	}
	for g, xt := range al.h.groups {
		x := xt[0]
		al.lnA[g] = math.Inf(-1) // no dropout possible: P(alive) = 1
		if x+f.shift > 0 {
			al.lnA[g] = math.Log(f.a) - math.Log(f.b+x+f.shift-1) + (f.r+x)*math.Log(f.alpha+xt[1])
		}
		al.expA[g] = math.Exp(al.lnA[g])
	}
	for p, xt := range al.pairs {
		al.lnB[p] = -(f.r + xt[0]) * math.Log(f.alpha+xt[1])
		al.expB[p] = math.Exp(al.lnB[p])
	}
	for i := range al.a {
		g, p := al.h.groupOf[i], al.pairOf[i]
		if math.IsInf(al.lnA[g], -1) {
			al.a[i] = 1
			continue
		}
		e := al.expA[g] * al.expB[p]
		if !(e > 0 && e <= math.MaxFloat64) {
			e = math.Exp(al.lnA[g] + al.lnB[p])
		}
		al.a[i] = 1 / (1 + e)
	}
}

// drawScores is ScoreWithIntervals with ParameterDraws for the customers
// of one model m, drawn as models, paired with the spend parameters
// drawn as spends (customer k's spend model is group spendOf[k] of sp,
// group 0 for nil spendOf): it returns their intervals at the given
// level, the total of their values and that total at every draw. It works
// through the (x, T) groups one at a time, so memory stays at a few
// vectors of draws; customers of one row with the same Monetary and spend
// group share their percentiles.
func drawScores(fn string, m parametric, models []parametric, sp *spendSpace, spendOf []int32, spends [][]float64,
	cs []Customer, rowOf []int32, h *horizon, level float64) ([]ScoreInterval, float64, []float64, error) {
	nd := len(models)
	// Rows by group, customers by row.
	rowsOf := make([][]int32, len(h.groups))
	for i, g := range h.groupOf {
		rowsOf[g] = append(rowsOf[g], int32(i))
	}
	custOf := make([][]int32, len(h.rows))
	for i, r := range rowOf {
		custOf[r] = append(custOf[r], int32(i))
	}
	out := make([]ScoreInterval, len(cs))
	totals := make([]float64, nd)
	var total float64
	var ifAlive [2]float64
	ck, v := make([]float64, nd), make([]float64, nd)
	pa, pur, dd, val := make([]float64, nd), make([]float64, nd), make([]float64, nd), make([]float64, nd)
	for g, rows := range rowsOf {
		for d, md := range models {
			h.ifAlive(md, g, ifAlive[:])
			ck[d], v[d] = ifAlive[0], ifAlive[1]
		}
		h.ifAlive(m, g, ifAlive[:])
		ck0, v0 := ifAlive[0], ifAlive[1]
		for _, ri := range rows {
			r := h.rows[ri]
			c := Customer{Frequency: r.x, Recency: r.tx, T: r.t}
			a0, _ := m.alive(c)
			for d, md := range models {
				a, _ := md.alive(c)
				pa[d], pur[d], dd[d] = md.PAlive(c), a*ck[d], a*v[d]
			}
			pAlive := resample.Percentile(m.PAlive(c), pa, level)
			purchases := resample.Percentile(a0*ck0, pur, level)
			type key struct {
				monetary float64
				spend    int32
			}
			byMonetary := map[key]Interval{}
			for _, ci := range custOf[ri] {
				c := cs[ci]
				k := key{monetary: c.Monetary}
				if spendOf != nil {
					k.spend = spendOf[ci]
				}
				spend := sp.model(sp.theta, int(k.spend))
				est := h.margin * spend.ConditionalExpectedSpend(c) * a0 * v0
				if math.IsNaN(est) || math.IsInf(est, 0) {
					return nil, 0, nil, fault.New(fn, int(ci), "", ErrUndefined, "has no finite value under %+v and %+v", m, spend)
				}
				w := c.weight()
				total += w * est
				value, seen := byMonetary[k]
				for d, th := range spends {
					val[d] = h.margin * sp.model(th, int(k.spend)).ConditionalExpectedSpend(c) * dd[d]
					totals[d] += w * val[d]
				}
				if !seen {
					value = resample.Percentile(est, val, level)
					byMonetary[k] = value
				}
				out[ci] = ScoreInterval{PAlive: pAlive, Purchases: purchases, Value: value}
			}
		}
	}
	return out, total, totals, nil
}
