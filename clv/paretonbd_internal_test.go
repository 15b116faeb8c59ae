package clv

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/diff/fd"

	"github.com/ltvgo/ltv/internal/parallel"
)

// paretoGradientCases are parameter points covering both branches of F
// (α < β and α ≥ β), α = β (z = 0), and α ≫ β, where z = (α−β)/(α+t_x)
// near 1 sends 2F1 past 1e4 series terms to Euler's integral.
var paretoGradientCases = []struct {
	name  string
	theta []float64
}{
	{"CDNOW α<β", []float64{0.553, 10.578, 0.606, 11.669}},
	{"α>β", []float64{0.8, 14, 1.3, 6}},
	{"α=β", []float64{0.4, 9, 0.9, 9}},
	{"α≫β integral", []float64{0.7, 2000, 0.5, 1}},
	{"hard-input params", []float64{0.5143, 2.8845, 0.2856, 14.1087}},
}

// paretoTestRows compresses a seeded simulated sample of the given number
// of customers plus a few heavy buyers (x 200–500) so that every
// likelihood path is exercised. The simulation's parameters differ from
// every point of paretoGradientCases, so no gradient component there is
// near 0 and a relative tolerance is meaningful.
func paretoTestRows(t *testing.T, customers int) ([]row, float64) {
	t.Helper()
	cs := must(SimulateParetoNBDCustomers(ParetoNBD{R: 1.1, Alpha: 8, S: 0.9, Beta: 15},
		CustomerSimulationOptions{Customers: customers, Period: 7 * 24 * time.Hour, Seed: 7}))
	cs = append(cs,
		Customer{Frequency: 221, Recency: 103.42857, T: 103.57143},
		Customer{Frequency: 400, Recency: 5, T: 6},
		Customer{Frequency: 500, Recency: 1, T: 37},
		Customer{Frequency: 3, Recency: 20, T: 20})
	rows, n, err := compress("test", cs, false)
	require.NoError(t, err)
	return rows, n
}

// TestParetoNBDGradient checks the analytic gradient of −LL against gonum
// central differences in log-parameters (≤ 1e-6 relative per component).
func TestParetoNBDGradient(t *testing.T) {
	rows, _ := paretoTestRows(t, 3000)
	d := newParetoData(rows)
	for _, tc := range paretoGradientCases {
		t.Run(tc.name, func(t *testing.T) {
			phi := make([]float64, 4)
			for j, v := range tc.theta {
				phi[j] = math.Log(v)
			}
			f := func(phi []float64) float64 {
				th := make([]float64, 4)
				for j, v := range phi {
					th[j] = math.Exp(v)
				}
				return d.negLL(th, nil)
			}
			num := fd.Gradient(nil, f, phi, &fd.Settings{Formula: fd.Central, Step: 1e-5})
			grad := make([]float64, 4)
			v := d.negLL(tc.theta, grad)
			require.False(t, math.IsNaN(v) || math.IsInf(v, 0))
			require.Len(t, num, 4)
			for j := range grad {
				got := grad[j] * tc.theta[j] // chain rule to φ_j = ln θ_j
				require.False(t, math.IsNaN(got) || math.IsInf(got, 0))
				require.InEpsilon(t, num[j], got, 1e-6, "component %d", j)
			}
		})
	}
}

// TestParetoNBDFitPathMatchesCustomerPath checks that the fit's knot-based
// −LL equals −Σ w·LogLikelihood summed customer by customer (the two share
// point and lnDiff, but not the row loop, which runs in several chunks).
func TestParetoNBDFitPathMatchesCustomerPath(t *testing.T) {
	rows, _ := paretoTestRows(t, 20_000)
	require.Greater(t, parallel.Chunks(len(rows), paretoRowCost), 1)
	d := newParetoData(rows)
	for _, tc := range paretoGradientCases {
		m := ParetoNBD{R: tc.theta[0], Alpha: tc.theta[1], S: tc.theta[2], Beta: tc.theta[3]}
		want := 0.0
		for _, r := range rows {
			want += r.w * m.LogLikelihood(Customer{Frequency: r.x, Recency: r.tx, T: r.t})
		}
		require.InEpsilon(t, -want, d.negLL(tc.theta, nil), 1e-12, tc.name)
	}
}
