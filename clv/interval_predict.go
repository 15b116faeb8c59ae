package clv

import (
	"math"
	"slices"

	"github.com/ltvgo/ltv/internal/fault"
	"github.com/ltvgo/ltv/resample"
)

// PredictionKind names a per-customer prediction of a purchase model.
type PredictionKind int

// The predictions PredictionIntervals computes intervals for.
const (
	PAlivePrediction     PredictionKind = iota // PAlive(c)
	NoPurchasePrediction                       // ProbNoPurchase(c, Horizon)
	PurchasesPrediction                        // ConditionalExpectedPurchases(c, Horizon)
	DERTPrediction                             // DERT(c, Rate), for the models that have it (ParetoNBD, BGBB)
)

// Prediction says which per-customer prediction PredictionIntervals
// computes intervals for.
type Prediction struct {
	Kind PredictionKind
	// Horizon is t of NoPurchasePrediction and PurchasesPrediction, the
	// window (T, T+t] in the model's periods (for BGBB whole opportunities),
	// finite and ≥ 0.
	Horizon float64
	// Rate is DERTPrediction's discount rate, > 0: continuously compounded
	// per period for ParetoNBD, effective per opportunity for BGBB (see
	// their DERT methods).
	Rate float64
}

// dertModel is a purchase model with a DERT method.
type dertModel interface {
	DERT(c Customer, rate float64) float64
}

// noPurchaseGradient is implemented by the models whose ProbNoPurchase
// has a closed-form gradient.
type noPurchaseGradient interface {
	noPurchaseGrad(c Customer, t float64, g []float64) float64
}

func (m BGNBD) noPurchaseGrad(c Customer, t float64, g []float64) float64 {
	return m.family().noPurchaseGrad(c, t, g)
}

func (m MBGNBD) noPurchaseGrad(c Customer, t float64, g []float64) float64 {
	return m.family().noPurchaseGrad(c, t, g)
}

// noPurchaseGrad returns ProbNoPurchase(c, t) = (1 − P) + P·s with
// P = P(alive), s = ((α+T)/(α+T+t))^(r+x), and writes its gradient into g:
// −(1 − s)·∂P + P·∂s, where ∂s/∂r = −s·ln(1 + t/(α+T)) and
// ∂s/∂α = s·(r+x)·t/((α+T)(α+T+t)).
func (m bgFamily) noPurchaseGrad(c Customer, t float64, g []float64) float64 {
	p, _ := m.aliveGrad(c, g)
	p0 := m.conditionalPMF(c, 0, t)
	if math.IsNaN(p0) {
		return p0
	}
	x, at := c.Frequency, m.alpha+c.T
	l := math.Log1p(t / at)
	s := math.Exp(-(m.r + x) * l)
	for j := range g {
		g[j] *= -(1 - s) // ∂s/∂a = ∂s/∂b = 0
	}
	g[0] -= p * s * l
	g[1] += p * s * (m.r + x) * t / (at * (at + t))
	return p0
}

// function returns the prediction as a function of the model and the
// customer, whether it is a probability, and a gradient in closed form
// where the model has one (nil otherwise).
func (p Prediction) function(fn string, model parametric) (f func(parametric, Customer) float64,
	prob bool, grad func(Customer, []float64) float64, err error) {
	_, discrete := model.(BGBB)
	badHorizon := !(p.Horizon >= 0) || math.IsInf(p.Horizon, 1) || (discrete && !isCount(p.Horizon))
	t := p.Horizon
	switch p.Kind {
	case PAlivePrediction:
		if ag, ok := model.(aliveGradient); ok {
			grad = func(c Customer, g []float64) float64 { v, _ := ag.aliveGrad(c, g); return v }
		}
		return func(m parametric, c Customer) float64 { return m.PAlive(c) }, true, grad, nil
	case NoPurchasePrediction:
		if badHorizon {
			break
		}
		if ng, ok := model.(noPurchaseGradient); ok {
			grad = func(c Customer, g []float64) float64 { return ng.noPurchaseGrad(c, t, g) }
		}
		return func(m parametric, c Customer) float64 { return m.ProbNoPurchase(c, t) }, true, grad, nil
	case PurchasesPrediction:
		if badHorizon {
			break
		}
		return func(m parametric, c Customer) float64 { return m.ConditionalExpectedPurchases(c, t) }, false, nil, nil
	case DERTPrediction:
		if _, ok := model.(dertModel); !ok {
			return nil, false, nil, fault.New(fn, -1, "Prediction.Kind", ErrInvalid, "is DERTPrediction, but a %T has no DERT", model)
		}
		if !(p.Rate > 0) || math.IsInf(p.Rate, 1) {
			return nil, false, nil, fault.New(fn, -1, "Prediction.Rate", ErrInvalid, "is %v, want a discount rate > 0", p.Rate)
		}
		return func(m parametric, c Customer) float64 { return m.(dertModel).DERT(c, p.Rate) }, false, nil, nil
	default:
		return nil, false, nil, fault.New(fn, -1, "Prediction.Kind", ErrInvalid, "is %d, not a PredictionKind", p.Kind)
	}
	want := "a finite t ≥ 0"
	if discrete {
		want = "a whole number of opportunities ≥ 0"
	}
	return nil, false, nil, fault.New(fn, -1, "Prediction.Horizon", ErrInvalid, "is %v, want %s", p.Horizon, want)
}

