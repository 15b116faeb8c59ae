package survival

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/ltvgo/ltv/internal/fault"
	"github.com/ltvgo/ltv/internal/optim"
	"gonum.org/v1/gonum/stat/distuv"
)

// CoxTies chooses how FitCox treats event times shared by several rows.
type CoxTies int

const (
	// Efron's approximation (Efron 1977), R's and lifelines' default.
	Efron CoxTies = iota
	// Breslow's approximation (Breslow 1974), the default of SAS and Stata.
	Breslow
	// Exact is R's ties = "exact": the discrete conditional likelihood of
	// Kalbfleisch & Prentice (1973), which treats time as discrete and
	// conditions on the number of events at each time, computed with the
	// recursion of Gail, Lubin & Rubinstein (1981). It takes no case
	// weights (as R), and its cost at a time with d tied events among m
	// at risk is O(m·d·p²).
	Exact
)

// String returns "efron", "breslow" or "exact" (R's names).
func (t CoxTies) String() string {
	switch t {
	case Efron:
		return "efron"
	case Breslow:
		return "breslow"
	case Exact:
		return "exact"
	}
	return fmt.Sprintf("CoxTies(%d)", int(t))
}

// CoxOptions are the settings of FitCox. A nil *CoxOptions, and every zero
// field, means R coxph's default.
type CoxOptions struct {
	// Ties is the rule for tied event times; the zero value is Efron.
	Ties CoxTies
	// Strata, when not nil, holds one label per row: each stratum has its
	// own baseline hazard and risk sets (R's strata()). Baseline curves
	// come out in ascending order of label.
	Strata []int
	// Cluster, when not nil, holds one label per row: rows with one label
	// are one independent unit (a customer's (start, stop] rows, say), and
	// the standard errors are the cluster-robust sandwich (R's cluster()).
	Cluster []int
	// Robust asks for the robust sandwich variance of Lin & Wei (1989)
	// with every row its own cluster. As in R's coxph it is implied by
	// Cluster and by case weights that are not all integers (sampling
	// weights, for which the model-based variance is wrong).
	Robust bool
	// L2 is a ridge penalty θ ≥ 0: the fit maximises ℓ(β) − (θ/2)·Σ β_j²,
	// R's ridge(…, theta = θ, scale = FALSE). Cox.LogLikelihood stays the
	// plain ℓ; the covariance is the inverse of the penalised information
	// (R's var, whose square roots R prints as se(coef)).
	L2 float64
	// PenalizeStandardized multiplies the penalty of column j by the
	// sample variance of X's column j (n − 1 divisor): R's ridge default
	// scale = TRUE, a penalty on the coefficients of standardised columns.
	PenalizeStandardized bool
	// Names optionally name the columns of X (in errors and Summary);
	// default "x0", "x1", ….
	Names []string
	// MaxIterations caps the Newton–Raphson iterations (0 means 20, R's
	// iter.max).
	MaxIterations int
	// Tolerance is the convergence criterion on the relative change of the
	// (penalised) log partial likelihood, |1 − ℓ_old/ℓ_new| (0 means 1e-9,
	// R's eps).
	Tolerance float64
	// ExactTimes groups times by exact equality instead of R's
	// near-equality merge (see the package documentation).
	ExactTimes bool
	// Context, when set, cancels the fit: once it is done FitCox stops
	// after the Newton step under way and returns no model and an error
	// wrapping ctx.Err(), as AFTOptions.Context; nil means
	// context.Background().
	Context context.Context
	// Progress, when set, is called after every Newton iteration with its
	// count, the (penalised) log partial likelihood of the trial point and
	// the time since the fit began.
	Progress func(iteration int, logLikelihood float64, elapsed time.Duration)
}

// coxConfig is a validated CoxOptions with defaults filled in.
type coxConfig struct {
	CoxOptions
	maxIter int
	eps     float64
}

