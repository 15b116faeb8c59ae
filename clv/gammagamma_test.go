package clv_test

import (
	"errors"
	"math"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/clv"
)

var ggPub = clv.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44} // note 025 / FHL 2005

func TestFitGammaGammaCDNOW(t *testing.T) {
	cs := cdnowCSV(t)
	e := loadCDNOWExpected(t)
	m, fit, err := clv.FitGammaGamma(cs, nil)
	require.NoError(t, err)
	// expected.json gamma_gamma: MLE, SE, LL on the 946 customers with x > 0.
	assert.Equal(t, float64(e.GammaGamma.N), fit.N)
	assert.InDelta(t, e.GammaGamma.LogLik, fit.LogLikelihood, 1e-6)
	assert.InDelta(t, -4055.92, fit.LogLikelihood, 0.01)
	got := []float64{m.P, m.Q, m.Gamma}
	want := []float64{e.GammaGamma.Params["p"], e.GammaGamma.Params["q"], e.GammaGamma.Params["v"]}
	wantSE := []float64{e.GammaGamma.SE["p"], e.GammaGamma.SE["q"], e.GammaGamma.SE["v"]}
	require.Len(t, fit.StdErr, 3)
	for j := range got {
		assert.Less(t, relErr(got[j], want[j]), 1e-5, "param %d", j)
		// The analytic Hessian's standard errors, at an estimate within the
		// optimiser's tolerance of the reference's.
		assert.Less(t, relErr(fit.StdErr[j], wantSE[j]), 1e-6, "se %d", j)
	}
	assert.Less(t, relErr(m.MeanSpend(), e.GammaGamma.MeanZ), 1e-5)

	// The q > 1 constraint is not binding here: same optimum.
	mc, _, err := clv.FitGammaGamma(cs, &clv.FitOptions{ConstrainQ: true})
	require.NoError(t, err)
	assert.Less(t, relErr(mc.Q, m.Q), 1e-6)
}

func TestGammaGammaValues(t *testing.T) {
	cs := cdnowCSV(t)
	// MODELS.md §7: E[Z | x, m̄] for ids 1..10 at the published parameters
	// ([O]) and ℓ_i of ids 1 and 6.
	want := []float64{24.663714, 18.916852, 35.218978, 35.218978, 35.218978, 71.469671, 18.916852, 35.218978, 27.288386, 35.218978}
	for i, w := range want {
		assert.InDelta(t, w, ggPub.ConditionalExpectedSpend(cs[i]), 5e-7, "id %d", i+1)
	}
	assert.InDelta(t, 35.218978, ggPub.MeanSpend(), 5e-7)
	assert.InDelta(t, -3.551316760, ggPub.LogLikelihood(cs[0]), 1e-9)
	assert.InDelta(t, -6.054867311, ggPub.LogLikelihood(cs[5]), 1e-9)
	assert.True(t, math.IsNaN(ggPub.LogLikelihood(cs[2]))) // x = 0

	// expected.json: per-customer E[Z] at fixed parameters.
	e := loadCDNOWExpected(t)
	ids := byID(cs)
	for _, row := range e.Fixed.Rows {
		c := ids[strconv.Itoa(int(*row["id"]))]
		assert.Less(t, relErr(ggPub.ConditionalExpectedSpend(c), *row["gg_expected_avg_spend"]), 1e-10)
		if ll := row["gg_loglik_i"]; ll != nil {
			assert.Less(t, relErr(ggPub.LogLikelihood(c), *ll), 1e-10)
		}
	}
	// LL at the published parameters.
	var ll float64
	for _, c := range cs {
		if c.Frequency > 0 {
			ll += ggPub.LogLikelihood(c)
		}
	}
	assert.InDelta(t, e.GammaGamma.LLAtPubl, ll, 1e-7)
}

func TestSpendFrequencyCorrelation(t *testing.T) {
	// MODELS.md §7: CDNOW corr(x, m̄) = 0.114 over customers with x > 0.
	r, err := clv.SpendFrequencyCorrelation(cdnowCSV(t))
	require.NoError(t, err)
	assert.InDelta(t, 0.114, r, 5e-4)
	_, err = clv.SpendFrequencyCorrelation([]clv.Customer{{T: 3}})
	assert.ErrorIs(t, err, clv.ErrEmpty)
}

func TestGammaGammaQBelowOne(t *testing.T) {
	// Spends with a heavy right tail across customers push q̂ below 1;
	// then the mean spend does not exist and the fit says so.
	var cs []clv.Customer
	for i := range 400 {
		m := math.Pow(10, float64(i%40)/5) // 1 … 10^7.8, log-uniform
		cs = append(cs, clv.Customer{Frequency: float64(1 + i%3), Recency: 1, T: 2, Monetary: m})
	}
	m, _, err := clv.FitGammaGamma(cs, nil)
	require.ErrorIs(t, err, clv.ErrUndefined)
	assert.LessOrEqual(t, m.Q, 1.0)
	assert.True(t, math.IsNaN(m.MeanSpend()))
	assert.True(t, math.IsNaN(m.ConditionalExpectedSpend(clv.Customer{T: 1})))
	// Constrained to q > 1, the likelihood still rises towards q = 1: the
	// constraint binds, and the fit says so instead of returning a q a hair
	// above 1 as an interior optimum.
	mc, _, err := clv.FitGammaGamma(cs, &clv.FitOptions{ConstrainQ: true})
	require.ErrorIs(t, err, clv.ErrBoundary)
	var be *clv.BoundaryError
	require.ErrorAs(t, err, &be)
	assert.Equal(t, []string{"Q"}, be.Params)
	assert.Greater(t, mc.Q, 1.0)
	assert.False(t, math.IsNaN(mc.MeanSpend()))
}

func TestFitGammaGammaBadInput(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cs    []clv.Customer
		row   int
		field string
		err   error
	}{
		{"no repeat buyers", []clv.Customer{{T: 1}}, -1, "Frequency", clv.ErrEmpty},
		{"zero spend", []clv.Customer{{Frequency: 1, Recency: 1, T: 2, Monetary: 3}, {Frequency: 2, Recency: 1, T: 2}}, 1, "Monetary", clv.ErrInvalid},
		{"negative spend", []clv.Customer{{Frequency: 1, Recency: 1, T: 2, Monetary: -3}}, 0, "Monetary", clv.ErrInvalid},
		{"NaN spend", []clv.Customer{{Frequency: 1, Recency: 1, T: 2, Monetary: math.NaN()}}, 0, "Monetary", clv.ErrInvalid},
		{"fractional x", []clv.Customer{{Frequency: 0.5, Monetary: 3}}, 0, "Frequency", clv.ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := clv.FitGammaGamma(tc.cs, nil)
			require.ErrorIs(t, err, tc.err)
			var de *clv.DataError
			require.True(t, errors.As(err, &de))
			assert.Equal(t, tc.row, de.Row)
			assert.Equal(t, tc.field, de.Field)
		})
	}
}
