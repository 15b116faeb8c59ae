package survival

import (
	"math"

	"github.com/ltvgo/ltv/internal/optim"
)

// This file is the likelihood-maximisation machinery of the regression
// models: Newton–Raphson with step halving on an analytic Hessian. Its
// solves are the package's LDLᵀ (ldl). Matrices are row-major n×n slices of which
// only the upper triangle is read.

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
// gradient (Levenberg), so it still climbs. w (nil: none) sees every
// iteration; once its context is done maximize returns unconverged.
func maximize(f newtonObjective, theta0 []float64, maxIter int, tol float64, w *optim.Watch) newtonResult {
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
		stop := w.Step(v) != nil
		if final || (t == 1 && change <= tol) {
			r.converged = true
			return r
		}
		if stop {
			return r
		}
	}
	return r
}

// ascentStep returns δ solving (−H + μ·D)·δ = g, with D = diag(|H_jj|)
// (1 where H_jj is 0 or not finite) and the smallest μ ≥ 0 of the ladder
// 0, 1e-10, 1e-9, … for which factorLDL keeps every column of the
// equilibrated matrix (so that it is positive definite, with pivots above
// R's toler.chol). It returns nil when even μ = 1e10 does not, or δ is not
// finite.
func ascentStep(hess, grad []float64) []float64 {
	n := len(grad)
	info, scale := equilibrate(hess, n, -1)
	a := make([]float64, n*n)
	for mu := 0.0; mu <= 1e10; mu = math.Max(10*mu, 1e-10) {
		copy(a, info)
		for i := range n {
			a[i*n+i] += mu
		}
		f := factorLDL(a, n, cholTolerance)
		if len(f.singular) > 0 {
			continue
		}
		step := make([]float64, n)
		for j, g := range grad {
			step[j] = g * scale[j]
		}
		f.solve(step)
		for j := range step {
			step[j] *= scale[j]
			if math.IsNaN(step[j]) || math.IsInf(step[j], 0) {
				return nil
			}
		}
		return step
	}
	return nil
}
