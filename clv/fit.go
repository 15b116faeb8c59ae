package clv

import (
	"errors"
	"fmt"
	"maps"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/ltvgo/ltv/internal/fault"
	"github.com/ltvgo/ltv/internal/optim"
)

// mlProblem is a likelihood to maximise over parameters θ_j = lower_j + e^φ_j
// (lower_j is 0 for a positive parameter, 1 for the Gamma-Gamma q > 1
// constraint). Every Fit… function of this package runs through maximize.
type mlProblem struct {
	fn     string      // the public function, for errors
	params []param     // one per parameter, in the model's field order
	starts [][]float64 // natural-scale starting points, tried in order
	lower  []float64   // nil: all 0
	n      float64     // Σ w, for scaling and the Fit report
	rows   int         // distinct data rows (or cells), to refuse fits on too little data
	// penaltyUnit, when set, scales parameter j in the L2 penalty: the fit
	// penalises (penaltyUnit_j·θ_j)², so a model fitted in an internal unit
	// is penalised in the caller's.
	penaltyUnit []float64
	// negLL returns the total −LL(θ); when grad is not nil it also writes
	// the analytic ∂(−LL)/∂θ into it.
	negLL func(theta, grad []float64) float64
	// hessian, when set, returns −LL and writes its gradient and row-major
	// Hessian in θ when grad and hess are not nil (value only when both
	// are nil). The fit then runs damped Newton, and the standard errors
	// use the exact Hessian.
	hessian func(theta, grad, hess []float64) float64
}

// param names a model parameter. A shape of a mixing distribution is
// watched for the boundary of the parameter space: high and low say what
// the model becomes as the shape goes to ∞ or to 0.
type param struct {
	name      string
	shape     bool
	high, low string
}

// gammaShape describes the shape of a Gamma mixing distribution of the
// given rates with the given scale parameter.
func gammaShape(name, scale, rates string) param {
	return param{name: name, shape: true,
		high: fmt.Sprintf("%s → ∞: the %s collapse to one value %s/%s", name, rates, name, scale),
		low:  fmt.Sprintf("%s → 0: the %s pile up at 0", name, rates)}
}

// betaShape describes shape a of a Beta(a, b) mixing distribution of the
// given probabilities; first says whether a is the first shape.
func betaShape(a, b, probs string, first bool) param {
	pile := "1"
	if first {
		pile = "0"
	}
	mean := a + "/(" + a + "+" + b + ")"
	if !first {
		mean = b + "/(" + b + "+" + a + ")"
	}
	return param{name: a, shape: true,
		high: fmt.Sprintf("%s → ∞: the %s concentrate at %s", a, probs, mean),
		low:  fmt.Sprintf("%s → 0: the %s pile up at %s", a, probs, pile)}
}

// Shapes outside [shapeMin, shapeMax] are read as a likelihood that rises
// towards a limit of the parameter space. At a shape of 1e4 a Gamma's or
// Beta's coefficient of variation is ~1% of its limit's, which no sample
// of customers resolves, and every prediction is still accurate.
const (
	shapeMax = 1e4
	shapeMin = 1e-4
)

// gradTol is the ‖∇_φ J‖∞ threshold on the per-customer objective
// J/Σw, so the tolerance does not depend on the sample size.
const gradTol = 1e-7

