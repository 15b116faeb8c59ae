package survival_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/ltvgo/ltv/survival"
	"github.com/stretchr/testify/require"
)

// scaleWeights returns obs with every weight multiplied by c (0 read as 1).
func scaleWeights(obs []survival.Observation, c float64) []survival.Observation {
	out := make([]survival.Observation, len(obs))
	for i, o := range obs {
		if o.Weight == 0 {
			o.Weight = 1
		}
		o.Weight *= c
		out[i] = o
	}
	return out
}

// threeRows: events at 1 and 2, a censoring at 3. With unit weights
// n = 3, 2, 1, S = 2/3, 1/3, 1/3 and V = 1/6, 1/6 + 1/2. Greenwood's V scales
// as 1/c when every weight is multiplied by c, so SE(S) as 1/√c.
var threeRows = rightCensored([]float64{1, 2, 3}, []bool{true, true, false})

// The cases a hostile user reported, each with what R 3.5-3 gives (run by
// hand with survfit(…, weights = w, robust = FALSE)) and the value worked
// out by hand that the package must give instead.
func TestKaplanMeierExtremeWeights(t *testing.T) {
	unit := kmOrFail(t, threeRows, nil)
	tests := []struct {
		name string
		obs  []survival.Observation
		// expected, from the hand computation in the comment
		atRisk, surv []float64
		stdErr       []float64 // NaN: S = 0 there
	}{
		// A weight 1e-17 event at 2 under a weight 0.7 entering at 2: at 2
		// only the light row is at risk, so n = 1e-17, S(2) = 0. The running
		// sums give n = 0 and S = −Inf, NaN (R: n.risk 0, surv −Inf, NaN).
		{"tiny row alone at risk after a late entry",
			[]survival.Observation{{Time: 3, Event: true, Entry: 2, Weight: 0.7}, {Time: 2, Event: true, Weight: 1e-17}},
			[]float64{1e-17, 0.7}, []float64{0, 0}, []float64{math.NaN(), math.NaN()}},
		// At 2: rows 2, 4 and 5 (0.2 + 0.2 + 1e-17), d = 0.2 + 1e-17; at 3
		// only row 4 (rows 1 and 3 enter at 3): n = d = 0.2, S = 0; at 5
		// n = 0.5, at 6 n = 0.2. R: n.risk 0.4, 0.2, …, surv −1.1e-16.
		{"entries cancel exits with a tiny weight",
			[]survival.Observation{{Time: 6, Event: true, Entry: 3, Weight: 0.2}, {Time: 2, Event: true, Weight: 0.2},
				{Time: 5, Event: true, Entry: 3, Weight: 0.3}, {Time: 3, Event: true, Weight: 0.2}, {Time: 2, Event: true, Entry: 1, Weight: 1e-17}},
			[]float64{0.4, 0.2, 0.5, 0.2}, []float64{0.5, 0, 0, 0}, []float64{0.5 * math.Sqrt(0.2/(0.4*0.2)), math.NaN(), math.NaN(), math.NaN()}},
		// Weights 1e-300: n·(n − d) underflows to 0 and R gives std.err
		// +Inf with NaN bands; SE is the unit-weight SE times 1e150.
		{"weights 1e-300", scaleWeights(threeRows, 1e-300),
			[]float64{3e-300, 2e-300, 1e-300}, unit.Survival, scaled(unit.StdErr, 1e150)},
		// Weights 1e300: n·(n − d) overflows and R gives std.err 0; SE is
		// the unit-weight SE times 1e-150.
		{"weights 1e300", scaleWeights(threeRows, 1e300),
			[]float64{3e300, 2e300, 1e300}, unit.Survival, scaled(unit.StdErr, 1e-150)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, conf := range allConf {
				c := kmOrFail(t, tc.obs, &survival.Options{Conf: conf})
				require.NoError(t, checkCurve(c))
				require.NoError(t, checkQueries(c))
				require.Len(t, c.AtRisk, len(tc.atRisk))
				for j := range tc.atRisk {
					require.InEpsilon(t, tc.atRisk[j], c.AtRisk[j], 1e-15, "n[%d]", j)
					require.InDelta(t, tc.surv[j], c.Survival[j], 1e-15, "S[%d]", j)
					if math.IsNaN(tc.stdErr[j]) {
						require.True(t, math.IsNaN(c.StdErr[j]), "SE[%d] = %v", j, c.StdErr[j])
					} else {
						require.InEpsilon(t, tc.stdErr[j], c.StdErr[j], 1e-13, "SE[%d]", j)
					}
				}
			}
		})
	}
}

