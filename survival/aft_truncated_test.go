package survival

import (
	"encoding/csv"
	"math"
	"os"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
)

// truncatedData reads testdata/aft_truncated.csv: 300 rows, 120 of them
// entering late, case weights 0.5 to 3 (written by aft_truncated.py).
func truncatedData(t *testing.T) ([]Observation, [][]float64) {
	f, err := os.Open("testdata/aft_truncated.csv")
	require.NoError(t, err)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	var obs []Observation
	var X [][]float64
	for _, rec := range recs[1:] {
		v := make([]float64, len(rec))
		for j, s := range rec {
			v[j], err = strconv.ParseFloat(s, 64)
			require.NoError(t, err)
		}
		obs = append(obs, Observation{Entry: v[0], Time: v[1], Event: v[2] == 1, Weight: v[3]})
		X = append(X, v[4:7])
	}
	return obs, X
}

// truncatedExpected holds aft_truncated.py's output (scipy.stats
// log-likelihoods conditioned on survival to entry, as lifelines'
// entry_col): ℓ at two fixed points θ = (β_0, β, log σ) and the maximum
// found by BFGS and a Nelder–Mead polish.
var truncatedExpected = []struct {
	dist   AFTDist
	fixed  [2]float64
	max    float64
	argmax []float64
}{
	{Weibull, [2]float64{-915.233183705658, -956.3495742535756}, -907.9228505442222,
		[]float64{1.917765449609568, 0.23881401170395578, -0.46804438306524176, 0.22515367244336176, -0.061976059994787336}},
	{Exponential, [2]float64{-909.783070247354, -948.2876465113461}, -908.6574032664452,
		[]float64{1.8880556859496107, 0.244734084408368, -0.48082567035391816, 0.23766001092205583}},
	{LogNormal, [2]float64{-1047.025531614302, -980.5653555446629}, -924.2580155788708,
		[]float64{1.3142276492455844, 0.2592966085659508, -0.5145993520139973, 0.3400628461893014, 0.17272933800248452}},
	{LogLogistic, [2]float64{-948.9826961922057, -1024.8096197760801}, -919.483217411969,
		[]float64{1.4251231074629835, 0.26405701856606023, -0.4643822288181646, 0.30240644849486265, -0.41681280166140044}},
}

// standardised maps θ = (β_0, β, log σ) on the caller's scale to the
// fit's internal parameters (b_0, b, log σ) of d.
func (d *aftData) standardised(theta []float64) []float64 {
	b := make([]float64, d.params())
	copy(b, theta)
	for j := range d.k {
		b[0] += theta[j+1] * d.mu[j]
		b[j+1] = theta[j+1] / d.invSD[j]
	}
	return b
}

// TestFitAFTLateEntry checks the late-entry likelihood at fixed points to
// 1e-12 and the fit against the independent scipy maximum: ℓ to 1e-9
// relative, estimates to 1e-5.
func TestFitAFTLateEntry(t *testing.T) {
	obs, X := truncatedData(t)
	for _, tc := range truncatedExpected {
		t.Run(tc.dist.String(), func(t *testing.T) {
			o, err := aftOptions("test", tc.dist, nil)
			require.NoError(t, err)
			d, err := newAFTData("test", obs, X, tc.dist, o)
			require.NoError(t, err)
			points := [][]float64{{2, 0.3, -0.5, 0.2, math.Log(0.8)}, {1.5, -0.1, 0.2, 0.4, 0.3}}
			for i, p := range points {
				got := d.logLik(d.standardised(p[:d.params()]), nil, nil)
				require.InEpsilon(t, tc.fixed[i], got, 1e-12, "fixed point %d", i)
			}

			m, err := FitAFT(obs, X, tc.dist, nil)
			require.NoError(t, err)
			require.InEpsilon(t, tc.max, m.LogLikelihood, 1e-9)
			require.GreaterOrEqual(t, m.LogLikelihood, tc.max-1e-9)
			got := append([]float64{m.Intercept}, m.Coef...)
			if !m.ScaleFixed {
				got = append(got, math.Log(m.Scale))
			}
			require.InDeltaSlice(t, tc.argmax, got, 1e-5)
		})
	}
}

// TestAFTDerivatives checks the analytic gradient and Hessian of every
// distribution against central differences (gonum diff/fd) on the
// late-entry data, where the log-logistic has rows of positive curvature.
func TestAFTDerivatives(t *testing.T) {
	obs, X := truncatedData(t)
	for _, dist := range []AFTDist{Weibull, Exponential, LogNormal, LogLogistic} {
		o, err := aftOptions("test", dist, nil)
		require.NoError(t, err)
		d, err := newAFTData("test", obs, X, dist, o)
		require.NoError(t, err)
		theta := d.standardised([]float64{1.5, -0.1, 0.2, 0.4, 0.3}[:d.params()])
		np := len(theta)
		grad, hess := make([]float64, np), make([]float64, np*np)
		d.logLik(theta, grad, hess)
		value := func(x []float64) float64 { return d.logLik(x, nil, nil) }
		numGrad := fd.Gradient(nil, value, theta, &fd.Settings{Formula: fd.Central})
		require.InDeltaSlice(t, numGrad, grad, 1e-5*(1+maxAbs(grad)), dist.String())
		var numHess mat.SymDense
		fd.Hessian(&numHess, value, theta, &fd.Settings{Formula: fd.Central})
		for i := range np {
			for j := i; j < np; j++ {
				require.InDelta(t, numHess.At(i, j), hess[i*np+j], 1e-3*(1+math.Abs(hess[i*np+i])), "%v H[%d][%d]", dist, i, j)
			}
		}
	}
}

func maxAbs(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m = math.Max(m, math.Abs(x))
	}
	return m
}
