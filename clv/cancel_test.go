package clv_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/internal/optim/watchtest"
)

// cancelLatency runs fit with a context that is cancelled delay after
// the fit's first progress report, and returns the time from the
// cancellation to fit's return, and fit's error.
func cancelLatency(fit func(ctx context.Context, progress func(int, float64, time.Duration)) error, delay time.Duration) (time.Duration, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	started := make(chan struct{})
	var once sync.Once
	progress := func(int, float64, time.Duration) { once.Do(func() { close(started) }) }
	done := make(chan error, 1)
	go func() { done <- fit(ctx, progress) }()
	select {
	case <-started:
	case err := <-done:
		return 0, err
	}
	time.Sleep(delay)
	at := time.Now()
	cancel()
	err := <-done
	return time.Since(at), err
}

// largeCustomers is a sample whose fits take seconds: continuous-time
// summaries, so nearly every row is distinct and compression saves
// nothing.
func largeCustomers(t testing.TB, n int) []clv.Customer {
	cs, err := clv.SimulateParetoNBDCustomers(clv.ParetoNBD{R: 0.55, Alpha: 10.6, S: 0.61, Beta: 11.7},
		clv.CustomerSimulationOptions{Customers: n, Period: 7 * 24 * time.Hour, Seed: 11, Continuous: true,
			Spend: clv.GammaGamma{P: 6, Q: 4, Gamma: 15}})
	require.NoError(t, err)
	return cs
}

// A cancelled fit returns promptly (< 50 ms after cancel, on a fit of
// seconds; the median of five cancellations at different points) with an error matching context.Canceled, for each
// search path: BFGS (Pareto/NBD) and damped Newton (BG/NBD, whose every
// iteration is a Hessian pass of ~45 ms over these 3e5 distinct rows, cut
// short per parallel chunk). Gamma-Gamma's pass is one serial loop, which
// finishes before the fit stops (30–100 ms here): it is not timed.
func TestFitCancelPromptly(t *testing.T) {
	if testing.Short() {
		t.Skip("fits for seconds")
	}
	cs := largeCustomers(t, 300_000)
	for name, fit := range map[string]func(context.Context, func(int, float64, time.Duration)) error{
		"ParetoNBD": func(ctx context.Context, progress func(int, float64, time.Duration)) error {
			_, _, err := clv.FitParetoNBD(cs, &clv.FitOptions{Context: ctx, Progress: progress})
			return err
		},
		"BGNBD": func(ctx context.Context, progress func(int, float64, time.Duration)) error {
			_, _, err := clv.FitBGNBD(cs, &clv.FitOptions{Context: ctx, Progress: progress})
			return err
		},
	} {
		// The median of five, as the machine's other load can delay any
		// one return.
		// A fit that ends before its cancellation (a quiet machine, a late
		// delay) returns its result and is not counted; three must be.
		var lats []time.Duration
		for _, delay := range []time.Duration{0, 15, 30, 60, 90} {
			lat, err := cancelLatency(fit, delay*time.Millisecond)
			if err == nil && delay > 0 {
				continue
			}
			require.ErrorIs(t, err, context.Canceled, name)
			lats = append(lats, lat)
		}
		t.Logf("%s: returned %v after the cancellations", name, lats)
		require.GreaterOrEqual(t, len(lats), 3, "%s: too few fits were still running when cancelled", name)
		slices.Sort(lats)
		require.Less(t, lats[len(lats)/2], 50*time.Millisecond, name)
	}
}

// A deadline gives DeadlineExceeded; an already cancelled context stops
// a fit before its search, with no estimate.
func TestFitDeadline(t *testing.T) {
	cs := largeCustomers(t, 20_000)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	m, _, err := clv.FitParetoNBD(cs, &clv.FitOptions{Context: ctx})
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Zero(t, m)

	done, cancelNow := context.WithCancel(context.Background())
	cancelNow()
	_, _, err = clv.FitBGNBDCov(cs, clv.Covariates{}, &clv.FitOptions{Context: done})
	require.ErrorIs(t, err, context.Canceled)
	require.False(t, errors.Is(err, clv.ErrNotConverged))
}

// Progress sees iterations 1, 2, 3, … with finite objectives and
// non-decreasing elapsed times, at most once per iteration; a context
// that is never done and a progress callback leave the fit unchanged.
func TestFitProgress(t *testing.T) {
	cs := largeCustomers(t, 5_000)
	type call struct {
		it      int
		obj     float64
		elapsed time.Duration
	}
	for name, fit := range map[string]func(opt *clv.FitOptions) ([]float64, clv.Fit, error){
		"ParetoNBD": func(opt *clv.FitOptions) ([]float64, clv.Fit, error) {
			m, f, err := clv.FitParetoNBD(cs, opt)
			return []float64{m.R, m.Alpha, m.S, m.Beta}, f, err
		},
		"BGNBD": func(opt *clv.FitOptions) ([]float64, clv.Fit, error) {
			m, f, err := clv.FitBGNBD(cs, opt)
			return []float64{m.R, m.Alpha, m.A, m.B}, f, err
		},
		"sBG": func(opt *clv.FitOptions) ([]float64, clv.Fit, error) {
			m, f, err := clv.FitShiftedBetaGeometric([]float64{1000, 631, 468, 382, 326, 289, 262, 241}, opt)
			return []float64{m.Alpha, m.Beta}, f, err
		},
	} {
		want, wantFit, err := fit(nil)
		require.NoError(t, err, name)
		var mu sync.Mutex
		var calls []call
		opt := &clv.FitOptions{Context: context.Background(), Progress: func(it int, obj float64, elapsed time.Duration) {
			mu.Lock()
			calls = append(calls, call{it, obj, elapsed})
			mu.Unlock()
		}}
		got, gotFit, err := fit(opt)
		require.NoError(t, err, name)
		require.Equal(t, want, got, name)
		require.Equal(t, wantFit, gotFit, name)
		require.GreaterOrEqual(t, len(calls), wantFit.Iterations, name)
		for i, c := range calls {
			require.Equal(t, i+1, c.it, name)
			require.False(t, c.obj != c.obj, name) // not NaN
			if i > 0 {
				require.GreaterOrEqual(t, c.elapsed, calls[i-1].elapsed, name)
			}
		}
	}
}

// Cancelled by its own progress callback, a fit stops at that iteration,
// on each search path (damped Newton for BG/NBD, BFGS for Pareto/NBD and
// Gamma-Gamma).
func TestFitCancelAtIteration(t *testing.T) {
	cs := largeCustomers(t, 2_000)
	watchtest.CheckCancel(t, 2, func(ctx context.Context, progress func(int, float64, time.Duration)) (any, error) {
		m, _, err := clv.FitBGNBD(cs, &clv.FitOptions{Context: ctx, Progress: progress})
		return m, err
	})
	watchtest.CheckCancel(t, 5, func(ctx context.Context, progress func(int, float64, time.Duration)) (any, error) {
		m, _, err := clv.FitParetoNBD(cs, &clv.FitOptions{Context: ctx, Progress: progress})
		return m, err
	})
	watchtest.CheckCancel(t, 3, func(ctx context.Context, progress func(int, float64, time.Duration)) (any, error) {
		m, _, err := clv.FitGammaGamma(cs, &clv.FitOptions{Context: ctx, Progress: progress})
		return m, err
	})
}