// PredictionIntervals returns, for every customer in order, the interval
// of one prediction of a fitted purchase model (P(alive), P(no purchase in
// t), expected purchases in t, or DERT; see Prediction), and the interval
// of its population total Σ Weight·prediction (Weight 0 counting 1), e.g.
// the expected number of customers alive, or of purchases, with the
// uncertainty of fit.Cov.
//
// With DeltaMethod (see IntervalMethod) the gradient is in closed form for
// BGNBD's and MBGNBD's P(alive) and P(no purchase) (FHL 2008 note 021,
// differentiated). Elsewhere it would need derivatives of hypergeometric
// functions in their parameters (BGNBD's M, Pareto/NBD's F and DERT), so
// it is taken by Richardson-extrapolated central differences in ln θ:
// with the step h_j = min(2^−6, σ_j/8), σ_j the standard error of ln θ_j,
// and h_j/2, (4·D(h/2) − D(h))/3 with D the central difference, whose
// error is O(h⁴) (about 1e-9 relative on CDNOW, against mpmath). The
// total's standard error is sqrt(∇S'·Σ·∇S) of the sum S. With
// ParameterDraws the prediction is recomputed for every draw of
// DrawModels, once per distinct (x, t_x, T); with Bootstrap for every
// refit to resampled customers (cs must be the fitted customers, see
// IntervalMethod; fit is not read). cs is not modified.
//
// Errors: a *DataError wrapping ErrEmpty for no customers, ErrInvalid for
// a bad customer (naming the row and field; BGBB rows must be whole
// numbers), a bad Prediction or IntervalOptions field, a model that is not
// of this package ("model") or a bad fit.Cov (Row −1; as for
// ScoreWithIntervals); ErrUndefined when the prediction is not finite for
// a customer; with ParameterDraws, a covariance that is not positive
// definite on its free parameters is ErrSingular; with Bootstrap, the
// errors of ScoreWithIntervals's Bootstrap.
func PredictionIntervals(model PurchaseModel, fit Fit, cs []Customer, pred Prediction, iv IntervalOptions) ([]Interval, Interval, error) {
	const fn = "clv.PredictionIntervals"
	space, err := spaceOf(fn, model)
	if err != nil {
		return nil, Interval{}, err
	}
	return predictionIntervals(fn, space, fit, cs, pred, iv)
}

