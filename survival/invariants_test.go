package survival_test

import (
	"errors"
	"fmt"
	"math"

	"github.com/ltvgo/ltv/survival"
)

// The invariants every output of the package keeps, whatever the weights:
// checked by the extreme-weight tests, the property sweep and the fuzz
// targets. Each returns an error describing the first violation.

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// checkCurve: counts finite and ≥ 0 with Events ≤ AtRisk; S in [0, 1] and
// non-increasing; StdErr and LogStdErr finite and ≥ 0 where S > 0; bands
// with 0 ≤ Lower ≤ S ≤ Upper ≤ 1 where S > 0 and NaN where S = 0.
func checkCurve(c *survival.Curve) error {
	m := len(c.Time)
	for _, col := range [][]float64{c.AtRisk, c.Events, c.Censored, c.Entered, c.Survival, c.StdErr, c.LogStdErr, c.Lower, c.Upper} {
		if len(col) != m {
			return fmt.Errorf("column of length %d, want %d", len(col), m)
		}
	}
	if m == 0 {
		return errors.New("no rows")
	}
	prev := 1.0
	for j := range m {
		if j > 0 && !(c.Time[j] > c.Time[j-1]) {
			return fmt.Errorf("Time[%d] = %v after %v", j, c.Time[j], c.Time[j-1])
		}
		n, d, cens, s := c.AtRisk[j], c.Events[j], c.Censored[j], c.Survival[j]
		if !finite(n) || !finite(d) || !finite(cens) || !finite(c.Entered[j]) || n < 0 || d < 0 || cens < 0 || c.Entered[j] < 0 || d > n || cens > n {
			return fmt.Errorf("row %d: counts n=%v d=%v c=%v entered=%v", j, n, d, cens, c.Entered[j])
		}
		if !(s >= 0 && s <= prev) {
			return fmt.Errorf("S[%d] = %v after %v", j, s, prev)
		}
		prev = s
		se, lse, lo, hi := c.StdErr[j], c.LogStdErr[j], c.Lower[j], c.Upper[j]
		if s > 0 {
			if !finite(se) || se < 0 || !finite(lse) || lse < 0 {
				return fmt.Errorf("row %d: S = %v with StdErr %v, LogStdErr %v", j, s, se, lse)
			}
			if !(lo >= 0 && lo <= s && hi >= s && hi <= 1) {
				return fmt.Errorf("row %d: band [%v, %v] around S = %v", j, lo, hi, s)
			}
		} else if !math.IsNaN(lo) || !math.IsNaN(hi) || !(math.IsNaN(se) || se == 0) {
			return fmt.Errorf("row %d: S = 0 with StdErr %v, band [%v, %v]", j, se, lo, hi)
		}
	}
	return nil
}

// checkQueries: quantiles NaN or in [0, last time] (R's rule can average
// with the point (0, 0)); restricted means in
// [0, τ] with a non-negative se (finite for moderate τ); At and Table in
// [0, 1].
func checkQueries(c *survival.Curve) error {
	first, last := c.Time[0], c.Time[len(c.Time)-1]
	inRange := func(x float64) bool { return math.IsNaN(x) || x >= 0 && x <= last }
	est, lo, hi := c.Median()
	if !inRange(est) || !inRange(lo) || !inRange(hi) {
		return fmt.Errorf("median %v [%v, %v] outside [0, %v]", est, lo, hi, last)
	}
	for _, p := range []float64{1e-300, 0.25, 0.5, 0.75, 1 - 1e-16} {
		est, lo, hi := c.Quantile(p)
		if !inRange(est) || !inRange(lo) || !inRange(hi) {
			return fmt.Errorf("quantile(%v) %v [%v, %v] outside [0, %v]", p, est, lo, hi, last)
		}
	}
	for _, tau := range []float64{0, first, (first + last) / 2, last, last + 1, 1e6, 1e300, math.MaxFloat64} {
		mean, se := c.RestrictedMean(tau)
		if !(mean >= 0 && mean <= tau) || !(se >= 0) || tau <= 1e6 && !finite(se) {
			return fmt.Errorf("RestrictedMean(%v) = %v, %v", tau, mean, se)
		}
		if tau <= first && mean != tau {
			return fmt.Errorf("RestrictedMean(%v) = %v before the first time", tau, mean)
		}
	}
	mean, se := c.RestrictedMean(math.Inf(1))
	if s := c.Survival[len(c.Survival)-1]; s == 0 && !(finite(mean) && mean >= 0 && se >= 0) || s > 0 && !(math.IsInf(mean, 1) && math.IsInf(se, 1)) {
		return fmt.Errorf("RestrictedMean(+Inf) = %v, %v with S(last) = %v", mean, se, s)
	}
	if m, s := c.RestrictedMean(-1); !math.IsNaN(m) || !math.IsNaN(s) {
		return fmt.Errorf("RestrictedMean(-1) = %v, %v", m, s)
	}
	for _, t := range []float64{-1, 0, first, last, math.Inf(1)} {
		if s := c.At(t); !(s >= 0 && s <= 1) {
			return fmt.Errorf("At(%v) = %v", t, s)
		}
	}
	r := c.Table([]float64{math.Inf(-1), 0, first, (first + last) / 2, last, math.Inf(1)})
	for i, s := range r.Survival {
		if !(s >= 0 && s <= 1) || r.AtRisk[i] < 0 || s > 0 && !(r.Lower[i] <= s && s <= r.Upper[i]) {
			return fmt.Errorf("Table row %d: S %v band [%v, %v] at risk %v", i, s, r.Lower[i], r.Upper[i], r.AtRisk[i])
		}
	}
	return nil
}

