package survival

import (
	"fmt"
	"math"

	"github.com/ltvgo/ltv/internal/fault"
	"github.com/ltvgo/ltv/internal/modelenc"
)

// The saved kinds of this package (see "Saving and loading models" in the
// package documentation).
var (
	curveKind = modelenc.Kind{Name: "survival.Curve", Version: 1}
	coxKind   = modelenc.Kind{Name: "survival.Cox", Version: 1}
	aftKind   = modelenc.Kind{Name: "survival.AFT", Version: 1}
	incKind   = modelenc.Kind{Name: "survival.Incidence", Version: 1}
)

// col names a slice field and its length for modelenc.CheckLens.
func col(name string, n int) modelenc.Column { return modelenc.Column{Name: name, Len: n} }

// curveWire is a Curve as saved: its fields, its options (the band and
// quantile rules) and the cancellation-free survivor counts.
type curveWire struct {
	Curve
	Options   Options
	Survivors []float64
}

// MarshalJSON returns the saved form of c, options included, so that a
// loaded curve answers Median, Quantile and the bands as c does. NaN and
// ±Inf (a curve that reaches S = 0 has NaN standard errors and bands) are
// saved as the strings "NaN", "+Inf" and "-Inf".
func (c Curve) MarshalJSON() ([]byte, error) {
	return modelenc.Marshal(curveKind, curveWire{Curve: c, Options: c.opt, Survivors: c.survivors}, nil)
}

// UnmarshalJSON loads a saved Curve, refusing another kind or version, a
// missing or unknown key, times that are not finite and ascending,
// columns of another length than Time, and invalid options.
func (c *Curve) UnmarshalJSON(data []byte) error {
	const fn = "survival.Curve.UnmarshalJSON"
	var w curveWire
	if err := modelenc.Unmarshal(fn, data, curveKind, &w, nil); err != nil {
		return err
	}
	if _, err := w.Options.resolve(fn); err != nil {
		return err
	}
	if err := checkTimes(fn, "params.Time", w.Time); err != nil {
		return err
	}
	n := len(w.Time)
	if err := modelenc.CheckLens(fn, "params.", n, false, col("AtRisk", len(w.AtRisk)), col("Events", len(w.Events)),
		col("Censored", len(w.Censored)), col("Survival", len(w.Survival)), col("StdErr", len(w.StdErr)),
		col("Lower", len(w.Lower)), col("Upper", len(w.Upper))); err != nil {
		return err
	}
	if err := modelenc.CheckLens(fn, "params.", n, true, col("Entered", len(w.Entered)),
		col("LogStdErr", len(w.LogStdErr)), col("Survivors", len(w.Survivors))); err != nil {
		return err
	}
	*c = w.Curve
	c.opt, c.survivors = w.Options, w.Survivors
	return nil
}

// checkTimes checks that times are finite and ascending.
func checkTimes(fn, path string, times []float64) error {
	for j, t := range times {
		if math.IsNaN(t) || math.IsInf(t, 0) || j > 0 && !(t > times[j-1]) {
			return fault.New(fn, -1, fmt.Sprintf("%s[%d]", path, j), ErrInvalid, "is %v, want finite times in ascending order", t)
		}
	}
	return nil
}

// coxWire is a Cox as saved: its fields, the risk-set sums of each
// baseline (in the order of Baseline) that SurvivalCurve's standard
// errors need, and the stored PH test.
type coxWire struct {
	Cox
	RiskSets []coxRiskSets
	PHTest   *coxPHTest
}

// coxRiskSets are a CoxBaseline's unexported sums, one entry per event
// time (A and A2: len(Coef) per event time).
type coxRiskSets struct {
	Shift, WeightScale     float64
	Row                    []int
	Den, DeathRisk, DeathW []float64
	Deaths                 []int32
	A, A2                  []float64
}

// coxPHTest is the stored cox.zph result.
type coxPHTest struct {
	Terms  []Test
	Global Test
}

