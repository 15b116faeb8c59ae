// Package watchtest checks the cancellation and progress options that
// every fit of ltv takes (clv.FitOptions, survival.AFTOptions,
// churn.LogisticOptions), the same way for each.
package watchtest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Fit runs a fit with ctx and progress as its options and returns its
// result (the model) and error.
type Fit func(ctx context.Context, progress func(iteration int, objective float64, elapsed time.Duration)) (any, error)

// CheckCancel checks that fit, cancelled by its own progress callback at
// iteration k, stops there: exactly k calls, no result (the zero value or
// nil) and an error matching context.Canceled; and that a context past
// its deadline gives context.DeadlineExceeded and no result.
func CheckCancel(t *testing.T, k int, fit Fit) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	calls := 0
	m, err := fit(ctx, func(it int, _ float64, _ time.Duration) {
		calls++
		if it == k {
			cancel()
		}
	})
	require.ErrorIs(t, err, context.Canceled)
	require.Zero(t, m)
	require.Equal(t, k, calls)

	past, cancelPast := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancelPast()
	m, err = fit(past, nil)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Zero(t, m)
}
