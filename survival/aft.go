package survival

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/ltvgo/ltv/internal/fault"
	"github.com/ltvgo/ltv/internal/optim"
)

// AFTOptions are the settings of FitAFT. A nil *AFTOptions, or a zero
// field, means R survreg's default.
type AFTOptions struct {
	// Scale > 0 fixes σ at that value instead of estimating it (R survreg's
	// scale argument); 0 estimates σ. Exponential has σ = 1 and accepts
	// only 0 or 1.
	Scale float64
	// MaxIterations caps the Newton steps of each of the two fits (the
	// intercept-only fit and the full one); 0 means 30 (R's iter.max).
	MaxIterations int
	// Tolerance ends a fit after a full Newton step that changes ℓ by at
	// most Tolerance per unit of case weight (|Δℓ| ≤ Tolerance·N); 0 means
	// 1e-9. R's survreg stops on |Δℓ| ≤ 1e-9·|ℓ| instead, which depends on
	// the time unit through the Σ log t term of ℓ.
	Tolerance float64
	// Context, when set, cancels the fit: once it is done FitAFT stops
	// after the Newton step under way and returns no model and an error
	// wrapping ctx.Err(). An option rather than a FitAFTContext twin, as
	// in every ltv package; nil means context.Background().
	Context context.Context
	// Progress, when set, is called after every Newton step with a running
	// iteration count over both fits (intercept-only, then full), ℓ there
	// and the time since the fit began.
	Progress func(iteration int, logLikelihood float64, elapsed time.Duration)
}

// AFT is a fitted parametric accelerated failure time model on R survreg's
// log-time scale,
//
//	log T = Intercept + Coef·x + Scale·ε,
//
// with ε distributed as Dist says. exp(Coef[j]) is the factor by which one
// unit of x_j stretches every quantile of T (a time ratio). Times are in
// the unit of the Observation times it was fitted on.
//
// An AFT is a plain value: one built from published estimates (Dist,
// Intercept, Coef, Scale) predicts as well as a fitted one, and it is safe
// for concurrent use.
type AFT struct {
	Dist      AFTDist
	Intercept float64   // β_0, on the log-time scale
	Coef      []float64 // β_j, one per column of X, on the log-time scale
	// StdErr holds the standard errors of the intercept, the coefficients
	// and then log(Scale), unless the scale was fixed (Exponential or
	// AFTOptions.Scale), in the order of R's vcov(survreg).
	StdErr []float64
	Cov    [][]float64 // covariance matrix in the order of StdErr (R's vcov)
	Scale  float64     // σ > 0
	// ScaleFixed is true when σ was not estimated (Exponential, or
	// AFTOptions.Scale set).
	ScaleFixed bool
	// LogLikelihood is ℓ at the estimate, of the times (not of log T):
	// it includes −log t for each event, as R's loglik[2] does.
	LogLikelihood float64
	// NullLogLikelihood is ℓ of the intercept-only model (σ estimated
	// unless fixed), R's loglik[1].
	NullLogLikelihood float64
	// LikelihoodRatio tests all coefficients against 0:
	// χ² = 2(ℓ − ℓ_0) on len(Coef) degrees of freedom (P = 1 and DF = 0
	// without covariates).
	LikelihoodRatio Test
	N               float64 // total case weight (the number of rows with unit weights)
	Events          float64 // total case weight of the events
	Iterations      int     // Newton steps of the full fit
}

// AIC returns Akaike's criterion −2ℓ + 2k, where k counts the intercept,
// the coefficients and the scale unless it was fixed (R's AIC(survreg)).
func (m *AFT) AIC() float64 {
	k := 1 + len(m.Coef)
	if !m.ScaleFixed {
		k++
	}
	return -2*m.LogLikelihood + 2*float64(k)
}

