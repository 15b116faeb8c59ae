package survival

import (
	"math"
	"sort"

	"github.com/ltvgo/ltv/internal/fault"
)

// IncidenceVariance chooses the standard error of a cumulative incidence.
type IncidenceVariance int

const (
	// VarianceJackknife is the infinitesimal jackknife, the default of R's
	// survfit for multi-state data (survfit(Surv(time, factor(status)) ~ 1)):
	// the variance is Σ_i (w_i·∂F(t)/∂w_i)² over the subjects.
	VarianceJackknife IncidenceVariance = iota
	// VarianceGray is the variance of cmprsk's cuminc (Gray 1988;
	// Marubini & Valsecchi 1995, eq. 10.10 with the tie correction
	// 1 − (d − 1)/(n − 1)). As cuminc, it changes only at the event times
	// of its own cause and is 0 before the first one. P(event-free) keeps
	// the jackknife standard error (cuminc has none).
	VarianceGray
)

// IncidenceOptions are the settings of CumulativeIncidence. A nil
// *IncidenceOptions, and every zero field, means R survfit's default.
type IncidenceOptions struct {
	// Variance is the standard-error method; the zero value is
	// VarianceJackknife.
	Variance IncidenceVariance
	// Conf is the transform of the confidence bands, applied to every
	// probability as R's survfit does for multi-state curves; the zero
	// value is ConfLog: p·exp(∓z·SE/p), the upper limit capped at 1.
	Conf ConfType
	// Level is the confidence level of the bands, in (0, 1); 0 means 0.95.
	Level float64
	// Causes is the number of causes K to report (so that curves of
	// several groups line up); 0 means the largest Cause in the data. A
	// row with a larger Cause is an error.
	Causes int
	// ExactTimes groups times by exact equality instead of R's
	// near-equality merge (see the package documentation). cmprsk's
	// cuminc groups by exact equality.
	ExactTimes bool
}

// Incidence is an Aalen–Johansen estimate for competing risks: one row per
// distinct exit time, and for every state s — s = 0 "event-free", s = k
// "ended by cause k", k = 1 … K — its probability at that time with a
// standard error and pointwise confidence limits (R's pstate, std.err,
// lower and upper). All slices of a row index have the same length.
type Incidence struct {
	Time     []float64   // t_j, ascending
	AtRisk   []float64   // n_j: weight at risk at t_j
	Events   [][]float64 // Events[k][j]: event weight of cause k at t_j; Events[0][j] = d_j, every cause
	Censored []float64   // c_j: censored weight at t_j

	// Prob[0][j] is P(event-free at t_j), the Kaplan–Meier curve of any
	// event; Prob[k][j] is F_k(t_j), the cumulative incidence of cause k.
	// They sum to 1 at every t_j.
	Prob   [][]float64
	StdErr [][]float64 // standard error of Prob (IncidenceOptions.Variance)
	Lower  [][]float64 // lower band limit; NaN where Prob is 0 (R gives NA)
	Upper  [][]float64 // upper band limit; NaN where Prob is 0
}

// Causes returns K, the number of causes.
func (inc *Incidence) Causes() int { return len(inc.Prob) - 1 }

// At returns the probability of state s (0: event-free, k: cause k) at t
// and its standard error, as right-continuous step functions: (1, 0) for
// s = 0 and (0, 0) for a cause before the first time.
//
// Special cases are:
//
//	At(s, t) = NaN, NaN for s < 0, s > K or t NaN
func (inc *Incidence) At(s int, t float64) (p, se float64) {
	if s < 0 || s >= len(inc.Prob) || math.IsNaN(t) {
		return math.NaN(), math.NaN()
	}
	c := Curve{Time: inc.Time}
	if j := c.index(t); j > 0 {
		return inc.Prob[s][j-1], inc.StdErr[s][j-1]
	}
	if s == 0 {
		return 1, 0
	}
	return 0, 0
}

