package survival_test

import (
	"errors"
	"math"
	"testing"

	"github.com/ltvgo/ltv/survival"
	"github.com/stretchr/testify/require"
)

// good is three valid rows a bad row is put among.
func good() []survival.Observation {
	return []survival.Observation{{Time: 1, Event: true}, {Time: 2}, {Time: 3, Event: true, Entry: 0.5}}
}

// withRow returns good() with bad inserted at index 1.
func withRow(bad survival.Observation) []survival.Observation {
	g := good()
	return []survival.Observation{g[0], bad, g[1], g[2]}
}

// The bad-input catalogue: each input is rejected with a *DataError naming
// the function, group, row and field, wrapping the sentinel, without a
// panic and without touching the caller's slices. The expected row and
// field follow Observation.check's order (Time, then Entry, then Weight)
// and the documented rules (Entry 0 means "from the start"; Weight 0
// means 1; the total weight of a call is at most 2^1020).
func TestBadInputCatalogue(t *testing.T) {
	type want struct {
		err   error
		group int
		row   int
		field string
	}
	inv := func(row int, field string) want { return want{survival.ErrInvalid, -1, row, field} }
	tests := []struct {
		name   string
		groups [][]survival.Observation // one group: KaplanMeier and NelsonAalen; several: LogRankTest
		want   want
	}{
		{"Time NaN", [][]survival.Observation{withRow(survival.Observation{Time: math.NaN(), Event: true})}, inv(1, "Time")},
		{"Time +Inf", [][]survival.Observation{withRow(survival.Observation{Time: math.Inf(1)})}, inv(1, "Time")},
		{"Time -Inf", [][]survival.Observation{withRow(survival.Observation{Time: math.Inf(-1)})}, inv(1, "Time")},
		{"Time negative", [][]survival.Observation{withRow(survival.Observation{Time: -1, Event: true})}, inv(1, "Time")},
		{"Entry NaN", [][]survival.Observation{withRow(survival.Observation{Time: 2, Entry: math.NaN()})}, inv(1, "Entry")},
		{"Entry +Inf", [][]survival.Observation{withRow(survival.Observation{Time: 2, Entry: math.Inf(1)})}, inv(1, "Entry")},
		{"Entry negative", [][]survival.Observation{withRow(survival.Observation{Time: 2, Entry: -0.5})}, inv(1, "Entry")},
		{"Entry equal to Time", [][]survival.Observation{withRow(survival.Observation{Time: 2, Entry: 2, Event: true})}, inv(1, "Entry")},
		{"Entry after Time", [][]survival.Observation{withRow(survival.Observation{Time: 2, Entry: 3})}, inv(1, "Entry")},
		{"Entry merging with Time under R's tolerance", [][]survival.Observation{withRow(survival.Observation{Time: 2 + 1e-12, Entry: 2, Event: true})}, inv(1, "Entry")},
		{"Weight NaN", [][]survival.Observation{withRow(survival.Observation{Time: 2, Weight: math.NaN()})}, inv(1, "Weight")},
		{"Weight +Inf", [][]survival.Observation{withRow(survival.Observation{Time: 2, Weight: math.Inf(1)})}, inv(1, "Weight")},
		{"Weight negative", [][]survival.Observation{withRow(survival.Observation{Time: 2, Weight: -1e-300})}, inv(1, "Weight")},
		{"total weight above 2^1020", [][]survival.Observation{{{Time: 1, Weight: 1e307}, {Time: 2, Weight: 1e306}, {Time: 3, Weight: 1e306}}}, inv(2, "Weight")},
		{"Time NaN before a bad Weight: first field wins", [][]survival.Observation{withRow(survival.Observation{Time: math.NaN(), Weight: -1})}, inv(1, "Time")},
		{"empty input", [][]survival.Observation{{}}, want{survival.ErrEmpty, -1, -1, ""}},
		// LogRankTest
		{"log-rank: a group with no rows", [][]survival.Observation{good(), {}}, want{survival.ErrEmpty, -1, -1, ""}},
		{"log-rank: no groups", [][]survival.Observation{}, want{survival.ErrEmpty, -1, -1, ""}},
		{"log-rank: all censored", [][]survival.Observation{{{Time: 1}}, {{Time: 2}}}, want{survival.ErrEmpty, -1, -1, ""}},
		{"log-rank: bad Time in group 1", [][]survival.Observation{good(), withRow(survival.Observation{Time: math.NaN()})}, want{survival.ErrInvalid, 1, 1, "Time"}},
		{"log-rank: bad Weight in group 2", [][]survival.Observation{good(), good(), withRow(survival.Observation{Time: 1, Weight: math.Inf(-1)})}, want{survival.ErrInvalid, 2, 1, "Weight"}},
		{"log-rank: total weight over groups", [][]survival.Observation{{{Time: 1, Event: true, Weight: 1e307}}, {{Time: 2, Event: true, Weight: 1e307}}}, want{survival.ErrInvalid, 1, 0, "Weight"}},
		{"log-rank: tiny weights, no n_j > 1", [][]survival.Observation{scaleWeights(good(), 1e-300), scaleWeights(good(), 1e-300)}, want{survival.ErrSingular, -1, -1, ""}},
	}
	check := func(t *testing.T, fn string, err error, w want) {
		t.Helper()
		require.Error(t, err, fn)
		require.ErrorIs(t, err, w.err, fn)
		var de *survival.DataError
		require.True(t, errors.As(err, &de), "%s: %v is not a *DataError", fn, err)
		require.Equal(t, fn, de.Func)
		require.Equal(t, w.row, de.Row, "%s: %v", fn, err)
		require.Equal(t, w.field, de.Field, "%s: %v", fn, err)
		require.NotEmpty(t, de.Error())
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := cloneGroups(tc.groups)
			if len(tc.groups) == 1 {
				obs := tc.groups[0]
				require.NotPanics(t, func() {
					_, err := survival.KaplanMeier(obs, nil)
					check(t, "survival.KaplanMeier", err, tc.want)
					_, err = survival.NelsonAalen(obs, &survival.Options{HazardTies: survival.HazardFlemingHarrington})
					check(t, "survival.NelsonAalen", err, tc.want)
				})
				require.True(t, sameGroups(before, tc.groups), "input modified")
				if tc.want.err != survival.ErrInvalid {
					return
				}
				// The same row in group 1 of a log-rank test.
				groups := [][]survival.Observation{good(), obs}
				before = cloneGroups(groups)
				require.NotPanics(t, func() {
					_, err := survival.LogRankTest(groups, nil)
					check(t, "survival.LogRankTest", err, tc.want)
					var de *survival.DataError
					require.True(t, errors.As(err, &de))
					require.Equal(t, 1, de.Group)
				})
				require.True(t, sameGroups(before, groups), "input modified")
				return
			}
			require.NotPanics(t, func() {
				r, err := survival.LogRankTest(tc.groups, nil)
				require.Nil(t, r)
				check(t, "survival.LogRankTest", err, tc.want)
				var de *survival.DataError
				require.True(t, errors.As(err, &de))
				require.Equal(t, tc.want.group, de.Group)
				tst, err := survival.LogRank(tc.groups)
				require.ErrorIs(t, err, tc.want.err)
				require.True(t, math.IsNaN(tst.ChiSquare) && math.IsNaN(tst.P))
			})
			require.True(t, sameGroups(before, tc.groups), "input modified")
		})
	}
}

