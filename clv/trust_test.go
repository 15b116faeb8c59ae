package clv_test

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/clv"
)

// One customer cannot identify four parameters. Before the boundary rule
// this fit reported Converged with r = 8e7, α = 8e8 and SE ≈ 3e11.
func TestFitOneCustomerIsTooLittleData(t *testing.T) {
	one := []clv.Customer{{Frequency: 3, Recency: 20, T: 30}}
	for name, fit := range map[string]func([]clv.Customer, *clv.FitOptions) (clv.Fit, error){
		"BGNBD": func(cs []clv.Customer, o *clv.FitOptions) (clv.Fit, error) {
			_, f, err := clv.FitBGNBD(cs, o)
			return f, err
		},
		"MBGNBD": func(cs []clv.Customer, o *clv.FitOptions) (clv.Fit, error) {
			_, f, err := clv.FitMBGNBD(cs, o)
			return f, err
		},
		"ParetoNBD": func(cs []clv.Customer, o *clv.FitOptions) (clv.Fit, error) {
			_, f, err := clv.FitParetoNBD(cs, o)
			return f, err
		},
	} {
		_, err := fit(one, nil)
		require.ErrorIs(t, err, clv.ErrEmpty, name)
		var de *clv.DataError
		require.ErrorAs(t, err, &de, name)
		assert.Contains(t, de.Reason, "cannot identify", name)
	}
}

// Customers who all buy at one rate: the Gamma mixing distribution
// collapses (r, α → ∞ with r/α fixed). The fit reports the limit, names R,
// and returns a model whose rate r/α is the homogeneous rate and whose
// predictions are finite.
func TestFitHomogeneousRatesIsBoundary(t *testing.T) {
	truth := clv.BGNBD{R: 1e6, Alpha: 1e6 / 0.4, A: 0.8, B: 2.5}
	cs := must(clv.SimulateBGNBDCustomers(truth, clv.CustomerSimulationOptions{Customers: 20_000, Period: week, Seed: 7, Continuous: true}))
	for name, fit := range map[string]func() (clv.PurchaseModel, float64, clv.Fit, error){
		"BGNBD": func() (clv.PurchaseModel, float64, clv.Fit, error) {
			m, f, err := clv.FitBGNBD(cs, nil)
			return m, m.R / m.Alpha, f, err
		},
		"MBGNBD": func() (clv.PurchaseModel, float64, clv.Fit, error) {
			m, f, err := clv.FitMBGNBD(cs, nil)
			return m, m.R / m.Alpha, f, err
		},
	} {
		m, rate, f, err := fit()
		require.ErrorIs(t, err, clv.ErrBoundary, name)
		var be *clv.BoundaryError
		require.ErrorAs(t, err, &be, name)
		assert.Contains(t, be.Params, "R", name)
		assert.InDelta(t, 0.4, rate, 0.02, name)
		require.Len(t, f.StdErr, 4)
		assert.True(t, math.IsNaN(f.StdErr[0]), "%s: the held R has no standard error", name)
		assert.True(t, f.StdErr[1] > 0 && !math.IsInf(f.StdErr[1], 0), "%s: SE(α) = %v", name, f.StdErr[1])
		assert.Less(t, f.NumParams, 4, name)
		for _, c := range cs[:50] {
			pa := m.PAlive(c)
			assert.True(t, pa >= 0 && pa <= 1, "%s: PAlive %v", name, pa)
			e := m.ConditionalExpectedPurchases(c, 52)
			assert.True(t, e >= 0 && !math.IsInf(e, 0), "%s: E = %v", name, e)
		}
	}
}

