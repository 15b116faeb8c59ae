package survival

import (
	"math"
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

// resolved returns the options with defaults filled in, panicking on a
// setting outside its domain.
func (opt *Options) resolved() Options {
	var o Options
	if opt != nil {
		o = *opt
	}
	if o.Level == 0 {
		o.Level = 0.95
	}
	if !(o.Level > 0 && o.Level < 1) {
		panic("survival: Options.Level must be in (0, 1)")
	}
	if o.Conf < ConfLog || o.Conf > ConfArcsin {
		panic("survival: unknown Options.Conf")
	}
	if o.Quantile < QuantileR || o.Quantile > QuantileFirstBelow {
		panic("survival: unknown Options.Quantile")
	}
	if o.HazardTies < HazardNelsonAalen || o.HazardTies > HazardFlemingHarrington {
		panic("survival: unknown Options.HazardTies")
	}
	return o
}

// normalQuantile returns z = Φ⁻¹(1 − (1−level)/2), the two-sided normal
// critical value (1.959963984540054 for 0.95).
func normalQuantile(level float64) float64 {
	return math.Sqrt2 * math.Erfinv(level)
}

// Curve is a Kaplan–Meier estimate: one row per distinct exit time
// (including times with censorings only, as R lists them). All slices have
// the same length. Counts are case weights.
type Curve struct {
	Time     []float64 // t_j, ascending
	AtRisk   []float64 // n_j: weight with Entry < t_j ≤ Time (censored at t_j counts, entering at t_j does not)
	Events   []float64 // d_j: event weight at t_j
	Censored []float64 // c_j: censored weight at t_j
	Survival []float64 // S(t_j) = Π_{i ≤ j} (1 − d_i/n_i)
	StdErr   []float64 // Greenwood standard error of S(t_j): S·√V; NaN once S = 0
	Lower    []float64 // lower band limit; NaN where S = 0
	Upper    []float64 // upper band limit; NaN where S = 0

	// Entered is the weight whose entry lies in [t_{j−1}, t_j), with
	// t_{−1} = −∞, so AtRisk[j] = AtRisk[j−1] − Events[j−1] − Censored[j−1]
	// + Entered[j] and Entered[0] = AtRisk[0].
	Entered []float64
	// LogStdErr is √V, the Greenwood standard error of log S (R's std.err);
	// +Inf once S = 0.
	LogStdErr []float64

	opt Options
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
// KaplanMeier neither modifies nor keeps obs. It returns an error wrapping
// ErrEmpty when obs is empty and a *DataError wrapping ErrInvalid naming the
// row and field of the first invalid value. All-censored data are valid:
// S stays 1 and the median is NaN. It panics if opt holds a setting outside
// its domain.
func KaplanMeier(obs []Observation, opt *Options) (*Curve, error) {
	const fn = "survival.KaplanMeier"
	o := opt.resolved()
	t, err := buildTable(fn, obs, o.ExactTimes)
	if err != nil {
		return nil, err
	}
	m := len(t.time)
	c := &Curve{
		Time: t.time, AtRisk: t.atRisk, Events: t.events, Censored: t.censored, Entered: t.entered,
		Survival: make([]float64, m), StdErr: make([]float64, m), LogStdErr: make([]float64, m),
		Lower: make([]float64, m), Upper: make([]float64, m),
		opt: o,
	}
	z := normalQuantile(o.Level)
	s, v := 1.0, 0.0
	for j := range m {
		if n, d := t.atRisk[j], t.events[j]; d > 0 {
			s *= (n - d) / n
			if n > d {
				v += d / (n * (n - d))
			} else {
				v = math.Inf(1)
			}
		}
		c.Survival[j] = s
		c.LogStdErr[j] = math.Sqrt(v)
		c.StdErr[j] = s * math.Sqrt(v)
		c.Lower[j], c.Upper[j] = band(o.Conf, s, v, z)
	}
	return c, nil
}

// buildTable validates obs and builds its life table.
func buildTable(fn string, obs []Observation, exact bool) (table, error) {
	if len(obs) == 0 {
		return table{}, &DataError{Func: fn, Group: -1, Row: -1, Reason: "no observations", Err: ErrEmpty}
	}
	g, err := prepare(fn, -1, obs, nil, 0)
	if err != nil {
		return table{}, err
	}
	s := newSweep([]groupData{g}, exact)
	if err := checkIntervals(fn, s, [][]Observation{obs}, nil, 0, false); err != nil {
		return table{}, err
	}
	return tabulate(s), nil
}

// band returns the pointwise confidence limits of S given V = Var(log S)
// and the critical value z. Special cases: NaN limits when S = 0 or V = ∞
// (R gives NA); [S, S] when V = 0, including S = 1 before the first event,
// where R gives NA for log-log.
func band(conf ConfType, s, v, z float64) (lo, hi float64) {
	switch {
	case s == 0 || math.IsInf(v, 1):
		return math.NaN(), math.NaN()
	case v == 0 || s == 1:
		return s, s
	}
	se := math.Sqrt(v)
	switch conf {
	case ConfLogLog:
		ls := math.Log(s)
		ll := math.Log(-ls)
		return math.Exp(-math.Exp(ll - z*se/ls)), math.Exp(-math.Exp(ll + z*se/ls))
	case ConfPlain:
		h := z * s * se
		return math.Max(0, s-h), math.Min(1, s+h)
	case ConfLogit:
		lg := math.Log(s / (1 - s))
		h := z * se / (1 - s)
		return 1 / (1 + math.Exp(-(lg - h))), 1 / (1 + math.Exp(-(lg + h)))
	case ConfArcsin:
		a := math.Asin(math.Sqrt(s))
		k := 0.5 * z * se * math.Sqrt(s/(1-s))
		l, u := math.Sin(math.Max(0, a-k)), math.Sin(math.Min(math.Pi/2, a+k))
		return l * l, u * u
	default: // ConfLog
		return s * math.Exp(-z*se), math.Min(1, s*math.Exp(z*se))
	}
}
