package clv

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"

	"github.com/ltvgo/ltv/internal/refdata/refdatatest"
)

// covGradientSample returns simulated customers (with a few heavy buyers)
// and covariates: purchase (binary, continuous), dropout (the same binary,
// another binary), so groups share knots and some do not.
func covGradientSample(t *testing.T) ([]Customer, Covariates) {
	t.Helper()
	cs, err := SimulateParetoNBDCustomers(ParetoNBD{R: 1.1, Alpha: 8, S: 0.9, Beta: 15}, CustomerSimulationOptions{Customers: 600, Period: 7 * 24 * time.Hour, Seed: 3})
	require.NoError(t, err)
	cs = append(cs, Customer{Frequency: 221, Recency: 103.42857, T: 103.57143}, Customer{Frequency: 3, Recency: 20, T: 20})
	rng := rand.New(rand.NewPCG(4, 5))
	cov := Covariates{Purchase: make([][]float64, len(cs)), Dropout: make([][]float64, len(cs))}
	for i := range cs {
		channel := float64(rng.IntN(2))
		cov.Purchase[i] = []float64{channel, math.Round(10*rng.NormFloat64()) / 10}
		cov.Dropout[i] = []float64{channel, float64(rng.IntN(2))}
	}
	return cs, cov
}

// covGradientCases are covariate layouts (over covGradientSample's
// columns) and points θ = (base, coefficients) at which to check
// derivatives.
var covGradientCases = []struct {
	name   string
	layout func(Covariates) Covariates
	theta  []float64
}{
	{"full", func(c Covariates) Covariates { return c }, []float64{0.9, 7, 0.8, 12, 0.4, -0.3, 0.2, -0.6}},
	{"shared", func(c Covariates) Covariates { c.Shared = []int{0}; return c }, []float64{0.9, 7, 0.8, 12, 0.4, -0.3, -0.6}},
	{"purchase only", func(c Covariates) Covariates { c.Dropout = nil; return c }, []float64{1.2, 5, 1.1, 9, -0.5, 0.25}},
	{"dropout only", func(c Covariates) Covariates { c.Purchase = nil; return c }, []float64{0.7, 9, 0.6, 20, 0.7, 0.3}},
	{"L2", func(c Covariates) Covariates { c.L2 = 3; return c }, []float64{0.9, 7, 0.8, 12, 0.4, -0.3, 0.2, -0.6}},
}

func TestParetoNBDCovGradient(t *testing.T) {
	cs, cov := covGradientSample(t)
	for _, tc := range covGradientCases {
		t.Run(tc.name, func(t *testing.T) {
			design, err := tc.layout(cov).design("test", len(cs), scaleNames{})
			require.NoError(t, err)
			rows, rowGroups, _, err := compressGroups("test", cs, design.customerGroup, false)
			require.NoError(t, err)
			c := newParetoCov(design, newParetoDataGroups(rows, rowGroups, design.groups.size()))
			require.Len(t, tc.theta, 4+design.k)
			checkGradient(t, tc.name, c.negLL, tc.theta, 1e-6)
		})
	}
}

func TestBGFamilyCovDerivatives(t *testing.T) {
	cs, cov := covGradientSample(t)
	for _, shift := range []float64{0, 1} {
		for _, tc := range covGradientCases {
			t.Run(tc.name, func(t *testing.T) {
				design, err := tc.layout(cov).design("test", len(cs), scaleNames{})
				require.NoError(t, err)
				rows, rowGroups, _, err := compressGroups("test", cs, design.customerGroup, false)
				require.NoError(t, err)
				c := newBGCov(design, newBGDataGroups(rows, rowGroups, design.groups, shift))
				theta := append([]float64{0.9, 7, 1.3, 3}, tc.theta[4:]...)
				checkGradient(t, tc.name, c.negLL, theta, 1e-6)
				// The Hessian against central differences of the gradient,
				// with a step of 3e-4: the b derivative sums digamma
				// differences of ~600 rows, whose rounding a step of 1e-6
				// magnifies to 1e-4 relative (so for the plain BG/NBD's
				// Hessian too).
				m := len(theta)
				got, g := make([]float64, m*m), make([]float64, m)
				v := c.eval(theta, g, got)
				assert.InDelta(t, c.negLL(theta, nil), v, 1e-12*abs(v))
				want := mat.NewDense(m, m, nil)
				fd.Jacobian(want, func(dst, x []float64) { c.negLL(x, dst) }, theta,
					&fd.JacobianSettings{Formula: fd.Central, Step: 3e-4})
				for i := range m {
					for j := range m {
						w := want.At(i, j)
						assert.InDelta(t, w, got[i*m+j], 1e-6*(1+abs(w)), "shift %v: H[%d][%d]", shift, i, j)
					}
				}
			})
		}
	}
}

