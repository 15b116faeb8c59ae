package survival

import (
	"math"
	"slices"

	"github.com/ltvgo/ltv/internal/fault"
)

// Test is the result of a chi-square test.
type Test struct {
	ChiSquare float64 // the statistic
	DF        int     // degrees of freedom
	P         float64 // P(χ²_DF > ChiSquare)
}

// LogRankWeight chooses the weight w_j given to each event time.
type LogRankWeight int

const (
	// WeightSurvival is the Fleming–Harrington family
	// w_j = Ŝ(t_j−)^Rho·(1 − Ŝ(t_j−))^Gamma, with Ŝ the pooled Kaplan–Meier
	// curve of the stratum, left-continuous. Rho = Gamma = 0 is the
	// log-rank test; Rho = 1, Gamma = 0 is R's survdiff(rho = 1)
	// (Peto–Peto / Prentice modification of the Wilcoxon test).
	WeightSurvival LogRankWeight = iota
	// WeightAtRisk is w_j = n_j (Gehan–Breslow generalised Wilcoxon).
	WeightAtRisk
	// WeightSqrtAtRisk is w_j = √n_j (Tarone–Ware).
	WeightSqrtAtRisk
)

// LogRankOptions are the settings of LogRankTest. The zero value (or a nil
// *LogRankOptions) is the unstratified log-rank test of R's survdiff.
type LogRankOptions struct {
	Weight     LogRankWeight
	Rho, Gamma float64 // exponents of WeightSurvival; finite, and 0 with the other weights
	// Strata, when not nil, has the shape of groups: Strata[g][i] labels
	// the stratum of groups[g][i]. O, E and V are then summed over strata,
	// each with its own risk sets (and its own Ŝ).
	Strata [][]int
	// ExactTimes groups times by exact equality instead of R's near-equality
	// merge (done within each stratum).
	ExactTimes bool
}

// LogRankResult is a k-sample test with its ingredients. Observed and
// Expected are weighted by the test weight (R prints them so when ρ ≠ 0).
type LogRankResult struct {
	Test
	Observed []float64   // O_g = Σ_j w_j·d_gj
	Expected []float64   // E_g = Σ_j w_j·d_j·n_gj/n_j
	Variance [][]float64 // V_gk = Σ_j w_j²·d_j(n_j − d_j)/(n_j − 1)·(n_gj/n_j)(δ_gk − n_kj/n_j), over n_j > 1
}

// LogRank is the log-rank test that the groups share one survival
// function: LogRankTest with default options.
func LogRank(groups [][]Observation) (Test, error) {
	r, err := LogRankTest(groups, nil)
	if err != nil {
		return Test{ChiSquare: math.NaN(), P: math.NaN()}, err
	}
	return r.Test, nil
}