// Inputs that look bad but have a documented finite answer.
func TestBadLookingInputsWithAnswers(t *testing.T) {
	// Weight 0 means 1 (Observation): the same curve as unit weights.
	zero := kmOrFail(t, rightCensored([]float64{1, 2, 3}, []bool{true, false, true}), nil)
	ones := kmOrFail(t, scaleWeights(rightCensored([]float64{1, 2, 3}, []bool{true, false, true}), 1), nil)
	require.Equal(t, ones.Survival, zero.Survival)

	// Time 0 from the start, and Entry −0 read as 0: valid, S(0) = 1/2.
	c := kmOrFail(t, []survival.Observation{{Time: 0, Event: true}, {Time: 1, Entry: math.Copysign(0, -1)}}, nil)
	require.Equal(t, []float64{0, 1}, c.Time)
	require.Equal(t, 0.5, c.Survival[0])

	// The smallest subnormal weight alone: n = d = 5e-324, S = 0 exactly.
	c = kmOrFail(t, []survival.Observation{{Time: 1, Event: true, Weight: 5e-324}}, nil)
	require.Equal(t, 0.0, c.Survival[0])
	require.True(t, math.IsNaN(c.StdErr[0]) && math.IsNaN(c.Lower[0]))

	// A subnormal-weight row among weight 1 (an early fuzz finding for the
	// log-rank test, where 1/n overflowed): KM n = 1 at time 2, S(1) rounds
	// to 1 with a positive, finite SE.
	obs := []survival.Observation{{Time: 1, Event: true, Weight: 5e-324}, {Time: 2, Event: true}, {Time: 3}}
	c = kmOrFail(t, obs, nil)
	require.NoError(t, checkCurve(c))
	require.Equal(t, 1.0, c.Survival[0])

	// All censored: S stays 1, the median is NaN (KaplanMeier).
	c = kmOrFail(t, rightCensored([]float64{1, 2}, []bool{false, false}), nil)
	require.Equal(t, []float64{1, 1}, c.Survival)
	est, lo, hi := c.Median()
	require.True(t, math.IsNaN(est) && math.IsNaN(lo) && math.IsNaN(hi))

	// Queries outside their domain (RestrictedMean, At): NaN.
	m, se := c.RestrictedMean(-1)
	require.True(t, math.IsNaN(m) && math.IsNaN(se))
	m, se = c.RestrictedMean(math.NaN())
	require.True(t, math.IsNaN(m) && math.IsNaN(se))
	require.True(t, math.IsNaN(c.At(math.NaN())))

	// Log-rank where only subnormal weight is at risk at an event time (a
	// FuzzLogRank seed): at 1, n = 2^-1074 + 2^-1066, so 1/n overflowed and
	// E was NaN. Group 0 has all of O and E at 1 (n_0 = n), group 1 none.
	groups := [][]survival.Observation{
		{{Time: 1, Event: true, Weight: 0x1p-1074}, {Time: 3, Entry: 0.5, Weight: 0x1p-1066}},
		{{Time: 2, Entry: 1, Event: true, Weight: 0x1p966}},
	}
	for _, opt := range allLogRankOpts {
		r, err := survival.LogRankTest(groups, &opt)
		require.NoError(t, checkLogRank(r, err))
		if err == nil {
			require.False(t, math.IsNaN(r.Expected[0]) || math.IsNaN(r.Expected[1]), "%+v", opt)
		}
	}
}