// resolve checks the settings that do not depend on the data.
func (opt *CoxOptions) resolve(fn string) (*coxConfig, error) {
	var c coxConfig
	if opt != nil {
		c.CoxOptions = *opt
	}
	bad := func(field, reason string) error {
		return fault.New(fn, -1, "CoxOptions."+field, ErrInvalid, "%s", reason)
	}
	switch {
	case c.Ties < Efron || c.Ties > Exact:
		return nil, bad("Ties", fmt.Sprintf("is unknown (%d)", int(c.Ties)))
	case !(c.L2 >= 0) || math.IsInf(c.L2, 1):
		return nil, bad("L2", fmt.Sprintf("must be finite and ≥ 0 (%g)", c.L2))
	case c.MaxIterations < 0:
		return nil, bad("MaxIterations", fmt.Sprintf("is negative (%d)", c.MaxIterations))
	case !(c.Tolerance >= 0) || math.IsInf(c.Tolerance, 1):
		return nil, bad("Tolerance", fmt.Sprintf("must be finite and ≥ 0 (%g)", c.Tolerance))
	}
	c.maxIter, c.eps = c.MaxIterations, c.Tolerance
	if c.maxIter == 0 {
		c.maxIter = 20
	}
	if c.eps == 0 {
		c.eps = 1e-9
	}
	c.Robust = c.Robust || c.Cluster != nil
	return &c, nil
}

// checkRows checks the per-row and per-column settings against n rows and
// p columns.
func (c *coxConfig) checkRows(fn string, n, p int) error {
	bad := func(field, reason string) error {
		return fault.New(fn, -1, "CoxOptions."+field, ErrInvalid, "%s", reason)
	}
	switch {
	case c.Strata != nil && len(c.Strata) != n:
		return bad("Strata", fmt.Sprintf("has %d labels for %d rows", len(c.Strata), n))
	case c.Cluster != nil && len(c.Cluster) != n:
		return bad("Cluster", fmt.Sprintf("has %d labels for %d rows", len(c.Cluster), n))
	case c.Names != nil && len(c.Names) != p:
		return bad("Names", fmt.Sprintf("has %d names for %d columns", len(c.Names), p))
	case c.Ties == Exact && c.Robust:
		return bad("Robust", "is not available with Exact ties (R has no score residuals for the exact method)")
	}
	return nil
}

// Cox is a fitted Cox proportional hazards model
//
//	h(t | x) = h₀(t)·exp(Σ_j Coef[j]·x_j)
//
// on the scale of the caller's columns, with its tests, its concordance and
// the baseline hazard of every stratum. It is built by FitCox and safe for
// concurrent use; its methods do not modify its fields (PHTest computes
// the stored test once, under a sync.Once).
type Cox struct {
	Coef   []float64 // β, one per column of X
	StdErr []float64 // SE(β): the robust (sandwich) one when Robust is set

	// LogLikelihood is the log partial likelihood ℓ(β̂) (without the ridge
	// penalty), NullLogLikelihood is ℓ(0). For Exact ties they are the
	// discrete conditional log-likelihood.
	LogLikelihood, NullLogLikelihood float64
	// LikelihoodRatio is 2(ℓ(β̂) − ℓ(0)) on len(Coef) df; Wald is
	// β̂ᵀ·Cov⁻¹·β̂; Score is the score test U(0)ᵀ·I(0)⁻¹·U(0). When Robust,
	// Wald uses the robust covariance and Score is R's robust score test
	// (the score residuals at β = 0, summed by cluster, give the
	// variance of U(0)), as R's coxph does.
	LikelihoodRatio, Wald, Score Test
	// Concordance is Harrell's C of the linear predictor, R's
	// concordance(fit): within strata, risk ties count ½, pairs tied in
	// time do not count (see Concordance); NaN when no pair is comparable.
	Concordance float64
	// ConcordanceStdErr is its standard error (R's infinitesimal
	// jackknife; summed by cluster when CoxOptions.Cluster is set).
	ConcordanceStdErr float64

	// Cov is the covariance matrix of Coef (robust when Robust is set).
	Cov [][]float64
	// NaiveStdErr and NaiveCov are the model-based ones, the inverse of the
	// (penalised) information; NaiveWald and NaiveScore are the tests with
	// them. They equal StdErr, Cov, Wald and Score when Robust is false.
	NaiveStdErr []float64
	NaiveCov    [][]float64
	NaiveWald   Test
	NaiveScore  Test

	// Means is the point at which the stored baseline hazard is computed,
	// R's fit$means: the column mean (weighted for right-censored rows,
	// plain for (start, stop] rows, as R), except 0 for a column whose
	// values are all −1, 0 or 1, which coxph leaves uncentred.
	Means []float64
	Names []string // column names (CoxOptions.Names or x0, x1, …)

	N      int     // rows fitted
	Events int     // rows with an event (R's nevent)
	Ties   CoxTies // the tie rule of the fit

	// L2 and PenalizeStandardized record the ridge penalty; EffectiveDF
	// is tr((I + P)⁻¹·I), the degrees of freedom R reports for a ridge
	// term (len(Coef) without a penalty). With L2 > 0 the standard errors
	// and tests are those of the penalised fit, not for inference.
	L2                   float64
	PenalizeStandardized bool
	EffectiveDF          float64

	Robust     bool // StdErr, Cov, Wald and Score are robust (Robust, Cluster or non-integer weights)
	Iterations int  // Newton–Raphson iterations
	Converged  bool // the convergence criterion was met with every coefficient finite

	// Baseline is the hazard of each stratum at Means, ordered by stratum
	// label (one entry, label 0, without strata).
	Baseline []CoxBaseline

	ph *phTest // cox.zph with the "km" transform, computed on first use
}

