package survival_test

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/ltvgo/ltv/survival"
	"github.com/stretchr/testify/require"
)

// aftRows is a small valid data set (times in weeks, one covariate) that
// each case of TestFitAFTBadInput spoils in one place.
func aftRows() ([]survival.Observation, [][]float64) {
	obs := []survival.Observation{
		{Time: 5, Event: true}, {Time: 8}, {Time: 3, Event: true}, {Time: 12, Event: true},
		{Time: 7, Event: true, Entry: 1}, {Time: 9}, {Time: 4, Event: true}, {Time: 15, Event: true},
	}
	X := [][]float64{{0}, {1}, {0}, {1}, {0}, {1}, {1}, {0}}
	return obs, X
}

// TestFitAFTBadInput is FitAFT's bad-input catalogue: each case is a
// *DataError naming the row and field (Row −1 for options and whole
// inputs) and wrapping the sentinel, without a panic and without touching
// the caller's slices.
func TestFitAFTBadInput(t *testing.T) {
	type want struct {
		err   error
		row   int
		field string
	}
	tests := []struct {
		name string
		edit func(obs []survival.Observation, X [][]float64) ([]survival.Observation, [][]float64)
		dist survival.AFTDist
		opt  *survival.AFTOptions
		want want
	}{
		{"Time 0 (log T)", func(o []survival.Observation, x [][]float64) ([]survival.Observation, [][]float64) {
			o[2].Time = 0
			return o, x
		}, survival.Weibull, nil, want{survival.ErrInvalid, 2, "Time"}},
		{"Time NaN", func(o []survival.Observation, x [][]float64) ([]survival.Observation, [][]float64) {
			o[3].Time = math.NaN()
			return o, x
		}, survival.LogNormal, nil, want{survival.ErrInvalid, 3, "Time"}},
		{"Entry after Time", func(o []survival.Observation, x [][]float64) ([]survival.Observation, [][]float64) {
			o[1].Entry = 9
			return o, x
		}, survival.Weibull, nil, want{survival.ErrInvalid, 1, "Entry"}},
		{"Weight negative", func(o []survival.Observation, x [][]float64) ([]survival.Observation, [][]float64) {
			o[4].Weight = -2
			return o, x
		}, survival.Weibull, nil, want{survival.ErrInvalid, 4, "Weight"}},
		{"covariate NaN", func(o []survival.Observation, x [][]float64) ([]survival.Observation, [][]float64) {
			x[5][0] = math.NaN()
			return o, x
		}, survival.Weibull, nil, want{survival.ErrInvalid, 5, "X"}},
		{"covariate -Inf", func(o []survival.Observation, x [][]float64) ([]survival.Observation, [][]float64) {
			x[6][0] = math.Inf(-1)
			return o, x
		}, survival.Weibull, nil, want{survival.ErrInvalid, 6, "X"}},
		{"row of another length", func(o []survival.Observation, x [][]float64) ([]survival.Observation, [][]float64) {
			x[3] = []float64{1, 2}
			return o, x
		}, survival.Weibull, nil, want{survival.ErrInvalid, 3, "X"}},
		{"X shorter than obs", func(o []survival.Observation, x [][]float64) ([]survival.Observation, [][]float64) {
			return o, x[:5]
		}, survival.Weibull, nil, want{survival.ErrInvalid, -1, "X"}},
		{"no observations", func([]survival.Observation, [][]float64) ([]survival.Observation, [][]float64) {
			return nil, nil
		}, survival.Weibull, nil, want{survival.ErrEmpty, -1, ""}},
		{"no events", func(o []survival.Observation, x [][]float64) ([]survival.Observation, [][]float64) {
			for i := range o {
				o[i].Event = false
			}
			return o, x
		}, survival.LogLogistic, nil, want{survival.ErrEmpty, -1, "Event"}},
		{"constant column", func(o []survival.Observation, x [][]float64) ([]survival.Observation, [][]float64) {
			for i := range x {
				x[i] = []float64{x[i][0], 3}
			}
			return o, x
		}, survival.Weibull, nil, want{survival.ErrSingular, -1, "X"}},
		{"collinear columns", func(o []survival.Observation, x [][]float64) ([]survival.Observation, [][]float64) {
			for i := range x {
				x[i] = []float64{x[i][0], float64(i), 2*float64(i) - x[i][0]}
			}
			return o, x
		}, survival.LogNormal, nil, want{survival.ErrSingular, -1, "X"}},
		{"covariate spread beyond float64", func(o []survival.Observation, x [][]float64) ([]survival.Observation, [][]float64) {
			x[0][0], x[1][0] = 1e300, -1e300
			return o, x
		}, survival.Weibull, nil, want{survival.ErrInvalid, -1, "X"}},
		{"unknown dist", nil, survival.AFTDist(4), nil, want{survival.ErrInvalid, -1, "dist"}},
		{"negative dist", nil, survival.AFTDist(-1), nil, want{survival.ErrInvalid, -1, "dist"}},
		{"negative Scale", nil, survival.Weibull, &survival.AFTOptions{Scale: -1}, want{survival.ErrInvalid, -1, "AFTOptions.Scale"}},
		{"Scale NaN", nil, survival.Weibull, &survival.AFTOptions{Scale: math.NaN()}, want{survival.ErrInvalid, -1, "AFTOptions.Scale"}},
		{"Exponential with Scale 2", nil, survival.Exponential, &survival.AFTOptions{Scale: 2}, want{survival.ErrInvalid, -1, "AFTOptions.Scale"}},
		{"negative MaxIterations", nil, survival.Weibull, &survival.AFTOptions{MaxIterations: -1}, want{survival.ErrInvalid, -1, "AFTOptions.MaxIterations"}},
		{"Tolerance +Inf", nil, survival.Weibull, &survival.AFTOptions{Tolerance: math.Inf(1)}, want{survival.ErrInvalid, -1, "AFTOptions.Tolerance"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			obs, X := aftRows()
			if tc.edit != nil {
				obs, X = tc.edit(obs, X)
			}
			obs0 := slices.Clone(obs)
			m, err := survival.FitAFT(obs, X, tc.dist, tc.opt)
			require.Nil(t, m)
			require.ErrorIs(t, err, tc.want.err)
			var de *survival.DataError
			require.True(t, errors.As(err, &de), "%T", err)
			require.Equal(t, "survival.FitAFT", de.Func)
			require.Equal(t, -1, de.Group)
			require.Equal(t, tc.want.row, de.Row)
			require.Equal(t, tc.want.field, de.Field)
			require.Equal(t, fmt.Sprint(obs0), fmt.Sprint(obs)) // Sprint: NaN equals NaN
		})
	}
}