// Pareto/NBD on the same kind of sample may find a finite (if large) shape
// with a positive-definite Hessian, or the limit; either way the rate is
// right and the report is honest.
func TestParetoNBDHomogeneousRates(t *testing.T) {
	ps := must(clv.SimulateParetoNBDCustomers(clv.ParetoNBD{R: 1e6, Alpha: 1e6 / 0.4, S: 0.6, Beta: 12},
		clv.CustomerSimulationOptions{Customers: 5000, Period: week, Seed: 7, Continuous: true}))
	m, f, err := clv.FitParetoNBD(ps, nil)
	if err != nil {
		require.ErrorIs(t, err, clv.ErrBoundary)
	} else {
		for j, se := range f.StdErr {
			assert.True(t, se > 0 && !math.IsInf(se, 0), "SE[%d] = %v", j, se)
		}
	}
	assert.InDelta(t, 0.4, m.R/m.Alpha, 0.02)
}

// A heterogeneous sample stays an interior optimum: no boundary error.
func TestFitHeterogeneousIsInterior(t *testing.T) {
	truth := clv.BGNBD{R: 0.5, Alpha: 5, A: 0.8, B: 2.5}
	cs := must(clv.SimulateBGNBDCustomers(truth, clv.CustomerSimulationOptions{Customers: 20_000, Period: week, Seed: 8, Continuous: true}))
	_, _, err := clv.FitBGNBD(cs, nil)
	require.NoError(t, err)
}

// Gamma-Gamma is scale-equivariant in money: cents and dollars give the same
// shapes, γ scales with the unit and the log-likelihood moves by −N·ln(unit).
// Before the fit ran in an internal unit, Monetary 1e308 "did not converge
// after 0 iterations" with LL −Inf.
func TestGammaGammaAnyCurrencyUnit(t *testing.T) {
	cs := must(clv.SimulateBGNBDCustomers(clv.BGNBD{R: 0.5, Alpha: 5, A: 0.8, B: 2.5},
		clv.CustomerSimulationOptions{Customers: 5000, Period: week, Seed: 9, Continuous: true, Spend: clv.GammaGamma{P: 6, Q: 4, Gamma: 15}}))
	base, fb, err := clv.FitGammaGamma(cs, nil)
	require.NoError(t, err)
	var n float64
	for _, c := range cs {
		if c.Frequency > 0 {
			n++
		}
	}
	for _, unit := range []float64{100, 1e-200, 1e300} {
		scaled := make([]clv.Customer, len(cs))
		for i, c := range cs {
			c.Monetary *= unit
			scaled[i] = c
		}
		m, f, err := clv.FitGammaGamma(scaled, nil)
		require.NoError(t, err, "unit %g", unit)
		assert.InEpsilon(t, base.P, m.P, 1e-6, "unit %g", unit)
		assert.InEpsilon(t, base.Q, m.Q, 1e-6, "unit %g", unit)
		assert.InEpsilon(t, base.Gamma*unit, m.Gamma, 1e-6, "unit %g", unit)
		assert.InEpsilon(t, fb.StdErr[2]*unit, f.StdErr[2], 1e-4, "unit %g", unit)
		assert.InDelta(t, fb.LogLikelihood-n*math.Log(unit), f.LogLikelihood, 1e-6*math.Abs(fb.LogLikelihood), "unit %g", unit)
	}
	// A total spend that overflows is bad input, named by row and field.
	bad := append([]clv.Customer(nil), cs...)
	bad[3] = clv.Customer{Frequency: 2, Recency: 5, T: 30, Monetary: 1e308}
	_, _, err = clv.FitGammaGamma(bad, nil)
	require.ErrorIs(t, err, clv.ErrInvalid)
	var de *clv.DataError
	require.True(t, errors.As(err, &de))
	assert.Equal(t, 3, de.Row)
	assert.Equal(t, "Monetary", de.Field)
}