// MarshalJSON returns the saved form of c: coefficients, tests,
// covariances, the baseline hazards with the risk-set sums their
// confidence bands need, and the stored PH test; no rows of the data.
func (c Cox) MarshalJSON() ([]byte, error) {
	w := coxWire{Cox: c}
	for _, b := range c.Baseline {
		r := coxRiskSets{Shift: b.shift, WeightScale: b.wscale, A: b.a, A2: b.a2}
		for _, e := range b.ev {
			r.Row = append(r.Row, e.row)
			r.Den, r.DeathRisk, r.DeathW = append(r.Den, e.den), append(r.DeathRisk, e.deathRisk), append(r.DeathW, e.deathW)
			r.Deaths = append(r.Deaths, e.deaths)
		}
		w.RiskSets = append(w.RiskSets, r)
	}
	if c.ph != nil {
		if terms, global, ok := c.ph.result(); ok {
			w.PHTest = &coxPHTest{Terms: terms, Global: global}
		}
	}
	return modelenc.Marshal(coxKind, w, nil)
}

// UnmarshalJSON loads a saved Cox, refusing another kind or version, a
// missing or unknown key, coefficients that are not finite, per-column
// slices and matrices of another size than Coef, an unknown tie rule, and
// baselines whose columns or risk-set sums do not match their times.
func (c *Cox) UnmarshalJSON(data []byte) error {
	const fn = "survival.Cox.UnmarshalJSON"
	var w coxWire
	if err := modelenc.Unmarshal(fn, data, coxKind, &w, nil); err != nil {
		return err
	}
	if err := w.check(fn); err != nil {
		return err
	}
	*c = w.Cox
	for s := range c.Baseline {
		b, r := &c.Baseline[s], w.RiskSets[s]
		b.shift, b.wscale, b.a, b.a2, b.ev = r.Shift, r.WeightScale, r.A, r.A2, nil
		for e, row := range r.Row {
			b.ev = append(b.ev, coxEventTime{row: row, den: r.Den[e], deathRisk: r.DeathRisk[e], deathW: r.DeathW[e], deaths: r.Deaths[e]})
		}
	}
	c.ph = nil
	if w.PHTest != nil {
		c.ph = &phTest{terms: w.PHTest.Terms, global: w.PHTest.Global}
	}
	return nil
}

// check validates a decoded Cox.
func (w *coxWire) check(fn string) error {
	p := len(w.Coef)
	if err := modelenc.CheckFinite(fn, "params.Coef", w.Coef); err != nil {
		return err
	}
	if w.Ties < Efron || w.Ties > Exact {
		return fault.New(fn, -1, "params.Ties", ErrInvalid, "is %d, not a CoxTies", w.Ties)
	}
	if err := modelenc.CheckLen(fn, "params.StdErr", len(w.StdErr), p, false); err != nil {
		return err
	}
	if err := modelenc.CheckLens(fn, "params.", p, true, col("NaiveStdErr", len(w.NaiveStdErr)),
		col("Means", len(w.Means)), col("Names", len(w.Names))); err != nil {
		return err
	}
	if err := modelenc.CheckMatrix(fn, "params.Cov", w.Cov, p, false); err != nil {
		return err
	}
	if err := modelenc.CheckMatrix(fn, "params.NaiveCov", w.NaiveCov, p, true); err != nil {
		return err
	}
	if err := modelenc.CheckLen(fn, "params.RiskSets", len(w.RiskSets), len(w.Baseline), false); err != nil {
		return err
	}
	for s, b := range w.Baseline {
		path := fmt.Sprintf("params.Baseline[%d].", s)
		if err := checkTimes(fn, path+"Time", b.Time); err != nil {
			return err
		}
		m := len(b.Time)
		if err := modelenc.CheckLens(fn, path, m, false, col("AtRisk", len(b.AtRisk)), col("Events", len(b.Events)),
			col("Censored", len(b.Censored)), col("CumHazard", len(b.CumHazard))); err != nil {
			return err
		}
		r := w.RiskSets[s]
		path = fmt.Sprintf("params.RiskSets[%d].", s)
		ne := len(r.Row)
		if err := modelenc.CheckLens(fn, path, ne, false, col("Den", len(r.Den)), col("DeathRisk", len(r.DeathRisk)),
			col("DeathW", len(r.DeathW)), col("Deaths", len(r.Deaths))); err != nil {
			return err
		}
		if err := modelenc.CheckLens(fn, path, ne*p, false, col("A", len(r.A)), col("A2", len(r.A2))); err != nil {
			return err
		}
		for e, row := range r.Row {
			if row < 0 || row >= m || e > 0 && row < r.Row[e-1] {
				return fault.New(fn, -1, fmt.Sprintf("%sRow[%d]", path, e), ErrInvalid, "is %d, want ascending rows of Baseline[%d].Time (0 to %d)", row, s, m-1)
			}
		}
	}
	return nil
}

