package survival_test

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/ltvgo/ltv/survival"
	"github.com/stretchr/testify/require"
)

// tinyGroups: A dies at 1 and 3, B dies at 2 and is censored at 4. At the
// event times 1, 2, 3: n = 4, 3, 2; n_A = 2, 1, 1; d = 1; pooled Ŝ(t−) =
// 1, 3/4, 1/2. Per time, E_A = n_A/n = 1/2, 1/3, 1/2 and the variance term
// (n−d)/(n−1)·(n_A/n)(1 − n_A/n) = 1/4, 2/9, 1/4.
func tinyGroups() [][]survival.Observation {
	return [][]survival.Observation{
		{{Time: 1, Event: true}, {Time: 3, Event: true}},
		{{Time: 2, Event: true}, {Time: 4}},
	}
}

func TestLogRankWeightsByHand(t *testing.T) {
	// χ² = U²/V with U = Σ w(O_A − E_A), V = Σ w²·term, from the comment on tinyGroups:
	tests := []struct {
		name string
		opt  survival.LogRankOptions
		chi  float64
	}{
		// U = 1/2 − 1/3 + 1/2 = 2/3, V = 1/4 + 2/9 + 1/4 = 13/18.
		{"log-rank", survival.LogRankOptions{}, (4. / 9) / (13. / 18)},
		// w = Ŝ(t−) = 1, 3/4, 1/2: U = 1/2 − 1/4 + 1/4, V = 1/4 + 9/16·2/9 + 1/4·1/4 = 7/16.
		{"Peto-Peto rho=1", survival.LogRankOptions{Rho: 1}, 0.25 / (7. / 16)},
		// w = 1 − Ŝ(t−) = 0, 1/4, 1/2: U = −1/12 + 1/4 = 1/6, V = 1/16·2/9 + 1/4·1/4 = 11/144.
		{"FH(0,1)", survival.LogRankOptions{Gamma: 1}, (1. / 36) / (11. / 144)},
		// w = n = 4, 3, 2: U = 2 − 1 + 1 = 2, V = 16/4 + 9·2/9 + 4/4 = 7.
		{"Gehan", survival.LogRankOptions{Weight: survival.WeightAtRisk}, 4. / 7},
		// w = √n: U = 1 − √3/3 + √2/2, V = 4/4 + 3·2/9 + 2/4 = 13/6.
		{"Tarone-Ware", survival.LogRankOptions{Weight: survival.WeightSqrtAtRisk},
			math.Pow(1-math.Sqrt(3)/3+math.Sqrt(2)/2, 2) / (13. / 6)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := survival.LogRankTest(tinyGroups(), &tc.opt)
			require.NoError(t, err)
			require.InDelta(t, tc.chi, r.ChiSquare, 1e-14)
			require.Equal(t, 1, r.DF)
			// P(χ²_1 > x) = erfc(√(x/2)).
			require.InDelta(t, math.Erfc(math.Sqrt(tc.chi/2)), r.P, 1e-14)
		})
	}
	r, err := survival.LogRankTest(tinyGroups(), nil)
	require.NoError(t, err)
	require.InDeltaSlice(t, []float64{2, 1}, r.Observed, 1e-15)           // A dies twice, B once
	require.InDeltaSlice(t, []float64{4. / 3, 5. / 3}, r.Expected, 1e-15) // E_A = 1/2 + 1/3 + 1/2; E_B = 3 − E_A
	require.InDeltaSlice(t, []float64{13. / 18, -13. / 18}, r.Variance[0], 1e-15)
}

// threeGroups: the two aml arms and group A of ties.csv.
func threeGroups() [][]survival.Observation {
	aml := amlPooled()
	ties := rightCensored(
		[]float64{1, 2, 2, 2, 3, 3, 4, 5, 5, 5, 6, 7, 7, 8, 9, 10, 10, 11, 12, 12},
		[]bool{true, true, true, false, true, false, false, true, false, false, true, true, true, false, true, true, false, false, true, false})
	return [][]survival.Observation{aml[:11], aml[11:], ties}
}

func TestLogRankThreeGroups(t *testing.T) {
	// Properties of the k-sample statistic: Σ O = Σ E, V has zero row
	// sums, and χ² does not depend on which group is dropped (any order
	// of the groups gives the same statistic).
	g := threeGroups()
	r, err := survival.LogRankTest(g, nil)
	require.NoError(t, err)
	require.Equal(t, 2, r.DF)
	require.InDelta(t, sum(r.Observed), sum(r.Expected), 1e-12)
	for _, row := range r.Variance {
		require.InDelta(t, 0, sum(row), 1e-12)
	}
	for _, perm := range [][]int{{1, 2, 0}, {2, 0, 1}, {2, 1, 0}} {
		p := [][]survival.Observation{g[perm[0]], g[perm[1]], g[perm[2]]}
		rp, err := survival.LogRankTest(p, nil)
		require.NoError(t, err)
		require.InDelta(t, r.ChiSquare, rp.ChiSquare, 1e-10)
	}
	// P(χ²_2 > x) = exp(−x/2).
	require.InDelta(t, math.Exp(-r.ChiSquare/2), r.P, 1e-14)
}