// CumulativeIncidence estimates, for competing risks, the probability of
// having had each kind of event by time t: the Aalen–Johansen estimator
// (Aalen & Johansen 1978; Kalbfleisch & Prentice 2002, §8.2.2), with S the
// Kaplan–Meier curve of any event,
//
//	S(t_j)   = Π_{l ≤ j} (1 − d_l/n_l)
//	F_k(t_j) = Σ_{l ≤ j} S(t_{l−1})·d_kl/n_l
//
// which equals R's survfit(Surv(time, factor(status)) ~ 1) and cmprsk's
// cuminc. Rows with Entry > 0 enter the risk sets after Entry (left
// truncation), as survfit(Surv(entry, time, factor(status)) ~ 1, id = id)
// with one row per subject. 1 − KaplanMeier of one cause, with the others censored, is not
// F_k: it overstates the risk whenever other causes occur.
//
// The standard error is opt.Variance's. The infinitesimal jackknife (R's
// default) differentiates the estimator with respect to each subject's
// weight: with h_j = d_j/n_j, h_kj = d_kj/n_j and i's at-risk and event
// indicators Y_ij, N_ij, N_ikj,
//
//	U_i0(t_j) = U_i0(t_{j−1})·(1 − h_j) − S(t_{j−1})·(N_ij − Y_ij·h_j)/n_j
//	U_ik(t_j) = U_ik(t_{j−1}) + U_i0(t_{j−1})·h_kj + S(t_{j−1})·(N_ikj − Y_ij·h_kj)/n_j
//	Var = Σ_i w_i²·U_i(t)²
//
// Subjects at risk from the start share one U, a late entry's differs
// from it by terms fixed at its entry, and after its exit a subject's U_ik
// moves as a + g·F_k(t), so the sums are kept in closed form:
// O(n·log n + (m + late entries)·K) for m distinct times. The bands are opt.Conf's transform of each
// probability with SE/p for the standard error of log p, as R's
// survfit_confint for multi-state curves (the default log band
// p·exp(∓z·SE/p), upper limit capped at 1).
//
// Case weights count as that many subjects in the estimate and in
// VarianceGray; the jackknife sums (w_i·U_i)² as R does, which treats them
// as sampling weights (a weight of 2 is not two rows there). Times are
// merged as in R unless opt.ExactTimes. Special cases: a standard error is
// NaN where float64 cannot hold its sums — for the jackknife once the
// weight at risk is below 2^−450 of the largest weight, for VarianceGray
// when its O(1/n) terms overflow (total weights near the subnormal range).
// CumulativeIncidence neither modifies nor keeps obs.
// Errors: ErrEmpty for no rows; a *DataError wrapping ErrInvalid naming the
// row and field of an invalid value (as KaplanMeier), a Cause below 0,
// above 1024 or above opt.Causes, an Entry other than 0 with VarianceGray
// (cuminc's variance is for right-censored data), or the option outside
// its domain (Row −1).
func CumulativeIncidence(obs []CompetingObservation, opt *IncidenceOptions) (*Incidence, error) {
	const fn = "survival.CumulativeIncidence"
	o, err := opt.resolve(fn)
	if err != nil {
		return nil, err
	}
	k, err := checkCauses(fn, -1, obs, true)
	if err != nil {
		return nil, err
	}
	if o.Variance == VarianceGray {
		if _, err := checkCauses(fn, -1, obs, false); err != nil {
			return nil, err // cuminc's variance is for right-censored data only
		}
	}
	if o.Causes > 0 {
		for i, ob := range obs {
			if ob.Cause > o.Causes {
				return nil, fault.New(fn, i, "Cause", ErrInvalid, "is %d, above IncidenceOptions.Causes (%d)", ob.Cause, o.Causes)
			}
		}
		k = o.Causes
	}
	t, rows, err := competingTable(fn, obs, o.ExactTimes)
	if err != nil {
		return nil, err
	}
	m := len(t.time)
	inc := &Incidence{Time: t.time, AtRisk: t.atRisk, Censored: t.censored}
	newCols := func() [][]float64 {
		c := make([][]float64, k+1)
		for s := range c {
			c[s] = make([]float64, m)
		}
		return c
	}
	inc.Events, inc.Prob, inc.StdErr, inc.Lower, inc.Upper = newCols(), newCols(), newCols(), newCols(), newCols()
	copy(inc.Events[0], t.events)
	for i, ob := range obs {
		if ob.Cause > 0 {
			inc.Events[ob.Cause][rows[i]] += ob.weightOf()
		}
	}
	s := 1.0 // S(t_{j−1}), multiplied as KaplanMeier does
	for j := range m {
		n := t.atRisk[j]
		for c := 1; c <= k; c++ {
			prev := 0.0
			if j > 0 {
				prev = inc.Prob[c][j-1]
			}
			inc.Prob[c][j] = prev + s*(inc.Events[c][j]/n)
		}
		if t.events[j] > 0 {
			s *= t.survivors[j] / n
		}
		inc.Prob[0][j] = s
	}
	jackknifeVariance(inc, t, rows, obs)
	if o.Variance == VarianceGray {
		for c := 1; c <= k; c++ {
			grayVariance(inc, t, c)
		}
	}
	z := normalQuantile(o.Level)
	for st := range inc.Prob {
		for j, p := range inc.Prob[st] {
			se := inc.StdErr[st][j]
			if p > 0 {
				se /= p
			}
			q := 1 - p
			if st == 0 { // 1 − S from the incidences, whose digits it keeps while S ≈ 1
				q = 0
				for c := 1; c <= k; c++ {
					q += inc.Prob[c][j]
				}
			}
			inc.Lower[st][j], inc.Upper[st][j] = band(o.Conf, p, q, se, z)
		}
	}
	return inc, nil
}