// A repeat purchase after zero time is impossible: every purchase model
// rejects it by row and field (Pareto/NBD used to spend 9 s on it and
// return ErrNotConverged), and the per-customer methods return NaN.
func TestRepeatPurchaseAtTimeZeroIsInvalid(t *testing.T) {
	cs := must(clv.SimulateBGNBDCustomers(clv.BGNBD{R: 0.5, Alpha: 5, A: 0.8, B: 2.5},
		clv.CustomerSimulationOptions{Customers: 300, Period: week, Seed: 10, Continuous: true}))
	cs[17] = clv.Customer{Frequency: 2, Recency: 0, T: 30}
	start := time.Now()
	for name, fit := range map[string]func() error{
		"BGNBD":     func() error { _, _, err := clv.FitBGNBD(cs, nil); return err },
		"MBGNBD":    func() error { _, _, err := clv.FitMBGNBD(cs, nil); return err },
		"ParetoNBD": func() error { _, _, err := clv.FitParetoNBD(cs, nil); return err },
	} {
		err := fit()
		require.ErrorIs(t, err, clv.ErrInvalid, name)
		var de *clv.DataError
		require.ErrorAs(t, err, &de, name)
		assert.Equal(t, 17, de.Row, name)
		assert.Equal(t, "Recency", de.Field, name)
	}
	assert.Less(t, time.Since(start), time.Second)
	c := clv.Customer{Frequency: 2, Recency: 0, T: 30}
	for _, m := range []clv.PurchaseModel{clv.BGNBD{R: 0.5, Alpha: 5, A: 0.8, B: 2.5}, clv.ParetoNBD{R: 0.5, Alpha: 5, S: 0.6, Beta: 10}} {
		assert.True(t, math.IsNaN(m.PAlive(c)))
		assert.True(t, math.IsNaN(m.ConditionalExpectedPurchases(c, 10)))
	}
}

// A heavy buyer (x = 1e6) among ordinary customers: every likelihood
// evaluation does bounded work, so the fit takes well under a second per
// hundred rows (it took 20 s before the series work was bounded).
func TestParetoNBDHeavyBuyerIsBounded(t *testing.T) {
	cs := must(clv.SimulateParetoNBDCustomers(clv.ParetoNBD{R: 0.55, Alpha: 10.5, S: 0.6, Beta: 12},
		clv.CustomerSimulationOptions{Customers: 300, Period: week, Seed: 1, Continuous: true}))
	for _, heavy := range []clv.Customer{{Frequency: 1e6, Recency: 50, T: 60}, {Frequency: 1e6, Recency: 0.01, T: 100}, {Frequency: 1e6, Recency: 10, T: 10}} {
		cs[5] = heavy
		start := time.Now()
		m, _, err := clv.FitParetoNBD(cs, nil)
		if err != nil {
			require.True(t, errors.Is(err, clv.ErrBoundary) || errors.Is(err, clv.ErrNotConverged), "%v", err)
		}
		assert.True(t, m.R > 0 && m.Alpha > 0 && m.S > 0 && m.Beta > 0, "%+v", m)
		assert.Less(t, time.Since(start), 10*time.Second, "%+v", heavy)
	}
}

// The BG/BB sums one term per opportunity: a customer or horizon of 1e15
// opportunities used to loop for ever. Past MaxOpportunities the methods
// return NaN at once.
func TestBGBBWorkIsBounded(t *testing.T) {
	m := clv.BGBB{Alpha: 1.2, Beta: 0.75, Gamma: 0.66, Delta: 2.78}
	c := clv.Customer{Frequency: 2, Recency: 3, T: 5}
	start := time.Now()
	assert.True(t, math.IsNaN(m.ExpectedPurchases(1e15)))
	assert.True(t, math.IsNaN(m.ConditionalExpectedPurchases(c, 1e300)))
	assert.True(t, math.IsNaN(m.ProbPurchases(1, 1<<40)))
	assert.True(t, math.IsNaN(m.PAlive(clv.Customer{Frequency: 2, Recency: 3, T: 1e15})))
	assert.False(t, math.IsNaN(m.ExpectedPurchases(clv.MaxOpportunities)))
	assert.Less(t, time.Since(start), time.Second)
}

