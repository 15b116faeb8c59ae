package clv

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/ltvgo/ltv/internal/fault"
	"github.com/ltvgo/ltv/internal/optim"
)

// mlProblem is a likelihood to maximise over its parameters θ, searched
// through unbounded variables φ: θ_j = lower_j + e^φ_j for a positive
// parameter (lower_j is 0, or 1 for the Gamma-Gamma q > 1 constraint), and
// θ_j = φ_j/span_j for a free one (a covariate coefficient, any real; see
// param). Every Fit… function of this package runs through maximize.
type mlProblem struct {
	fn     string      // the public function, for errors
	params []param     // one per parameter, in the model's field order
	starts [][]float64 // natural-scale starting points, tried in order
	lower  []float64   // of the positive parameters; nil: all 0
	n      float64     // Σ w, for scaling and the Fit report
	rows   int         // distinct data rows (or cells), to refuse fits on too little data
	// penaltyUnit, when set, scales positive parameter j in the
	// FitOptions.Penalty term: the fit penalises (penaltyUnit_j·θ_j)², so a
	// model fitted in an internal unit is penalised in the caller's.
	penaltyUnit []float64
	// ridge is an L2 penalty λ ≥ 0 on the free parameters (Covariates.L2):
	// the fit maximises LL − λ·Σ_free θ_j², and unlike FitOptions.Penalty
	// it stays in the Hessian the standard errors come from.
	ridge float64
	// negLL returns the total −LL(θ); when grad is not nil it also writes
	// the analytic ∂(−LL)/∂θ into it.
	negLL func(theta, grad []float64) float64
	// watch follows the fit for cancellation and progress across all its
	// searches; nil until resolve or warmStarts makes it.
	watch *optim.Watch
	// interrupt, when set, is shared with the likelihood's data, whose
	// passes skip their remaining parallel chunks once the fit's context
	// is done; search points it at the fit's watch.
	interrupt *interrupt
	// hessian, when set, returns −LL and writes its gradient and row-major
	// Hessian in θ when grad and hess are not nil (value only when both
	// are nil). The fit then runs damped Newton, and the standard errors
	// use the exact Hessian.
	hessian func(theta, grad, hess []float64) float64
}

