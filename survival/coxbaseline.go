package survival

import (
	"fmt"
	"math"
	"sort"

	"github.com/ltvgo/ltv/internal/fault"
)

// CoxBaseline is the baseline hazard of one stratum of a Cox fit: the
// cumulative hazard at Cox.Means, read at every distinct exit time of the
// stratum (R's survfit(fit) for the stratum). Counts are case weights.
type CoxBaseline struct {
	Stratum  int       // the stratum's label (0 without CoxOptions.Strata)
	Time     []float64 // distinct exit times, ascending
	AtRisk   []float64 // weight at risk at Time (entry < t ≤ exit)
	Events   []float64 // event weight at Time
	Censored []float64 // censored weight at Time
	// CumHazard is Λ₀(t) at Cox.Means with the fit's estimator (R's
	// default ctype): Efron's for Efron fits, Breslow's otherwise, with
	// risks r_i = w_i·exp((x_i − Means)·β):
	//
	//	Breslow: ΔΛ₀(t_j) = W_j / Σ_{R_j} r_i
	//	Efron:   ΔΛ₀(t_j) = (W_j/d_j)·Σ_{k<d_j} 1/(Σ_{R_j} r_i − (k/d_j)·Σ_{D_j} r_i)
	CumHazard []float64

	ev     []coxEventTime // the event times, in Time order
	a, a2  []float64      // len(ev)×p: Σ r·(x − Means) over the risk set and the deaths
	shift  float64        // the risk sums are of w·exp(η − shift)/weightScale
	wscale float64        // the design's weight scale
}

// coxEventTime holds the risk-set sums of one event time (see coxWork).
type coxEventTime struct {
	row                    int // index into CoxBaseline.Time
	den, deathRisk, deathW float64
	deaths                 int32
}

// baselines builds every stratum's baseline from the sweep at β̂.
func (d *coxDesign) baselines(ws *coxWork, efron bool) []CoxBaseline {
	p := d.p
	out := make([]CoxBaseline, len(d.strata))
	for s := range d.strata {
		st := &d.strata[s]
		b := &out[s]
		b.Stratum, b.shift, b.wscale = st.label, ws.shift[s], d.weightScale
		// Distinct exit times with their counts, ascending.
		for i := st.lo; i < st.hi; {
			k := d.exitT[i]
			var ev, cens float64
			for ; i < st.hi && d.exitT[i] == k; i++ {
				if d.event[i] {
					ev += d.w[i]
				} else {
					cens += d.w[i]
				}
			}
			b.Time = append(b.Time, d.times[k])
			b.Events = append(b.Events, ev*d.weightScale)
			b.Censored = append(b.Censored, cens*d.weightScale)
		}
		b.AtRisk = d.atRiskWeights(st, b.Time)
		// The event times' sums, from slot0+1 on, in Time order.
		row := 0
		cum := 0.0
		b.CumHazard = make([]float64, len(b.Time))
		for q := st.slot0 + 1; q <= st.slot0+st.nEvents; q++ {
			for d.times[d.slotTime[q]] != b.Time[row] {
				b.CumHazard[row] = cum
				row++
			}
			e := coxEventTime{row: row, den: ws.den[q], deathRisk: ws.deathRisk[q], deathW: ws.deathW[q], deaths: ws.deaths[q]}
			b.ev = append(b.ev, e)
			for j := range p {
				b.a = append(b.a, ws.a[q*p+j]/d.scale[j])
				b.a2 = append(b.a2, ws.a2[q*p+j]/d.scale[j])
			}
			cum += tieSums(efron, e.den, e.deathRisk, e.deathW, e.deaths).s1 * math.Exp(-b.shift)
			b.CumHazard[row] = cum
			row++
		}
		for ; row < len(b.Time); row++ {
			b.CumHazard[row] = cum
		}
	}
	return out
}

// atRiskWeights returns the case weight at risk at each of the stratum's
// distinct exit times (ascending): the weight exiting at or after t less
// the weight entering at or after it.
func (d *coxDesign) atRiskWeights(st *coxStratum, times []float64) []float64 {
	n := make([]float64, len(times))
	exitSum := 0.0
	ent := st.entLo
	removed := 0.0
	j := len(times)
	for i := st.hi - 1; i >= st.lo; {
		k := d.exitT[i]
		for ; i >= st.lo && d.exitT[i] == k; i-- {
			exitSum += d.w[i]
		}
		for ; ent < st.entHi && d.entryT[d.byEntry[ent]] >= k; ent++ {
			removed += d.w[d.byEntry[ent]]
		}
		j--
		n[j] = (exitSum - removed) * d.weightScale
	}
	return n
}

// CoxCurveOptions are the settings of Cox.SurvivalCurve. A nil
// *CoxCurveOptions means R survfit.coxph's defaults.
type CoxCurveOptions struct {
	Conf  ConfType // band transform; the zero value is ConfLog (R's default)
	Level float64  // band level in (0, 1); 0 means 0.95
	// Breslow uses Breslow's hazard estimator (R's ctype = 1) for an
	// Efron fit too; by default the estimator follows the fit's ties.
	Breslow bool
}

