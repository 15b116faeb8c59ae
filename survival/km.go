package survival

import (
	"math"

	"github.com/ltvgo/ltv/internal/fault"
	"github.com/ltvgo/ltv/internal/numeric"
)

// ConfType is the scale on which pointwise confidence bands for S(t) are
// built (R survfit's conf.type).
type ConfType int

const (
	// ConfLog: S·exp(±z·√V), upper limit capped at 1. R's default.
	ConfLog ConfType = iota
	// ConfLogLog: symmetric on log(−log S); the default of lifelines and
	// scikit-survival.
	ConfLogLog
	// ConfPlain: S ± z·SE(S), clipped to [0, 1].
	ConfPlain
	// ConfLogit: symmetric on log(S/(1−S)).
	ConfLogit
	// ConfArcsin: symmetric on asin(√S), clipped to [0, π/2].
	ConfArcsin
)

// QuantileRule chooses how a quantile is read off a step curve.
type QuantileRule int

const (
	// QuantileR follows R: Quantile is quantile.survfit (the first time
	// where 1 − S reaches p within a tolerance of 1.49e-8, or the midpoint
	// of the flat stretch when S equals 1 − p on an interval) and Median is
	// the median of print(fit) (see Curve.Median for where they differ).
	QuantileR QuantileRule = iota
	// QuantileFirstBelow is lifelines' rule: the first time with S ≤ 1 − p,
	// with no tolerance.
	QuantileFirstBelow
)

// HazardTies chooses the Nelson–Aalen increment at a time with tied events.
type HazardTies int

const (
	// HazardNelsonAalen: the increment d/n with variance d/n² (R's default,
	// ctype = 1).
	HazardNelsonAalen HazardTies = iota
	// HazardFlemingHarrington: the tie-corrected increment
	// Σ_{k<D} (d/D)/(n − k·d/D) over the D tied event rows (R's ctype = 2,
	// lifelines' default).
	HazardFlemingHarrington
)

// Options are the settings of KaplanMeier and NelsonAalen. The zero value
// (or a nil *Options) gives R survival's defaults.
type Options struct {
	// Conf is the band transform; the zero value is ConfLog.
	Conf ConfType
	// Level is the confidence level of the bands, in (0, 1); 0 means 0.95.
	Level float64
	// ExactTimes groups times by exact equality (lifelines, scikit-survival)
	// instead of R's near-equality merge (see the package documentation).
	ExactTimes bool
	// Quantile is the rule of Curve.Quantile and Curve.Median.
	Quantile QuantileRule
	// HazardTies is the tie rule of NelsonAalen.
	HazardTies HazardTies
}

// resolve returns the options of function fn with defaults filled in, or a
// *DataError for a setting outside its domain.
func (opt *Options) resolve(fn string) (Options, error) {
	var o Options
	if opt != nil {
		o = *opt
	}
	var err error
	if o.Level, err = resolveBand(fn, "Options", o.Level, o.Conf); err != nil {
		return o, err
	}
	switch {
	case o.Quantile < QuantileR || o.Quantile > QuantileFirstBelow:
		return o, fault.New(fn, -1, "Options.Quantile", ErrInvalid, "is %d, not a QuantileRule", o.Quantile)
	case o.HazardTies < HazardNelsonAalen || o.HazardTies > HazardFlemingHarrington:
		return o, fault.New(fn, -1, "Options.HazardTies", ErrInvalid, "is %d, not a HazardTies", o.HazardTies)
	}
	return o, nil
}

// resolveBand checks the band settings level and conf of the options
// struct named opts and returns the level with its default (0.95) filled in.
func resolveBand(fn, opts string, level float64, conf ConfType) (float64, error) {
	if level == 0 {
		level = 0.95
	}
	switch {
	case !(level > 0 && level < 1):
		return level, fault.New(fn, -1, opts+".Level", ErrInvalid, "is %v, want in (0, 1)", level)
	case conf < ConfLog || conf > ConfArcsin:
		return level, fault.New(fn, -1, opts+".Conf", ErrInvalid, "is %d, not a ConfType", conf)
	}
	return level, nil
}

// normalQuantile returns z = Φ⁻¹(1 − (1−level)/2), the two-sided normal
// critical value (1.959963984540054 for 0.95).
func normalQuantile(level float64) float64 {
	return math.Sqrt2 * math.Erfinv(level)
}