// FitCox fits a Cox proportional hazards model by maximising the partial
// likelihood (Cox 1972) with Newton–Raphson as R's coxph does: from β = 0,
// with step halving whenever the log-likelihood falls, until the relative
// change of the log-likelihood is at most CoxOptions.Tolerance. Row i of X
// holds the covariates of obs[i]; X may be nil for the null model.
//
// Observations with Entry > 0 are (start, stop] rows: the row is at risk
// at the event times in (Entry, Time] (left truncation, or one piece of a
// subject's history split for time-varying covariates, see SplitAt). Case
// weights are frequency weights. Near-equal times are merged as in R
// unless ExactTimes is set.
//
// Tied events follow opt.Ties. At an event time t_j with risk set R_j,
// deaths D_j (d_j rows, weight W_j) and risks r_i = w_i·exp(x_iβ):
//
//	Breslow: ℓ = Σ_j [Σ_{i∈D_j} w_i x_iβ − W_j·log Σ_{i∈R_j} r_i]
//	Efron:   ℓ = Σ_j [Σ_{i∈D_j} w_i x_iβ − (W_j/d_j)·Σ_{k<d_j} log(Σ_{R_j} r_i − (k/d_j)·Σ_{D_j} r_i)]
//	Exact:   ℓ = Σ_j [Σ_{i∈D_j} x_iβ − log Σ_{S⊂R_j, |S|=d_j} exp(Σ_{i∈S} x_iβ)]
//
// Each iteration costs two passes over the rows, O((n + d)·p²) (d: event
// rows) for Breslow and Efron: the risk sets are running sums, rows are
// added at their exit and removed at their entry.
//
// After the fit, FitCox computes the robust variance (if asked), the
// concordance and the baseline hazards; cox.zph's "km" test waits for the
// first call of PHTest (or MarshalJSON), and the Cox keeps the sorted
// design (about 8·n·(p+6) bytes) until then.
// The results equal R's coxph (survival 3.5-3) to rounding: coefficients,
// variances, ℓ, the three tests, robust and cluster variances with R's
// robust Wald and score tests, concordance(fit), cox.zph and survfit.
//
// FitCox neither modifies nor keeps obs, X or the slices of opt. Errors:
//   - a *DataError wrapping ErrInvalid for an invalid observation (Row and
//     Field name it, as KaplanMeier), a non-finite X value (Field "X"), X
//     rows of different lengths, or a bad option (Row −1, Field naming it,
//     e.g. "CoxOptions.Strata" for a label slice of the wrong length);
//   - ErrEmpty for no rows or no events;
//   - ErrSingular, naming the columns, when the information matrix at
//     β = 0 is singular (a constant column, collinear columns, or a column
//     constant within every stratum): R would report NA for them;
//   - with a non-nil *Cox, an error wrapping ErrNotConverged (not a
//     DataError) when the iterations run out, or when the log-likelihood
//     converged while a coefficient was still moving — a monotone
//     likelihood, whose maximum is at infinity (R warns "Loglik converged
//     before variable …; coefficient may be infinite"): the message names
//     the columns; L2 > 0 gives a finite estimate.
func FitCox(obs []Observation, X [][]float64, opt *CoxOptions) (*Cox, error) {
	const fn = "survival.FitCox"
	cfg, err := opt.resolve(fn)
	if err != nil {
		return nil, err
	}
	d, err := newCoxDesign(fn, obs, X, cfg)
	if err != nil {
		return nil, err
	}
	// Non-integer weights are sampling weights: R's coxph then defaults to
	// the robust variance.
	cfg.Robust = cfg.Robust || d.fractional
	names := slices.Clone(cfg.Names)
	if names == nil {
		names = make([]string, d.p)
		for j := range names {
			names[j] = fmt.Sprintf("x%d", j)
		}
	}
	f := &coxFitter{d: d, cfg: cfg, ws: newCoxWork(d), pen: penaltyDiag(d, X, cfg)}
	err = f.run(fn, names)
	if f.beta == nil {
		return nil, err
	}
	return f.result(X, names), err
}

