package clv

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/diff/fd"
)

// bgbbCovSample returns simulated BG/BB customers observed for 6 or 11
// opportunities (so rows differ in n as well as in x and t_x), with the
// covariates of covGradientSample.
func bgbbCovSample(t *testing.T) ([]Customer, Covariates) {
	t.Helper()
	_, cov := covGradientSample(t)
	n := len(cov.Purchase)
	m := BGBB{Alpha: 1.2, Beta: 0.75, Gamma: 0.66, Delta: 2.8}
	short, err := SimulateBGBB(m, BGBBSimulationOptions{Customers: n / 2, Opportunities: 6, Seed: 1})
	require.NoError(t, err)
	long, err := SimulateBGBB(m, BGBBSimulationOptions{Customers: n - n/2, Opportunities: 11, Seed: 2})
	require.NoError(t, err)
	return append(short, long...), cov
}

func TestBGBBCovGradient(t *testing.T) {
	// The chain rule through shiftOdds against central differences of the
	// likelihood, for every covariate layout, at points away from the base
	// model (the base shapes differ from the simulation's, the
	// coefficients are not 0).
	cs, cov := bgbbCovSample(t)
	for _, tc := range covGradientCases {
		t.Run(tc.name, func(t *testing.T) {
			design, err := tc.layout(cov).design("test", len(cs), scaleNames{})
			require.NoError(t, err)
			rows, rowGroups, _, err := compressGroups("test", cs, design.customerGroup, true)
			require.NoError(t, err)
			c := newBGBBCov(design, rows, rowGroups)
			for _, base := range [][]float64{{1.2, 0.75, 0.66, 2.8}, {0.3, 4, 2.5, 0.4}} {
				theta := append(append([]float64(nil), base...), tc.theta[4:]...)
				checkGradient(t, tc.name, c.negLL, theta, 1e-6)
				// The value does not depend on whether the gradient is asked for.
				assert.Equal(t, c.negLL(theta, nil), c.negLL(theta, make([]float64, len(theta))))
			}
		})
	}
}

func TestBGBBCovLikelihoodIsPerCustomerBGBB(t *testing.T) {
	// −LL with covariates is the sum of each customer's own BGBB
	// log-likelihood (For), which compression of identical (x, t_x, n, z)
	// rows must not change.
	cs, cov := bgbbCovSample(t)
	design, err := cov.design("test", len(cs), scaleNames{})
	require.NoError(t, err)
	rows, rowGroups, _, err := compressGroups("test", cs, design.customerGroup, true)
	require.NoError(t, err)
	require.Less(t, len(rows), len(cs), "the sample has repeated rows")
	theta := []float64{0.9, 1.7, 0.5, 3.1, 0.4, -0.3, 0.2, -0.6}
	m := BGBBCov{BGBB: BGBB{Alpha: theta[0], Beta: theta[1], Gamma: theta[2], Delta: theta[3]}, Purchase: theta[4:6], Dropout: theta[6:8]}
	var want float64
	for i, c := range cs {
		want -= m.For(cov.Purchase[i], cov.Dropout[i]).LogLikelihood(c)
	}
	got := newBGBBCov(design, rows, rowGroups).negLL(theta, nil)
	assert.InDelta(t, want, got, 1e-11*math.Abs(want))
}

func TestShiftOdds(t *testing.T) {
	// Hand-checkable: odds a/b = 2 times e^η, sum 3; η = 0 is exact; large
	// |η| neither overflows nor loses the small shape's digits.
	for _, tc := range []struct{ eta, a, b float64 }{
		{0, 2, 1},
		{math.Log(2), 2.4, 0.6},          // odds 4: 3·4/5, 3·1/5
		{-math.Log(4), 1, 2},             // odds 1/2
		{700, 3, 3 * math.Exp(-700) / 2}, // b' = 3/(1 + 2e^700), kept to full precision
		{-700, 3 * 2 * math.Exp(-700), 3},
	} {
		a, b := shiftOdds(2, 1, tc.eta)
		assert.InDelta(t, tc.a, a, 1e-15*tc.a, "η = %v", tc.eta)
		assert.InDelta(t, tc.b, b, 1e-15*tc.b+5e-324, "η = %v", tc.eta)
	}
	a, b := shiftOdds(2, 1, math.NaN())
	assert.True(t, math.IsNaN(a) && math.IsNaN(b))
}

func TestBGBBCovNoneIsFitBGBB(t *testing.T) {
	// An empty Covariates{} fits exactly what FitBGBB fits, on the
	// donations data of FHS (2010) and on a simulation with two lengths of
	// observation.
	sim, _ := bgbbCovSample(t)
	for name, cs := range map[string][]Customer{"donations": donations(t), "simulation": sim} {
		m, f, err := FitBGBB(cs, nil)
		require.NoError(t, err, name)
		mc, fc, err := FitBGBBCov(cs, Covariates{}, nil)
		require.NoError(t, err, name)
		assert.Equal(t, m, mc.BGBB, name)
		assert.Empty(t, mc.Purchase, name)
		assert.Empty(t, mc.Dropout, name)
		assert.Equal(t, f, fc, name)
	}
}

func TestBGBBLikelihoodSteepTerms(t *testing.T) {
	// With large α and γ the dropped-out terms of a long row fall below
	// 1e-200 of the first (so logLikelihood stops counting them), while the
	// active term, e^(ℓ_n)·(γ+δ+n)/γ, may still matter: ℓ against the
	// term-by-term naiveBGBBLogLik, and the gradient against central
	// differences, on such rows.
	rows := []row{{0, 0, 5000, 1}, {3, 40, 3000, 2}, {900, 2000, 2000, 1}, {10, 10, 10, 1}}
	for _, m := range []BGBB{{Alpha: 50, Beta: 1, Gamma: 80, Delta: 1}, {Alpha: 0.3, Beta: 0.2, Gamma: 300, Delta: 0.5}, {Alpha: 1e-3, Beta: 40, Gamma: 1e-3, Delta: 60}} {
		for _, r := range rows {
			got := m.LogLikelihood(Customer{Frequency: r.x, Recency: r.tx, T: r.t})
			require.False(t, math.IsNaN(got) || math.IsInf(got, 0), "%v %v", m, r)
			// Absolute near ℓ = 0: on (0, 0, 5000) at the third model both
			// kernels, this one and the earlier log-space one, are 2.7e-13
			// from mpmath's −0.00483849277647991629 (30 digits).
			want := naiveBGBBLogLik(m, r.x, r.tx, r.t)
			assert.InDelta(t, want, got, 1e-11*math.Max(1, math.Abs(want)), "%v %v", m, r)
		}
		theta := []float64{m.Alpha, m.Beta, m.Gamma, m.Delta}
		negLL := func(th, grad []float64) float64 {
			return BGBB{Alpha: th[0], Beta: th[1], Gamma: th[2], Delta: th[3]}.negLogLikelihood(rows, grad)
		}
		v := negLL(theta, nil)
		got := make([]float64, 4)
		negLL(theta, got)
		want := fd.Gradient(nil, func(th []float64) float64 { return negLL(th, nil) }, theta, &fd.Settings{Formula: fd.Central, Step: 1e-6 * theta[0]})
		for j := range want {
			// Steps are relative to α, so scale the tolerance like TestBGBBGradient's.
			assert.InDelta(t, want[j], got[j], 1e-9*math.Abs(v)/(1e-6*theta[0])+1e-6*math.Abs(want[j]), "%v: ∂/∂θ_%d", m, j)
		}
	}
}
