package survival

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// This file is the likelihood-maximisation machinery of the regression
// models: Newton–Raphson with step halving on an analytic Hessian, and the
// Cholesky solves and rank check it needs. Matrices are row-major n×n
// slices of which only the upper triangle is read.

// newtonObjective returns ℓ(θ) and, when grad is not nil, writes the
// gradient of ℓ into grad and its Hessian (upper triangle) into hess. A
// NaN or −Inf value marks θ as outside the domain.
type newtonObjective func(theta, grad, hess []float64) float64

// newtonResult is where maximize stopped.
type newtonResult struct {
	theta      []float64
	value      float64
	grad, hess []float64 // at theta
	iterations int       // Newton steps taken
	converged  bool
}

// maxHalvings bounds the step halvings of one Newton iteration: a step
// shrunk by 2^−40 is below the rounding of any parameter of order 1.
const maxHalvings = 40

// maximize climbs ℓ from theta0 by Newton–Raphson steps δ = (−H)⁻¹·g,
// halving a step while it lowers ℓ (or leaves its domain), as R's survreg
// and coxph do. It converges after a full step that changes ℓ by at most
// tol, or that promised a gain ½·gᵀδ of at most tol (such a step is taken
// without comparing ℓ, which is flat to rounding there); it stops
// unconverged when no halving of a step raises ℓ, or after maxIter steps.
// Where −H is not positive definite the step is damped towards the
// gradient (Levenberg), so it still climbs.
func maximize(f newtonObjective, theta0 []float64, maxIter int, tol float64) newtonResult {
	n := len(theta0)
	r := newtonResult{
		theta: append([]float64(nil), theta0...),
		grad:  make([]float64, n),
		hess:  make([]float64, n*n),
	}
	r.value = f(r.theta, r.grad, r.hess)
	if !(r.value > math.Inf(-1)) {
		return r
	}
	trial := make([]float64, n)
	tGrad := make([]float64, n)
	tHess := make([]float64, n*n)
	for r.iterations < maxIter {
		step := ascentStep(r.hess, r.grad)
		if step == nil {
			return r
		}
		promised := 0.0
		for j, g := range r.grad {
			promised += g * step[j] / 2
		}
		// A step that promises at most tol is within the rounding noise of
		// ℓ: it is taken whole, and ends the fit, without comparing ℓ.
		final := promised <= tol
		t := 1.0
		accepted := false
		var v float64
		for range maxHalvings + 1 {
			for j := range trial {
				trial[j] = r.theta[j] + t*step[j]
			}
			v = f(trial, tGrad, tHess)
			if v >= r.value || (final && v > math.Inf(-1)) { // false for NaN
				accepted = true
				break
			}
			t /= 2
		}
		if !accepted {
			return r
		}
		change := v - r.value
		r.theta, trial = trial, r.theta
		r.grad, tGrad = tGrad, r.grad
		r.hess, tHess = tHess, r.hess
		r.value = v
		r.iterations++
		if final || (t == 1 && change <= tol) {
			r.converged = true
			return r
		}
	}
	return r
}

// ascentStep returns δ solving (−H + μ·D)·δ = g, with D = diag(|H_jj|)
// (1 where H_jj is 0 or not finite) and the smallest μ ≥ 0 of the ladder
// 0, 1e-10, 1e-9, … that makes the matrix positive definite. It returns
// nil when even μ = 1e10 does not, or δ is not finite.
func ascentStep(hess, grad []float64) []float64 {
	n := len(grad)
	scale := equilibration(hess, n)
	a := mat.NewSymDense(n, nil)
	var chol mat.Cholesky
	for mu := 0.0; mu <= 1e10; mu = math.Max(10*mu, 1e-10) {
		for i := range n {
			for j := i; j < n; j++ {
				a.SetSym(i, j, -hess[i*n+j]*scale[i]*scale[j])
			}
			a.SetSym(i, i, a.At(i, i)+mu)
		}
		if !chol.Factorize(a) {
			continue
		}
		b := mat.NewVecDense(n, nil)
		for j, g := range grad {
			b.SetVec(j, g*scale[j])
		}
		var x mat.VecDense
		if err := chol.SolveVecTo(&x, b); err != nil && mu == 0 {
			continue // ill-conditioned: damp it
		}
		step := make([]float64, n)
		for j := range step {
			step[j] = x.AtVec(j) * scale[j]
			if math.IsNaN(step[j]) || math.IsInf(step[j], 0) {
				return nil
			}
		}
		return step
	}
	return nil
}

// equilibration returns s_j = 1/√|H_jj| (1 where H_jj is 0 or not finite),
// which brings the diagonal of s·(−H)·s to 1 and makes the Cholesky
// factorisation and its rank test independent of the parameters' units.
func equilibration(hess []float64, n int) []float64 {
	s := make([]float64, n)
	for j := range s {
		d := math.Abs(hess[j*n+j])
		s[j] = 1
		if d > 0 && !math.IsInf(d, 0) {
			s[j] = 1 / math.Sqrt(d)
		}
	}
	return s
}

// informationInverse returns (−H)⁻¹ as rows, or nil when −H is not
// numerically positive definite (its equilibrated form has no Cholesky
// factor, or a condition number above 1e14).
func informationInverse(hess []float64, n int) [][]float64 {
	scale := equilibration(hess, n)
	a := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			a.SetSym(i, j, -hess[i*n+j]*scale[i]*scale[j])
		}
	}
	var chol mat.Cholesky
	if !chol.Factorize(a) || chol.Cond() > 1e14 {
		return nil
	}
	var inv mat.SymDense
	if err := chol.InverseTo(&inv); err != nil {
		return nil
	}
	out := make([][]float64, n)
	for i := range out {
		out[i] = make([]float64, n)
		for j := range out[i] {
			out[i][j] = inv.At(i, j) * scale[i] * scale[j]
		}
	}
	return out
}

// firstAliased runs a Cholesky factorisation, in column order and without
// pivoting, of the positive semi-definite matrix a (n×n, upper triangle)
// equilibrated to a unit diagonal, and returns the first column whose
// pivot is at most tol: that column is (numerically) a linear combination
// of the columns before it, as R's cholesky2 finds aliased columns. It
// returns −1 when a has full rank.
func firstAliased(a []float64, n int, tol float64) int {
	l := make([]float64, n*n) // lower factor, row-major
	for j := range n {
		if !(a[j*n+j] > 0) {
			return j
		}
	}
	at := func(i, j int) float64 { // equilibrated a, i ≤ j
		return a[i*n+j] / math.Sqrt(a[i*n+i]*a[j*n+j])
	}
	for j := range n {
		d := at(j, j)
		for k := range j {
			d -= l[j*n+k] * l[j*n+k]
		}
		if !(d > tol) {
			return j
		}
		l[j*n+j] = math.Sqrt(d)
		for i := j + 1; i < n; i++ {
			v := at(j, i)
			for k := range j {
				v -= l[i*n+k] * l[j*n+k]
			}
			l[i*n+j] = v / l[j*n+j]
		}
	}
	return -1
}