// coxFitter runs Newton–Raphson on the design's scaled coordinates, in
// which the objective is ℓ/scale − penalty/scale (scale: the design's
// weight scale), so that the convergence criterion is R's.
type coxFitter struct {
	d   *coxDesign
	cfg *coxConfig
	ws  *coxWork
	pen []float64 // diagonal of the penalty's Hessian, scaled coordinates

	beta        []float64 // β̂, scaled coordinates
	ll, ll0     float64   // ℓ(β̂), ℓ(0), on the caller's scale
	u           []float64 // score at β̂, scaled coordinates
	info        []float64 // penalised information at β̂
	plainInfo   []float64 // information without the penalty
	score0      float64   // score test at 0 (model-based)
	robustScore float64   // R's robust score test at 0
	meat        []float64 // BᵀB of the score residuals at β̂ (Robust)
	iterations  int
	converged   bool
}

// penaltyDiag returns the ridge penalty's Hessian diagonal in the
// design's coordinates, in which β_j = s_j·b_j (s_j: the column scale):
// θ·s_j² (times var_j when standardised), divided by the weight scale.
func penaltyDiag(d *coxDesign, X [][]float64, cfg *coxConfig) []float64 {
	pen := make([]float64, d.p)
	if cfg.L2 == 0 {
		return pen
	}
	for j := range pen {
		v := 1.0
		if cfg.PenalizeStandardized {
			v = sampleVariance(X, j)
		}
		pen[j] = cfg.L2 * v * d.scale[j] * d.scale[j] / d.weightScale
	}
	return pen
}

// sampleVariance is the variance of column j with divisor n − 1 (R's var).
func sampleVariance(X [][]float64, j int) float64 {
	n := float64(len(X))
	if n < 2 {
		return 0
	}
	m := 0.0
	for _, row := range X {
		m += row[j] / n
	}
	s := 0.0
	for _, row := range X {
		s += (row[j] - m) * (row[j] - m)
	}
	return s / (n - 1)
}

// objective returns the penalised log-likelihood of the last sweep divided
// by the weight scale.
func (f *coxFitter) objective(beta []float64) float64 {
	v := f.ws.ll - math.Log(f.d.weightScale)*f.ws.sumDeadW
	for j, b := range beta {
		v -= 0.5 * f.pen[j] * b * b
	}
	return v
}

// trueLL returns ℓ on the caller's scale from the last sweep.
func (f *coxFitter) trueLL() float64 {
	return f.d.weightScale * (f.ws.ll - math.Log(f.d.weightScale)*f.ws.sumDeadW)
}

// newtonStep returns the penalised information at the last sweep's point
// beta, its factorisation and the Newton step (I + P)⁻¹(U − P·β).
func (f *coxFitter) newtonStep(beta []float64) (info []float64, fac *ldl, step []float64) {
	p := f.d.p
	info = f.d.information(f.ws)
	step = make([]float64, p)
	for j := range p {
		info[j*p+j] += f.pen[j]
		step[j] = f.ws.u[j] - f.pen[j]*beta[j]
	}
	fac = factorLDL(info, p, cholTolerance)
	fac.solve(step)
	return info, fac, step
}