// SurvivalCurve returns the predicted survival curve of a subject with
// covariates x in the given stratum (R's survfit(fit, newdata)): at every
// distinct exit time t of the stratum,
//
//	Λ(t | x) = Λ₀(t)·exp((x − Means)·β),   S(t | x) = exp(−Λ(t | x))
//	Var Λ(t | x) = exp(2(x − Means)·β)·[Σ_{t_j ≤ t} v_j + dᵀ·Cov·d],   d = Λ₀(t)·(x − Means) − Σ_{t_j ≤ t} x̄_j·ΔΛ₀(t_j)
//
// with the increments v_j = W_j/(Σ_{R_j} r)² and means x̄_j = Σ_{R_j} r·x/Σ_{R_j} r
// of Breslow's estimator, or their Efron averages over the tied deaths
// (R's agsurv, Tsiatis 1981). Cov is the fit's covariance (robust when the
// fit is, as R). The returned Curve has Survival = S, LogStdErr = √Var Λ,
// StdErr = S·√Var Λ and bands as KaplanMeier's on that standard error, so
// its At, Median and Quantile read the prediction as R's print(survfit)
// does. Its AtRisk, Events and Censored are the stratum's counts, and
// RestrictedMean's standard error is the one R's print.survfit reports for
// the curve: the Kaplan–Meier formula on those counts.
//
// Errors (a *DataError wrapping ErrInvalid): x of the wrong length or not
// finite, an unknown stratum label, bad options, or a Cox not built by
// FitCox (no stored baseline).
func (c *Cox) SurvivalCurve(x []float64, stratum int, opt *CoxCurveOptions) (*Curve, error) {
	const fn = "survival.Cox.SurvivalCurve"
	var o CoxCurveOptions
	if opt != nil {
		o = *opt
	}
	bad := func(field, reason string) error {
		return fault.New(fn, -1, field, ErrInvalid, "%s", reason)
	}
	if o.Level == 0 {
		o.Level = 0.95
	}
	switch {
	case !(o.Level > 0 && o.Level < 1):
		return nil, bad("CoxCurveOptions.Level", fmt.Sprintf("must be in (0, 1) (%g)", o.Level))
	case o.Conf < ConfLog || o.Conf > ConfArcsin:
		return nil, bad("CoxCurveOptions.Conf", fmt.Sprintf("is unknown (%d)", int(o.Conf)))
	}
	b, eta, err := c.baselineFor(fn, x, stratum)
	if err != nil {
		return nil, err
	}
	p := len(c.Coef)
	efron := c.Ties == Efron && !o.Breslow
	m := len(b.Time)
	cv := &Curve{
		Time: append([]float64(nil), b.Time...), AtRisk: append([]float64(nil), b.AtRisk...),
		Events: append([]float64(nil), b.Events...), Censored: append([]float64(nil), b.Censored...),
		Survival: make([]float64, m), StdErr: make([]float64, m), LogStdErr: make([]float64, m),
		Lower: make([]float64, m), Upper: make([]float64, m), Entered: make([]float64, m),
		opt: Options{Conf: o.Conf, Level: o.Level},
	}
	for j := range m {
		cv.Entered[j] = cv.AtRisk[j]
		if j > 0 {
			cv.Entered[j] -= cv.AtRisk[j-1] - cv.Events[j-1] - cv.Censored[j-1]
		}
	}
	// On the sweep's scale (risks exp(η − shift)/wscale): h = Σ s1 and
	// v = Σ q0 accumulate, xbar = Σ (a·q0 − a2·q1), and f = exp(η_x − shift)
	// brings them to the subject.
	f := math.Exp(eta - b.shift)
	dx := make([]float64, p)
	for j := range p {
		dx[j] = x[j] - c.Means[j]
	}
	xbar := make([]float64, p)
	dt := make([]float64, p)
	h, v := 0.0, 0.0
	z := normalQuantile(o.Level)
	e := 0
	for j := range m {
		for ; e < len(b.ev) && b.ev[e].row == j; e++ {
			ev := b.ev[e]
			t := tieSums(efron, ev.den, ev.deathRisk, ev.deathW, ev.deaths)
			h += t.s1
			v += t.q0 / b.wscale
			for k := range p {
				xbar[k] += b.a[e*p+k]*t.q0 - b.a2[e*p+k]*t.q1
			}
		}
		for k := range p {
			dt[k] = h*dx[k] - xbar[k]
		}
		quad := 0.0
		for k := range p {
			for l := range p {
				quad += dt[k] * c.Cov[k][l] * dt[l]
			}
		}
		// exp(η − shift)² = f² carries both terms to the subject; the
		// scaled xbar and h are on the shift scale too (see baselines).
		cum := h * f
		se := math.Sqrt(math.Max(0, v*f*f+quad*f*f))
		s := math.Exp(-cum)
		cv.Survival[j] = s
		cv.LogStdErr[j], cv.StdErr[j] = se, s*se
		cv.Lower[j], cv.Upper[j] = band(o.Conf, s, -math.Expm1(-cum), se, z)
	}
	return cv, nil
}