// FitAFT fits the accelerated failure time model log T = β_0 + β·x + σ·ε
// of dist by maximum likelihood, as R's survreg (Kalbfleisch & Prentice
// 2002, The Statistical Analysis of Failure Time Data, §2.2.3 and §3.9).
// Row i of X holds the covariates of obs[i]; X may be nil for an
// intercept-only model. With z = (log t − η)/σ and η = β_0 + β·x, the
// log-likelihood of a row of weight w is
//
//	event:     w·(log f(z) − log σ − log t)
//	censored:  w·log S(z)
//	late entry e > 0, in addition:  −w·log S((log e − η)/σ)
//
// so a row with Entry > 0 is conditioned on survival to Entry, as
// lifelines' entry_col does (R's survreg has no late entry). Case weights
// multiply the rows' log-likelihoods, as R's weights argument.
//
// The fit follows survreg: the intercept-only model first (from survreg's
// starting values), then the full model from one weighted least-squares
// step at η = log t, both by Newton–Raphson with step halving on the
// analytic Hessian in (β, log σ). Each iteration costs O(n·p²) for p
// columns. Columns are centred and scaled internally; the results are on
// the caller's scale. The standard errors are the inverse observed
// information, as R's vcov.
//
// FitAFT neither modifies nor keeps obs or X.
//
// Errors (all *DataError, except ErrNotConverged):
//   - no observations, or no events: ErrEmpty;
//   - an invalid observation (see Observation), Time = 0, X with a
//     different number of rows than obs, rows of different lengths, a NaN
//     or ±Inf covariate, a column whose squared deviations overflow
//     (|x| ≳ 1e154), an unknown dist or an option outside its domain
//     (Field names it, e.g. "AFTOptions.MaxIterations"): ErrInvalid;
//   - a constant column, or one that is a linear combination of the
//     intercept and the columns before it, or an information matrix that
//     is not positive definite at the estimate: ErrSingular;
//   - no convergence of either fit within MaxIterations: the last estimate
//     (its Cov and StdErr NaN where the information matrix is singular
//     there) together with an error wrapping ErrNotConverged.
func FitAFT(obs []Observation, X [][]float64, dist AFTDist, opt *AFTOptions) (*AFT, error) {
	const fn = "survival.FitAFT"
	o, err := aftOptions(fn, dist, opt)
	if err != nil {
		return nil, err
	}
	d, err := newAFTData(fn, obs, X, dist, o)
	if err != nil {
		return nil, err
	}
	tol := o.Tolerance * d.total
	w := optim.NewWatch(o.Context, o.Progress)

	null := *d
	null.k = 0
	nullFit := maximize(null.logLik, null.nullStart(), o.MaxIterations, tol, w)
	full := nullFit
	if d.k > 0 && w.Err() == nil {
		start, err := d.fullStart(fn, nullFit.theta)
		if err != nil {
			return nil, err
		}
		full = maximize(d.logLik, start, o.MaxIterations, tol, w)
	}
	if err := w.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", fn, err)
	}
	cov := informationInverse(full.hess, len(full.theta))
	if cov == nil && full.converged {
		return nil, fault.New(fn, -1, "X", ErrSingular, "gives an information matrix that is not positive definite at the estimate")
	}
	m := d.result(full, cov, nullFit.value)
	switch {
	case !nullFit.converged && d.k > 0:
		return m, fmt.Errorf("%s: %w: the intercept-only model stopped after %d iterations", fn, ErrNotConverged, nullFit.iterations)
	case !full.converged:
		return m, fmt.Errorf("%s: %w in %d iterations (log-likelihood %g)", fn, ErrNotConverged, full.iterations, full.value)
	}
	return m, nil
}

// aftOptions validates dist and opt and fills in the defaults.
func aftOptions(fn string, dist AFTDist, opt *AFTOptions) (AFTOptions, error) {
	var o AFTOptions
	if opt != nil {
		o = *opt
	}
	bad := func(field, format string, args ...any) (AFTOptions, error) {
		return o, fault.New(fn, -1, field, ErrInvalid, format, args...)
	}
	switch {
	case !dist.valid():
		return bad("dist", "is %v, want Weibull, Exponential, LogNormal or LogLogistic", dist)
	case !(o.Scale >= 0) || math.IsInf(o.Scale, 1):
		return bad("AFTOptions.Scale", "is %g, want a finite σ > 0, or 0 to estimate it", o.Scale)
	case dist == Exponential && o.Scale != 0 && o.Scale != 1:
		return bad("AFTOptions.Scale", "is %g, but Exponential has σ = 1", o.Scale)
	case o.MaxIterations < 0:
		return bad("AFTOptions.MaxIterations", "is %d, want ≥ 0 (0 means 30)", o.MaxIterations)
	case !(o.Tolerance >= 0) || math.IsInf(o.Tolerance, 1):
		return bad("AFTOptions.Tolerance", "is %g, want a finite value ≥ 0 (0 means 1e-9)", o.Tolerance)
	}
	if dist == Exponential {
		o.Scale = 1
	}
	if o.MaxIterations == 0 {
		o.MaxIterations = 30
	}
	if o.Tolerance == 0 {
		o.Tolerance = 1e-9
	}
	return o, nil
}

