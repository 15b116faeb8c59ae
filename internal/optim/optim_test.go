package optim_test

import (
	"math"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"

	"github.com/ltvgo/ltv/internal/optim"
)

const tol = 1e-7

// rosenbrock is (1−x)² + 100(y−x²)², minimum 0 at (1, 1), with its
// gradient and row-major Hessian.
func rosenbrock(p, grad, hess []float64) float64 {
	x, y := p[0], p[1]
	if grad != nil {
		grad[0] = -2*(1-x) - 400*x*(y-x*x)
		grad[1] = 200 * (y - x*x)
	}
	if hess != nil {
		hess[0], hess[1] = 1200*x*x-400*y+2, -400*x
		hess[2], hess[3] = -400*x, 200
	}
	return (1-x)*(1-x) + 100*(y-x*x)*(y-x*x)
}

func rosenbrockFunc(p, grad []float64) float64 { return rosenbrock(p, grad, nil) }

// quadratic returns ½(x−c)ᵀA(x−c), minimum 0 at c, with gradient A(x−c)
// and Hessian A.
func quadratic(a [][]float64, c []float64) optim.FuncHess {
	return func(x, grad, hess []float64) float64 {
		n := len(c)
		var v float64
		for i := range n {
			var ai float64
			for j := range n {
				ai += a[i][j] * (x[j] - c[j])
				if hess != nil {
					hess[i*n+j] = a[i][j]
				}
			}
			if grad != nil {
				grad[i] = ai
			}
			v += (x[i] - c[i]) * ai / 2
		}
		return v
	}
}

var (
	quadA = [][]float64{{4, 1, 0.5}, {1, 3, 0.2}, {0.5, 0.2, 2}}
	quadC = []float64{1.5, -2, 0.25}
)

func valueOnly(f optim.FuncHess) optim.Func {
	return func(x, grad []float64) float64 { return f(x, grad, nil) }
}

func gradNorm(f optim.Func, x []float64) float64 {
	g := make([]float64, len(x))
	f(x, g)
	m := 0.0
	for _, v := range g {
		m = math.Max(m, math.Abs(v))
	}
	return m
}

// The analytic minima: Rosenbrock at (1, 1), the quadratic at c.
func TestMinimizeFindsKnownMinima(t *testing.T) {
	for name, tc := range map[string]struct {
		f     optim.Func
		start []float64
		want  []float64
	}{
		"rosenbrock": {rosenbrockFunc, []float64{-1.2, 1}, []float64{1, 1}},
		"quadratic":  {valueOnly(quadratic(quadA, quadC)), []float64{0, 0, 0}, quadC},
	} {
		starts := [][]float64{slices.Clone(tc.start)}
		res, err := optim.Minimize(tc.f, starts, 1000, tol, nil)
		require.NoError(t, err, name)
		assert.True(t, res.Converged, name)
		require.Len(t, res.Phi, len(tc.want), name)
		assert.InDeltaSlice(t, tc.want, res.Phi, 1e-6, name)
		assert.LessOrEqual(t, gradNorm(tc.f, res.Phi), tol, name)
		assert.Equal(t, tc.start, starts[0], "%s: the start was modified", name)
		assert.Positive(t, res.Iterations, name)
	}
}

func TestNewtonFindsKnownMinima(t *testing.T) {
	for name, tc := range map[string]struct {
		f     optim.FuncHess
		start []float64
		want  []float64
	}{
		"rosenbrock": {rosenbrock, []float64{-1.2, 1}, []float64{1, 1}},
		"quadratic":  {quadratic(quadA, quadC), []float64{0, 0, 0}, quadC},
	} {
		x0 := slices.Clone(tc.start)
		res := optim.Newton(tc.f, x0, 100, tol, nil)
		assert.True(t, res.Converged, name)
		require.Len(t, res.Phi, len(tc.want), name)
		assert.InDeltaSlice(t, tc.want, res.Phi, 1e-6, name)
		assert.LessOrEqual(t, gradNorm(valueOnly(tc.f), res.Phi), tol, name)
		assert.Equal(t, tc.start, x0, "%s: x0 was modified", name)
	}
	// A quadratic is one full Newton step from anywhere.
	res := optim.Newton(quadratic(quadA, quadC), []float64{0.5, 0.5, 0.5}, 100, tol, nil)
	assert.Equal(t, 1, res.Iterations)
}