// Curve is a Kaplan–Meier estimate: one row per distinct exit time
// (including times with censorings only, as R lists them). All slices have
// the same length. Counts are case weights.
//
// A Curve is not modified by its methods, so one *Curve may be read by any
// number of goroutines; a caller who changes its slices must not share it
// meanwhile.
type Curve struct {
	Time     []float64 // t_j, ascending
	AtRisk   []float64 // n_j: weight with Entry < t_j ≤ Time (censored at t_j counts, entering at t_j does not)
	Events   []float64 // d_j: event weight at t_j
	Censored []float64 // c_j: censored weight at t_j
	Survival []float64 // S(t_j) = Π_{i ≤ j} (1 − d_i/n_i)
	StdErr   []float64 // Greenwood standard error of S(t_j): S·√V; NaN once n_j = d_j makes S = 0
	Lower    []float64 // lower band limit; NaN where S = 0
	Upper    []float64 // upper band limit; NaN where S = 0

	// Entered is the weight whose entry lies in [t_{j−1}, t_j), with
	// t_{−1} = −∞, so AtRisk[j] = AtRisk[j−1] − Events[j−1] − Censored[j−1]
	// + Entered[j] and Entered[0] = AtRisk[0].
	Entered []float64
	// LogStdErr is √V, the Greenwood standard error of log S (R's std.err);
	// +Inf once S = 0.
	LogStdErr []float64

	// survivors is n_j − d_j summed without cancellation (see table); nil
	// in a Curve not built by KaplanMeier.
	survivors []float64
	opt       Options
}

// KaplanMeier estimates the survival function of obs by the product-limit
// method with Greenwood variances and pointwise confidence bands. A nil opt
// means R's defaults.
//
// Conventions (R survival 3.5-3): at a tied time deaths come before
// censorings, which come before entries, so a subject censored at t is at
// risk at t and one entering at t is not. S is accumulated as a product.
// V(t) = Σ d_j/(n_j(n_j − d_j)) over event times ≤ t, with weighted counts
// (R's robust = FALSE variance; see the package documentation for
// fractional weights). Times closer than R's tolerance are merged unless
// opt.ExactTimes is set.
//
// Extreme weights (see "Rounding" in the package documentation): n_j − d_j
// is summed from non-negative parts, so every factor (n_j − d_j)/n_j is in
// [0, 1] and is exactly 0 only when everyone at risk has the event; V is
// summed in scaled form. R 3.5-3 gives S = −Inf or −1.1e-16 and std.err
// ±Inf, NaN or 0 on such data; here:
//
//	0 ≤ S(t_j) ≤ S(t_{j−1}) ≤ 1
//	StdErr and LogStdErr finite where S > 0 (StdErr is 0 only if S·√V underflows)
//	0 ≤ Lower ≤ S ≤ Upper ≤ 1 where S > 0; NaN where S = 0
//	StdErr = NaN and LogStdErr = +Inf once n_j = d_j (S = 0 exactly)
//
// KaplanMeier neither modifies nor keeps obs. It returns an error wrapping
// ErrEmpty when obs is empty and a *DataError wrapping ErrInvalid naming the
// row and field of the first invalid value (including the row whose weight
// takes the total above 2^1020), or the option (Row -1, Field e.g.
// "Options.Level") of a setting outside its domain. All-censored data are
// valid: S stays 1 and the median is NaN.
func KaplanMeier(obs []Observation, opt *Options) (*Curve, error) {
	const fn = "survival.KaplanMeier"
	o, t, err := buildTable(fn, obs, opt)
	if err != nil {
		return nil, err
	}
	m := len(t.time)
	c := &Curve{
		Time: t.time, AtRisk: t.atRisk, Events: t.events, Censored: t.censored, Entered: t.entered,
		Survival: make([]float64, m), StdErr: make([]float64, m), LogStdErr: make([]float64, m),
		Lower: make([]float64, m), Upper: make([]float64, m),
		survivors: t.survivors, opt: o,
	}
	z := normalQuantile(o.Level)
	// q = 1 − S is summed from its increments S_{j−1}·d_j/n_j, so that the
	// bands keep its digits when S rounds to (or near) 1. V is held scaled
	// (see scaledSum): with weights near 1e-300 its terms are near 1e300.
	s, q := 1.0, 0.0
	var v scaledSum
	dead := false // some n_j − d_j = 0: S = 0 and V = +∞ from there on
	for j := range m {
		if n, d, surv := t.atRisk[j], t.events[j], t.survivors[j]; d > 0 {
			// 0 ≤ surv ≤ n and d ≤ n (see table), so the factor is in [0, 1].
			q += s * (d / n)
			s *= surv / n
			if surv > 0 {
				v.addRatio(d, n, surv)
			} else {
				dead = true
			}
			if s == 0 || q > 1 {
				q = 1
			}
		}
		c.Survival[j] = s
		if dead {
			c.LogStdErr[j], c.StdErr[j] = math.Inf(1), math.NaN()
			c.Lower[j], c.Upper[j] = math.NaN(), math.NaN()
			continue
		}
		var lse, se float64
		if v.e == 0 {
			lse = math.Sqrt(v.m)
			se = s * lse
		} else {
			lse, se = v.sqrtTimes(1), v.sqrtTimes(s)
		}
		c.LogStdErr[j], c.StdErr[j] = lse, se
		c.Lower[j], c.Upper[j] = band(o.Conf, s, q, lse, z)
	}
	return c, nil
}