// aftData is the data of a fit. Covariates are read from the caller's rows
// and standardised on the fly, u_j = (x_j − μ_j)·invSD_j; the parameters
// θ = (b_0, b_1..b_k[, log σ]) are on that scale.
type aftData struct {
	dist     AFTDist
	x        [][]float64 // the caller's rows, only read; nil when k = 0
	k        int         // covariate columns in the model (0: intercept only)
	mu       []float64   // weighted column means
	invSD    []float64   // 1/(weighted standard deviation) of each column
	logT     []float64   // log Time
	logEntry []float64   // log Entry, −Inf without late entry; nil when no row has one
	event    []bool
	w        []float64 // case weights
	total    float64   // Σ w
	events   float64   // Σ w over events
	logScale float64   // the fixed log σ when fixed
	fixed    bool      // σ is not a parameter
}

// newAFTData validates the rows and covariates and builds the fit's data.
func newAFTData(fn string, obs []Observation, X [][]float64, dist AFTDist, o AFTOptions) (*aftData, error) {
	n := len(obs)
	if n == 0 {
		return nil, fault.New(fn, -1, "", ErrEmpty, "no observations")
	}
	invalid := func(row int, field, format string, args ...any) error {
		return fault.New(fn, row, field, ErrInvalid, format, args...)
	}
	k := 0
	if X != nil {
		if len(X) != n {
			return nil, invalid(-1, "X", "has %d rows for %d observations", len(X), n)
		}
		k = len(X[0])
		for i, row := range X {
			if len(row) != k {
				return nil, invalid(i, "X", "has %d columns, row 0 has %d", len(row), k)
			}
			for j, v := range row {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return nil, invalid(i, "X", "column %d is %g", j, v)
				}
			}
		}
	}
	d := &aftData{
		dist:  dist,
		k:     k,
		logT:  make([]float64, n),
		event: make([]bool, n),
		w:     make([]float64, n),
		fixed: o.Scale > 0,
	}
	if k > 0 {
		d.x = X
	}
	if d.fixed {
		d.logScale = math.Log(o.Scale)
	}
	for i, ob := range obs {
		if err := checkRow(fn, -1, i, ob, true, &d.total); err != nil {
			return nil, err
		}
		if ob.Time == 0 {
			// R's survreg rejects Time = 0 for its log-time distributions.
			return nil, invalid(i, "Time", "is 0 (a log-time model needs Time > 0)")
		}
		d.w[i] = ob.weight()
		d.logT[i] = math.Log(ob.Time)
		d.event[i] = ob.Event
		if ob.Event {
			d.events += d.w[i]
		}
		if ob.Entry > 0 {
			if d.logEntry == nil {
				d.logEntry = make([]float64, n)
				for j := range i {
					d.logEntry[j] = math.Inf(-1)
				}
			}
			d.logEntry[i] = math.Log(ob.Entry)
		} else if d.logEntry != nil {
			d.logEntry[i] = math.Inf(-1)
		}
	}
	if d.events == 0 {
		return nil, fault.New(fn, -1, "Event", ErrEmpty, "is false in every row: no events")
	}
	if err := d.standardise(fn); err != nil {
		return nil, err
	}
	return d, nil
}

// standardise sets the weighted column means and inverse standard
// deviations, rejecting a constant column.
func (d *aftData) standardise(fn string) error {
	k := d.k
	d.mu, d.invSD = make([]float64, k), make([]float64, k)
	if k == 0 {
		return nil
	}
	for i, row := range d.x {
		for j, v := range row {
			d.mu[j] += d.w[i] * v
		}
	}
	for j := range d.mu {
		d.mu[j] /= d.total
	}
	ss := make([]float64, k)
	for i, row := range d.x {
		for j, v := range row {
			dv := v - d.mu[j]
			ss[j] += d.w[i] * dv * dv
		}
	}
	for j, s := range ss {
		sd := math.Sqrt(s / d.total)
		switch {
		case math.IsInf(sd, 0):
			return fault.New(fn, -1, "X", ErrInvalid, "column %d has a spread beyond float64 (values of magnitude near 1e154 or more)", j)
		case !(sd > 0):
			return fault.New(fn, -1, "X", ErrSingular, "column %d is constant: it is collinear with the intercept", j)
		}
		d.invSD[j] = 1 / sd
	}
	return nil
}

