package churn

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/internal/optim/watchtest"
)

// Cancelling FitLogistic's context from its progress callback at step 2
// stops it there with context.Canceled and no model; a never-cancelled
// context and a callback leave the fit unchanged, numbering the steps
// 1, 2, … up to Iterations, the last at the fit's penalised ℓ.
func TestFitLogisticCancelAndProgress(t *testing.T) {
	X, y := logisticData(20_000, 5)
	opt := &LogisticOptions{L2: 0.5}
	want, err := FitLogistic(X, y, opt)
	require.NoError(t, err)

	var its []int
	var lls []float64
	got, err := FitLogistic(X, y, &LogisticOptions{L2: 0.5, Context: context.Background(), Progress: func(it int, ll float64, _ time.Duration) {
		its = append(its, it)
		lls = append(lls, ll)
	}})
	require.NoError(t, err)
	require.Equal(t, want, got)
	require.Len(t, its, want.Iterations)
	for i, it := range its {
		require.Equal(t, i+1, it)
	}
	penalty := 0.0
	for _, b := range want.Coef {
		penalty += 0.25 * b * b
	}
	require.InDelta(t, want.LogLikelihood-penalty, lls[len(lls)-1], 1e-9*-want.LogLikelihood)

	watchtest.CheckCancel(t, 2, func(ctx context.Context, progress func(int, float64, time.Duration)) (any, error) {
		return FitLogistic(X, y, &LogisticOptions{Context: ctx, Progress: progress})
	})
}
