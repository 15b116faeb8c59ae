package cohort_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/cohort"
	"github.com/ltvgo/ltv/survival"
)

// One error shape and one set of sentinels across the packages: an error
// of clv, survival or a workflow package is found by errors.Is with either
// package's sentinel and by errors.As with either DataError name.
func TestSharedErrors(t *testing.T) {
	_, cohortErr := cohort.FitTrend(cohort.Linear, []float64{1, 2}, []float64{1, 2, 3})
	_, singularErr := cohort.FitTrend(cohort.Linear, []float64{3, 3, 3}, []float64{1, 2, 3})
	_, survivalErr := survival.KaplanMeier(nil, nil)
	_, optionErr := survival.KaplanMeier([]survival.Observation{{Time: 1}}, &survival.Options{Level: 2})
	_, clvErr := clv.Summarize(nil, clv.SummaryOptions{})
	for _, tc := range []struct {
		name     string
		err      error
		fn       string
		sentinel error // clv's name
		same     error // survival's name for it
	}{
		{"cohort", cohortErr, "cohort.FitTrend", clv.ErrInvalid, survival.ErrInvalid},
		{"cohort singular", singularErr, "cohort.FitTrend", clv.ErrSingular, survival.ErrSingular},
		{"survival", survivalErr, "survival.KaplanMeier", clv.ErrEmpty, survival.ErrEmpty},
		{"survival option", optionErr, "survival.KaplanMeier", clv.ErrInvalid, survival.ErrInvalid},
		{"clv", clvErr, "clv.Summarize", clv.ErrInvalid, survival.ErrInvalid},
	} {
		require.ErrorIs(t, tc.err, tc.sentinel, tc.name)
		require.ErrorIs(t, tc.err, tc.same, tc.name)
		var c *clv.DataError
		var s *survival.DataError
		require.True(t, errors.As(tc.err, &c) && errors.As(tc.err, &s), "%s: %v", tc.name, tc.err)
		require.Same(t, c, s, tc.name)
		require.Equal(t, tc.fn, c.Func, tc.name)
		require.Equal(t, -1, c.Group, tc.name)
	}
	require.NotErrorIs(t, cohortErr, clv.ErrEmpty)
	require.NotErrorIs(t, survivalErr, survival.ErrInvalid)
}