// LogRankTest compares the survival of k groups with a weighted log-rank
// statistic computed at each distinct event time of the pooled data (late
// entry uses (Entry, Time] risk sets, which makes it the score test of
// coxph(ties = "exact")). Groups with E_g = 0 are left out; of the rest the
// first is dropped and
//
//	χ² = (O − E)ᵀ V⁻¹ (O − E),   df = (groups with E_g > 0) − 1,
//
// solved by the package's LDLᵀ factorisation with R's rank rule (the one
// the Cox fit uses) on V scaled to a unit diagonal. Conventions follow R's
// survdiff.
//
// Case weights are frequency weights (n_j − 1 in V; R's survdiff takes no
// case weights). n_j − d_j is summed without cancellation (see
// KaplanMeier), the n_j and √n_j test weights are rescaled by a power of two
// internally (exactly, so ordinary data give the same bits), and χ² is
// Σ y_i²/D_i with L·y = O − E and V = L·D·Lᵀ, so it is never negative.
//
// Special cases are:
//
//	ChiSquare = NaN, P = NaN (and a nil error) when a test weight is infinite
//	  (ρ < 0 with Ŝ(t−) = 0, or γ < 0 with Ŝ(t−) = 1) or O − E or V overflows float64;
//	Observed, Expected and Variance are +Inf where their value is beyond float64
//	  (e.g. Gehan with weights of 1e200), while χ² comes from the rescaled sums;
//	ErrSingular when no event time has n_j > 1 (all weights tiny, as 1e-300).
//
// LogRankTest neither modifies nor keeps groups. Errors: a *DataError
// wrapping ErrInvalid for an invalid observation (Group and Row name it)
// or an invalid option (Row -1, Field the option: an unknown Weight, a Rho
// or Gamma that is not finite or is set with another weight, Strata that
// do not have the shape of groups, with Group naming the group whose
// labels are missing or extra), ErrEmpty when fewer than two groups have
// expected events, ErrSingular, naming a group, when V (scaled to a unit
// diagonal) is not numerically positive definite: a pivot of its LDLᵀ
// factorisation at most ε^0.75 ≈ 1.8e-12 (R's toler.chol; R's survdiff
// stops with an error from solve there).
func LogRankTest(groups [][]Observation, opt *LogRankOptions) (*LogRankResult, error) {
	const fn = "survival.LogRankTest"
	var o LogRankOptions
	if opt != nil {
		o = *opt
	}
	if err := o.check(fn, groups); err != nil {
		return nil, err
	}
	k := len(groups)
	obsd, expd, v := make([]float64, k), make([]float64, k), make([]float64, k*k)
	// O, E and V are accumulated with the test weight divided by 2^scale,
	// a power of two near the total weight for the n_j and √n_j weights, so
	// that w² cannot overflow (n_j = 1e200 would). The statistic does not
	// change with the scale, and the reported O, E and V are scaled back
	// exactly.
	scale := 0
	if o.Weight != WeightSurvival {
		_, scale = math.Frexp(validWeight(groups))
		if o.Weight == WeightSqrtAtRisk {
			scale = (scale + 1) / 2
		}
	}

	labels := []int{0}
	if o.Strata != nil {
		labels = distinctLabels(o.Strata)
	}
	gd := make([]groupData, k)
	total := 0.0
	for _, label := range labels {
		for g := range groups {
			var lab []int
			if o.Strata != nil {
				lab = o.Strata[g]
			}
			var err error
			if gd[g], err = prepare(fn, g, groups[g], lab, label, &total); err != nil {
				return nil, err
			}
		}
		s := newSweep(gd, o.ExactTimes)
		if err := checkIntervals(fn, s, groups, o.Strata, label, true); err != nil {
			return nil, err
		}
		o.accumulate(s, scale, obsd, expd, v)
	}
	r := &LogRankResult{Observed: make([]float64, k), Expected: make([]float64, k), Variance: make([][]float64, k)}
	for g := range r.Variance {
		r.Observed[g], r.Expected[g] = math.Ldexp(obsd[g], scale), math.Ldexp(expd[g], scale)
		r.Variance[g] = make([]float64, k)
		for h := range k {
			r.Variance[g][h] = math.Ldexp(v[g*k+h], 2*scale)
		}
	}
	var kept []int
	for g, e := range expd {
		if e > 0 {
			kept = append(kept, g)
		}
	}
	if len(kept) < 2 {
		return nil, fault.New(fn, -1, "", ErrEmpty, "fewer than two groups have expected events")
	}
	kept = kept[1:]
	df := len(kept)
	u := make([]float64, df)
	vk := make([]float64, df*df)
	finite := true
	for a, g := range kept {
		u[a] = obsd[g] - expd[g]
		finite = finite && !math.IsInf(u[a], 0) && !math.IsNaN(u[a])
		for b, h := range kept {
			x := v[g*k+h]
			finite = finite && !math.IsInf(x, 0) && !math.IsNaN(x)
			vk[a*df+b] = x
		}
	}
	if !finite {
		r.Test = Test{ChiSquare: math.NaN(), DF: df, P: math.NaN()}
		return r, nil
	}
	// Equilibrated to a unit diagonal, so that the rank rule does not
	// depend on the groups' sizes: χ² = (s∘u)ᵀ(SVS)⁻¹(s∘u).
	e, sc := equilibrate(vk, df, 1)
	fac := factorLDL(e, df, cholTolerance)
	if len(fac.singular) > 0 {
		return nil, fault.New(fn, -1, "", ErrSingular, "the variance of O − E is singular: group %d's O − E is a linear combination of the other groups'", kept[fac.singular[0]])
	}
	for a := range u {
		u[a] *= sc[a]
	}
	chi := fac.quadForm(u)
	if math.IsInf(chi, 0) || math.IsNaN(chi) {
		chi = math.NaN()
	}
	r.Test = chiSquareTest(chi, df)
	return r, nil
}

// validWeight returns the total weight of the rows of groups that are
// valid (the others are reported by prepare).
func validWeight(groups [][]Observation) float64 {
	total := 0.0
	for _, obs := range groups {
		for _, o := range obs {
			if field, _ := o.check(); field == "" {
				total += o.weight()
			}
		}
	}
	return math.Min(total, math.MaxFloat64)
}