// maximize fits p and returns θ̂ with its Fit report. A search that stops
// early returns its best estimate and an error wrapping ErrNotConverged; so
// does a Hessian that is not positive definite (StdErr is then nil).
//
// A shape that leaves [shapeMin, shapeMax] is held at that bound and the
// other parameters are fitted again (repeatedly, as other shapes may follow);
// the result comes with a *BoundaryError wrapping ErrBoundary. The held
// parameters have StdErr NaN and zero rows and columns in Cov, and
// Fit.NumParams counts only the free ones, as the limiting model has them.
func maximize(p mlProblem, opt *FitOptions) ([]float64, Fit, error) {
	k := len(p.params)
	if opt != nil {
		if !(opt.Penalty >= 0) || math.IsInf(opt.Penalty, 1) {
			return nil, Fit{}, fault.New(p.fn, -1, "FitOptions.Penalty", ErrInvalid, "is %v, want a finite λ ≥ 0", opt.Penalty)
		}
		if opt.MaxIterations < 0 {
			return nil, Fit{}, fault.New(p.fn, -1, "FitOptions.MaxIterations", ErrInvalid, "is %d, want ≥ 0 (0: the default)", opt.MaxIterations)
		}
		if opt.Start != nil && len(opt.Start) != k {
			return nil, Fit{}, fault.New(p.fn, -1, "FitOptions.Start", ErrInvalid, "has %d values, want %d", len(opt.Start), k)
		}
	}
	if p.rows < k {
		return nil, Fit{}, fault.New(p.fn, -1, "", ErrEmpty, "%d distinct rows cannot identify %d parameters", p.rows, k)
	}
	est, fit, err := search(p, opt)
	if est == nil {
		return est, fit, err
	}
	held := map[int]float64{}
	high := map[int]bool{} // held at shapeMax rather than shapeMin
	// next adds to held the shapes whose limit the last search is heading
	// for: those out of range; failing that, after a search that stalled on
	// the slope towards a limit, the shape whose bound fits best. A search
	// the caller capped is left as it is.
	capped := opt != nil && opt.MaxIterations > 0
	next := func() bool {
		switch {
		case err != nil && (capped || !errors.Is(err, ErrNotConverged)):
			return false
		case p.outOfRange(est, held, high):
			return true
		case err != nil:
			return p.boundaryCandidate(opt, est, fit, held, high)
		}
		return false
	}
	for grew := next(); grew; grew = next() {
		var o FitOptions
		if opt != nil {
			o = *opt
		}
		o.Start = nil
		if len(held) == k { // nothing left to fit: the limit is the model
			est = make([]float64, k)
			for j, v := range held {
				est[j] = v
			}
			nan := make([]float64, k)
			for j := range nan {
				nan[j] = math.NaN()
			}
			fit, err = Fit{LogLikelihood: -p.negLL(est, nil), StdErr: nan, Converged: true, N: p.n, Penalized: o.Penalty > 0}, nil
			break
		}
		var rest Fit
		est, rest, err = search(p.hold(held, est), &o)
		if est == nil {
			return nil, rest, err
		}
		est, fit = p.release(held, est, rest)
	}
	if len(held) == 0 {
		return est, fit, err
	}
	b := &BoundaryError{Func: p.fn, Err: ErrBoundary}
	if err != nil {
		b.Err = errors.Join(ErrBoundary, err)
	}
	for j := range k {
		if v, ok := held[j]; ok {
			pj := p.params[j]
			limit := pj.low
			if high[j] {
				limit = pj.high
			}
			b.Params = append(b.Params, pj.name)
			b.Held = append(b.Held, v)
			b.Limits = append(b.Limits, limit)
		}
	}
	return est, fit, b
}

// outOfRange adds to held (and high) every shape of est outside
// [shapeMin, shapeMax], held at the bound it crossed, and reports whether
// it added any.
func (p mlProblem) outOfRange(est []float64, held map[int]float64, high map[int]bool) bool {
	grew := false
	for j, pj := range p.params {
		if _, ok := held[j]; ok || !pj.shape {
			continue
		}
		lo := p.lowerBound(j)
		switch e := est[j] - lo; {
		case e > shapeMax:
			held[j], high[j], grew = lo+shapeMax, true, true
		case e < shapeMin:
			held[j], grew = lo+shapeMin, true
		}
	}
	return grew
}

// lowerBound returns the lower bound of parameter j.
func (p mlProblem) lowerBound(j int) float64 {
	if p.lower == nil {
		return 0
	}
	return p.lower[j]
}

// boundaryCandidate holds each shape in turn at the bound it is heading for
// and refits the rest; if such a fit converges and fits at least as well as
// the failed search's estimate est, it records the best such shape in held
// and high, so that maximize goes on from that limit.
func (p mlProblem) boundaryCandidate(opt *FitOptions, est []float64, fit Fit, held map[int]float64, high map[int]bool) bool {
	var o FitOptions
	if opt != nil {
		o = *opt
	}
	o.Start = nil
	best, bestLL := -1, fit.LogLikelihood-1e-8*p.n-1e-9*math.Abs(fit.LogLikelihood)
	var bestV float64
	var bestHigh bool
	for j, pj := range p.params {
		if _, ok := held[j]; ok || !pj.shape {
			continue
		}
		lo := p.lowerBound(j)
		up := est[j]-lo > 1
		v := lo + shapeMin
		if up {
			v = lo + shapeMax
		}
		try := maps.Clone(held)
		try[j] = v
		if len(try) == len(p.params) {
			continue
		}
		if _, f, _ := search(p.hold(try, est), &o); f.LogLikelihood > bestLL {
			best, bestLL, bestV, bestHigh = j, f.LogLikelihood, v, up
		}
	}
	if best < 0 {
		return false
	}
	held[best], high[best] = bestV, bestHigh
	return true
}

