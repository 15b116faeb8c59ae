package clv

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
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

func TestBGFamilyParallelPassMatchesSerial(t *testing.T) {
	// The two-goroutine pass must give the serial result.
	var rows []row
	for i := range 3000 {
		x := float64(i % 17)
		tx := 0.0
		if x > 0 {
			tx = float64(i%29) + 1
		}
		rows = append(rows, row{x, tx, tx + float64(i%13), 1 + float64(i%3)})
	}
	serial, parallel := newBGData(rows, 0), newBGData(rows, 0)
	parallel.chunkRows = 100
	theta := []float64{0.3, 5, 0.8, 2}
	gs, gp := make([]float64, 4), make([]float64, 4)
	vs, vp := serial.negLL(theta, gs), parallel.negLL(theta, gp)
	assert.InDelta(t, vs, vp, 1e-9*abs(vs))
	assert.InDeltaSlice(t, gs, gp, 1e-8)
}

func TestGammaGammaGradient(t *testing.T) {
	rows := []row{{x: 2, tx: 22.35, w: 1}, {x: 7, tx: 73.74, w: 2}, {x: 1, tx: 11.77, w: 1}, {x: 30, tx: 5, w: 1}}
	for _, theta := range [][]float64{{6.25, 3.74, 15.44}, {0.5, 1.2, 3}} {
		checkGradient(t, "gg", func(th, g []float64) float64 { return ggNegLL(rows, th, g) }, theta, 1e-6)
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