// A huge maxFrequency allocates no empty groups (it used to allocate
// maxFrequency+1 of them and run out of memory).
func TestEvaluateHoldoutHugeMaxFrequency(t *testing.T) {
	cs := []clv.HoldoutCustomer{
		{Customer: clv.Customer{Frequency: 2, Recency: 30, T: 38}, HoldoutPurchases: 1, HoldoutT: 39},
		{Customer: clv.Customer{T: 38}, HoldoutT: 39},
	}
	ev, err := clv.EvaluateHoldout(bgPub, cs, 1<<40)
	require.NoError(t, err)
	require.Len(t, ev.Groups, 3)
	assert.Equal(t, 2, ev.Groups[2].Frequency)
	assert.Equal(t, 1.0, ev.Groups[2].Customers)
}

// FitOptions.MaxIterations caps every search of every model, the Newton
// polish after BFGS included, so Fit.Iterations never exceeds it (the
// polish used to add up to 20 steps, and a cap of 1 converged). Too few
// iterations to converge return the best estimate with ErrNotConverged.
func TestMaxIterationsCapsEverySearch(t *testing.T) {
	cs := must(clv.SimulateBGNBDCustomers(clv.BGNBD{R: 0.5, Alpha: 5, A: 0.8, B: 2.5},
		clv.CustomerSimulationOptions{Customers: 2000, Period: week, Seed: 11, Continuous: true, Spend: ggPub}))
	discrete := must(clv.SimulateBGBB(clv.BGBB{Alpha: 1.2, Beta: 0.75, Gamma: 0.66, Delta: 2.78},
		clv.BGBBSimulationOptions{Customers: 2000, Opportunities: 6, Seed: 11}))
	alive := must(clv.SimulateShiftedBetaGeometric(clv.ShiftedBetaGeometric{Alpha: 0.7, Beta: 1.2},
		clv.CohortSimulationOptions{Size: 2000, Periods: 8, Seed: 11}))
	fits := map[string]func(*clv.FitOptions) ([]float64, clv.Fit, error){
		"BGNBD": func(o *clv.FitOptions) ([]float64, clv.Fit, error) {
			m, f, err := clv.FitBGNBD(cs, o)
			return []float64{m.R, m.Alpha, m.A, m.B}, f, err
		},
		"MBGNBD": func(o *clv.FitOptions) ([]float64, clv.Fit, error) {
			m, f, err := clv.FitMBGNBD(cs, o)
			return []float64{m.R, m.Alpha, m.A, m.B}, f, err
		},
		"ParetoNBD": func(o *clv.FitOptions) ([]float64, clv.Fit, error) {
			m, f, err := clv.FitParetoNBD(cs, o)
			return []float64{m.R, m.Alpha, m.S, m.Beta}, f, err
		},
		"BGBB": func(o *clv.FitOptions) ([]float64, clv.Fit, error) {
			m, f, err := clv.FitBGBB(discrete, o)
			return []float64{m.Alpha, m.Beta, m.Gamma, m.Delta}, f, err
		},
		"GammaGamma": func(o *clv.FitOptions) ([]float64, clv.Fit, error) {
			m, f, err := clv.FitGammaGamma(cs, o)
			return []float64{m.P, m.Q, m.Gamma}, f, err
		},
		"sBG": func(o *clv.FitOptions) ([]float64, clv.Fit, error) {
			m, f, err := clv.FitShiftedBetaGeometric(alive, o)
			return []float64{m.Alpha, m.Beta}, f, err
		},
	}
	for name, fit := range fits {
		_, free, err := fit(nil)
		require.NoError(t, err, name)
		for _, limit := range []int{1, 2, 3} {
			est, f, err := fit(&clv.FitOptions{MaxIterations: limit})
			require.ErrorIs(t, err, clv.ErrNotConverged, "%s, cap %d", name, limit)
			assert.False(t, f.Converged, "%s, cap %d", name, limit)
			assert.LessOrEqual(t, f.Iterations, limit, "%s, cap %d", name, limit)
			assert.Less(t, f.LogLikelihood, free.LogLikelihood, "%s, cap %d", name, limit)
			for _, v := range est {
				assert.True(t, v > 0 && !math.IsInf(v, 0), "%s, cap %d: %v", name, limit, est)
			}
		}
		_, f, err := fit(&clv.FitOptions{MaxIterations: free.Iterations})
		require.NoError(t, err, "%s: a cap the free fit meets", name)
		assert.Equal(t, free.Iterations, f.Iterations, name)
	}
}