// MarshalJSON returns the saved form of a.
func (a AFT) MarshalJSON() ([]byte, error) { return modelenc.Marshal(aftKind, a, nil) }

// UnmarshalJSON loads a saved AFT, refusing another kind or version, a
// missing or unknown key, an unknown distribution, an intercept,
// coefficient or scale that is not finite (the scale > 0), and a
// covariance of another size than StdErr.
func (a *AFT) UnmarshalJSON(data []byte) error {
	const fn = "survival.AFT.UnmarshalJSON"
	var w AFT
	if err := modelenc.Unmarshal(fn, data, aftKind, &w, nil); err != nil {
		return err
	}
	switch {
	case !w.Dist.valid():
		return fault.New(fn, -1, "params.Dist", ErrInvalid, "is %d, not an AFTDist", w.Dist)
	case !(w.Scale > 0) || math.IsInf(w.Scale, 1):
		return fault.New(fn, -1, "params.Scale", ErrInvalid, "is %v, want a finite σ > 0", w.Scale)
	}
	if err := modelenc.CheckFinite(fn, "params.Intercept", w.Intercept); err != nil {
		return err
	}
	if err := modelenc.CheckFinite(fn, "params.Coef", w.Coef); err != nil {
		return err
	}
	if err := modelenc.CheckMatrix(fn, "params.Cov", w.Cov, len(w.StdErr), true); err != nil {
		return err
	}
	*a = w
	return nil
}

// MarshalJSON returns the saved form of inc: every column, NaN limits
// (where a probability is 0) as the string "NaN".
func (inc Incidence) MarshalJSON() ([]byte, error) { return modelenc.Marshal(incKind, inc, nil) }

// UnmarshalJSON loads a saved Incidence, refusing another kind or
// version, a missing or unknown key, times that are not finite and
// ascending, and columns that do not have one row per state (event-free
// and each cause; Events one per cause and the total) of one value per
// time.
func (inc *Incidence) UnmarshalJSON(data []byte) error {
	const fn = "survival.Incidence.UnmarshalJSON"
	var w Incidence
	if err := modelenc.Unmarshal(fn, data, incKind, &w, nil); err != nil {
		return err
	}
	if err := checkTimes(fn, "params.Time", w.Time); err != nil {
		return err
	}
	n := len(w.Time)
	if err := modelenc.CheckLens(fn, "params.", n, false, col("AtRisk", len(w.AtRisk)), col("Censored", len(w.Censored))); err != nil {
		return err
	}
	states := len(w.Prob)
	if states < 2 {
		return fault.New(fn, -1, "params.Prob", ErrInvalid, "has %d rows, want the event-free state and at least one cause", states)
	}
	for _, m := range []struct {
		name string
		rows [][]float64
	}{{"Events", w.Events}, {"Prob", w.Prob}, {"StdErr", w.StdErr}, {"Lower", w.Lower}, {"Upper", w.Upper}} {
		if len(m.rows) != states {
			return fault.New(fn, -1, "params."+m.name, ErrInvalid, "has %d rows, want %d (one per state)", len(m.rows), states)
		}
		for k, row := range m.rows {
			if err := modelenc.CheckLen(fn, fmt.Sprintf("params.%s[%d]", m.name, k), len(row), n, false); err != nil {
				return err
			}
		}
	}
	*inc = w
	return nil
}