// baselineFor returns the baseline of the stratum and η = (x − Means)·β.
func (c *Cox) baselineFor(fn string, x []float64, stratum int) (*CoxBaseline, float64, error) {
	bad := func(field, reason string) error {
		return fault.New(fn, -1, field, ErrInvalid, "%s", reason)
	}
	eta, err := c.centredPredictor(x)
	if err != "" {
		return nil, 0, bad("x", err)
	}
	for k := range c.Baseline {
		if b := &c.Baseline[k]; b.Stratum == stratum {
			if b.CumHazard == nil || b.wscale == 0 {
				return nil, 0, bad("Cox.Baseline", "holds no risk-set sums: the Cox was not built by FitCox")
			}
			return b, eta, nil
		}
	}
	return nil, 0, bad("stratum", fmt.Sprintf("(%d) is not a stratum of the fit", stratum))
}

// centredPredictor returns (x − Means)·β, or a reason x is unusable.
func (c *Cox) centredPredictor(x []float64) (float64, string) {
	if len(x) != len(c.Coef) || len(c.Means) != len(c.Coef) {
		return 0, fmt.Sprintf("has %d values for %d coefficients", len(x), len(c.Coef))
	}
	eta := 0.0
	for j, b := range c.Coef {
		if math.IsNaN(x[j]) || math.IsInf(x[j], 0) {
			return 0, fmt.Sprintf("value %d is %g", j, x[j])
		}
		eta += b * (x[j] - c.Means[j])
	}
	return eta, ""
}

// CumHazardAt returns Λ(t | x) = Λ₀(t)·exp((x − Means)·β) with the fit's
// estimator, a step function of t (right-continuous, 0 before the first
// event).
//
// Special cases are:
//
//	CumHazardAt = NaN for t NaN, len(x) ≠ len(Coef), x not finite, an unknown stratum, or a Cox not built by FitCox
func (c *Cox) CumHazardAt(x []float64, stratum int, t float64) float64 {
	b, eta, err := c.baselineFor("", x, stratum)
	if err != nil || math.IsNaN(t) {
		return math.NaN()
	}
	j := sort.Search(len(b.Time), func(j int) bool { return b.Time[j] > t })
	if j == 0 {
		return 0
	}
	return b.CumHazard[j-1] * math.Exp(eta)
}

// SurvivalAt returns S(t | x) = exp(−CumHazardAt(x, stratum, t)): the
// probability that a customer with covariates x is still a customer at t.
//
// Special cases are:
//
//	SurvivalAt = NaN where CumHazardAt is NaN
func (c *Cox) SurvivalAt(x []float64, stratum int, t float64) float64 {
	return math.Exp(-c.CumHazardAt(x, stratum, t))
}

// Median returns the median survival time of a subject with covariates x
// in the stratum, read off its predicted curve as R's print(survfit(fit,
// newdata)) does (see Curve.Median).
//
// Special cases are:
//
//	Median = NaN where the curve does not reach 0.5, and where CumHazardAt is NaN
func (c *Cox) Median(x []float64, stratum int) float64 {
	b, eta, err := c.baselineFor("", x, stratum)
	if err != nil {
		return math.NaN()
	}
	s := make([]float64, len(b.Time))
	r := math.Exp(eta)
	for j, h := range b.CumHazard {
		s[j] = math.Exp(-h * r)
	}
	cv := Curve{Time: b.Time, Survival: s}
	return cv.medianTable(s)
}

// LinearPredictor returns x·β, the log hazard ratio of x against the
// covariate vector 0 (R's predict(fit, type = "lp", reference = "zero")).
// Higher means an earlier expected churn; it is the score HarrellC takes.
//
// Special cases are:
//
//	LinearPredictor = NaN for len(x) ≠ len(Coef) or a non-finite x
func (c *Cox) LinearPredictor(x []float64) float64 {
	if len(x) != len(c.Coef) {
		return math.NaN()
	}
	eta := 0.0
	for j, b := range c.Coef {
		if math.IsInf(x[j], 0) {
			return math.NaN()
		}
		eta += b * x[j]
	}
	return eta
}

// RiskScore returns exp(x·β), the hazard ratio of x against the covariate
// vector 0 (lifelines' predict_partial_hazard is this ratio against the
// column means instead).
//
// Special cases are:
//
//	RiskScore = NaN where LinearPredictor is NaN
func (c *Cox) RiskScore(x []float64) float64 { return math.Exp(c.LinearPredictor(x)) }