// weightOf returns the case weight of o, reading 0 as 1.
func (o CompetingObservation) weightOf() float64 { return o.observation().weight() }

// resolve returns the options of function fn with defaults filled in, or a
// *DataError for a setting outside its domain.
func (opt *IncidenceOptions) resolve(fn string) (IncidenceOptions, error) {
	var o IncidenceOptions
	if opt != nil {
		o = *opt
	}
	var err error
	if o.Level, err = resolveBand(fn, "IncidenceOptions", o.Level, o.Conf); err != nil {
		return o, err
	}
	switch {
	case o.Variance < VarianceJackknife || o.Variance > VarianceGray:
		return o, fault.New(fn, -1, "IncidenceOptions.Variance", ErrInvalid, "is %d, not an IncidenceVariance", o.Variance)
	case o.Causes < 0 || o.Causes > maxCauses:
		return o, fault.New(fn, -1, "IncidenceOptions.Causes", ErrInvalid, "is %d, want 0 … %d", o.Causes, maxCauses)
	}
	return o, nil
}

// jackknifeVariance fills inc.StdErr with the infinitesimal-jackknife
// standard errors (see CumulativeIncidence). Every subject at risk from the
// start has the same influence, u0 on S and b_k on F_k. One who entered
// late, at E, has U_i0 = u0 − α·S and U_ik = b_k − α·F_k + γ_k while at
// risk, with α = u0(E)/S(E) and γ_k = α·F_k(E) − b_k(E) (0 for all once S(E)
// = 0: nothing it does moves the estimate). A subject who left at row j has
// U_i0(t) = g·S(t) and U_ik(t) = a_k + g·F_k(t) from then on, with g =
// U_i0(t_j)/S(t_j) (0 once S = 0) and a_k = U_ik(t_j) − g·F_k(t_j). So
// Σ w²·U² is kept as sums over the subjects at risk of w², w²·α, w²·α²,
// w²·γ_k, w²·γ_k² and w²·α·γ_k, and over those who left of w²·a_k², w²·a_k·g
// and w²·g². Subjects at risk from the start are handled per row and exit
// cause, the late entries one by one.
func jackknifeVariance(inc *Incidence, t table, rows []int, obs []CompetingObservation) {
	k := inc.Causes()
	m := len(t.time)
	// Σ (w_i·U_i)² does not change when every weight is multiplied by one
	// factor (U_i is divided by it), so the weights are divided by a power
	// of two near the largest, which keeps w² and 1/n in range.
	maxW := 0.0
	for _, o := range obs {
		maxW = math.Max(maxW, o.weightOf())
	}
	_, scale := math.Frexp(maxW)
	// w2[c][j]: Σ w² of the subjects at risk from the start who leave at
	// t_j by cause c (0: censored); entering[j] and leaving[j]: the late
	// entries that enter after t_j (and before t_{j+1}) and that leave at t_j.
	w2, rowsOut := make([][]float64, k+1), make([][]int, k+1)
	for c := range w2 {
		w2[c], rowsOut[c] = make([]float64, m), make([]int, m)
	}
	var entering, leaving [][]int
	var r riskSums // the subjects at risk
	r.init(k)
	for i, o := range obs {
		w := math.Ldexp(o.weightOf(), -scale)
		if e := entryRow(t.time, o.Entry); e >= 0 {
			if entering == nil {
				entering, leaving = make([][]int, m), make([][]int, m)
			}
			entering[e] = append(entering[e], i)
			leaving[rows[i]] = append(leaving[rows[i]], i)
			continue
		}
		w2[o.Cause][rows[i]] += w * w
		rowsOut[o.Cause][rows[i]]++
		r.add(1, w*w, 0, nil)
	}
	// α and γ (k+1 a subject) of the late entries, set while at risk.
	var alpha, gamma []float64
	var atRiskLate []bool
	if entering != nil {
		alpha, gamma, atRiskLate = make([]float64, len(obs)), make([]float64, len(obs)*(k+1)), make([]bool, len(obs))
	}
	var (
		s, u0 = 1.0, 0.0
		b     = make([]float64, k+1) // b[c]: influence on F_c of a subject at risk from the start
		aa    = make([]float64, k+1) // Σ w²·a_c²
		ag    = make([]float64, k+1) // Σ w²·a_c·g
		gg    float64                // Σ w²·g²
		zero  = make([]float64, k+1)
		lost  bool
	)
	f := func(c, j int) float64 { // F_c(t_j), F_c(t_{−1}) = 0
		if j < 0 {
			return 0
		}
		return inc.Prob[c][j]
	}
	for j := range m {
		h := t.events[j] / t.atRisk[j]
		n := math.Ldexp(t.atRisk[j], -scale)
		sNew := inc.Prob[0][j]
		// leave records the exit by cause exit of weight² wsq of subjects
		// with α and γ at the start of the row.
		leave := func(count int, wsq, a float64, g []float64, exit int) {
			event := 0.0
			if exit > 0 {
				event = 1
			}
			ui0prev := u0 - a*s
			ui0 := ui0prev*(1-h) - s*(event-h)/n
			gi := 0.0
			if sNew > 0 {
				gi = ui0 / sNew
			}
			gg += wsq * gi * gi
			for c := 1; c <= k; c++ {
				hc := inc.Events[c][j] / t.atRisk[j]
				own := 0.0
				if c == exit {
					own = 1
				}
				uk := b[c] - a*f(c, j-1) + g[c] + ui0prev*hc + s*(own-hc)/n
				ai := uk - gi*f(c, j)
				aa[c] += wsq * ai * ai
				ag[c] += wsq * ai * gi
			}
			r.add(-count, -wsq, a, g)
		}
		for exit := range k + 1 {
			if c := rowsOut[exit][j]; c > 0 {
				leave(c, w2[exit][j], 0, zero, exit)
			}
		}
		if leaving != nil {
			for _, i := range leaving[j] {
				if atRiskLate[i] { // not when S was 0 at its entry
					w := math.Ldexp(obs[i].weightOf(), -scale)
					leave(1, w*w, alpha[i], gamma[i*(k+1):(i+1)*(k+1)], obs[i].Cause)
				}
			}
		}
		if r.rows == 0 {
			r.init(k) // no rounding residue when nobody is left at risk
		}
		for c := 1; c <= k; c++ {
			hc := inc.Events[c][j] / t.atRisk[j]
			b[c] += u0*hc - s*hc/n
		}
		u0 = u0*(1-h) + s*h/n
		s = sNew
		if entering != nil && s > 0 {
			for _, i := range entering[j] {
				a, g := u0/s, gamma[i*(k+1):(i+1)*(k+1)]
				for c := 1; c <= k; c++ {
					g[c] = a*f(c, j) - b[c]
				}
				w := math.Ldexp(obs[i].weightOf(), -scale)
				alpha[i], atRiskLate[i] = a, true
				r.add(1, w*w, a, g)
			}
		}
		// Once the weight at risk is below 2^−450 of the largest weight,
		// the squares of the smallest weights may have underflowed while
		// their influence is large: the sums are no longer trustworthy.
		lost = lost || n < 0x1p-450
		v0 := r.w*u0*u0 - 2*u0*s*r.a + s*s*r.aa + s*s*gg
		inc.StdErr[0][j] = finiteOrNaN(math.Sqrt(math.Max(0, v0)), lost)
		for c := 1; c <= k; c++ {
			fc := f(c, j)
			atRisk := r.w*b[c]*b[c] + fc*fc*r.aa + r.gg[c] - 2*b[c]*fc*r.a + 2*b[c]*r.g[c] - 2*fc*r.ag[c]
			inc.StdErr[c][j] = finiteOrNaN(math.Sqrt(math.Max(0, atRisk+aa[c]+2*fc*ag[c]+fc*fc*gg)), lost)
		}
	}
}