// params returns the number of parameters: b_0..b_k and log σ unless fixed.
func (d *aftData) params() int {
	if d.fixed {
		return d.k + 1
	}
	return d.k + 2
}

// logLik is the newtonObjective of the fit: ℓ(θ), and its gradient and
// Hessian when grad is not nil.
func (d *aftData) logLik(theta, grad, hess []float64) float64 {
	s := d.logScale
	if !d.fixed {
		s = theta[d.k+1]
	}
	inv := math.Exp(-s) // 1/σ
	noEntry := math.Inf(-1)
	ll := d.sweep(theta, !d.fixed, grad, hess, func(i int, eta float64) rowTerms {
		entry := noEntry
		if d.logEntry != nil {
			entry = d.logEntry[i]
		}
		return d.dist.terms(d.logT[i], entry, d.event[i], eta, s, inv)
	})
	if math.IsNaN(ll) {
		return math.Inf(-1)
	}
	return ll
}

// rowTerms are one row's log-likelihood l and its derivatives in η (a, c),
// in s = log σ (b, e) and the cross derivative d.
type rowTerms struct{ l, a, b, c, d, e float64 }

// terms returns the log-likelihood terms of a row with log exit time y
// (an event or a censoring) and log entry time entry (−Inf for none) at
// linear predictor eta, s = log σ and inv = 1/σ. For a term q(z) with
// z = (y − η)/σ:
//
//	∂q/∂η = −q′/σ   ∂q/∂s = −q′·z   ∂²q/∂η² = q″/σ²   ∂²q/∂η∂s = (q″z + q′)/σ   ∂²q/∂s² = q″z² + q′z
func (dist AFTDist) terms(y, entry float64, event bool, eta, s, inv float64) rowTerms {
	var r rowTerms
	z := (y - eta) * inv
	var q, q1, q2 float64
	if event {
		q, q1, q2 = dist.logDensity(z)
		q -= s + y
		r.b = -1
	} else {
		q, q1, q2 = dist.logSurvival(z)
	}
	qz := q2*z + q1
	r.l = q
	r.a = -q1 * inv
	r.b -= q1 * z
	r.c = q2 * inv * inv
	r.d = qz * inv
	r.e = qz * z
	if entry > math.Inf(-1) {
		ze := (entry - eta) * inv
		q, q1, q2 = dist.logSurvival(ze)
		qz = q2*ze + q1
		r.l -= q
		r.a += q1 * inv
		r.b += q1 * ze
		r.c -= q2 * inv * inv
		r.d -= qz * inv
		r.e -= qz * ze
	}
	return r
}

// nullStart returns survreg's starting point of the intercept-only fit:
// log σ = log(4·v)/2 from the weighted variance v of log t divided by the
// variance of ε's distribution as survreg's init functions approximate it
// (1.64 extreme value, 1 normal, 3.2 logistic), unless σ is fixed, and the
// intercept from one weighted least-squares step at η = log t.
func (d *aftData) nullStart() []float64 {
	theta := make([]float64, d.params())
	s := d.logScale
	if !d.fixed {
		mean, ss := 0.0, 0.0
		for i, y := range d.logT {
			mean += d.w[i] * y
		}
		mean /= d.total
		for i, y := range d.logT {
			ss += d.w[i] * (y - mean) * (y - mean)
		}
		v := ss / d.total
		switch d.dist {
		case Weibull:
			v /= 1.64
		case LogLogistic:
			v /= 3.2
		}
		s = 0
		if v > 0 && !math.IsInf(v, 0) {
			s = math.Log(4*v) / 2
		}
		theta[1] = s
	}
	xtwx, xtwz := d.workingMoments(s)
	theta[0] = xtwz[0] / xtwx[0]
	return theta
}