// predictionIntervals is PredictionIntervals for the public function fn
// and the models of space, group by group.
func predictionIntervals(fn string, space *paramSpace, fit Fit, cs []Customer, pred Prediction, iv IntervalOptions) ([]Interval, Interval, error) {
	iv, z, err := iv.resolve(fn)
	if err != nil {
		return nil, Interval{}, err
	}
	var cov [][]float64
	if iv.Method != Bootstrap {
		if cov, err = paramCov(fn, "fit.Cov", fit, len(space.theta)); err != nil {
			return nil, Interval{}, err
		}
	}
	m0 := space.model(space.theta, 0)
	if _, _, _, err := pred.function(fn, m0); err != nil {
		return nil, Interval{}, err
	}
	if len(cs) == 0 {
		return nil, Interval{}, fault.New(fn, -1, "", ErrEmpty, "no customers")
	}
	_, whole := m0.(BGBB)
	for i, c := range cs {
		if err := checkCustomer(fn, i, c, whole); err != nil {
			return nil, Interval{}, err
		}
	}
	var thetas [][]float64
	switch iv.Method {
	case Bootstrap:
		return bootstrapPredictions(fn, space, cs, pred, iv)
	case ParameterDraws:
		if thetas, err = space.draw(fn, cov, iv); err != nil {
			return nil, Interval{}, err
		}
	}
	out := make([]Interval, len(cs))
	gTotal, totals := make([]float64, len(space.theta)), make([]float64, len(thetas))
	var sum float64
	for g, members := range space.members() {
		m := space.model(space.theta, g)
		f, prob, grad, _ := pred.function(fn, m)
		sub := subset(cs, members)
		var table rowTable
		rowOf := make([]int32, len(sub))
		for i, c := range sub {
			rowOf[i] = int32(table.add(row{c.Frequency, c.Recency, c.T, c.weight()}, 0))
		}
		est := make([]float64, len(table.rows))
		for i, r := range table.rows {
			est[i] = f(m, Customer{Frequency: r.x, Recency: r.tx, T: r.t})
			if math.IsNaN(est[i]) || math.IsInf(est[i], 0) {
				ci := slices.Index(rowOf, int32(i))
				return nil, Interval{}, callerRow(fault.New(fn, ci, "", ErrUndefined, "has no finite prediction under %+v", m), members)
			}
			sum += r.w * est[i]
		}
		var rowIv []Interval
		if iv.Method == DeltaMethod {
			var gg []float64
			rowIv, gg = deltaRows(m, space.groupCov(g, cov), table.rows, est, f, grad, prob, z)
			space.addGrad(gTotal, g, gg)
		} else {
			rowIv = drawRows(space.groupModels(thetas, g), table.rows, est, f, iv.Level, totals)
		}
		part := make([]Interval, len(sub))
		for i, r := range rowOf {
			part[i] = rowIv[r]
		}
		scatter(out, part, members)
	}
	if iv.Method == DeltaMethod {
		return out, plainInterval(sum, math.Sqrt(quadForm(gTotal, cov)), z), nil
	}
	return out, resample.Percentile(sum, totals, iv.Level), nil
}

// drawRows returns the interval of every row's prediction over the draws
// models, and adds each draw's weighted total into totals.
func drawRows(models []parametric, rows []row, est []float64, f func(parametric, Customer) float64, level float64, totals []float64) []Interval {
	out := make([]Interval, len(rows))
	vals := make([]float64, len(models))
	for i, r := range rows {
		c := Customer{Frequency: r.x, Recency: r.tx, T: r.t}
		for d, md := range models {
			vals[d] = f(md, c)
			totals[d] += r.w * vals[d]
		}
		out[i] = resample.Percentile(est[i], vals, level)
	}
	return out
}

// deltaRows returns the delta-method interval of every row's prediction
// and the gradient of their weighted total.
func deltaRows(m parametric, cov [][]float64, rows []row, est []float64, f func(parametric, Customer) float64,
	grad func(Customer, []float64) float64, prob bool, z float64) ([]Interval, []float64) {
	k := len(cov)
	st := newStencil(m, cov)
	g, gTotal, buf := make([]float64, k), make([]float64, k), make([]float64, 4)
	out := make([]Interval, len(rows))
	for i, r := range rows {
		c := Customer{Frequency: r.x, Recency: r.tx, T: r.t}
		if grad != nil {
			grad(c, g)
		} else {
			st.grad(func(m parametric, out []float64) { out[0] = f(m, c) }, [][]float64{g}, buf)
		}
		se := math.Sqrt(quadForm(g, cov))
		if prob {
			out[i] = probInterval(est[i], se, z)
		} else {
			out[i] = plainInterval(est[i], se, z)
		}
		for j := range gTotal {
			gTotal[j] += r.w * g[j]
		}
	}
	return out, gTotal
}