// TestFitAFTNotConverged: a fit stopped by MaxIterations returns its last
// estimate and ErrNotConverged, not a DataError.
func TestFitAFTNotConverged(t *testing.T) {
	obs, X := aftRows()
	m, err := survival.FitAFT(obs, X, survival.Weibull, &survival.AFTOptions{MaxIterations: 1})
	require.ErrorIs(t, err, survival.ErrNotConverged)
	var de *survival.DataError
	require.False(t, errors.As(err, &de))
	require.NotNil(t, m)
	require.False(t, math.IsNaN(m.Intercept))
	require.Len(t, m.Coef, 1)
	_, err = survival.FitAFT(obs, X, survival.Weibull, nil)
	require.NoError(t, err)
}

// TestFitAFTSpecialCases covers the documented corners: no covariates
// (the null model, LR test empty), a fixed scale (no log σ in StdErr), and
// case weights equal to repeated rows.
func TestFitAFTSpecialCases(t *testing.T) {
	obs, X := aftRows()

	m, err := survival.FitAFT(obs, nil, survival.LogLogistic, nil)
	require.NoError(t, err)
	require.Empty(t, m.Coef)
	require.Equal(t, m.NullLogLikelihood, m.LogLikelihood)
	require.Equal(t, survival.Test{ChiSquare: 0, DF: 0, P: 1}, m.LikelihoodRatio)
	require.Len(t, m.StdErr, 2)

	fixed, err := survival.FitAFT(obs, X, survival.Weibull, &survival.AFTOptions{Scale: 0.5})
	require.NoError(t, err)
	require.True(t, fixed.ScaleFixed)
	require.Equal(t, 0.5, fixed.Scale)
	require.Len(t, fixed.StdErr, 2)
	require.InDelta(t, -2*fixed.LogLikelihood+4, fixed.AIC(), 1e-12)

	// Weight 2 on a row is the row twice (R's survreg weights are case weights).
	weighted := slices.Clone(obs)
	weighted[3].Weight = 2
	twice := append(slices.Clone(obs), obs[3])
	Xtwice := append(slices.Clone(X), X[3])
	a, err := survival.FitAFT(weighted, X, survival.LogNormal, nil)
	require.NoError(t, err)
	b, err := survival.FitAFT(twice, Xtwice, survival.LogNormal, nil)
	require.NoError(t, err)
	require.InDelta(t, b.LogLikelihood, a.LogLikelihood, 1e-9)
	require.InDeltaSlice(t, b.Coef, a.Coef, 1e-7)
	require.InDeltaSlice(t, b.StdErr, a.StdErr, 1e-7)
	require.Equal(t, 9.0, a.N)
}