// fullStart returns survreg's starting point of the full fit: log σ from
// the intercept-only fit and b from the weighted least-squares step at
// η = log t, after checking that the design has full rank.
func (d *aftData) fullStart(fn string, null []float64) ([]float64, error) {
	m := d.k + 1
	s := d.logScale
	if !d.fixed {
		s = null[1]
	}
	xtwx, xtwz := d.workingMoments(s)
	// Equilibrated to a unit diagonal, a pivot below 1e-10 marks a
	// column that is (numerically) a combination of those before it.
	a, scale := equilibrate(xtwx, m, 1)
	f := factorLDL(a, m, 1e-10)
	if len(f.singular) > 0 {
		return nil, fault.New(fn, -1, "X", ErrSingular, "column %d is a linear combination of the intercept and the columns before it", f.singular[0]-1)
	}
	b := make([]float64, m) // solves (XᵀWX)·b = XᵀWz
	for j, v := range xtwz {
		b[j] = v * scale[j]
	}
	f.solve(b)
	for j := range b {
		b[j] *= scale[j]
	}
	theta := make([]float64, d.params())
	copy(theta, b)
	if !d.fixed {
		theta[m] = s
	}
	return theta, nil
}

// workingMoments returns XᵀWX (upper triangle, (k+1)×(k+1)) and XᵀWz of
// the standardised design [1, u] for survreg's starting step: at η = log t
// (z = 0) each row has the working weight W = −w·∂²ℓ/∂η² and the working
// response log t + (∂ℓ/∂η)/(−∂²ℓ/∂η²). Late entries are left out of the
// start.
func (d *aftData) workingMoments(s float64) (xtwx, xtwz []float64) {
	m := d.k + 1
	var work [2]struct{ weight, shift float64 } // censored, event
	for i, ev := range []bool{false, true} {
		r := d.dist.terms(0, math.Inf(-1), ev, 0, s, math.Exp(-s))
		work[i].weight = -r.c
		work[i].shift = r.a / -r.c
	}
	// The sweep sums Σ w·a·u and Σ w·c·u·uᵀ: a = W·z and c = −W give
	// XᵀWz and −XᵀWX.
	xtwz, xtwx = make([]float64, m), make([]float64, m*m)
	d.sweep(make([]float64, m), false, xtwz, xtwx, func(i int, _ float64) rowTerms {
		wk := work[0]
		if d.event[i] {
			wk = work[1]
		}
		return rowTerms{a: wk.weight * (d.logT[i] + wk.shift), c: -wk.weight}
	})
	for i := range xtwx {
		xtwx[i] = -xtwx[i]
	}
	return xtwx, xtwz
}

// result builds the AFT from the full fit on the caller's scale:
// β_j = b_j/sd_j, β_0 = b_0 − Σ β_j·μ_j, Cov = J·Cov_b·Jᵀ.
func (d *aftData) result(full newtonResult, covB [][]float64, nullLL float64) *AFT {
	k, np := d.k, len(full.theta)
	m := &AFT{
		Dist:              d.dist,
		Coef:              make([]float64, k),
		ScaleFixed:        d.fixed,
		LogLikelihood:     full.value,
		NullLogLikelihood: nullLL,
		N:                 d.total,
		Events:            d.events,
		Iterations:        full.iterations,
	}
	// J maps b to (β_0, β, log σ): row 0 is (1, −μ_j/sd_j, 0), rows 1..k
	// are diag(1/sd_j), and log σ maps to itself.
	jac := func(i, j int) float64 {
		switch {
		case i == 0 && j == 0:
			return 1
		case i == 0 && j <= k:
			return -d.mu[j-1] * d.invSD[j-1]
		case i == j && i <= k:
			return d.invSD[i-1]
		case i == j:
			return 1
		}
		return 0
	}
	m.Intercept = full.theta[0]
	for j := range k {
		m.Coef[j] = full.theta[j+1] * d.invSD[j]
		m.Intercept -= m.Coef[j] * d.mu[j]
	}
	m.Scale = math.Exp(d.logScale)
	if !d.fixed {
		m.Scale = math.Exp(full.theta[k+1])
	}
	m.Cov = make([][]float64, np)
	m.StdErr = make([]float64, np)
	for i := range np {
		m.Cov[i] = make([]float64, np)
		for j := range np {
			m.Cov[i][j] = math.NaN()
			if covB == nil {
				continue
			}
			v := 0.0
			for a := range np {
				ja := jac(i, a)
				if ja == 0 {
					continue
				}
				for b := range np {
					v += ja * covB[a][b] * jac(j, b)
				}
			}
			m.Cov[i][j] = v
		}
		m.StdErr[i] = math.Sqrt(m.Cov[i][i])
	}
	chi := math.Max(2*(full.value-nullLL), 0)
	m.LikelihoodRatio = Test{ChiSquare: chi, DF: k, P: 1}
	if k > 0 {
		m.LikelihoodRatio = chiSquareTest(chi, k)
	}
	return m
}
