package clv

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/ltvgo/ltv/internal/optim"
)

// mlProblem is a likelihood to maximise over parameters θ_j = lower_j + e^φ_j
// (lower_j is 0 for a positive parameter, 1 for the Gamma-Gamma q > 1
// constraint). Every Fit… function of this package runs through maximize.
type mlProblem struct {
	fn     string      // the public function, for errors
	starts [][]float64 // natural-scale starting points, tried in order
	lower  []float64   // nil: all 0
	n      float64     // Σ w, for scaling and the Fit report
	// negLL returns the total −LL(θ); when grad is not nil it also writes
	// the analytic ∂(−LL)/∂θ into it.
	negLL func(theta, grad []float64) float64
	// hessian, when set, returns −LL and writes its gradient and row-major
	// Hessian in θ when grad and hess are not nil (value only when both
	// are nil). The fit then runs damped Newton, and the standard errors
	// use the exact Hessian.
	hessian func(theta, grad, hess []float64) float64
}

// gradTol is the ‖∇_φ J‖∞ threshold on the per-customer objective
// J/Σw (MODELS.md §9).
const gradTol = 1e-7

// maximize fits p and returns θ̂ with its Fit report. A search that stops
// early returns its best estimate and an error wrapping ErrNotConverged; so
// does a Hessian that is not positive definite (StdErr is then nil).
func maximize(p mlProblem, opt *FitOptions) ([]float64, Fit, error) {
	var o FitOptions
	if opt != nil {
		o = *opt
	}
	if o.Penalty < 0 || math.IsNaN(o.Penalty) {
		return nil, Fit{}, invalid(p.fn, -1, "FitOptions.Penalty", "is %v, want ≥ 0", o.Penalty)
	}
	k := len(p.starts[0])
	lower := p.lower
	if lower == nil {
		lower = make([]float64, k)
	}
	starts := p.starts
	if o.Start != nil {
		if len(o.Start) != k {
			return nil, Fit{}, invalid(p.fn, -1, "FitOptions.Start", "has %d values, want %d", len(o.Start), k)
		}
		starts = [][]float64{o.Start}
	}
	toTheta := func(phi, theta []float64) {
		for j, f := range phi {
			theta[j] = lower[j] + math.Exp(f)
		}
	}
	var phiStarts [][]float64
	for _, s := range starts {
		phi := make([]float64, k)
		for j, v := range s {
			if !(v > lower[j]) || math.IsInf(v, 1) {
				return nil, Fit{}, invalid(p.fn, -1, "FitOptions.Start", "value %d is %v, want > %v", j, v, lower[j])
			}
			phi[j] = math.Log(v - lower[j])
		}
		phiStarts = append(phiStarts, phi)
	}

	theta := make([]float64, k)
	gTheta := make([]float64, k)
	// objective J(φ)/N, with or without the penalty.
	objective := func(penalty float64) optim.Func {
		value := func(phi []float64) float64 {
			toTheta(phi, theta)
			v := p.negLL(theta, nil)
			for _, t := range theta {
				v += penalty * t * t
			}
			return v / p.n
		}
		return func(phi, grad []float64) float64 {
			if grad == nil {
				return value(phi)
			}
			toTheta(phi, theta)
			v := p.negLL(theta, gTheta)
			for j, t := range theta {
				v += penalty * t * t
				grad[j] = (gTheta[j] + 2*penalty*t) * (t - lower[j]) / p.n
			}
			return v / p.n
		}
	}

	var res optim.Result
	searchErr := optim.ErrNotConverged
	if p.hessian != nil {
		newton := newtonObjective(p, o.Penalty, lower)
		iters := 100
		if o.MaxIterations > 0 {
			iters = o.MaxIterations
		}
		for _, x0 := range phiStarts {
			r := optim.Newton(newton, x0, iters, gradTol)
			if r.Converged {
				res, searchErr = r, nil
				break
			}
		}
	}
	if searchErr != nil {
		res, searchErr = optim.Minimize(objective(o.Penalty), phiStarts, o.MaxIterations, gradTol)
	}
	est := make([]float64, k)
	toTheta(res.Phi, est)
	fit := Fit{
		LogLikelihood: -p.negLL(est, nil),
		Iterations:    res.Iterations,
		Converged:     res.Converged,
		NumParams:     k,
		N:             p.n,
		Penalized:     o.Penalty > 0,
	}
	var h *mat.SymDense
	switch unpenalized := objective(0); {
	case p.hessian != nil:
		hs := make([]float64, k*k)
		newtonObjective(p, 0, lower)(res.Phi, make([]float64, k), hs)
		h = mat.NewSymDense(k, hs)
	default:
		h = optim.HessianFromGradient(unpenalized, res.Phi)
	}
	h.ScaleSym(p.n, h) // back to the total −LL
	dTheta := make([]float64, k)
	for j := range est {
		dTheta[j] = est[j] - lower[j]
	}
	cov, se, covErr := optim.DeltaCov(h, dTheta)
	fit.Cov, fit.StdErr = cov, se

	switch {
	case searchErr != nil:
		return est, fit, fmt.Errorf("%s: %w after %d iterations (‖∇‖ above %g)", p.fn, ErrNotConverged, res.Iterations, gradTol)
	case covErr != nil:
		fit.Converged = false
		return est, fit, fmt.Errorf("%s: %w: %v", p.fn, ErrNotConverged, covErr)
	}
	return est, fit, nil
}

// newtonObjective returns J(φ)/N = (−LL(θ) + λ·Σθ²)/N with its gradient
// and Hessian in φ, from p.hessian's derivatives in θ by the chain rule
// for θ_j = lower_j + e^φ_j (e_j = θ_j − lower_j):
//
//	∂J/∂φ_j = F_j·e_j,   ∂²J/∂φ_j∂φ_k = F_jk·e_j·e_k + [j = k]·F_j·e_j
func newtonObjective(p mlProblem, penalty float64, lower []float64) optim.FuncHess {
	k := len(lower)
	theta := make([]float64, k)
	gTheta := make([]float64, k)
	hTheta := make([]float64, k*k)
	return func(phi, grad, hess []float64) float64 {
		for j, f := range phi {
			theta[j] = lower[j] + math.Exp(f)
		}
		var v float64
		if grad == nil {
			v = p.hessian(theta, nil, nil)
		} else {
			v = p.hessian(theta, gTheta, hTheta)
		}
		for _, t := range theta {
			v += penalty * t * t
		}
		if grad == nil {
			return v / p.n
		}
		for j := range k {
			ej := theta[j] - lower[j]
			fj := gTheta[j] + 2*penalty*theta[j]
			grad[j] = fj * ej / p.n
			for l := range k {
				fjl := hTheta[j*k+l]
				if l == j {
					fjl += 2 * penalty
				}
				hess[j*k+l] = fjl * ej * (theta[l] - lower[l]) / p.n
			}
			hess[j*k+j] += fj * ej / p.n
		}
		return v / p.n
	}
}
