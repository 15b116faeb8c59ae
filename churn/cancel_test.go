package churn

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
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

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	calls := 0
	m, err := FitLogistic(X, y, &LogisticOptions{Context: ctx, Progress: func(it int, _ float64, _ time.Duration) {
		calls++
		if it == 2 {
			cancel()
		}
	}})
	require.ErrorIs(t, err, context.Canceled)
	require.Nil(t, m)
	require.Equal(t, 2, calls)

	past, cancel2 := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel2()
	_, err = FitLogistic(X, y, &LogisticOptions{Context: past})
	require.ErrorIs(t, err, context.DeadlineExceeded)
}
