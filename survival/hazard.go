package survival

import "math"

// CumHazard is a Nelson–Aalen estimate of the cumulative hazard: one row
// per distinct exit time, like Curve. Counts are case weights.
type CumHazard struct {
	Time     []float64 // t_j, ascending
	AtRisk   []float64 // n_j
	Events   []float64 // d_j
	Hazard   []float64 // H(t_j)
	StdErr   []float64 // √Var(H(t_j))
	Lower    []float64 // H·exp(−z·StdErr/H) (lifelines' band); 0 where H = 0
	Upper    []float64 // H·exp(+z·StdErr/H); 0 where H = 0; +Inf only beyond the float64 range
	Survival []float64 // exp(−H), the Fleming–Harrington survival estimate (R's stype = 2)
}

// NelsonAalen estimates the cumulative hazard of obs, with the conventions,
// validation and errors of KaplanMeier. opt.HazardTies picks the increment
// at tied event times:
//
//	HazardNelsonAalen (R default):    ΔH = d/n,                     ΔVar = d/n²
//	HazardFlemingHarrington:          ΔH = Σ_{k<D} (d/D)/(n − k·d/D), ΔVar = Σ_{k<D} (d/D)/(n − k·d/D)²
//
// where D is the number of event rows at the time (unweighted, as in R:
// with case weights the correction splits the weight d over the D rows, so
// a weighted row and the same row expanded into unit rows differ).
// opt.Level sets the band level; opt.Conf and opt.Quantile are not used.
// NelsonAalen neither modifies nor keeps obs.
//
// Robustness: n − d and the tie-corrected n − k·d/D are summed from
// non-negative parts (see KaplanMeier), so every increment is in (0, 1],
// H is non-decreasing and exp(−H) non-increasing in [0, 1]; the variance
// is summed in scaled form, so StdErr is finite and not flushed to 0 (a
// plain d/(n·n) is +Inf with weights of 1e-300 and 0 with weights of 1e300).
func NelsonAalen(obs []Observation, opt *Options) (*CumHazard, error) {
	const fn = "survival.NelsonAalen"
	o, t, err := buildTable(fn, obs, opt)
	if err != nil {
		return nil, err
	}
	m := len(t.time)
	h := &CumHazard{
		Time: t.time, AtRisk: t.atRisk, Events: t.events,
		Hazard: make([]float64, m), StdErr: make([]float64, m), Lower: make([]float64, m),
		Upper: make([]float64, m), Survival: make([]float64, m),
	}
	z := normalQuantile(o.Level)
	cum := 0.0
	var v scaledSum // held scaled: d/n² is about 1e300 with weights of 1e-300
	for j := range m {
		n, d, rows := t.atRisk[j], t.events[j], t.eventRows[j]
		switch {
		case d == 0:
		case o.HazardTies == HazardFlemingHarrington:
			// The k-th of the D tied rows sees n − k·d/D at risk, written
			// as (n − d) + (D − k)·d/D: no cancellation, and at least d/D.
			share, surv := d/rows, t.survivors[j]
			for k := range int(rows) {
				r := surv + (rows-float64(k))*share
				cum += share / r
				v.addRatio(share, r, r)
			}
		default:
			cum += d / n
			v.addRatio(d, n, n)
		}
		se := v.sqrtTimes(1)
		h.Hazard[j], h.StdErr[j], h.Survival[j] = cum, se, math.Exp(-cum)
		if cum > 0 {
			h.Lower[j], h.Upper[j] = hazardBand(cum, se, z)
		}
	}
	return h, nil
}

// hazardBand returns H·exp(∓z·se/H), through logarithms when a product
// would overflow or underflow, so a limit is ±Inf or 0 only when its true
// value is beyond the float64 range; the limits always bracket H.
func hazardBand(cum, se, z float64) (lo, hi float64) {
	k := z * se / cum
	lo, hi = cum*math.Exp(-k), cum*math.Exp(k)
	if lo == 0 || math.IsInf(hi, 1) {
		lc := math.Log(cum)
		lo, hi = math.Exp(lc-k), math.Exp(lc+k)
	}
	return math.Min(lo, cum), math.Max(hi, cum)
}