// checkHazard: H finite, ≥ 0, non-decreasing; StdErr finite and ≥ 0;
// 0 ≤ Lower ≤ H ≤ Upper (Upper +Inf only beyond the float64 range, never
// NaN); Survival = exp(−H) in [0, 1].
func checkHazard(h *survival.CumHazard) error {
	prev := 0.0
	for j := range h.Time {
		H, se, lo, hi, s := h.Hazard[j], h.StdErr[j], h.Lower[j], h.Upper[j], h.Survival[j]
		if !finite(H) || H < prev || !finite(se) || se < 0 {
			return fmt.Errorf("row %d: H = %v after %v, StdErr %v", j, H, prev, se)
		}
		prev = H
		if !(lo >= 0 && lo <= H && hi >= H) {
			return fmt.Errorf("row %d: band [%v, %v] around H = %v", j, lo, hi, H)
		}
		if !(s >= 0 && s <= 1) || s != math.Exp(-H) {
			return fmt.Errorf("row %d: survival %v for H %v", j, s, H)
		}
		if h.Events[j] > h.AtRisk[j] || h.Events[j] < 0 || !finite(h.AtRisk[j]) {
			return fmt.Errorf("row %d: n = %v, d = %v", j, h.AtRisk[j], h.Events[j])
		}
	}
	return nil
}

// checkLogRank: on success χ² ≥ 0 with P in [0, 1], or both NaN (the
// documented overflow case); O and E not NaN and ≥ 0. An error wraps one of
// the sentinels.
func checkLogRank(r *survival.LogRankResult, err error) error {
	if err != nil {
		if !errors.Is(err, survival.ErrInvalid) && !errors.Is(err, survival.ErrEmpty) && !errors.Is(err, survival.ErrSingular) {
			return fmt.Errorf("error wraps no sentinel: %v", err)
		}
		return nil
	}
	if math.IsNaN(r.ChiSquare) != math.IsNaN(r.P) {
		return fmt.Errorf("chi-square %v with p %v", r.ChiSquare, r.P)
	}
	if !math.IsNaN(r.ChiSquare) && !(r.ChiSquare >= 0 && r.P >= 0 && r.P <= 1) {
		return fmt.Errorf("chi-square %v, p %v", r.ChiSquare, r.P)
	}
	if r.DF < 1 {
		return fmt.Errorf("df %d", r.DF)
	}
	for g := range r.Observed {
		if !(r.Observed[g] >= 0) || !(r.Expected[g] >= 0) {
			return fmt.Errorf("group %d: O %v, E %v", g, r.Observed[g], r.Expected[g])
		}
	}
	return nil
}

// cloneGroups deep-copies groups.
func cloneGroups(groups [][]survival.Observation) [][]survival.Observation {
	out := make([][]survival.Observation, len(groups))
	for g := range groups {
		out[g] = append([]survival.Observation(nil), groups[g]...)
	}
	return out
}

// sameGroups compares groups bit for bit.
func sameGroups(a, b [][]survival.Observation) bool {
	if len(a) != len(b) {
		return false
	}
	for g := range a {
		if len(a[g]) != len(b[g]) {
			return false
		}
		for i := range a[g] {
			if !sameObs(a[g][i], b[g][i]) {
				return false
			}
		}
	}
	return true
}

var allConf = []survival.ConfType{survival.ConfLog, survival.ConfLogLog, survival.ConfPlain, survival.ConfLogit, survival.ConfArcsin}

var allLogRankOpts = []survival.LogRankOptions{
	{}, {Rho: 1}, {Rho: 1, Gamma: 0.5}, {Gamma: 2}, {Weight: survival.WeightAtRisk}, {Weight: survival.WeightSqrtAtRisk},
	{ExactTimes: true},
}

// checkAll runs every entry point on obs (as one sample, and split into
// two groups for the log-rank tests) and returns the first violation.
func checkAll(obs []survival.Observation) error {
	before := append([]survival.Observation(nil), obs...)
	for _, conf := range allConf {
		for _, rule := range []survival.QuantileRule{survival.QuantileR, survival.QuantileFirstBelow} {
			c, err := survival.KaplanMeier(obs, &survival.Options{Conf: conf, Quantile: rule})
			if err != nil {
				return fmt.Errorf("KaplanMeier: %v", err)
			}
			if err := checkCurve(c); err != nil {
				return fmt.Errorf("KaplanMeier conf %d: %v", conf, err)
			}
			if err := checkQueries(c); err != nil {
				return fmt.Errorf("conf %d rule %d: %v", conf, rule, err)
			}
		}
	}
	for _, ties := range []survival.HazardTies{survival.HazardNelsonAalen, survival.HazardFlemingHarrington} {
		h, err := survival.NelsonAalen(obs, &survival.Options{HazardTies: ties})
		if err != nil {
			return fmt.Errorf("NelsonAalen: %v", err)
		}
		if err := checkHazard(h); err != nil {
			return fmt.Errorf("NelsonAalen ties %d: %v", ties, err)
		}
	}
	groups := [][]survival.Observation{nil, nil}
	for i, o := range obs {
		groups[i%2] = append(groups[i%2], o)
	}
	gBefore := cloneGroups(groups)
	for _, opt := range allLogRankOpts {
		r, err := survival.LogRankTest(groups, &opt)
		if err := checkLogRank(r, err); err != nil {
			return fmt.Errorf("LogRankTest %+v: %v", opt, err)
		}
	}
	if _, err := survival.LogRank(groups); err != nil && !errors.Is(err, survival.ErrEmpty) && !errors.Is(err, survival.ErrSingular) {
		return fmt.Errorf("LogRank: %v", err)
	}
	if !sameGroups(gBefore, groups) {
		return errors.New("LogRankTest modified its input")
	}
	for i := range obs {
		if !sameObs(before[i], obs[i]) {
			return errors.New("input modified")
		}
	}
	return nil
}
