package survival

import (
	"cmp"
	"math"
	"slices"
	"sort"
)

// index returns the number of rows with Time ≤ t.
func (c *Curve) index(t float64) int {
	return sort.Search(len(c.Time), func(j int) bool { return c.Time[j] > t })
}

// At returns S(t), the right-continuous step function: 1 before the first
// time, flat after the last. Special case: At(NaN) = NaN.
func (c *Curve) At(t float64) float64 {
	if math.IsNaN(t) {
		return math.NaN()
	}
	if j := c.index(t); j > 0 {
		return c.Survival[j-1]
	}
	return 1
}

// Median returns the median survival time and its confidence limits (the
// median of the lower and of the upper band curve), each NaN where its
// curve does not reach 0.5.
//
// With the default QuantileR rule it is the median of R's print(fit) and
// summary(fit)$table (survival:::survmean): the first time with
// S < 0.5 + tol, tol = 1.49e-8, except that when S is 0.5 there (within
// tol) and drops later, it is the midpoint of that time and the time of the
// drop. This can differ from Quantile(0.5), which follows R's quantile():
// when S stays at 0.5 to the end (median = first such time here, the
// midpoint with the last time there), and for a band that rises again (the
// upper log band of R's aml data crosses 0.5 at 45 and rises above it at
// 48: median upper limit 45, quantile upper limit 48). With
// QuantileFirstBelow it is Quantile(0.5).
func (c *Curve) Median() (est, lower, upper float64) {
	if c.opt.Quantile == QuantileFirstBelow {
		return c.Quantile(0.5)
	}
	return c.medianTable(c.Survival), c.medianTable(c.Lower), c.medianTable(c.Upper)
}

// medianTable is survmean's median of the curve y (S or a band).
func (c *Curve) medianTable(y []float64) float64 {
	const tol = tieTolerance
	first := -1
	for j, s := range y {
		switch {
		case math.IsNaN(s) || s >= 0.5+tol:
		case first < 0:
			if math.Abs(s-0.5) >= tol {
				return c.Time[j]
			}
			first = j
		case s < y[first]:
			return (c.Time[first] + c.Time[j]) / 2
		}
	}
	if first < 0 {
		return math.NaN()
	}
	return c.Time[first]
}

// Quantile returns the time by which a fraction p of the subjects have had
// the event (where S crosses 1 − p) and its confidence limits: the same
// quantile of the lower and of the upper band curve. Each is NaN where its
// curve does not reach 1 − p.
//
// With the default QuantileR rule (R's quantile.survfit), take the points
// (0, 0) and (t_j, F_j = 1 − S_j), leaving out NaN, ordered by F (stably:
// this matters only for a band that is not monotone), and tol = 1.49e-8.
// The quantile is the first point with F ≥ p − tol, averaged with the first
// point with F ≥ p + tol, or, when max F is within tol of p, with the last
// time of the curve; it is NaN when max F < p or no point qualifies. So on
// a stretch where S = 1 − p exactly the quantile is its midpoint. With
// QuantileFirstBelow (lifelines) it is the first time with S ≤ 1 − p.
//
// Special cases are:
//
//	Quantile(p) = NaN, NaN, NaN if p is not in (0, 1) (or is NaN)
func (c *Curve) Quantile(p float64) (est, lower, upper float64) {
	if !(p > 0 && p < 1) {
		return math.NaN(), math.NaN(), math.NaN()
	}
	q := c.quantileR
	if c.opt.Quantile == QuantileFirstBelow {
		q = c.quantileFirstBelow
	}
	return q(c.Survival, p), q(c.Lower, p), q(c.Upper, p)
}

// quantileR is R's findq on the curve y (S or a band).
func (c *Curve) quantileR(y []float64, p float64) float64 {
	const tol = tieTolerance
	var order []int // rows by increasing F (stable); nil when y is already non-increasing
	if !nonIncreasing(y) {
		order = make([]int, len(y))
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(y[b], y[a]) })
	}
	x1, found := 0.0, p-tol <= 0 // the point (0, 0)
	maxF := 0.0
	for k := range y {
		j := k
		if order != nil {
			j = order[k]
		}
		if math.IsNaN(y[j]) {
			continue
		}
		f := 1 - y[j]
		maxF = math.Max(maxF, f)
		if !found && f >= p-tol {
			x1, found = c.Time[j], true
		}
		if f >= p+tol {
			return (x1 + c.Time[j]) / 2
		}
	}
	if !found || maxF < p || math.Abs(maxF-p) >= tol {
		return math.NaN()
	}
	return (x1 + c.Time[len(c.Time)-1]) / 2
}

// nonIncreasing reports whether y, NaN left out, never rises.
func nonIncreasing(y []float64) bool {
	prev := math.Inf(1)
	for _, s := range y {
		if s > prev {
			return false
		}
		if !math.IsNaN(s) {
			prev = s
		}
	}
	return true
}

