package clv

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/ltvgo/ltv/internal/parallel"
)

// checkGradient compares an analytic ∂(−LL)/∂θ with gonum's central
// differences at theta.
func checkGradient(t *testing.T, name string, negLL func(theta, grad []float64) float64, theta []float64, tol float64) {
	t.Helper()
	got := make([]float64, len(theta))
	negLL(theta, got)
	want := fd.Gradient(nil, func(x []float64) float64 { return negLL(x, nil) }, theta,
		&fd.Settings{Formula: fd.Central, Step: 1e-5})
	for j := range got {
		assert.InDelta(t, want[j], got[j], tol*(1+abs(want[j])), "%s: ∂/∂θ_%d", name, j)
	}
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

// A small sample with every kind of row: x = 0, t_x = T, heavy buyers.
var gradientRows = []row{
	{0, 0, 38.86, 3}, {0, 0, 0, 1}, {1, 1.71, 38.86, 2}, {2, 30.43, 38.86, 1},
	{26, 30.86, 31, 1}, {7, 29.43, 38.86, 1}, {3, 12, 12, 1}, {200, 38, 40, 1},
}

func TestBGFamilyGradient(t *testing.T) {
	for _, shift := range []float64{0, 1} {
		d := newBGData(gradientRows, shift)
		for _, theta := range [][]float64{{0.243, 4.414, 0.793, 2.426}, {1.5, 0.7, 3, 0.4}, {0.25, 4, 1, 2.5}} {
			checkGradient(t, "bg", d.negLL, theta, 1e-6)
		}
	}
}

func TestBGFamilyChunkedPassMatchesSums(t *testing.T) {
	// ℓ, its gradient and its Hessian are sums over rows, so a pass over
	// many chunks must equal the sum of passes over blocks of rows small
	// enough for one chunk each.
	var rows []row
	for i := range 40_000 {
		x := float64(i % 17)
		tx := 0.0
		if x > 0 {
			tx = float64(i%29) + 1
		}
		rows = append(rows, row{x, tx, tx + float64(i%13), 1 + float64(i%3)})
	}
	const block = 1000
	require.Greater(t, parallel.Chunks(len(rows), bgRowCost), 4)
	require.Equal(t, 1, parallel.Chunks(block, bgRowCost))
	theta := []float64{0.3, 5, 0.8, 2}
	for _, shift := range []float64{0, 1} {
		g, h := make([]float64, 4), make([]float64, 16)
		v := newBGData(rows, shift).eval(theta, g, h)
		var vs float64
		gs, hs := make([]float64, 4), make([]float64, 16)
		for lo := 0; lo < len(rows); lo += block {
			gb, hb := make([]float64, 4), make([]float64, 16)
			vs += newBGData(rows[lo:lo+block], shift).eval(theta, gb, hb)
			floats.Add(gs, gb)
			floats.Add(hs, hb)
		}
		assert.InDelta(t, vs, v, 1e-12*abs(vs), "shift %v", shift)
		for j := range g {
			assert.InDelta(t, gs[j], g[j], 1e-12*(1+abs(gs[j])), "shift %v: ∂/∂θ_%d", shift, j)
		}
		for j := range h {
			assert.InDelta(t, hs[j], h[j], 1e-12*(1+abs(hs[j])), "shift %v: Hessian %d", shift, j)
		}
	}
}

func TestBGFamilyHessian(t *testing.T) {
	// The analytic Hessian against central differences of the analytic
	// gradient (itself checked against values above): a value-based second
	// difference of an LL near 1e3 carries ~1e-3 round-off noise.
	for _, shift := range []float64{0, 1} {
		d := newBGData(gradientRows, shift)
		for _, theta := range [][]float64{{0.243, 4.414, 0.793, 2.426}, {1.5, 0.7, 3, 0.4}} {
			got := make([]float64, 16)
			g := make([]float64, 4)
			v := d.eval(theta, g, got)
			assert.InDelta(t, d.negLL(theta, nil), v, 1e-12*abs(v))
			want := mat.NewDense(4, 4, nil)
			fd.Jacobian(want, func(dst, x []float64) { d.negLL(x, dst) }, theta,
				&fd.JacobianSettings{Formula: fd.Central, Step: 1e-6})
			for i := range 4 {
				for j := range 4 {
					w := want.At(i, j)
					assert.InDelta(t, w, got[i*4+j], 1e-6*(1+abs(w)), "shift %v: H[%d][%d]", shift, i, j)
				}
			}
		}
	}
}
