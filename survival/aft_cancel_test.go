package survival_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/internal/optim/watchtest"
	"github.com/ltvgo/ltv/survival"
)

// Cancelling FitAFT's context from its own progress callback at step 3
// stops it there: no model, an error matching context.Canceled, and no
// further step. A never-cancelled context and a callback leave the model
// unchanged, and the steps are numbered 1, 2, 3, … across both fits.
func TestFitAFTCancelAndProgress(t *testing.T) {
	obs, X := simulateWeibullAFT(20_000, 3, 1)
	want, err := survival.FitAFT(obs, X, survival.Weibull, nil)
	require.NoError(t, err)

	var its []int
	var lls []float64
	got, err := survival.FitAFT(obs, X, survival.Weibull, &survival.AFTOptions{
		Context: context.Background(),
		Progress: func(it int, ll float64, _ time.Duration) {
			its = append(its, it)
			lls = append(lls, ll)
		},
	})
	require.NoError(t, err)
	require.Equal(t, want, got)
	require.NotEmpty(t, its)
	for i, it := range its {
		require.Equal(t, i+1, it)
	}
	require.InDelta(t, want.LogLikelihood, lls[len(lls)-1], 1e-12*-want.LogLikelihood, "the last step is at the estimate")

	watchtest.CheckCancel(t, 3, func(ctx context.Context, progress func(int, float64, time.Duration)) (any, error) {
		return survival.FitAFT(obs, X, survival.Weibull, &survival.AFTOptions{Context: ctx, Progress: progress})
	})
}

// The same for FitCox: progress numbers its Newton iterations 1, 2, 3, …
// without changing the fit, and cancelling at iteration 2 stops there.
func TestFitCoxCancelAndProgress(t *testing.T) {
	obs, X := simulateCox(20_000, []float64{0.5, -0.3, 0.2}, true, 4)
	want, err := survival.FitCox(obs, X, nil)
	require.NoError(t, err)
	var its []int
	got, err := survival.FitCox(obs, X, &survival.CoxOptions{
		Context:  context.Background(),
		Progress: func(it int, _ float64, _ time.Duration) { its = append(its, it) },
	})
	require.NoError(t, err)
	require.Equal(t, want.Coef, got.Coef)
	require.Equal(t, want.LogLikelihood, got.LogLikelihood)
	require.NotEmpty(t, its)
	for i, it := range its {
		require.Equal(t, i+1, it)
	}
	watchtest.CheckCancel(t, 2, func(ctx context.Context, progress func(int, float64, time.Duration)) (any, error) {
		return survival.FitCox(obs, X, &survival.CoxOptions{Context: ctx, Progress: progress})
	})
}