// check returns a *DataError of function fn for the first option outside
// its domain, or nil.
func (o *LogRankOptions) check(fn string, groups [][]Observation) error {
	const exponents = "apply to WeightSurvival only"
	switch {
	case o.Weight < WeightSurvival || o.Weight > WeightSqrtAtRisk:
		return fault.New(fn, -1, "LogRankOptions.Weight", ErrInvalid, "is %d, not a LogRankWeight", o.Weight)
	case math.IsNaN(o.Rho) || math.IsInf(o.Rho, 0):
		return fault.New(fn, -1, "LogRankOptions.Rho", ErrInvalid, "is %v, want finite", o.Rho)
	case math.IsNaN(o.Gamma) || math.IsInf(o.Gamma, 0):
		return fault.New(fn, -1, "LogRankOptions.Gamma", ErrInvalid, "is %v, want finite", o.Gamma)
	case o.Weight != WeightSurvival && o.Rho != 0:
		return fault.New(fn, -1, "LogRankOptions.Rho", ErrInvalid, "is %v, want 0: Rho and Gamma %s", o.Rho, exponents)
	case o.Weight != WeightSurvival && o.Gamma != 0:
		return fault.New(fn, -1, "LogRankOptions.Gamma", ErrInvalid, "is %v, want 0: Rho and Gamma %s", o.Gamma, exponents)
	case o.Strata == nil:
		return nil
	case len(o.Strata) != len(groups):
		return fault.New(fn, -1, "LogRankOptions.Strata", ErrInvalid, "has %d slices for %d groups", len(o.Strata), len(groups))
	}
	for g := range groups {
		if len(o.Strata[g]) != len(groups[g]) {
			return fault.NewInGroup(fn, g, -1, "LogRankOptions.Strata", ErrInvalid, "has %d labels for %d rows", len(o.Strata[g]), len(groups[g]))
		}
	}
	return nil
}

// distinctLabels returns the stratum labels in ascending order.
func distinctLabels(strata [][]int) []int {
	seen := map[int]bool{}
	var labels []int
	for _, s := range strata {
		for _, l := range s {
			if !seen[l] {
				seen[l] = true
				labels = append(labels, l)
			}
		}
	}
	slices.Sort(labels)
	return labels
}

// accumulate adds one stratum's O, E and V (k×k, row-major) for the
// groups of the sweep sw, with the n_j and √n_j test weights divided by
// 2^scale (by Ldexp: the factor itself may be beyond float64 when the
// weights are subnormal).
func (o *LogRankOptions) accumulate(sw *sweep, scale int, obsd, expd, v []float64) {
	k := len(sw.groups)
	// survBefore[j] = Ŝ(t_j−) of the pooled stratum, by exit row, when the weight needs it.
	var survBefore []float64
	var failBefore []float64 // 1 − Ŝ(t_j−), summed from its increments (see KaplanMeier)
	if o.Weight == WeightSurvival && (o.Rho != 0 || o.Gamma != 0) {
		t := tabulate(sw)
		survBefore = make([]float64, len(t.time))
		failBefore = make([]float64, len(t.time))
		s, q := 1.0, 0.0
		for j := range t.time {
			survBefore[j], failBefore[j] = s, q
			if n, d := t.atRisk[j], t.events[j]; d > 0 {
				q += s * (d / n)
				s *= t.survivors[j] / n
				if s == 0 || q > 1 {
					q = 1
				}
			}
		}
	}
	row := len(survBefore) // exit rows, counted down
	for sw.next() {
		if !sw.hasExit {
			continue
		}
		row--
		n, d, surv := 0.0, 0.0, 0.0
		for g := range sw.row {
			r := &sw.row[g]
			n += r.atRisk
			d += r.events
			surv += r.beyond + r.censored // n − d without cancellation
		}
		if d == 0 {
			continue
		}
		w := 1.0
		switch {
		case o.Weight == WeightAtRisk:
			w = math.Ldexp(n, -scale)
		case o.Weight == WeightSqrtAtRisk:
			w = math.Ldexp(math.Sqrt(n), -scale)
		case survBefore != nil:
			w = math.Pow(survBefore[row], o.Rho) * math.Pow(failBefore[row], o.Gamma)
		}
		// Shares n_g/n by division: 1/n overflows for a subnormal n.
		for g := range sw.row {
			r := &sw.row[g]
			obsd[g] += w * r.events
			expd[g] += w * d * (r.atRisk / n)
		}
		if n <= 1 {
			continue
		}
		f := w * w * (d / n) * (surv / (n - 1))
		for g := range sw.row {
			a := f * sw.row[g].atRisk
			for h := range sw.row {
				share := -sw.row[h].atRisk / n
				if g == h {
					share++
				}
				v[g*k+h] += a * share
			}
		}
	}
}
