package clv

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"

	"github.com/ltvgo/ltv/internal/parallel"
)

// ggSample is a small sample of (x, m̄, w) rows with light and heavy
// buyers, and two covariates per row (a dummy and a continuous one) in
// four groups.
func ggSample(t *testing.T) ([]row, []int32, *covDesign) {
	rows := []row{{x: 2, tx: 22.35, w: 1}, {x: 7, tx: 73.74, w: 2}, {x: 1, tx: 11.77, w: 1},
		{x: 30, tx: 5, w: 1}, {x: 1, tx: 40, w: 3}, {x: 2, tx: 8.5, w: 1}, {x: 7, tx: 19, w: 1}}
	z := [][]float64{{0, 0.3}, {1, -1.2}, {0, 2}, {1, 0.3}, {0, 0.3}, {1, -1.2}, {0, 2}}
	cs := make([]Customer, len(rows))
	used := make([]int, len(rows))
	for i, r := range rows {
		cs[i], used[i] = Customer{Frequency: r.x, Monetary: r.tx, Weight: r.w}, i
	}
	d, err := SpendCovariates{Spend: z}.design("test", len(cs), used)
	require.NoError(t, err)
	require.Equal(t, 4, d.groups.size())
	return rows, d.customerGroup, d
}

// The analytic gradient against central differences of the value, and
// the analytic Hessian against central differences of the analytic
// gradient, with and without covariates, inside and far from the optimum.
// The Hessian's step is 1e-4: gonum's Digamma in the gradient is accurate
// to ~5e-11 absolute only, noise that a step of 1e-6 magnifies to 5e-5.
func TestGammaGammaDerivatives(t *testing.T) {
	rows, groups, design := ggSample(t)
	for _, tc := range []struct {
		name   string
		d      *ggData
		thetas [][]float64
	}{
		{"plain", newGGData(rows, nil, &covDesign{}), [][]float64{{6.25, 3.74, 15.44}, {0.5, 1.2, 3}, {40, 0.3, 200}}},
		{"covariates", newGGData(rows, groups, design), [][]float64{{6.25, 3.74, 15.44, 0.4, -0.2}, {0.5, 1.2, 3, -2, 1.5}}},
	} {
		for _, theta := range tc.thetas {
			k := len(theta)
			checkGradient(t, tc.name, func(th, g []float64) float64 { return tc.d.eval(th, g, nil) }, theta, 1e-6)
			got, g := make([]float64, k*k), make([]float64, k)
			tc.d.eval(theta, g, got)
			want := mat.NewDense(k, k, nil)
			fd.Jacobian(want, func(dst, x []float64) { tc.d.eval(x, dst, nil) }, theta,
				&fd.JacobianSettings{Formula: fd.Central, Step: 1e-4})
			for i := range k {
				for j := range k {
					w := want.At(i, j)
					assert.InDelta(t, w, got[i*k+j], 1e-6*(1+abs(w)), "%s %v: H[%d][%d]", tc.name, theta, i, j)
				}
			}
		}
	}
}

// The value against the per-customer ℓ of note 025 summed row by row.
func TestGammaGammaValueMatchesRows(t *testing.T) {
	rows, groups, design := ggSample(t)
	theta := []float64{6.25, 3.74, 15.44, 0.4, -0.2}
	var want float64
	for j, r := range rows {
		g := scale(theta[2], 1, theta[3:], design.zP[design.groups.purchaseOf(groups[j])])
		want -= r.w * ggLogLik(theta[0], theta[1], g, r.x, r.tx)
	}
	got := newGGData(rows, groups, design).eval(theta, nil, nil)
	assert.InDelta(t, want, got, 1e-12*abs(want))
}

// ℓ and its derivatives are sums over rows, so a pass over many chunks
// must equal the sum of passes over blocks small enough for one chunk.
func TestGammaGammaChunkedPassMatchesSums(t *testing.T) {
	var rows []row
	for i := range 200_000 {
		rows = append(rows, row{x: float64(1 + i%23), tx: 1 + float64(i%101)/7, w: 1 + float64(i%3)})
	}
	const block = 10_000
	require.Greater(t, parallel.Chunks(len(rows), ggRowCost), 4)
	require.Equal(t, 1, parallel.Chunks(block, ggRowCost))
	theta := []float64{3, 2.5, 4}
	g, h := make([]float64, 3), make([]float64, 9)
	v := newGGData(rows, nil, &covDesign{}).eval(theta, g, h)
	var vs float64
	gs, hs := make([]float64, 3), make([]float64, 9)
	for lo := 0; lo < len(rows); lo += block {
		gb, hb := make([]float64, 3), make([]float64, 9)
		vs += newGGData(rows[lo:lo+block], nil, &covDesign{}).eval(theta, gb, hb)
		for j := range gb {
			gs[j] += gb[j]
		}
		for j := range hb {
			hs[j] += hb[j]
		}
	}
	assert.InDelta(t, vs, v, 1e-12*abs(vs))
	for j := range g {
		assert.InDelta(t, gs[j], g[j], 1e-9*(1+abs(gs[j])), "∂/∂θ_%d", j)
	}
	for j := range h {
		assert.InDelta(t, hs[j], h[j], 1e-9*(1+abs(hs[j])), "H %d", j)
	}
}