// hold returns p with the parameters in held fixed at their values: a
// problem in the free parameters only, started from the free part of est.
func (p mlProblem) hold(held map[int]float64, est []float64) mlProblem {
	k := len(p.params)
	var free []int
	for j := range k {
		if _, ok := held[j]; !ok {
			free = append(free, j)
		}
	}
	pick := func(v []float64) []float64 {
		if v == nil {
			return nil
		}
		out := make([]float64, len(free))
		for i, j := range free {
			out[i] = v[j]
		}
		return out
	}
	full := func(theta []float64) []float64 {
		th := make([]float64, k)
		for j, v := range held {
			th[j] = v
		}
		for i, j := range free {
			th[j] = theta[i]
		}
		return th
	}
	q := p
	q.params = make([]param, len(free))
	for i, j := range free {
		q.params[i] = p.params[j]
	}
	q.lower, q.penaltyUnit = pick(p.lower), pick(p.penaltyUnit)
	q.starts = [][]float64{pick(est)}
	for _, s := range p.starts {
		q.starts = append(q.starts, pick(s))
	}
	gFull := make([]float64, k)
	q.negLL = func(theta, grad []float64) float64 {
		if grad == nil {
			return p.negLL(full(theta), nil)
		}
		v := p.negLL(full(theta), gFull)
		for i, j := range free {
			grad[i] = gFull[j]
		}
		return v
	}
	if p.hessian != nil {
		hFull := make([]float64, k*k)
		q.hessian = func(theta, grad, hess []float64) float64 {
			if grad == nil {
				return p.hessian(full(theta), nil, nil)
			}
			v := p.hessian(full(theta), gFull, hFull)
			for i, j := range free {
				grad[i] = gFull[j]
				for l, m := range free {
					hess[i*len(free)+l] = hFull[j*k+m]
				}
			}
			return v
		}
	}
	return q
}

// release maps the estimate and Fit of p.hold(held, ·) back to all of p's
// parameters.
func (p mlProblem) release(held map[int]float64, est []float64, f Fit) ([]float64, Fit) {
	k := len(p.params)
	idx := make([]int, 0, k) // free parameter i is idx[i]
	for j := range k {
		if _, ok := held[j]; !ok {
			idx = append(idx, j)
		}
	}
	out := make([]float64, k)
	for j, v := range held {
		out[j] = v
	}
	for i, j := range idx {
		out[j] = est[i]
	}
	if f.StdErr != nil {
		se := make([]float64, k)
		cov := make([][]float64, k)
		for j := range k {
			se[j] = math.NaN()
			cov[j] = make([]float64, k)
		}
		for i, j := range idx {
			se[j] = f.StdErr[i]
			for l, m := range idx {
				cov[j][m] = f.Cov[i][l]
			}
		}
		f.StdErr, f.Cov = se, cov
	}
	return out, f
}

// search runs the optimiser on p without the boundary rule of maximize.
func search(p mlProblem, opt *FitOptions) ([]float64, Fit, error) {
	var o FitOptions
	if opt != nil {
		o = *opt
	}
	k := len(p.params)
	lower := p.lower
	if lower == nil {
		lower = make([]float64, k)
	}
	starts := p.starts
	if o.Start != nil {
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
				return nil, Fit{}, fault.New(p.fn, -1, "FitOptions.Start", ErrInvalid, "value %d is %v, want > %v", j, v, lower[j])
			}
			phi[j] = math.Log(v - lower[j])
		}
		phiStarts = append(phiStarts, phi)
	}

	theta := make([]float64, k)
	gTheta := make([]float64, k)
	// objective J(φ)/N, with or without the penalty.
	objective := func(penalty float64) optim.Func {
		return func(phi, grad []float64) float64 {
			toTheta(phi, theta)
			if grad == nil {
				return (p.negLL(theta, nil) + p.penalty(penalty, theta, nil)) / p.n
			}
			v := p.negLL(theta, gTheta) + p.penalty(penalty, theta, gTheta)
			for j, t := range theta {
				grad[j] = gTheta[j] * (t - lower[j]) / p.n
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
		if grad == nil {
			return (p.hessian(theta, nil, nil) + p.penalty(penalty, theta, nil)) / p.n
		}
		v := p.hessian(theta, gTheta, hTheta) + p.penalty(penalty, theta, gTheta)
		for j := range k {
			if penalty > 0 {
				hTheta[j*k+j] += 2 * penalty * p.unit2(j)
			}
		}
		for j := range k {
			ej := theta[j] - lower[j]
			grad[j] = gTheta[j] * ej / p.n
			for l := range k {
				hess[j*k+l] = hTheta[j*k+l] * ej * (theta[l] - lower[l]) / p.n
			}
			hess[j*k+j] += gTheta[j] * ej / p.n
		}
		return v / p.n
	}
}

// penalty returns λ·Σ_j (u_j·θ_j)², with u = p.penaltyUnit (1 when nil),
// and adds its gradient to grad when grad is not nil.
func (p mlProblem) penalty(lambda float64, theta, grad []float64) float64 {
	if lambda == 0 { // also spares u² = +Inf for a huge unit
		return 0
	}
	var v float64
	for j, t := range theta {
		u2 := p.unit2(j)
		v += lambda * u2 * t * t
		if grad != nil {
			grad[j] += 2 * lambda * u2 * t
		}
	}
	return v
}

// unit2 returns the square of parameter j's penalty unit.
func (p mlProblem) unit2(j int) float64 {
	if p.penaltyUnit == nil {
		return 1
	}
	return p.penaltyUnit[j] * p.penaltyUnit[j]
}
