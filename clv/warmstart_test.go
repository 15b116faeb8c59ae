package clv_test

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/clv"
)

// A warm start from the converged model converges at once (the gradient
// test passes at the start: no iteration, or one polish step) to the same
// fit; the expected values are the cold fit's own. Each fit has its own
// machinery path: damped Newton (BG/NBD), BFGS (Pareto/NBD, Gamma-Gamma).
func TestWarmStartFromConvergedModel(t *testing.T) {
	week := 7 * 24 * time.Hour
	cs, err := clv.SimulateBGNBDCustomers(clv.BGNBD{R: 0.24, Alpha: 4.4, A: 0.79, B: 2.4},
		clv.CustomerSimulationOptions{Customers: 4000, Period: week, Seed: 7, Spend: clv.GammaGamma{P: 6, Q: 4, Gamma: 15}})
	require.NoError(t, err)
	type fitFn func(start []float64) ([]float64, clv.Fit, error)
	for name, fit := range map[string]fitFn{
		"BGNBD": func(start []float64) ([]float64, clv.Fit, error) {
			m, f, err := clv.FitBGNBD(cs, &clv.FitOptions{Start: start})
			return []float64{m.R, m.Alpha, m.A, m.B}, f, err
		},
		"ParetoNBD": func(start []float64) ([]float64, clv.Fit, error) {
			m, f, err := clv.FitParetoNBD(cs, &clv.FitOptions{Start: start})
			return []float64{m.R, m.Alpha, m.S, m.Beta}, f, err
		},
		"GammaGamma": func(start []float64) ([]float64, clv.Fit, error) {
			m, f, err := clv.FitGammaGamma(cs, &clv.FitOptions{Start: start})
			return []float64{m.P, m.Q, m.Gamma}, f, err
		},
	} {
		cold, coldFit, err := fit(nil)
		require.NoError(t, err, name)
		warm, warmFit, err := fit(cold)
		require.NoError(t, err, name)
		require.LessOrEqual(t, warmFit.Iterations, 1, name)
		require.Less(t, warmFit.Iterations, coldFit.Iterations, name)
		for j := range cold {
			require.InDelta(t, cold[j], warm[j], 1e-6*math.Abs(cold[j]), "%s parameter %d", name, j)
		}
		require.InDelta(t, coldFit.LogLikelihood, warmFit.LogLikelihood, 1e-9*math.Abs(coldFit.LogLikelihood), name)
	}
}

// A warm start that does not converge (here: one where the likelihood
// underflows, so the search cannot move) falls back to the model's own
// starts, which converge to the cold fit: a stale warm start never costs
// the fit. (With Start as the only start this fit failed.)
func TestWarmStartFallsBack(t *testing.T) {
	cs, err := clv.SimulateBGNBDCustomers(clv.BGNBD{R: 0.24, Alpha: 4.4, A: 0.79, B: 2.4},
		clv.CustomerSimulationOptions{Customers: 2000, Period: 7 * 24 * time.Hour, Seed: 8})
	require.NoError(t, err)
	want, _, err := clv.FitParetoNBD(cs, nil)
	require.NoError(t, err)
	got, fit, err := clv.FitParetoNBD(cs, &clv.FitOptions{Start: []float64{1e300, 1e-300, 1e300, 1e-300}})
	require.NoError(t, err)
	require.True(t, fit.Converged)
	require.InDelta(t, want.R, got.R, 1e-5*want.R)
	require.InDelta(t, want.Beta, got.Beta, 1e-4*want.Beta)
}