// riskSums are the sums over the subjects at risk that the jackknife
// needs: their number of rows, Σ w², Σ w²·α, Σ w²·α², and per cause Σ w²·γ,
// Σ w²·γ², Σ w²·α·γ.
type riskSums struct {
	rows      int
	w, a, aa  float64
	g, gg, ag []float64
}

// init empties r for k causes.
func (r *riskSums) init(k int) {
	*r = riskSums{g: make([]float64, k+1), gg: make([]float64, k+1), ag: make([]float64, k+1)}
}

// add adds rows subjects of total weight² wsq (negative: removes them)
// with α = a and γ = g (nil: all 0).
func (r *riskSums) add(rows int, wsq, a float64, g []float64) {
	r.rows += rows
	r.w += wsq
	r.a += wsq * a
	r.aa += wsq * a * a
	for c := range g {
		r.g[c] += wsq * g[c]
		r.gg[c] += wsq * g[c] * g[c]
		r.ag[c] += wsq * a * g[c]
	}
}

// entryRow returns the last row of times at or before entry, −1 when there
// is none (the subject is at risk from the start).
func entryRow(times []float64, entry float64) int {
	if entry == 0 {
		return -1
	}
	return sort.Search(len(times), func(j int) bool { return times[j] > entry }) - 1
}