// A cap that a stalled search stays below changes nothing: the fit heading
// for R → ∞ stalls and is refitted at the limit with MaxIterations 100 as
// with the defaults (any cap used to turn the search for a limit off). A
// search the cap stops is returned as it is.
func TestMaxIterationsAboveAStallKeepsTheBoundaryRule(t *testing.T) {
	truth := clv.BGNBD{R: 1e6, Alpha: 1e6 / 0.4, A: 0.8, B: 2.5}
	cs := must(clv.SimulateBGNBDCustomers(truth, clv.CustomerSimulationOptions{Customers: 20_000, Period: week, Seed: 7, Continuous: true}))
	want, wantFit, err := clv.FitBGNBD(cs, nil)
	require.ErrorIs(t, err, clv.ErrBoundary)
	got, gotFit, err := clv.FitBGNBD(cs, &clv.FitOptions{MaxIterations: 100})
	require.ErrorIs(t, err, clv.ErrBoundary)
	assert.Equal(t, want, got)
	assert.Equal(t, wantFit.Iterations, gotFit.Iterations)

	_, f, err := clv.FitBGNBD(cs, &clv.FitOptions{MaxIterations: 5})
	require.ErrorIs(t, err, clv.ErrNotConverged)
	assert.NotErrorIs(t, err, clv.ErrBoundary)
	assert.Equal(t, 5, f.Iterations)
}

// Customers who all have one dropout probability p: the Beta mixing
// distribution collapses (a, b → ∞ with a/(a+b) = p). A sample may stop
// at large finite shapes, or reach the limit: then the fit holds one shape
// at the bound and refits the other, so the mean stays p (holding both at
// the bound forced it to ½: at p = 0.6 that cost 366 log-likelihood
// units). The same for the sBG's churn probability.
func TestFitHomogeneousDropoutKeepsTheMean(t *testing.T) {
	boundaries := 0
	for _, p := range []float64{0.1, 0.25, 0.6, 0.8} {
		truth := clv.BGNBD{R: 0.8, Alpha: 4, A: 1e7 * p, B: 1e7 * (1 - p)}
		cs := must(clv.SimulateBGNBDCustomers(truth, clv.CustomerSimulationOptions{Customers: 20_000, Period: week, Seed: 11, Continuous: true}))
		m, f, err := clv.FitBGNBD(cs, nil)
		if err != nil {
			require.ErrorIs(t, err, clv.ErrBoundary, "p = %v", p)
			var be *clv.BoundaryError
			require.ErrorAs(t, err, &be)
			require.Len(t, be.Params, 1, "p = %v: %v", p, err)
			assert.Equal(t, 3, f.NumParams)
			boundaries++
		}
		assert.InDelta(t, p, m.A/(m.A+m.B), 0.01, "p = %v: %+v", p, m)
		assert.InDelta(t, 0.2, m.R/m.Alpha, 0.01, "p = %v", p)
	}
	assert.Positive(t, boundaries, "no sample reached the limit: the test checks nothing there")
	// sBG: every customer churns with probability 0.2 each period.
	alive := []float64{10_000}
	for range 8 {
		alive = append(alive, math.Round(alive[len(alive)-1]*0.8))
	}
	m, _, err := clv.FitShiftedBetaGeometric(alive, nil)
	require.ErrorIs(t, err, clv.ErrBoundary)
	assert.InDelta(t, 0.2, m.Alpha/(m.Alpha+m.Beta), 1e-3, "%+v", m)
}