// run fits the model. After a data error f.beta is nil; after
// non-convergence it holds the best point.
func (f *coxFitter) run(fn string, names []string) error {
	d, cfg, ws, p := f.d, f.cfg, f.ws, f.d.p
	beta := make([]float64, p)
	d.sweep(beta, cfg.Ties, ws)
	f.ll0 = f.trueLL()
	best := f.objective(beta)
	if math.IsNaN(best) || math.IsInf(best, 0) {
		return fault.New(fn, -1, "Weight", ErrInvalid, "the log-likelihood at β = 0 is not finite (weights spanning more than the float64 range?)")
	}
	if p == 0 {
		f.beta, f.ll, f.converged = beta, f.ll0, true
		return nil
	}
	_, fac, step := f.newtonStep(beta)
	if len(fac.singular) > 0 {
		return singularError(fn, fac.singular, names)
	}
	u0 := append([]float64(nil), ws.u...)
	f.score0 = d.weightScale * fac.quadForm(u0)
	if cfg.Robust {
		// R's robust score test: U(0)ᵀ·(BᵀB)⁻¹·U(0) with the score
		// residuals at β = 0 summed by cluster.
		meat := d.clusterCrossProduct(d.scoreResiduals(ws, d.newSlotTerms(cfg.Ties == Efron, ws)))
		f.robustScore = factorLDL(meat, p, cholTolerance).quadForm(u0)
	}

	newBeta := make([]float64, p)
	for j := range p {
		newBeta[j] = beta[j] + step[j]
	}
	halving := 0
	converged := false
	iter := 1
	w := optim.NewWatch(cfg.Context, cfg.Progress)
	for ; iter <= cfg.maxIter; iter++ {
		d.sweep(newBeta, cfg.Ties, ws)
		obj := f.objective(newBeta)
		if err := w.Step(obj); err != nil {
			return fmt.Errorf("%s: %w", fn, err)
		}
		finite := !math.IsNaN(obj) && !math.IsInf(obj, 0) && allFinite(ws.u)
		if finite && math.Abs(1-best/obj) <= cfg.eps {
			copy(beta, newBeta)
			converged = true
			break
		}
		if !finite || obj < best {
			// Step halving: pull the trial point back towards the best
			// one, harder each time (R's coxfit6).
			halving++
			for j := range p {
				newBeta[j] = (newBeta[j] + float64(halving)*beta[j]) / float64(halving+1)
			}
			continue
		}
		halving = 0
		best = obj
		copy(beta, newBeta)
		_, _, step = f.newtonStep(beta)
		for j := range p {
			newBeta[j] = beta[j] + step[j]
		}
	}
	if !converged {
		iter = cfg.maxIter
		d.sweep(beta, cfg.Ties, ws) // back to the best point
	}
	info, fac, _ := f.newtonStep(beta)
	f.beta, f.iterations = beta, iter
	f.ll = f.trueLL()
	f.u = append([]float64(nil), ws.u...)
	f.info = info
	f.plainInfo = append([]float64(nil), info...)
	for j := range p {
		f.plainInfo[j*p+j] -= f.pen[j]
	}
	if cfg.Robust {
		f.meat = d.clusterCrossProduct(d.scoreResiduals(ws, d.newSlotTerms(cfg.Ties == Efron, ws)))
	}
	inf := f.infiniteColumns(fac)
	cols := make([]string, len(inf))
	for k, j := range inf {
		cols[k] = fmt.Sprintf("%d (%s)", j, names[j])
	}
	switch {
	case !converged && len(inf) > 0:
		return fmt.Errorf("%s: %w: no convergence in %d iterations; the coefficient of column %s may be infinite (monotone likelihood): set CoxOptions.L2 > 0 or drop the column",
			fn, ErrNotConverged, cfg.maxIter, strings.Join(cols, ", "))
	case !converged:
		return fmt.Errorf("%s: %w: no convergence in %d iterations", fn, ErrNotConverged, cfg.maxIter)
	case len(inf) > 0:
		return fmt.Errorf("%s: %w: the log-likelihood converged before column %s: its coefficient may be infinite (monotone likelihood); set CoxOptions.L2 > 0 or drop the column",
			fn, ErrNotConverged, strings.Join(cols, ", "))
	}
	f.converged = true
	return nil
}