// A direction in which J is flat: any y is a minimum. The searches
// converge without moving y, and no standard errors exist there.
func TestFlatDirection(t *testing.T) {
	flat := func(p, grad, hess []float64) float64 {
		if grad != nil {
			grad[0], grad[1] = 2*(p[0]-1), 0
		}
		if hess != nil {
			hess[0], hess[1], hess[2], hess[3] = 2, 0, 0, 0
		}
		return (p[0] - 1) * (p[0] - 1)
	}
	res, err := optim.Minimize(valueOnly(flat), [][]float64{{3, 0.7}}, 1000, tol, nil)
	require.NoError(t, err)
	assert.InDeltaSlice(t, []float64{1, 0.7}, res.Phi, 1e-6)
	nt := optim.Newton(flat, []float64{3, 0.7}, 100, tol, nil)
	assert.True(t, nt.Converged)
	assert.InDeltaSlice(t, []float64{1, 0.7}, nt.Phi, 1e-6)

	h := optim.HessianFromGradient(valueOnly(flat), res.Phi)
	_, _, err = optim.DeltaCov(h, []float64{1, 1})
	require.ErrorIs(t, err, optim.ErrNotPositiveDefinite)
}

// softplus ln(1 + e^φ) falls towards 0 as φ → −∞ without a minimum, as
// a likelihood does towards a boundary of the parameter space. The searches
// stop at a finite point where the gradient e^φ/(1+e^φ) is below tol.
func TestMinimumAtTheBoundary(t *testing.T) {
	softplus := func(p, grad, hess []float64) float64 {
		s := 1 / (1 + math.Exp(-p[0]))
		if grad != nil {
			grad[0] = s
		}
		if hess != nil {
			hess[0] = s * (1 - s)
		}
		return math.Log1p(math.Exp(p[0]))
	}
	res, err := optim.Minimize(valueOnly(softplus), [][]float64{{2}}, 1000, tol, nil)
	if err == nil {
		assert.LessOrEqual(t, gradNorm(valueOnly(softplus), res.Phi), tol)
	} else {
		require.ErrorIs(t, err, optim.ErrNotConverged)
	}
	assert.Less(t, res.Phi[0], math.Log(1e-4), "it went downhill")
	assert.False(t, math.IsInf(res.Phi[0], 0) || math.IsNaN(res.Phi[0]))

	nt := optim.Newton(softplus, []float64{2}, 100, tol, nil)
	assert.True(t, nt.Converged)
	assert.LessOrEqual(t, gradNorm(valueOnly(softplus), nt.Phi), tol)
	assert.False(t, math.IsInf(nt.Phi[0], 0) || math.IsNaN(nt.Phi[0]))
}

// J is NaN or +Inf outside x > 0 (as a likelihood is outside its
// domain): the searches back off from there to the minimum at 2, and a
// start where J is not finite comes back unconverged without a panic.
func TestNonFiniteValues(t *testing.T) {
	for name, bad := range map[string]float64{"NaN": math.NaN(), "+Inf": math.Inf(1)} {
		f := func(p, grad, hess []float64) float64 {
			x := p[0]
			if !(x > 0) {
				if grad != nil {
					grad[0] = bad
				}
				if hess != nil {
					hess[0] = bad
				}
				return bad
			}
			// (x−2)² − ln x/10 has its minimum where 2(x−2) = 1/(10x).
			if grad != nil {
				grad[0] = 2*(x-2) - 1/(10*x)
			}
			if hess != nil {
				hess[0] = 2 + 1/(10*x*x)
			}
			return (x-2)*(x-2) - math.Log(x)/10
		}
		want := (4 + math.Sqrt(16+0.8)) / 4

		res, err := optim.Minimize(valueOnly(f), [][]float64{{0.05}}, 1000, tol, nil)
		require.NoError(t, err, name)
		assert.InDelta(t, want, res.Phi[0], 1e-6, name)
		nt := optim.Newton(f, []float64{0.05}, 100, tol, nil)
		assert.True(t, nt.Converged, name)
		assert.InDelta(t, want, nt.Phi[0], 1e-6, name)

		// A start outside the domain, alone and before a good one.
		res, err = optim.Minimize(valueOnly(f), [][]float64{{-1}}, 1000, tol, nil)
		require.ErrorIs(t, err, optim.ErrNotConverged, name)
		assert.False(t, res.Converged, name)
		assert.True(t, math.IsInf(res.Value, 1), "%s: value %v", name, res.Value)
		res, err = optim.Minimize(valueOnly(f), [][]float64{{-1}, {3}}, 1000, tol, nil)
		require.NoError(t, err, name)
		assert.InDelta(t, want, res.Phi[0], 1e-6, name)

		nt = optim.Newton(f, []float64{-1}, 100, tol, nil)
		assert.False(t, nt.Converged, name)
		assert.Equal(t, []float64{-1}, nt.Phi, name)
	}
}