func scaled(x []float64, c float64) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = v * c
	}
	return out
}

// An event of weight 1e-17 among weight 1 leaves S = 1 − 1e-17, which rounds
// to 1; the log band must still be exp(−z·√V) < 1, not [1, 1], and the
// log-log band must keep 1 − S instead of taking log(1) = 0.
func TestKaplanMeierBandNearOne(t *testing.T) {
	obs := []survival.Observation{{Time: 1, Event: true, Weight: 1e-17}, {Time: 2, Weight: 1}}
	n := 1 + 1e-17
	v := 1e-17 / (n * 1) // d/(n(n − d))
	z := 1.959963984540054
	c := kmOrFail(t, obs, nil)
	require.Equal(t, 1.0, c.Survival[0])
	require.InEpsilon(t, math.Sqrt(v), c.LogStdErr[0], 1e-15)
	require.InEpsilon(t, math.Exp(-z*math.Sqrt(v)), c.Lower[0], 1e-15)
	require.Less(t, c.Lower[0], 1.0)
	// log-log with S = 1 − q, q = 1e-17: log S = −q, so the lower limit is
	// exp(−exp(log q + z√V/q)) = 0 in float64 (z√V/q ≈ 6e8).
	c = kmOrFail(t, obs, &survival.Options{Conf: survival.ConfLogLog})
	require.Equal(t, 0.0, c.Lower[0])
	require.Equal(t, 1.0, c.Upper[0])
}

// R's survmean squares A_j = ∫_{t_j}^τ S in plain floating point: for
// τ = 1e300 it gives se(rmean) NaN (R 3.5-3, run by hand) where the value is
// about 1e299.
func TestRestrictedMeanLargeTau(t *testing.T) {
	// Weights 1e-300, 1, 1 at 1 (event), 2 (event), 3 (censored): S = 1
	// (exactly 1 − 5e-301), 1/2, 1/2. A_2 = (τ − 2)/2, A_1 = A_2 + 1;
	// se² = A_2²·1/(2·1) + A_1²·1e-300/(2·(2 − 1e-300)).
	obs := []survival.Observation{{Time: 1, Event: true, Weight: 1e-300}, {Time: 2, Event: true}, {Time: 3}}
	c := kmOrFail(t, obs, nil)
	tau := 1e300
	mean, se := c.RestrictedMean(tau)
	a2 := (tau - 2) / 2
	require.InEpsilon(t, 1+1+a2, mean, 1e-15)
	require.InEpsilon(t, a2/math.Sqrt2, se, 1e-15)

	// Weights 1e300 on threeRows: A_2 = (τ − 2)/3, A_1 = A_2 + 2/3 and the
	// Greenwood terms are 1/(6c) and 1/(2c), c = 1e300.
	c = kmOrFail(t, scaleWeights(threeRows, 1e300), nil)
	mean, se = c.RestrictedMean(tau)
	a2 = (tau - 2) / 3
	require.InEpsilon(t, 1+2./3+a2, mean, 1e-15)
	require.InEpsilon(t, a2*math.Sqrt(1./6+1./2)*1e-150, se, 1e-14)

	// τ = +Inf: the curve of threeRows stays at 1/3, so the mean is +Inf.
	mean, se = c.RestrictedMean(math.Inf(1))
	require.True(t, math.IsInf(mean, 1) && math.IsInf(se, 1))
	// A curve that reaches 0: the mean of 1, 2 (both events) is 1.5, with
	// se² = A_1²·1/(2·1) = 0.5²/2 (the last term has n = d).
	c = kmOrFail(t, rightCensored([]float64{1, 2}, []bool{true, true}), nil)
	mean, se = c.RestrictedMean(math.Inf(1))
	require.Equal(t, 1.5, mean)
	require.InDelta(t, 0.5/math.Sqrt2, se, 1e-16)
	// τ = 0 and τ = MaxFloat64: μ(0) = 0 and μ ≤ τ.
	mean, se = c.RestrictedMean(0)
	require.Equal(t, [2]float64{0, 0}, [2]float64{mean, se})
	mean, _ = kmOrFail(t, threeRows, nil).RestrictedMean(math.MaxFloat64)
	require.LessOrEqual(t, mean, math.MaxFloat64)
}