// param names a model parameter. A shape of a mixing distribution is
// watched for the boundary of the parameter space: high and low say what
// the model becomes as the shape goes to ∞ or to 0. A free parameter is
// any real number (a covariate coefficient); the others are positive. A
// free parameter is searched in units of 1/span (span 0 means 1): for a
// coefficient, span is its column's largest |z|, so that a step of the
// search moves no customer's linear predictor γ·z by more than the step,
// as a step in log θ moves a positive parameter by at most that factor.
// pair names the other shape of a Beta mixing distribution: the two may
// run to ∞ together, with their ratio (the mean) fixed.
type param struct {
	name      string
	shape     bool
	free      bool
	span      float64
	high, low string
	pair      string
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
	return param{name: a, shape: true, pair: b,
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
	s, err := p.resolve(opt)
	if err != nil {
		return nil, Fit{}, err
	}
	if k := len(p.params); p.rows < k {
		return nil, Fit{}, fault.New(p.fn, -1, "", ErrEmpty, "%d distinct rows cannot identify %d parameters", p.rows, k)
	}
	est, fit, err := search(p, s)
	if est == nil {
		return nil, fit, err
	}
	b := boundary{p: p, refit: s.refit(), held: map[int]float64{}, high: map[int]bool{}, released: map[int]bool{}}
	for b.next(est, fit, err) {
		if est, fit, err = b.fit(est); est == nil {
			return nil, fit, err
		}
	}
	fit.Names = make([]string, len(p.params))
	for j, pj := range p.params {
		fit.Names[j] = pj.name
	}
	return est, fit, b.classify(err)
}

// period returns the unit the fit records in its model.
func (opt *FitOptions) period() time.Duration {
	if opt == nil {
		return 0
	}
	return opt.Period
}

// warmStarts returns p, a fit to rows (row j in covariate group
// rowGroups[j]) with design's covariates, with its starts preceded by
// better ones unless opt sets Start, and with the fit's watch, which its
// searches share with maximize's; problem builds the fit's likelihood on
// other rows. For a fit with covariates the first is the estimate without them
// (coefficients 0). For a Newton search (p has a Hessian) on 20,000
// distinct rows or more, the estimate on a seeded 1/16 subsample of the
// rows (weights ×16, so the likelihood stays unbiased) from there comes
// first, and the estimate without covariates is made on the subsample
// too: Newton on all rows then takes about half the iterations, each a
// Hessian pass over every row. (BFGS, which builds its curvature from the
// start, gained nothing from it on Pareto/NBD samples of 1e5 and 1e6.)
func warmStarts(p mlProblem, opt *FitOptions, rows []row, rowGroups []int32, design *covDesign,
	problem func([]row, []int32, *covDesign) (mlProblem, error)) mlProblem {
	s, err := p.resolve(opt)
	if err != nil || s.start != nil { // maximize reports the error, or takes Start
		return p
	}
	p.watch = s.watch
	var sub []row
	var subGroups []int32
	if p.hessian != nil {
		sub, subGroups = subsample(rows, rowGroups)
	}
	starts := p.starts
	if design.k > 0 {
		plainRows := rows
		if sub != nil {
			plainRows = sub
		}
		if q, err := problem(plainRows, nil, &covDesign{}); err == nil {
			if est, _, _ := search(q, s); est != nil {
				starts = append(withCoefficients([][]float64{est}, design.k), starts...)
			}
		}
	}
	if sub != nil {
		if q, err := problem(sub, subGroups, design); err == nil {
			q.starts = starts
			if est, _, _ := search(q, s); est != nil {
				starts = append([][]float64{est}, starts...)
			}
		}
	}
	p.starts = starts
	return p
}

// subsample returns a seeded 1/16 random subsample of rows with their
// groups (nil when groups is nil), the weights ×16, or nil for fewer than
// 20,000 rows.
func subsample(rows []row, groups []int32) ([]row, []int32) {
	const minRows, rate = 20_000, 16
	if len(rows) < minRows {
		return nil, nil
	}
	rng := rand.New(rand.NewPCG(uint64(len(rows)), 0x9e3779b97f4a7c15))
	var sub []row
	var subGroups []int32
	for j, r := range rows {
		if rng.IntN(rate) == 0 {
			r.w *= rate
			sub = append(sub, r)
			if groups != nil {
				subGroups = append(subGroups, groups[j])
			}
		}
	}
	return sub, subGroups
}

// interrupt tells a likelihood pass, between its parallel chunks, that the
// fit's context is done: a pass of a large fit then ends within a chunk
// (about a millisecond) rather than after every row. The objective
// wrappers then discard the pass's value.
type interrupt struct{ w *optim.Watch }

// done reports whether the fit's context is done (false for nil).
func (i *interrupt) done() bool { return i != nil && i.w.Err() != nil }

// fitSettings are FitOptions checked and with the defaults filled in.
type fitSettings struct {
	penalty float64
	start   []float64 // nil: the problem's own starts
	// Iteration caps of one search from one start, per optimiser.
	newtonIterations, bfgsIterations int
	watch                            *optim.Watch // FitOptions.Context and Progress
}

// defaultSettings are the settings of a nil *FitOptions.
var defaultSettings = fitSettings{newtonIterations: 100, bfgsIterations: 1000}

// resolve checks opt against p and fills in the defaults. The watch is
// p's, or a new one.
func (p mlProblem) resolve(opt *FitOptions) (fitSettings, error) {
	s := defaultSettings
	s.watch = p.watch
	if opt == nil {
		return s, nil
	}
	if s.watch == nil {
		s.watch = optim.NewWatch(opt.Context, opt.Progress)
	}
	if !(opt.Penalty >= 0) || math.IsInf(opt.Penalty, 1) {
		return s, fault.New(p.fn, -1, "FitOptions.Penalty", ErrInvalid, "is %v, want a finite λ ≥ 0", opt.Penalty)
	}
	if opt.Period < 0 {
		return s, fault.New(p.fn, -1, "FitOptions.Period", ErrInvalid, "is %v, want the summary's time unit (> 0) or 0 for none", opt.Period)
	}
	if opt.MaxIterations < 0 {
		return s, fault.New(p.fn, -1, "FitOptions.MaxIterations", ErrInvalid, "is %d, want ≥ 0 (0: the default)", opt.MaxIterations)
	}
	if k := len(p.params); opt.Start != nil && len(opt.Start) != k {
		return s, fault.New(p.fn, -1, "FitOptions.Start", ErrInvalid, "has %d values, want %d", len(opt.Start), k)
	}
	s.penalty, s.start = opt.Penalty, opt.Start
	if opt.MaxIterations > 0 {
		s.newtonIterations, s.bfgsIterations = opt.MaxIterations, opt.MaxIterations
	}
	return s, nil
}

// refit returns the settings of a refit with some parameters held: the
// caller's start no longer applies, the problem's own starts do.
func (s fitSettings) refit() fitSettings {
	s.start = nil
	return s
}

// transform maps the search variables φ to the parameters: θ_j = lower_j +
// e^φ_j for a positive parameter, θ_j = φ_j/span_j for a free one.
type transform struct {
	lower []float64
	free  []bool
	span  []float64
}

// transform returns p's transform.
func (p mlProblem) transform() transform {
	k := len(p.params)
	t := transform{lower: p.lower, free: make([]bool, k), span: make([]float64, k)}
	if t.lower == nil {
		t.lower = make([]float64, k)
	}
	for j, pj := range p.params {
		t.free[j], t.span[j] = pj.free, pj.span
		if pj.span == 0 {
			t.span[j] = 1
		}
	}
	return t
}

// toTheta writes θ(φ) into theta.
func (l transform) toTheta(phi, theta []float64) {
	for j, f := range phi {
		theta[j] = f / l.span[j]
		if !l.free[j] {
			theta[j] = l.lower[j] + math.Exp(f)
		}
	}
}

// slope returns dθ_j/dφ_j: θ_j − lower_j, or 1/span_j for a free
// parameter.
func (l transform) slope(theta []float64, j int) float64 {
	if l.free[j] {
		return 1 / l.span[j]
	}
	return theta[j] - l.lower[j]
}

// curvature returns d²θ_j/dφ_j²: θ_j − lower_j, or 0 for a free parameter.
func (l transform) curvature(theta []float64, j int) float64 {
	if l.free[j] {
		return 0
	}
	return theta[j] - l.lower[j]
}

// phiStarts returns the starts of a search in φ: s.start when set, then
// p.starts. A start outside the parameter space is an error.
func (p mlProblem) phiStarts(s fitSettings, l transform) ([][]float64, error) {
	starts := p.starts
	if s.start != nil {
		starts = append([][]float64{s.start}, p.starts...)
	}
	var phiStarts [][]float64
	for _, st := range starts {
		phi := make([]float64, len(st))
		for j, v := range st {
			switch {
			case l.free[j] && (math.IsNaN(v) || math.IsInf(v, 0)):
				return nil, fault.New(p.fn, -1, "FitOptions.Start", ErrInvalid, "value %d is %v, want a finite number", j, v)
			case l.free[j]:
				phi[j] = v * l.span[j]
			case !(v > l.lower[j]) || math.IsInf(v, 1):
				return nil, fault.New(p.fn, -1, "FitOptions.Start", ErrInvalid, "value %d is %v, want > %v", j, v, l.lower[j])
			default:
				phi[j] = math.Log(v - l.lower[j])
			}
		}
		phiStarts = append(phiStarts, phi)
	}
	return phiStarts, nil
}

// hold returns p with the parameters in held fixed at their values: a
// problem in the free parameters only, started from the free part of est.
func (p mlProblem) hold(held map[int]float64, est []float64) mlProblem {
	k := len(p.params)
	free := p.free(held)
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
			return p.negLL(withHeld(held, free, theta), nil)
		}
		v := p.negLL(withHeld(held, free, theta), gFull)
		for i, j := range free {
			grad[i] = gFull[j]
		}
		return v
	}
	if p.hessian != nil {
		hFull := make([]float64, k*k)
		q.hessian = func(theta, grad, hess []float64) float64 {
			if grad == nil {
				return p.hessian(withHeld(held, free, theta), nil, nil)
			}
			v := p.hessian(withHeld(held, free, theta), gFull, hFull)
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
	free := p.free(held)
	if f.StdErr != nil {
		se := make([]float64, k)
		cov := make([][]float64, k)
		for j := range k {
			se[j] = math.NaN()
			cov[j] = make([]float64, k)
		}
		for i, j := range free {
			se[j] = f.StdErr[i]
			for l, m := range free {
				cov[j][m] = f.Cov[i][l]
			}
		}
		f.StdErr, f.Cov = se, cov
	}
	return withHeld(held, free, est), f
}

// free returns the indices of p's parameters that are not held, in order.
func (p mlProblem) free(held map[int]float64) []int {
	var free []int
	for j := range p.params {
		if _, ok := held[j]; !ok {
			free = append(free, j)
		}
	}
	return free
}

// withHeld returns all parameters: the held values, and v[i] at index
// free[i].
func withHeld(held map[int]float64, free []int, v []float64) []float64 {
	th := make([]float64, len(held)+len(free))
	for j, h := range held {
		th[j] = h
	}
	for i, j := range free {
		th[j] = v[i]
	}
	return th
}

// search runs the optimiser on p without the boundary rule of maximize.
// Once the fit's context is done it returns no estimate and an error
// wrapping the context's error.
func search(p mlProblem, s fitSettings) ([]float64, Fit, error) {
	if err := s.watch.Err(); err != nil {
		return nil, Fit{}, fmt.Errorf("%s: %w", p.fn, err)
	}
	if p.interrupt != nil {
		p.interrupt.w = s.watch
	}
	s.watch.SetScale(-p.n) // report the (penalised) log-likelihood
	l := p.transform()
	starts, err := p.phiStarts(s, l)
	if err != nil {
		return nil, Fit{}, err
	}
	res, searchErr := p.optimize(s, l, starts)
	if err := s.watch.Err(); err != nil {
		return nil, Fit{}, fmt.Errorf("%s: %w", p.fn, err)
	}
	k := len(p.params)
	est := make([]float64, k)
	l.toTheta(res.Phi, est)
	fit := Fit{
		LogLikelihood: -p.negLL(est, nil),
		Iterations:    res.Iterations,
		Converged:     res.Converged,
		NumParams:     k,
		N:             p.n,
		Penalized:     s.penalty > 0 || p.ridge > 0,
	}
	cov, se, covErr := p.stdErrors(l, res.Phi, est, s.watch)
	if err := s.watch.Err(); err != nil {
		return nil, Fit{}, fmt.Errorf("%s: %w", p.fn, err)
	}
	fit.Cov, fit.StdErr = cov, se
	return est, fit, p.classify(&fit, searchErr, covErr)
}

// optimize minimises J(φ)/N from the starts: by damped Newton from each
// start in turn when p has an analytic Hessian, and by BFGS with a Newton
// polish (optim.Minimize) when it has none or no Newton search converged.
// It returns the best point and optim.ErrNotConverged when no start met
// gradTol. Once the fit's context is done it returns where it stopped.
func (p mlProblem) optimize(s fitSettings, l transform, starts [][]float64) (optim.Result, error) {
	if p.hessian != nil {
		newton := newtonObjective(p, s.penalty, l, s.watch)
		for _, x0 := range starts {
			r := optim.Newton(newton, x0, s.newtonIterations, gradTol, s.watch)
			if err := s.watch.Err(); err != nil {
				return r, err
			}
			if r.Converged {
				return r, nil
			}
		}
	}
	return optim.Minimize(objective(p, s.penalty, l, s.watch), starts, s.bfgsIterations, gradTol, s.watch)
}

// stdErrors returns the covariance and standard errors of θ at φ (θ = est)
// by the delta method on the Hessian in φ of the total −LL without the
// FitOptions.Penalty term but with p.ridge's: the exact one when p has an
// analytic Hessian, else central differences of the analytic gradient.
// Once w's context is done the passes stop (the result is then garbage).
func (p mlProblem) stdErrors(l transform, phi, est []float64, w *optim.Watch) ([][]float64, []float64, error) {
	k := len(phi)
	var h *mat.SymDense
	if p.hessian != nil {
		hs := make([]float64, k*k)
		newtonObjective(p, 0, l, w)(phi, make([]float64, k), hs)
		h = mat.NewSymDense(k, hs)
	} else {
		h = optim.HessianFromGradient(objective(p, 0, l, w), phi)
	}
	h.ScaleSym(p.n, h) // back to the total −LL
	dTheta := make([]float64, k)
	for j := range est {
		dTheta[j] = l.slope(est, j)
	}
	return optim.DeltaCov(h, dTheta)
}

// classify returns the error of a search whose Fit is fit: ErrNotConverged
// when the optimiser stopped above gradTol (searchErr) or when the Hessian
// at its optimum is not positive definite (covErr, which also clears
// fit.Converged); nil otherwise.
func (p mlProblem) classify(fit *Fit, searchErr, covErr error) error {
	switch {
	case searchErr != nil:
		return fmt.Errorf("%s: %w after %d iterations (‖∇‖ above %g)", p.fn, ErrNotConverged, fit.Iterations, gradTol)
	case covErr != nil:
		fit.Converged = false
		return fmt.Errorf("%s: %w: %v", p.fn, ErrNotConverged, covErr)
	}
	return nil
}

// boundary holds shapes at a bound of the parameter space while the fit
// heads for a limit there, and refits the other parameters.
type boundary struct {
	p        mlProblem
	refit    fitSettings     // the settings of every refit
	held     map[int]float64 // parameter index → the bound it is held at
	high     map[int]bool    // held at shapeMax rather than shapeMin
	released map[int]bool    // Beta shapes let go when their pair crossed shapeMax
}

// next adds to b.held the shapes whose limit the last search (est, fit,
// err) is heading for, and reports whether it added any: the shapes out of
// range; failing that, after a search that stalled (err wraps
// ErrNotConverged) on the slope towards a limit, the shape whose bound fits
// best. A search that ran out of iterations is left as it is: it did not
// stall, it was stopped. (A search that did not converge is a BFGS one.)
func (b *boundary) next(est []float64, fit Fit, err error) bool {
	switch {
	case err != nil && fit.Iterations >= b.refit.bfgsIterations:
		return false
	case b.outOfRange(est):
		return true
	case err != nil:
		return b.candidate(est, fit)
	}
	return false
}

// outOfRange holds every free shape of est outside [shapeMin, shapeMax] at
// the bound it crossed, and reports whether it held any.
//
// The two shapes of a Beta may run to ∞ together, the mixing distribution
// collapsing to a point at its mean a/(a+b): holding both at shapeMax
// would force that mean to ½. So only the larger of the pair is held and
// the other is refitted, which recovers the mean; when the refitted one
// crosses shapeMax in turn, it is held and its pair is let go (once, so
// the rule ends even at a mean of exactly ½).
func (b *boundary) outOfRange(est []float64) bool {
	l := b.p.transform()
	grew := false
	for j, pj := range b.p.params {
		if _, ok := b.held[j]; ok || !pj.shape {
			continue
		}
		lo := l.lower[j]
		switch e := l.slope(est, j); {
		case e > shapeMax:
			if k := b.pairOf(pj); k >= 0 {
				_, held := b.held[k]
				if !held && l.slope(est, k) > e {
					continue // the pair is the larger: it is held instead
				}
				if held && b.high[k] && !b.released[k] {
					delete(b.held, k)
					delete(b.high, k)
					b.released[k] = true
				}
			}
			b.held[j], b.high[j], grew = lo+shapeMax, true, true
		case e < shapeMin:
			b.held[j], grew = lo+shapeMin, true
		}
	}
	return grew
}

// pairOf returns the index of the other shape of pj's Beta, or −1.
func (b *boundary) pairOf(pj param) int {
	if pj.pair == "" {
		return -1
	}
	for k, pk := range b.p.params {
		if pk.name == pj.pair {
			return k
		}
	}
	return -1
}

// candidate holds each free shape in turn at the bound it is heading for
// and refits the rest; if such a fit converges and fits at least as well
// as the failed search's estimate est, it holds the best such shape, so
// that maximize goes on from that limit, and reports true.
func (b *boundary) candidate(est []float64, fit Fit) bool {
	p := b.p
	l := p.transform()
	best, bestLL := -1, fit.LogLikelihood-1e-8*p.n-1e-9*math.Abs(fit.LogLikelihood)
	var bestV float64
	var bestHigh bool
	for j, pj := range p.params {
		if _, ok := b.held[j]; ok || !pj.shape {
			continue
		}
		lo := l.lower[j]
		up := l.slope(est, j) > 1
		v := lo + shapeMin
		if up {
			v = lo + shapeMax
		}
		try := maps.Clone(b.held)
		try[j] = v
		if len(try) == len(p.params) {
			continue
		}
		if e, f, _ := search(p.hold(try, est), b.refit); e != nil && f.LogLikelihood > bestLL {
			best, bestLL, bestV, bestHigh = j, f.LogLikelihood, v, up
		}
	}
	if best < 0 {
		return false
	}
	b.held[best], b.high[best] = bestV, bestHigh
	return true
}

// fit refits the parameters that are not held, from est, and returns the
// estimate and Fit of all parameters. With every parameter held the limit
// is the model.
func (b *boundary) fit(est []float64) ([]float64, Fit, error) {
	p := b.p
	k := len(p.params)
	if len(b.held) == k {
		est = withHeld(b.held, nil, nil)
		nan := make([]float64, k)
		for j := range nan {
			nan[j] = math.NaN()
		}
		return est, Fit{LogLikelihood: -p.negLL(est, nil), StdErr: nan, Converged: true, N: p.n, Penalized: b.refit.penalty > 0 || p.ridge > 0}, nil
	}
	est, f, err := search(p.hold(b.held, est), b.refit)
	if est == nil {
		return nil, f, err
	}
	est, f = p.release(b.held, est, f)
	return est, f, err
}

// classify returns the error of the fit: err (nil or ErrNotConverged) when
// nothing is held, else a *BoundaryError naming the held parameters and
// wrapping ErrBoundary, joined with err.
func (b *boundary) classify(err error) error {
	if len(b.held) == 0 {
		return err
	}
	be := &BoundaryError{Func: b.p.fn, Err: ErrBoundary}
	if err != nil {
		be.Err = errors.Join(ErrBoundary, err)
	}
	for j, pj := range b.p.params {
		if v, ok := b.held[j]; ok {
			limit := pj.low
			if b.high[j] {
				limit = pj.high
			}
			be.Params = append(be.Params, pj.name)
			be.Held = append(be.Held, v)
			be.Limits = append(be.Limits, limit)
		}
	}
	return be
}

// objective returns J(φ)/N = (−LL(θ) + P(θ))/N, with P the penalties of
// p.penalty, and, when grad is not nil, its gradient in φ by the chain rule
// ∂J/∂φ_j = ∂J/∂θ_j·e_j with e_j = dθ_j/dφ_j. Once w's context is done it
// returns NaN without a pass over the data, so a search stops at once.
func objective(p mlProblem, penalty float64, l transform, w *optim.Watch) optim.Func {
	k := len(l.lower)
	theta := make([]float64, k)
	gTheta := make([]float64, k)
	return func(phi, grad []float64) float64 {
		if w.Err() != nil {
			return math.NaN()
		}
		l.toTheta(phi, theta)
		if grad == nil {
			return (p.negLL(theta, nil) + p.penalty(penalty, theta, nil)) / p.n
		}
		v := p.negLL(theta, gTheta) + p.penalty(penalty, theta, gTheta)
		if w.Err() != nil { // the pass may have stopped part way
			return math.NaN()
		}
		for j := range theta {
			grad[j] = gTheta[j] * l.slope(theta, j) / p.n
		}
		return v / p.n
	}
}

// newtonObjective returns J(φ)/N = (−LL(θ) + P(θ))/N with its gradient and
// Hessian in φ, from p.hessian's derivatives in θ by the chain rule for
// θ_j(φ_j) (e_j = dθ_j/dφ_j, c_j = d²θ_j/dφ_j²):
//
//	∂J/∂φ_j = F_j·e_j,   ∂²J/∂φ_j∂φ_k = F_jk·e_j·e_k + [j = k]·F_j·c_j
//
// Once w's context is done it returns NaN without a pass over the data.
func newtonObjective(p mlProblem, penalty float64, l transform, w *optim.Watch) optim.FuncHess {
	k := len(l.lower)
	theta := make([]float64, k)
	gTheta := make([]float64, k)
	hTheta := make([]float64, k*k)
	return func(phi, grad, hess []float64) float64 {
		if w.Err() != nil {
			return math.NaN()
		}
		l.toTheta(phi, theta)
		if grad == nil {
			return (p.hessian(theta, nil, nil) + p.penalty(penalty, theta, nil)) / p.n
		}
		v := p.hessian(theta, gTheta, hTheta) + p.penalty(penalty, theta, gTheta)
		if w.Err() != nil { // the pass may have stopped part way
			return math.NaN()
		}
		for j := range k {
			hTheta[j*k+j] += 2 * p.penaltyWeight(penalty, j)
		}
		for j := range k {
			ej := l.slope(theta, j)
			grad[j] = gTheta[j] * ej / p.n
			for m := range k {
				hess[j*k+m] = hTheta[j*k+m] * ej * l.slope(theta, m) / p.n
			}
			hess[j*k+j] += gTheta[j] * l.curvature(theta, j) / p.n
		}
		return v / p.n
	}
}

// penalty returns P(θ) = Σ_j c_j·θ_j², with c_j = p.penaltyWeight(lambda,
// j), and adds its gradient to grad when grad is not nil.
func (p mlProblem) penalty(lambda float64, theta, grad []float64) float64 {
	var v float64
	for j, t := range theta {
		c := p.penaltyWeight(lambda, j)
		if c == 0 { // also spares 0·Inf for a huge unit with λ = 0
			continue
		}
		v += c * t * t
		if grad != nil {
			grad[j] += 2 * c * t
		}
	}
	return v
}

// penaltyWeight returns the weight of θ_j² in the penalty: p.ridge for a
// free parameter, λ·u_j² for a positive one (u = p.penaltyUnit, 1 when nil).
func (p mlProblem) penaltyWeight(lambda float64, j int) float64 {
	switch {
	case p.params[j].free:
		return p.ridge
	case lambda == 0 || p.penaltyUnit == nil:
		return lambda
	}
	return lambda * p.penaltyUnit[j] * p.penaltyUnit[j]
}