// infiniteColumns applies R's check for a monotone likelihood: the next
// Newton step I⁻¹U of a column is above ε and above √ε·|β| (ε the
// tolerance), or the score or information is not finite. It does not
// apply to penalised fits.
func (f *coxFitter) infiniteColumns(fac *ldl) []int {
	if f.cfg.L2 > 0 {
		return nil
	}
	step := append([]float64(nil), f.u...)
	fac.solve(step)
	var cols []int
	for j, s := range step {
		// In the caller's units: step and β are both s_j times theirs.
		sc := f.d.scale[j]
		inf := math.Abs(s * sc)
		if math.IsNaN(f.u[j]) || math.IsInf(f.u[j], 0) || !allFinite(f.info) ||
			inf > f.cfg.eps && inf > math.Sqrt(f.cfg.eps)*math.Abs(f.beta[j]*sc) {
			cols = append(cols, j)
		}
	}
	return cols
}

func allFinite(v []float64) bool {
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// singularError names the columns dropped from a singular information
// matrix.
func singularError(fn string, cols []int, names []string) error {
	s := make([]string, len(cols))
	for k, j := range cols {
		s[k] = fmt.Sprintf("%d (%s)", j, names[j])
	}
	return fault.New(fn, -1, "X", ErrSingular, "column %s: constant (within strata) or a linear combination of the other columns", strings.Join(s, ", "))
}

// chiSquareTest returns the test of statistic x on df degrees of freedom.
func chiSquareTest(x float64, df int) Test {
	if df <= 0 || math.IsNaN(x) {
		return Test{ChiSquare: x, DF: df, P: math.NaN()}
	}
	return Test{ChiSquare: x, DF: df, P: distuv.ChiSquared{K: float64(df)}.Survival(x)}
}

// result assembles the Cox value from a finished fitter.
func (f *coxFitter) result(X [][]float64, names []string) *Cox {
	d, p := f.d, f.d.p
	c := &Cox{
		Names: names, N: d.n, Events: d.events, Ties: f.cfg.Ties,
		L2: f.cfg.L2, PenalizeStandardized: f.cfg.PenalizeStandardized,
		Means: append([]float64(nil), d.center...), Robust: f.cfg.Robust,
		Iterations: f.iterations, Converged: f.converged,
		LogLikelihood: f.ll, NullLogLikelihood: f.ll0,
		Coef: make([]float64, p),
	}
	for j := range p {
		c.Coef[j] = f.beta[j] * d.scale[j]
	}
	c.LikelihoodRatio = chiSquareTest(2*(f.ll-f.ll0), p)
	c.EffectiveDF = float64(p)
	var naive []float64
	if p > 0 {
		fac := factorLDL(f.info, p, cholTolerance)
		vs := fac.inverse()
		naive = d.unscaleCov(vs)
		if f.cfg.L2 > 0 {
			// tr((I + P)⁻¹·I) in any coordinates.
			tr := 0.0
			for i := range p {
				for j := range p {
					tr += vs[i*p+j] * f.plainInfo[j*p+i]
				}
			}
			c.EffectiveDF = tr
		}
	}
	c.NaiveCov, c.NaiveStdErr = squareMatrix(naive, p), diagSqrt(naive, p)
	c.NaiveWald = chiSquareTest(waldStatistic(c.Coef, naive), p)
	c.NaiveScore = chiSquareTest(f.score0, p)
	c.Cov, c.StdErr, c.Wald, c.Score = c.NaiveCov, c.NaiveStdErr, c.NaiveWald, c.NaiveScore
	c.Baseline = d.baselines(f.ws, f.cfg.Ties == Efron)
	if p > 0 {
		info := f.plainInfo
		if f.cfg.Ties == Exact {
			info = nil // the test uses Breslow's sums, as R
		}
		// The PH test is not part of R's coxph: it waits for its first use,
		// keeping the design and the sweep at β̂ (not X or obs) until then.
		ws, ties, coef, pen := f.ws, f.cfg.Ties, slices.Clone(c.Coef), c.penaltyTrue(X)
		c.ph = &phTest{compute: func() *PHTestResult {
			ph, err := d.zph(ws, ties, coef, pen, info, PHKaplanMeier, false)
			if err != nil {
				return nil
			}
			return ph
		}}
	}
	c.Concordance, c.ConcordanceStdErr = math.NaN(), math.NaN()
	if cr, err := d.concordance(f.ws.eta, concordanceRule{}); err == nil {
		c.Concordance, c.ConcordanceStdErr = cr.C, cr.StdErr
	}
	if f.cfg.Robust && p > 0 {
		// Sandwich V·BᵀB·V in the scaled coordinates; the weight scale
		// cancels (see coxDesign.clusterCrossProduct).
		vs := factorLDL(f.info, p, cholTolerance).inverse()
		rob := d.unscaleCov(sandwich(vs, f.meat, p))
		for k := range rob {
			rob[k] *= d.weightScale
		}
		c.Cov, c.StdErr = squareMatrix(rob, p), diagSqrt(rob, p)
		c.Wald = chiSquareTest(waldStatistic(c.Coef, rob), p)
		c.Score = chiSquareTest(f.robustScore, p)
	}
	return c
}

// sandwich returns V·M·V for symmetric p×p V and M.
func sandwich(v, m []float64, p int) []float64 {
	vm := make([]float64, p*p)
	for i := range p {
		for k := range p {
			if x := v[i*p+k]; x != 0 {
				axpy(x, m[k*p:(k+1)*p], vm[i*p:(i+1)*p])
			}
		}
	}
	out := make([]float64, p*p)
	for i := range p {
		for k := range p {
			if x := vm[i*p+k]; x != 0 {
				axpy(x, v[k*p:(k+1)*p], out[i*p:(i+1)*p])
			}
		}
	}
	return out
}

// unscaleCov turns a covariance of the scaled coordinates into one of the
// caller's: V_ij·s_i·s_j / weightScale.
func (d *coxDesign) unscaleCov(vs []float64) []float64 {
	p := d.p
	v := make([]float64, p*p)
	for i := range p {
		for j := range p {
			v[i*p+j] = vs[i*p+j] * d.scale[i] * d.scale[j] / d.weightScale
		}
	}
	return v
}

// waldStatistic returns βᵀ·V⁻¹·β with R's rank rule for V.
func waldStatistic(beta, v []float64) float64 {
	p := len(beta)
	if p == 0 {
		return math.NaN()
	}
	return factorLDL(v, p, cholTolerance).quadForm(beta)
}

func squareMatrix(v []float64, p int) [][]float64 {
	m := make([][]float64, p)
	for i := range m {
		m[i] = append([]float64(nil), v[i*p:(i+1)*p]...)
	}
	return m
}

func diagSqrt(v []float64, p int) []float64 {
	se := make([]float64, p)
	for i := range se {
		se[i] = math.Sqrt(v[i*p+i])
	}
	return se
}

// CoxTerm is one row of Cox.Summary (R's summary(coxph) table).
type CoxTerm struct {
	Name        string
	Coef        float64 // β
	HazardRatio float64 // exp(β)
	StdErr      float64 // SE(β), robust when the fit is
	Z, P        float64 // Wald z = β/SE and its two-sided normal p-value
	// Lower and Upper are the confidence limits of the hazard ratio,
	// exp(β ∓ z·SE).
	Lower, Upper float64
}

// Summary returns one CoxTerm per coefficient with confidence limits at
// level (0 means 0.95).
//
// Special cases are:
//
//	Lower = Upper = NaN for level outside [0, 1) or NaN
func (c *Cox) Summary(level float64) []CoxTerm {
	if level == 0 {
		level = 0.95
	}
	z := math.NaN()
	if level > 0 && level < 1 {
		z = normalQuantile(level)
	}
	out := make([]CoxTerm, len(c.Coef))
	for j, b := range c.Coef {
		se := c.StdErr[j]
		zs := b / se
		out[j] = CoxTerm{
			Name: c.Names[j], Coef: b, HazardRatio: math.Exp(b), StdErr: se,
			Z: zs, P: 2 * distuv.UnitNormal.Survival(math.Abs(zs)),
			Lower: math.Exp(b - z*se), Upper: math.Exp(b + z*se),
		}
	}
	return out
}

// AIC is −2ℓ(β̂) + 2·EffectiveDF (R's AIC(fit); lifelines' AIC_partial_
// for unpenalised fits).
func (c *Cox) AIC() float64 { return -2*c.LogLikelihood + 2*c.EffectiveDF }