// Nelson–Aalen: Var = Σ d/n² scales as 1/c with the weights; a plain
// d/(n·n) is +Inf at c = 1e-300 and 0 at c = 1e300. Unit weights:
// H = 1/3, 1/3 + 1/2; Var = 1/9, 1/9 + 1/4.
func TestNelsonAalenExtremeWeights(t *testing.T) {
	for _, c := range []float64{1e-300, 1e300} {
		for _, ties := range []survival.HazardTies{survival.HazardNelsonAalen, survival.HazardFlemingHarrington} {
			h, err := survival.NelsonAalen(scaleWeights(threeRows, c), &survival.Options{HazardTies: ties})
			require.NoError(t, err)
			require.NoError(t, checkHazard(h))
			require.InDeltaSlice(t, []float64{1. / 3, 5. / 6, 5. / 6}, h.Hazard, 1e-15)
			require.InEpsilon(t, math.Sqrt(1./9)/math.Sqrt(c), h.StdErr[0], 1e-14)
			require.InEpsilon(t, math.Sqrt(1./9+1./4)/math.Sqrt(c), h.StdErr[2], 1e-14)
		}
	}
	// The tie-corrected increments of the cancelling data of
	// TestKaplanMeierExtremeWeights: at 3 one row of weight 0.2 with
	// n = 0.2, so ΔH = 1 exactly (not 0.2/residue).
	obs := []survival.Observation{{Time: 6, Event: true, Entry: 3, Weight: 0.2}, {Time: 2, Event: true, Weight: 0.2},
		{Time: 5, Event: true, Entry: 3, Weight: 0.3}, {Time: 3, Event: true, Weight: 0.2}, {Time: 2, Event: true, Entry: 1, Weight: 1e-17}}
	h, err := survival.NelsonAalen(obs, &survival.Options{HazardTies: survival.HazardFlemingHarrington})
	require.NoError(t, err)
	require.NoError(t, checkHazard(h))
	// At 2: two rows share d = 0.2 + 1e-17 ≈ 0.2: 0.1/0.4 + 0.1/0.3.
	require.InDelta(t, 0.1/0.4+0.1/0.3, h.Hazard[0], 1e-15)
	require.InDelta(t, 0.1/0.4+0.1/0.3+1, h.Hazard[1], 1e-15)
}