// grayVariance overwrites inc.StdErr[c] with cmprsk's cuminc standard
// error of F_c (see VarianceGray): with S⁻ = S(t_{j−1}), S = S(t_j),
// τ(d, n) = 1 − (d − 1)/(n − 1) (1 for d ≤ 1) and, at each time with
// events, the cause's d_c and the other causes' d_o,
//
//	v1 += (F/S)²·r_o + (1 + F/S)²·r_c,  v2 += (F/S²)·r_o + (1 + F/S)/S·r_c,  v3 += r_o/S² + r_c/S²
//	r_x = S⁻²·τ(d_x, n)·d_x/n²        (the r_o terms only while S > 0, 1/S read as 0 once S = 0)
//	Var F(t) = v1 + F²·v3 − 2F·v2     (updated at the cause's own event times)
func grayVariance(inc *Incidence, t table, c int) {
	tau := func(d, n float64) float64 {
		if d <= 1 {
			return 1
		}
		return 1 - (d-1)/(n-1)
	}
	sPrev, v1, v2, v3, v := 1.0, 0.0, 0.0, 0.0, 0.0
	for j := range t.time {
		n, d := t.atRisk[j], t.events[j]
		if d == 0 {
			inc.StdErr[c][j] = finiteOrNaN(math.Sqrt(v), false)
			continue
		}
		dc := inc.Events[c][j]
		do := d - dc
		s, f := inc.Prob[0][j], inc.Prob[c][j]
		if do > 0 && s > 0 {
			r := sPrev * sPrev * tau(do, n) * (do / n) / n
			v1 += (f / s) * (f / s) * r
			v2 += (1 / s) * (f / s) * r
			v3 += (1 / s) * (1 / s) * r
		}
		if dc > 0 {
			r := sPrev * sPrev * tau(dc, n) * (dc / n) / n
			inv := 0.0
			if s > 0 {
				inv = 1 / s
			}
			a := 1 + inv*f
			v1 += a * a * r
			v2 += inv * a * r
			v3 += inv * inv * r
			v = math.Max(0, v1+f*f*v3-2*f*v2)
		}
		inc.StdErr[c][j] = finiteOrNaN(math.Sqrt(v), false)
		sPrev = s
	}
}

// finiteOrNaN returns x, or NaN when x is not finite or lost is set: a
// standard error of a probability cannot be infinite, so an overflow means
// float64 could not hold the sums.
func finiteOrNaN(x float64, lost bool) float64 {
	if lost || math.IsInf(x, 0) {
		return math.NaN()
	}
	return x
}