// quantileFirstBelow is lifelines' rule: the first time with y ≤ 1 − p.
func (c *Curve) quantileFirstBelow(y []float64, p float64) float64 {
	for j, s := range y {
		if s <= 1-p {
			return c.Time[j]
		}
	}
	return math.NaN()
}

// RestrictedMean returns the restricted mean survival time
// μ(τ) = ∫_0^τ S(t) dt and R's standard error (survival:::survmean):
//
//	se² = Σ_{t_j ≤ τ, d_j > 0, n_j > d_j} A_j²·d_j/(n_j(n_j − d_j)),   A_j = ∫_{t_j}^τ S(t) dt
//
// S is 1 before the first time and flat after the last. lifelines'
// restricted-mean "variance" is Var(min(T, τ)), a different quantity. The
// terms of se² are summed in scaled form, so se is finite whenever its true
// value is (R 3.5-3's survmean squares A_j in plain floating point and
// gives NaN for rmean = 1e300 where se is about 1e299), and n_j − d_j is
// the cancellation-free count of KaplanMeier.
//
// Special cases are:
//
//	RestrictedMean(τ) = NaN, NaN  for τ < 0 or τ NaN
//	RestrictedMean(0) = 0, 0
//	RestrictedMean(+Inf) = the mean of the curve and its se when S reaches 0; +Inf, +Inf otherwise
//	se = +Inf only when its true value is beyond the float64 range
//	μ ≤ τ always (rounding cannot take it above τ)
func (c *Curve) RestrictedMean(tau float64) (mean, se float64) {
	if !(tau >= 0) {
		return math.NaN(), math.NaN()
	}
	m := c.index(tau) // rows with t_j ≤ τ
	// Walk back from τ: after row j the area to τ is A_j.
	area := 0.0
	right := tau
	var v scaledSum
	for j := m - 1; j >= 0; j-- {
		if s := c.Survival[j]; s > 0 { // S = 0 adds nothing, even on an infinite stretch
			area = math.Min(area+s*(right-c.Time[j]), tau)
		}
		right = c.Time[j]
		if math.IsInf(area, 1) {
			continue
		}
		n, d := c.AtRisk[j], c.Events[j]
		surv := n - d
		if c.survivors != nil {
			surv = c.survivors[j]
		}
		if d > 0 && surv > 0 && area > 0 {
			v.addSquareRatio(area, d, n, surv)
		}
	}
	if math.IsInf(area, 1) {
		return math.Inf(1), math.Inf(1)
	}
	return math.Min(area+right, tau), v.sqrtTimes(1) // S = 1 on [0, first time)
}

// RiskTable is the curve read at chosen times, e.g. the numbers-at-risk
// table printed under a survival plot (R's summary(fit, times = …)).
type RiskTable struct {
	Time     []float64 // the requested times
	AtRisk   []float64 // weight at risk at the first curve time ≥ Time (0 past the last)
	Events   []float64 // event weight in (previous requested time, Time]
	Censored []float64 // censored weight in (previous requested time, Time]
	Survival []float64 // S(Time)
	StdErr   []float64 // SE of S(Time)
	Lower    []float64 // lower band at Time
	Upper    []float64 // upper band at Time
}

// Table reads the curve at times, which must be ascending and not NaN. The
// first interval of Events and Censored starts at −∞. times is neither
// modified nor kept.
//
// Special cases are:
//
//	Table(times) = RiskTable{} (every slice nil) if times is not ascending or holds a NaN
func (c *Curve) Table(times []float64) RiskTable {
	for i, t := range times {
		if math.IsNaN(t) || i > 0 && t < times[i-1] {
			return RiskTable{}
		}
	}
	k := len(times)
	r := RiskTable{
		Time: append([]float64(nil), times...), AtRisk: make([]float64, k), Events: make([]float64, k),
		Censored: make([]float64, k), Survival: make([]float64, k), StdErr: make([]float64, k),
		Lower: make([]float64, k), Upper: make([]float64, k),
	}
	prev := 0 // rows already counted
	for i, t := range times {
		j := c.index(t)
		for ; prev < j; prev++ {
			r.Events[i] += c.Events[prev]
			r.Censored[i] += c.Censored[prev]
		}
		if first := sort.SearchFloat64s(c.Time, t); first < len(c.Time) {
			r.AtRisk[i] = c.AtRisk[first]
		}
		if j == 0 {
			r.Survival[i], r.Lower[i], r.Upper[i] = 1, 1, 1
			continue
		}
		r.Survival[i], r.StdErr[i] = c.Survival[j-1], c.StdErr[j-1]
		r.Lower[i], r.Upper[i] = c.Lower[j-1], c.Upper[j-1]
	}
	return r
}