// Log-rank with extreme weights, on tinyGroups with every weight c (frequency
// weights, so n − 1 in V is not scale-free). For c large, (n − d)/(n − 1) →
// (n − d)/n and by the hand sums of tinyGroups: log-rank U = 2c/3,
// V = 199c/432, χ² = 192c/199; Gehan U = 2c², V = 29c³/6, χ² = 24c/29.
// The old code overflowed d·(n − d) and w² to +Inf.
func TestLogRankExtremeWeights(t *testing.T) {
	scaledGroups := func(c float64) [][]survival.Observation {
		g := tinyGroups()
		return [][]survival.Observation{scaleWeights(g[0], c), scaleWeights(g[1], c)}
	}
	c := 1e300
	r, err := survival.LogRankTest(scaledGroups(c), nil)
	require.NoError(t, err)
	require.InEpsilon(t, 192*c/199, r.ChiSquare, 1e-12)
	require.Equal(t, 0.0, r.P)
	require.InEpsilon(t, 2*c, r.Observed[0], 1e-15)
	c = 1e200
	r, err = survival.LogRankTest(scaledGroups(c), &survival.LogRankOptions{Weight: survival.WeightAtRisk})
	require.NoError(t, err)
	require.InEpsilon(t, 24*c/29, r.ChiSquare, 1e-12)
	// O_A = 4c·c + 2c·c and V = 29c³/6 are beyond float64: reported as
	// +Inf, while the statistic comes from internally rescaled sums.
	require.True(t, math.IsInf(r.Observed[0], 1) && math.IsInf(r.Variance[0][0], 1))
	r, err = survival.LogRankTest(scaledGroups(1e100), &survival.LogRankOptions{Weight: survival.WeightAtRisk})
	require.NoError(t, err)
	require.InEpsilon(t, 24e100/29, r.ChiSquare, 1e-12)
	require.InEpsilon(t, 6e200, r.Observed[0], 1e-15)
	require.InEpsilon(t, 29e300/6, r.Variance[0][0], 1e-12)
	// Weights 1e-300: every n_j < 1, so no time contributes to V (R's
	// n > 1 rule for frequency weights): singular.
	_, err = survival.LogRankTest(scaledGroups(1e-300), nil)
	require.ErrorIs(t, err, survival.ErrSingular)
	// Only subnormal weights (a FuzzLogRank finding): the rescale factor
	// for the Gehan weight, 2^1072, is itself beyond float64, which made O
	// and E NaN. Two groups of one event each at the same time, and an
	// empty third group: n = 1e-323 ≤ 1, so V = 0 and the test is singular
	// — or no group has expected events, when E underflows (w·d·n_g/n with
	// d = 5e-324) or, with γ > 0, every weight (1 − Ŝ(t−))^γ is 0.
	tiny := [][]survival.Observation{{{Time: 24.125, Event: true, Weight: 5e-324}}, {{Time: 24.125, Event: true, Weight: 5e-324}}, nil}
	for _, opt := range allLogRankOpts {
		r, err := survival.LogRankTest(tiny, &opt)
		require.NoError(t, checkLogRank(r, err), "%+v", opt)
		require.True(t, errors.Is(err, survival.ErrSingular) || errors.Is(err, survival.ErrEmpty), "%+v: %v", opt, err)
	}
	// A negative ρ with a pooled Ŝ(t−) = 0 at an event time gives an
	// infinite weight: the documented NaN statistic, not an error. The
	// rows of group 0 all die by 2; group 1 enters at 3 and dies at 4.
	late := [][]survival.Observation{
		{{Time: 1, Event: true}, {Time: 2, Event: true}, {Time: 5, Entry: 3, Event: true}},
		{{Time: 4, Entry: 3, Event: true}, {Time: 6, Entry: 3}},
	}
	r, err = survival.LogRankTest(late, &survival.LogRankOptions{Rho: -1})
	require.NoError(t, err)
	require.True(t, math.IsNaN(r.ChiSquare) && math.IsNaN(r.P))
}

// The property sweep: weights drawn log-uniformly over 1e-300…1e300 (all
// rows of one trial near one scale, or mixed over the whole range), random
// censoring, late entry and ties; every output field keeps the invariants
// of invariants_test.go.
func TestExtremeWeightsProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(2024, 11))
	trials := 3000
	if testing.Short() {
		trials = 300
	}
	for trial := range trials {
		n := 1 + rng.IntN(25)
		center := rng.Float64()*600 - 300
		spread := []float64{0, 1, 20, 600}[rng.IntN(4)]
		lateFrac := []float64{0, 0.3, 0.8}[rng.IntN(3)]
		ties := rng.IntN(2) == 0
		obs := make([]survival.Observation, n)
		for i := range obs {
			e := math.Max(-300, math.Min(300, center+(rng.Float64()-0.5)*spread))
			tm := rng.ExpFloat64() * 10
			if ties {
				tm = math.Ceil(tm)
			}
			o := survival.Observation{Time: tm, Event: rng.Float64() < 0.7, Weight: math.Pow(10, e)}
			if tm > 0 && rng.Float64() < lateFrac {
				o.Entry = tm * rng.Float64() * 0.9
				if ties {
					o.Entry = math.Floor(o.Entry)
				}
			}
			obs[i] = o
		}
		if err := checkAll(obs); err != nil {
			var de *survival.DataError
			if errors.As(err, &de) {
				continue // e.g. an entry merging with its exit under the tie tolerance
			}
			t.Fatalf("trial %d: %v\nobs = %#v", trial, err, obs)
		}
	}
}

// Times near the top of the float64 range: their sum overflowed, the tie
// tolerance became +Inf and every time merged into the first.
func TestKaplanMeierHugeTimes(t *testing.T) {
	c, err := survival.KaplanMeier([]survival.Observation{{Time: 1, Event: true}, {Time: 1e308, Event: true}, {Time: 1.7e308, Event: true}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Time) != 3 || c.Survival[0] < 0.66 || c.Survival[1] < 0.33 || c.Survival[2] != 0 {
		t.Fatalf("times %v survival %v, want 3 distinct times and S = 2/3, 1/3, 0", c.Time, c.Survival)
	}
}