func TestCovGradientAtTruth(t *testing.T) {
	// The oracle's gradient of the total LL at the simulation truth, in
	// (log base, coefficients): no optimiser involved.
	var exp struct {
		PNBD, BGNBD struct {
			Fixed struct {
				Params struct {
					Base []float64 `json:"base"`
				} `json:"params"`
				LogLik   float64   `json:"loglik_full_model_at_truth"`
				Gradient []float64 `json:"gradient_at_truth_wrt_log_base_then_gammas"`
			} `json:"at_fixed_params"`
		}
	}
	refdatatest.JSON(t, "covariates/expected.json", &exp)
	// Truth of the purchase (channel, age) and dropout (channel, premium)
	// coefficients, as in the JSON's simulation_truth.
	for _, tc := range []struct {
		file   string
		gamma  []float64
		negLL  func(*covDesign, []row, []int32) func(theta, grad []float64) float64
		base   []float64
		wantLL float64
		wantG  []float64
	}{
		{"pnbd_customers.csv", []float64{0.5, 0.3, 0.3, -0.7}, func(d *covDesign, rows []row, g []int32) func(theta, grad []float64) float64 {
			return newParetoCov(d, newParetoDataGroups(rows, g, d.groups.size())).negLL
		}, exp.PNBD.Fixed.Params.Base, exp.PNBD.Fixed.LogLik, exp.PNBD.Fixed.Gradient},
		{"bgnbd_customers.csv", []float64{0.5, 0.3, 0.8, -0.9}, func(d *covDesign, rows []row, g []int32) func(theta, grad []float64) float64 {
			return newBGCov(d, newBGDataGroups(rows, g, d.groups, 0)).negLL
		}, exp.BGNBD.Fixed.Params.Base, exp.BGNBD.Fixed.LogLik, exp.BGNBD.Fixed.Gradient},
	} {
		recs := refdatatest.CSV(t, "covariates/"+tc.file)
		var cs []Customer
		var cov Covariates
		for _, r := range recs[1:] { // id,x,t_x,T,channel,age,premium
			v := make([]float64, len(r))
			for j := range r {
				var err error
				v[j], err = strconv.ParseFloat(r[j], 64)
				require.NoError(t, err)
			}
			cs = append(cs, Customer{Frequency: v[1], Recency: v[2], T: v[3]})
			cov.Purchase = append(cov.Purchase, []float64{v[4], v[5]})
			cov.Dropout = append(cov.Dropout, []float64{v[4], v[6]})
		}
		design, err := cov.design("test", len(cs), scaleNames{})
		require.NoError(t, err)
		rows, rowGroups, _, err := compressGroups("test", cs, design.customerGroup, false)
		require.NoError(t, err)
		theta := append(append([]float64(nil), tc.base...), tc.gamma...)
		grad := make([]float64, len(theta))
		ll := -tc.negLL(design, rows, rowGroups)(theta, grad)
		assert.InDelta(t, tc.wantLL, ll, 1e-7, tc.file)
		require.Len(t, tc.wantG, len(theta))
		for j, w := range tc.wantG {
			got := -grad[j] // ∂LL/∂θ_j, then to ln θ_j for a base parameter
			if j < 4 {
				got *= theta[j]
			}
			assert.InDelta(t, w, got, 1e-6*(1+abs(w)), "%s: component %d", tc.file, j)
		}
	}
}