func TestLogRankStrata(t *testing.T) {
	g := threeGroups()[:2]
	base, err := survival.LogRankTest(g, nil)
	require.NoError(t, err)
	// One stratum label everywhere is the unstratified test.
	one := [][]int{make([]int, len(g[0])), make([]int, len(g[1]))}
	for i := range one[1] {
		one[1][i] = 7
	}
	for i := range one[0] {
		one[0][i] = 7
	}
	r, err := survival.LogRankTest(g, &survival.LogRankOptions{Strata: one})
	require.NoError(t, err)
	require.InDelta(t, base.ChiSquare, r.ChiSquare, 1e-12)
	// Two identical strata double O, E and V, so χ² = (2u)²/(2V) doubles.
	doubled := [][]survival.Observation{append(append([]survival.Observation{}, g[0]...), g[0]...),
		append(append([]survival.Observation{}, g[1]...), g[1]...)}
	labels := [][]int{make([]int, 2*len(g[0])), make([]int, 2*len(g[1]))}
	for k := range labels {
		for i := len(g[k]); i < 2*len(g[k]); i++ {
			labels[k][i] = 1
		}
	}
	r, err = survival.LogRankTest(doubled, &survival.LogRankOptions{Strata: labels, Rho: 1})
	require.NoError(t, err)
	b1, err := survival.LogRankTest(g, &survival.LogRankOptions{Rho: 1})
	require.NoError(t, err)
	require.InDelta(t, 2*b1.ChiSquare, r.ChiSquare, 1e-10)
	require.InDeltaSlice(t, []float64{2 * b1.Observed[0], 2 * b1.Observed[1]}, r.Observed, 1e-10)
	_, err = survival.LogRankTest(g, &survival.LogRankOptions{Strata: [][]int{{0}}})
	requireOptionError(t, err, "survival.LogRankTest", -1, "LogRankOptions.Strata")
	_, err = survival.LogRankTest(g, &survival.LogRankOptions{Strata: [][]int{labels[0][:len(g[0])], labels[1][:len(g[1])-1]}})
	requireOptionError(t, err, "survival.LogRankTest", 1, "LogRankOptions.Strata")
}

func TestLogRankErrors(t *testing.T) {
	ev := survival.Observation{Time: 1, Event: true}
	// Both subjects die at the only event time: n = d, so V = 0.
	_, err := survival.LogRank([][]survival.Observation{{ev}, {ev}})
	require.ErrorIs(t, err, survival.ErrSingular)
	require.ErrorContains(t, err, "group 1's O − E")
	// One group only, an empty group, or no events: nothing to compare.
	for _, g := range [][][]survival.Observation{
		{{ev, {Time: 2}}},
		{{ev, {Time: 2}}, {}},
		{{{Time: 1}}, {{Time: 2}}},
		{},
	} {
		_, err = survival.LogRank(g)
		require.ErrorIs(t, err, survival.ErrEmpty)
	}
	// Options outside their domain: a *DataError naming the option.
	for _, tc := range []struct {
		opt   survival.LogRankOptions
		field string
	}{
		{survival.LogRankOptions{Rho: math.NaN()}, "LogRankOptions.Rho"},
		{survival.LogRankOptions{Gamma: math.Inf(1)}, "LogRankOptions.Gamma"},
		{survival.LogRankOptions{Weight: survival.WeightAtRisk, Rho: 1}, "LogRankOptions.Rho"},
		{survival.LogRankOptions{Weight: survival.WeightSqrtAtRisk, Gamma: -1}, "LogRankOptions.Gamma"},
		{survival.LogRankOptions{Weight: 9}, "LogRankOptions.Weight"},
		{survival.LogRankOptions{Weight: -1}, "LogRankOptions.Weight"},
	} {
		var r *survival.LogRankResult
		require.NotPanics(t, func() { r, err = survival.LogRankTest(tinyGroups(), &tc.opt) })
		require.Nil(t, r)
		requireOptionError(t, err, "survival.LogRankTest", -1, tc.field)
	}
}

// R's survdiff on degenerate and nearly degenerate variance matrices:
// testdata/logrank_singular.json, written by testdata/logrank_singular.R
// (R 4.2.2, survival 3.5-3). A group without events, two identical groups
// and a group of one subject keep their column (R's df); a group of one
// subject censored before the first event has E = 0 and is left out; one
// subject among 400 has a variance 1e-3 of the others' and still counts.
func TestLogRankNearSingular(t *testing.T) {
	b, err := os.ReadFile("testdata/logrank_singular.json")
	require.NoError(t, err)
	var cases map[string]struct {
		Time, Status, Group []float64
		Obs, Exp            []float64
		Var                 [][]float64
		Chisq               float64
		DF                  int
		P                   float64
	}
	require.NoError(t, json.Unmarshal(b, &cases))
	require.Len(t, cases, 5)
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			groups := make([][]survival.Observation, len(c.Obs))
			for i, g := range c.Group {
				groups[int(g)-1] = append(groups[int(g)-1], survival.Observation{Time: c.Time[i], Event: c.Status[i] == 1})
			}
			r, err := survival.LogRankTest(groups, nil)
			require.NoError(t, err)
			require.Equal(t, c.DF, r.DF)
			require.InDelta(t, c.Chisq, r.ChiSquare, 1e-12*c.Chisq)
			require.InDelta(t, c.P, r.P, 1e-12)
			require.InDeltaSlice(t, c.Obs, r.Observed, 1e-12)
			require.InDeltaSlice(t, c.Exp, r.Expected, 1e-12)
			require.Len(t, r.Variance, len(c.Var))
			for g := range c.Var {
				require.InDeltaSlice(t, c.Var[g], r.Variance[g], 1e-12)
			}
		})
	}
}