// A cap too small to converge returns the best point found, no worse than
// the start, with the not-converged signal; the iterations (BFGS and
// polish together) stay within the cap.
func TestIterationCap(t *testing.T) {
	start := []float64{-1.2, 1}
	v0 := rosenbrockFunc(start, nil)
	for _, limit := range []int{1, 2, 5} {
		res, err := optim.Minimize(rosenbrockFunc, [][]float64{start}, limit, tol, nil)
		require.ErrorIs(t, err, optim.ErrNotConverged, "cap %d", limit)
		assert.False(t, res.Converged, "cap %d", limit)
		assert.LessOrEqual(t, res.Iterations, limit, "cap %d", limit)
		assert.Less(t, res.Value, v0, "cap %d", limit)
		assert.Equal(t, rosenbrockFunc(res.Phi, nil), res.Value, "cap %d: Value is J(Phi)", limit)

		nt := optim.Newton(rosenbrock, start, limit, tol, nil)
		assert.False(t, nt.Converged, "cap %d", limit)
		assert.LessOrEqual(t, nt.Iterations, limit, "cap %d", limit)
		assert.Less(t, nt.Value, v0, "cap %d", limit)
	}
	// On a quadratic the polish would finish the search in one step: it
	// gets none once BFGS has used the cap.
	quad := valueOnly(quadratic(quadA, quadC))
	res, err := optim.Minimize(quad, [][]float64{{0, 0, 0}}, 1, tol, nil)
	require.ErrorIs(t, err, optim.ErrNotConverged)
	assert.Equal(t, 1, res.Iterations)
	res, err = optim.Minimize(quad, [][]float64{{0, 0, 0}}, 100, tol, nil)
	require.NoError(t, err)
	assert.Less(t, res.Iterations, 100)

	// Of several starts none of which converges, the best comes back.
	far := []float64{3, -3}
	res, err = optim.Minimize(rosenbrockFunc, [][]float64{far, start}, 2, tol, nil)
	require.ErrorIs(t, err, optim.ErrNotConverged)
	one, _ := optim.Minimize(rosenbrockFunc, [][]float64{far}, 2, tol, nil)
	two, _ := optim.Minimize(rosenbrockFunc, [][]float64{start}, 2, tol, nil)
	assert.Equal(t, math.Min(one.Value, two.Value), res.Value)
}

// For the quadratic the Hessian is A everywhere, and the delta method
// gives Cov = D·A⁻¹·D exactly.
func TestHessianAndDeltaCov(t *testing.T) {
	f := valueOnly(quadratic(quadA, quadC))
	phi := []float64{0.3, -0.4, 2}
	before := slices.Clone(phi)
	h := optim.HessianFromGradient(f, phi)
	assert.Equal(t, before, phi, "phi was modified")
	for i := range 3 {
		for j := range 3 {
			assert.InDelta(t, quadA[i][j], h.At(i, j), 1e-8, "H[%d][%d]", i, j)
		}
	}

	d := []float64{2, 0.5, 3}
	a := mat.NewSymDense(3, nil)
	for i := range 3 {
		for j := i; j < 3; j++ {
			a.SetSym(i, j, quadA[i][j])
		}
	}
	var inv mat.Dense
	require.NoError(t, inv.Inverse(a))
	cov, se, err := optim.DeltaCov(a, d)
	require.NoError(t, err)
	require.Len(t, cov, 3)
	require.Len(t, se, 3)
	for i := range 3 {
		for j := range 3 {
			assert.InDelta(t, d[i]*inv.At(i, j)*d[j], cov[i][j], 1e-12, "Cov[%d][%d]", i, j)
		}
		assert.InDelta(t, math.Sqrt(cov[i][i]), se[i], 1e-15, "SE[%d]", i)
	}

	indefinite := mat.NewSymDense(2, []float64{1, 2, 2, 1})
	_, _, err = optim.DeltaCov(indefinite, []float64{1, 1})
	require.ErrorIs(t, err, optim.ErrNotPositiveDefinite)
}