// buildTable checks opt, validates obs and builds its life table: the
// common start of KaplanMeier and NelsonAalen.
func buildTable(fn string, obs []Observation, opt *Options) (Options, table, error) {
	o, err := opt.resolve(fn)
	if err != nil {
		return o, table{}, err
	}
	if len(obs) == 0 {
		return o, table{}, fault.New(fn, -1, "", ErrEmpty, "no observations")
	}
	total := 0.0
	g, err := prepare(fn, -1, obs, nil, 0, &total)
	if err != nil {
		return o, table{}, err
	}
	s := newSweep([]groupData{g}, o.ExactTimes)
	if err := checkIntervals(fn, s, [][]Observation{obs}, nil, 0, false); err != nil {
		return o, table{}, err
	}
	return o, tabulate(s), nil
}

// band returns the pointwise confidence limits of S given q = 1 − S, the
// Greenwood standard error se = √V of log S (finite) and the critical value z.
// Special cases: NaN limits when S = 0 (R gives NA); [S, S] when V = 0 or
// q = 0, as before the first event, where R gives NA for log-log. The
// transforms are written so that a huge se or an S within rounding of 0
// or 1 gives limits at 0 or 1 rather than NaN, and the result always
// satisfies 0 ≤ lo ≤ S ≤ hi ≤ 1 (a limit an ulp on the wrong side of S is
// moved to S).
func band(conf ConfType, s, q, se, z float64) (lo, hi float64) {
	switch {
	case s == 0:
		return math.NaN(), math.NaN()
	case se == 0 || q == 0:
		return s, s
	}
	switch conf {
	case ConfLogLog:
		ls := logSurvival(s, q)
		ll := math.Log(-ls)
		lo, hi = math.Exp(-math.Exp(ll-z*se/ls)), math.Exp(-math.Exp(ll+z*se/ls))
	case ConfPlain:
		h := z * s * se
		lo, hi = s-h, s+h
	case ConfLogit:
		lg := logSurvival(s, q) - math.Log(q)
		h := z * se / q
		lo, hi = numeric.Expit(lg-h), numeric.Expit(lg+h)
	case ConfArcsin:
		a := math.Asin(math.Sqrt(s))
		k := 0.5 * z * se * (math.Sqrt(s) / math.Sqrt(q))
		l, u := math.Sin(math.Max(0, a-k)), math.Sin(math.Min(math.Pi/2, a+k))
		lo, hi = l*l, u*u
	default: // ConfLog
		lo, hi = s*math.Exp(-z*se), s*math.Exp(z*se)
	}
	// Plain comparisons: none of the limits above can be NaN.
	if lo > s {
		lo = s
	}
	if lo < 0 {
		lo = 0
	}
	if hi < s {
		hi = s
	}
	if hi > 1 {
		hi = 1
	}
	return lo, hi
}

// logSurvival returns log S given S > 0 and q = 1 − S > 0, from q while S
// is near 1 (where S itself has lost the digits of q).
func logSurvival(s, q float64) float64 {
	if q < 0.5 {
		return math.Log1p(-q)
	}
	return math.Log(s)
}
