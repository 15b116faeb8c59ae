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
	Upper    []float64 // H·exp(+z·StdErr/H); 0 where H = 0
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
func NelsonAalen(obs []Observation, opt *Options) (*CumHazard, error) {
	o := opt.resolved()
	t, err := buildTable("survival.NelsonAalen", obs, o.ExactTimes)
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
	cum, v := 0.0, 0.0
	for j := range m {
		n, d, rows := t.atRisk[j], t.events[j], t.eventRows[j]
		switch {
		case d == 0:
		case o.HazardTies == HazardFlemingHarrington:
			share := d / rows
			for k := range int(rows) {
				r := n - float64(k)*share
				cum += share / r
				v += share / (r * r)
			}
		default:
			cum += d / n
			v += d / (n * n)
		}
		se := math.Sqrt(v)
		h.Hazard[j], h.StdErr[j], h.Survival[j] = cum, se, math.Exp(-cum)
		if cum > 0 {
			h.Lower[j], h.Upper[j] = cum*math.Exp(-z*se/cum), cum*math.Exp(z*se/cum)
		}
	}
	return h, nil
}
