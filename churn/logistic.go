package churn

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/internal/fault"
	"github.com/ltvgo/ltv/internal/numeric"
	"github.com/ltvgo/ltv/internal/optim"
	"github.com/ltvgo/ltv/internal/parallel"
)

// LogisticOptions tune FitLogistic. A nil *LogisticOptions means the
// defaults: no penalty, unit weights, 50 iterations.
type LogisticOptions struct {
	// L2 is the ridge penalty λ ≥ 0: the fit maximises
	// ℓ(β) − (λ/2)·Σ_{j≥1} β_j². The intercept is never penalised.
	// λ = 1/C of scikit-learn's LogisticRegression.
	L2 float64
	// PenalizeStandardized applies the penalty to the coefficients of the
	// standardised features (z = (x − mean)/SD, population SD) instead of
	// the raw ones, as glmnet and scikit-learn behind a StandardScaler do.
	// The coefficients are still reported on the raw scale, but they are
	// then not the raw-scale ridge solution. No effect when L2 = 0.
	PenalizeStandardized bool
	// Weights are optional case (frequency) weights ≥ 0, one per row; nil
	// means 1. A row of weight w fits like w copies of it.
	Weights []float64
	// BalanceClasses multiplies each row's weight by Σw/(2·Σ_{its class} w),
	// so both classes carry the same total weight (scikit-learn's
	// class_weight="balanced", computed from the weighted counts).
	BalanceClasses bool
	// Names optionally name the feature columns (len = columns) in errors,
	// summaries and reason codes. Default: "x0", "x1", ….
	Names []string
	// MaxIterations caps the Newton iterations (default 50).
	MaxIterations int
	// Context, when set, cancels the fit: once it is done FitLogistic
	// stops after the Newton step under way and returns no model and an
	// error wrapping ctx.Err(). An option rather than a
	// FitLogisticContext twin, as in every ltv package; nil means
	// context.Background().
	Context context.Context
	// Progress, when set, is called after every Newton step with the
	// iteration number (1, 2, …), the penalised log-likelihood ℓ_λ there
	// and the time since the fit began.
	Progress func(iteration int, logLikelihood float64, elapsed time.Duration)
}

// Logistic is a fitted logistic regression P(churn | x) = 1/(1 + e^(−η)),
// η = Intercept + Σ_j Coef[j]·x_j, with every coefficient on the scale of
// the raw features. It is an immutable value, safe for concurrent use.
type Logistic struct {
	Intercept       float64
	Coef            []float64
	InterceptStdErr float64
	StdErr          []float64 // standard errors of Coef; see Penalized
	LogLikelihood   float64   // total weighted ℓ(β̂), without the penalty

	// NullLogLikelihood is ℓ of the intercept-only model,
	// N·[ȳ ln ȳ + (1−ȳ) ln(1−ȳ)] with N = Σw and ȳ the weighted churn rate.
	NullLogLikelihood float64
	// Cov is the (1+k)×(1+k) covariance of (Intercept, Coef...), the
	// inverse of the (penalised) Hessian of −ℓ_λ. With L2 > 0 it is a
	// ridge (posterior-style) covariance, not a sampling covariance.
	Cov   [][]float64
	Names []string  // feature names, len k
	Mean  []float64 // weighted training mean of each feature (the "average customer")
	N     float64   // Σ w over the rows fitted (the sample size in BIC)
	// L2 and PenalizeStandardized record the penalty of the fit.
	L2                   float64
	PenalizeStandardized bool
	Iterations           int  // Newton iterations
	Converged            bool // the convergence rule of FitLogistic's doc was met
}

// Prob returns the fitted churn probability at x (raw feature scale).
//
// Special cases are:
//
//	Prob(x) = NaN if len(x) != len(l.Coef) or x holds a NaN
func (l *Logistic) Prob(x []float64) float64 { return numeric.Expit(l.LogOdds(x)) }

// LogOdds returns η = Intercept + Σ Coef[j]·x[j].
//
// Special cases are:
//
//	LogOdds(x) = NaN if len(x) != len(l.Coef) or x holds a NaN
func (l *Logistic) LogOdds(x []float64) float64 {
	if len(x) != len(l.Coef) {
		return math.NaN()
	}
	eta := l.Intercept
	for j, c := range l.Coef {
		eta += c * x[j]
	}
	return eta
}

// Penalized reports whether the fit used an L2 penalty, in which case the
// standard errors come from the penalised Hessian and Summary gives no z or
// p-values (statsmodels Logit conventions).
func (l *Logistic) Penalized() bool { return l.L2 > 0 }

// FitLogistic fits a logistic regression of y (true = churned) on the rows
// of X by Newton's method (IRLS) with Cholesky solves and step halving
// (as statsmodels' Logit). The features are standardised internally for
// conditioning; the result is on the raw scale (with L2 > 0 see
// LogisticOptions.PenalizeStandardized).
//
// X and y are only read: FitLogistic neither modifies nor keeps them.
//
// Special cases are:
//   - rows of length 0 (every row empty or nil): the intercept-only (null)
//     model, Intercept = logit(ȳ_w), InterceptStdErr = 1/sqrt(N·ȳ(1−ȳ)),
//     LogLikelihood = NullLogLikelihood;
//   - weights: only their ratios matter for Intercept and Coef. Internally
//     they are scaled by a power of two so that the largest lies in [1, 2),
//     which keeps every sum in range (and the stopping rule scale-free);
//     LogLikelihood, NullLogLikelihood and N are reported on the caller's
//     scale (multiplied by c when every weight is), Cov divided by c and
//     the standard errors by √c. A weight below 2^−1074 of the largest one
//     counts as 0. Cov entries can overflow to ±Inf, or underflow, for
//     weights or features near the ends of the float64 range; the
//     standard errors are computed apart and are +Inf or 0 only when
//     their own value is outside the float64 range;
//   - L2 is scaled with the weights; a penalty so large that its weight
//     on a standardised coefficient overflows is taken as the largest
//     float64, which holds that coefficient at 0;
//   - features may have any magnitude from 2^−1022 to below 2^1023: the
//     moments are formed on columns scaled by powers of two.
//
// Errors (all *clv.DataError but the last):
//   - no rows, or all weights 0: clv.ErrEmpty;
//   - a row of a different length than row 0, a NaN or ±Inf feature, a
//     negative or non-finite weight, only one class: clv.ErrInvalid;
//   - len(y), len(opt.Weights) or len(opt.Names) not matching X, an L2
//     that is negative or not finite, MaxIterations < 0: clv.ErrInvalid
//     with Row -1 and Field "y" or the option ("LogisticOptions.L2" …);
//   - weights whose sum overflows, or under which one class carries less
//     than 1e-250 of the total weight (Field "LogisticOptions.Weights");
//     a column with a value of magnitude ≥ 2^1023, a weighted sum that
//     overflows, or all values subnormal (Field its name): clv.ErrInvalid;
//   - a constant column, or a column that is (nearly) a linear combination
//     of others (pivoted Cholesky of ZᵀWZ, tolerance R_jj ≤ 1e-7·R_11):
//     clv.ErrSingular, naming the columns;
//   - without a penalty, complete or quasi-complete separation:
//     ErrSeparation, naming the features involved, returned together with
//     the last estimate;
//   - no convergence within MaxIterations: an error wrapping
//     clv.ErrNotConverged (not a *clv.DataError: the input is not at
//     fault), with the last estimate.
func FitLogistic(X [][]float64, y []bool, opt *LogisticOptions) (*Logistic, error) {
	const fn = "churn.FitLogistic"
	var o LogisticOptions
	if opt != nil {
		o = *opt
	}
	n := len(X)
	switch {
	case len(y) != n:
		return nil, fault.New(fn, -1, "y", clv.ErrInvalid, "has %d labels for %d rows of X", len(y), n)
	case o.Weights != nil && len(o.Weights) != n:
		return nil, fault.New(fn, -1, "LogisticOptions.Weights", clv.ErrInvalid, "has %d weights for %d rows of X", len(o.Weights), n)
	case !(o.L2 >= 0) || math.IsInf(o.L2, 1):
		return nil, fault.New(fn, -1, "LogisticOptions.L2", clv.ErrInvalid, "is %v, want a finite λ ≥ 0", o.L2)
	case o.MaxIterations < 0:
		return nil, fault.New(fn, -1, "LogisticOptions.MaxIterations", clv.ErrInvalid, "is %d, want ≥ 0 (0: the default)", o.MaxIterations)
	case n == 0:
		return nil, fault.New(fn, -1, "X", clv.ErrEmpty, "has no rows")
	}
	k := len(X[0])
	if o.Names != nil && len(o.Names) != k {
		return nil, fault.New(fn, -1, "LogisticOptions.Names", clv.ErrInvalid, "has %d names for %d columns", len(o.Names), k)
	}
	names := featureNames(o.Names, k)
	smp, err := prepare(fn, X, y, k, names, o)
	if err != nil {
		return nil, err
	}
	d := newDesign(X, y, smp.w, smp.mu)
	d.colScale = smp.colScale
	G, gy := d.moments()
	if d.invSD, err = inverseSDs(fn, G, smp, names); err != nil {
		return nil, err
	}
	// pen[j] is the penalty weight of standardised coefficient b_j: the
	// penalty (λ/2)·Σ pen_j·b_j² equals (λ/2)·Σ β_j² on the raw scale when
	// pen_j = σ_j^(−2) (β_j = b_j/σ_j). λ is scaled by 2^shift like the
	// weights, so that it keeps its size relative to ℓ. A weight that
	// overflows is capped at the largest float64: b_j is then 0 to working
	// precision, as it is for any penalty that large.
	pen := make([]float64, d.m)
	if o.L2 > 0 {
		l2 := math.Ldexp(o.L2, smp.shift)
		for j := 1; j < d.m; j++ {
			pen[j] = l2
			if !o.PenalizeStandardized {
				pen[j] = l2 * d.invSD[j-1] * d.invSD[j-1]
			}
			pen[j] = min(pen[j], math.MaxFloat64)
		}
	}
	maxIter := o.MaxIterations
	if maxIter == 0 {
		maxIter = 50
	}

	nt := newton{d: d, pen: pen, watch: optim.NewWatch(o.Context, o.Progress)}
	nt.watch.SetScale(math.Ldexp(1, -smp.shift)) // report ℓ_λ in the caller's weights
	nt.start(G, gy, smp)
	if o.L2 == 0 {
		if err := rankCheck(fn, nt.hess, d.m, names); err != nil {
			return nil, err
		}
	}
	status := nt.iterate(maxIter)
	if err := nt.watch.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", fn, err)
	}

	fit := nt.result(names, smp.sumW, o)
	fit.Converged = status == converged
	// ln of the larger class share as log1p of the smaller one: with a
	// churn rate of 1e-17, ln(1 − ȳ) would round to 0.
	py, pn := smp.sumWY/smp.sumW, smp.sumWN/smp.sumW
	lnY, lnN := math.Log(py), math.Log1p(-py)
	if py > pn {
		lnY, lnN = math.Log1p(-pn), math.Log(pn)
	}
	fit.NullLogLikelihood = smp.sumWY*lnY + smp.sumWN*lnN
	// Back to the caller's weight scale: ℓ, ℓ_0 and N scale with the
	// weights, the covariance with their inverse.
	fit.rescale(smp.shift)
	if o.L2 == 0 && (status != converged || nt.extreme > 0) {
		if err := separation(fn, d, &nt, status, names); err != nil {
			return fit, err
		}
	}
	if status != converged {
		return fit, fmt.Errorf("%s: %w: Newton stopped after %d iterations (%s)", fn, clv.ErrNotConverged, nt.iter, status)
	}
	return fit, nil
}

// rescale turns a fit computed with weights w·2^shift into the fit with
// weights w: ℓ, ℓ_0 and N are divided by 2^shift and the covariance is
// multiplied by it, the standard errors by its square root. They are
// scaled separately so that a standard error stays finite whenever it is
// representable, even where its variance is not.
func (l *Logistic) rescale(shift int) {
	if shift == 0 {
		return
	}
	l.LogLikelihood = math.Ldexp(l.LogLikelihood, -shift)
	l.NullLogLikelihood = math.Ldexp(l.NullLogLikelihood, -shift)
	l.N = math.Ldexp(l.N, -shift)
	odd := 1.0 // 2^(shift mod 2)
	switch shift % 2 {
	case 1:
		odd = math.Sqrt2
	case -1:
		odd = 1 / math.Sqrt2
	}
	se := func(v float64) float64 { return math.Ldexp(v*odd, shift/2) } // v·2^(shift/2)
	l.InterceptStdErr = se(l.InterceptStdErr)
	for j := range l.StdErr {
		l.StdErr[j] = se(l.StdErr[j])
	}
	for _, row := range l.Cov {
		for j, v := range row {
			row[j] = math.Ldexp(v, shift)
		}
	}
}

// featureNames returns names, or x0, x1, … when names is nil.
func featureNames(names []string, k int) []string {
	out := make([]string, k)
	for j := range out {
		if names != nil {
			out[j] = names[j]
		} else {
			out[j] = fmt.Sprintf("x%d", j)
		}
	}
	return out
}

// sample is what the validation pass learns about the fitted rows. The
// weights are the caller's times 2^shift (a power of two, so exact), chosen
// so that the largest lies in [1, 2): sums over rows can then neither
// overflow nor sink into the subnormal range, and every quantity of the fit
// is the same for weights w and c·w (exactly so when c is a power of two).
type sample struct {
	w        []float64 // case weights of the fit (user × balanced class weight × 2^shift)
	mu       []float64 // weighted column means
	colScale []float64 // 2^−e_j with e_j the binary exponent of max_i |x_ij| (1 for an all-zero column)
	sumW     float64   // Σw
	sumWY    float64   // Σw over churned rows
	sumWN    float64   // Σw over retained rows (kept apart: Σw − Σ_churned w cancels when one class is tiny)
	shift    int       // w = caller weight × 2^shift
	positive int       // rows with w > 0
}

// blockSums are the validation pass's sums over one block of rows, by
// class (0 = retained, 1 = churned), of the scaled user weights.
type blockSums struct {
	err      error // the block's first invalid row
	w        [2]float64
	maxW     [2]float64   // largest scaled weight of each class
	wx       [2][]float64 // Σ w·x
	maxAbs   []float64    // max |x_j|
	positive int
}

// minClassShare is the smallest share of the total weight a class may carry.
// The information matrix scales with p(1 − p) ≈ that share; below 1e-250
// its products with the design moments come within reach of the subnormal
// range, where a Cholesky factor keeps no significant digits.
const minClassShare = 1e-250

// weightShift returns the power of two that scales the largest valid
// weight into [1, 2) (0 for nil weights). Invalid weights are skipped here;
// the validation pass reports them in row order.
func weightShift(weights []float64) int {
	var maxW float64
	for _, w := range weights {
		if w > maxW && !math.IsInf(w, 1) {
			maxW = w
		}
	}
	if maxW == 0 {
		return 0
	}
	_, e := math.Frexp(maxW) // maxW = f·2^e, f ∈ [0.5, 1)
	return 1 - e
}

// prepare validates X, y and the weights in one pass (blocks in parallel
// for large inputs) and returns the case weights, weighted means
// and column scales of the fit. The first invalid row is reported.
func prepare(fn string, X [][]float64, y []bool, k int, names []string, o LogisticOptions) (sample, error) {
	w := make([]float64, len(X))
	shift := weightShift(o.Weights)
	blocks := make([]blockSums, parallel.Chunks(len(X), prepareCost(k)))
	parallel.For(len(X), prepareCost(k), func(part, lo, hi int) {
		bs := &blocks[part]
		bs.wx = [2][]float64{make([]float64, k), make([]float64, k)}
		bs.maxAbs = make([]float64, k)
		maxAbs := bs.maxAbs[:k]
		for i := lo; i < hi; i++ {
			row := X[i]
			if len(row) != k {
				bs.err = fault.New(fn, i, "", clv.ErrInvalid, "has %d features, row 0 has %d", len(row), k)
				return
			}
			for j, v := range row {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					bs.err = fault.New(fn, i, names[j], clv.ErrInvalid, "is %v", v)
					return
				}
			}
			wi := 1.0
			if o.Weights != nil {
				wi = o.Weights[i]
				if !(wi >= 0) || math.IsInf(wi, 1) {
					bs.err = fault.New(fn, i, "LogisticOptions.Weights", clv.ErrInvalid, "is %v, want a finite value ≥ 0", wi)
					return
				}
				// A weight below 2^−1074 of the largest one becomes 0: the
				// row then counts as a zero-weight row, as its share of
				// any sum is below float64 resolution.
				wi = math.Ldexp(wi, shift)
			}
			w[i] = wi
			if wi == 0 {
				continue
			}
			c := b2i(y[i])
			bs.w[c] += wi
			bs.maxW[c] = max(bs.maxW[c], wi)
			bs.positive++
			wx := bs.wx[c][:k]
			for j, v := range row {
				wx[j] += wi * v
				maxAbs[j] = max(maxAbs[j], math.Abs(v))
			}
		}
	})
	var sum, maxW [2]float64
	smp := sample{w: w, mu: make([]float64, k), colScale: make([]float64, k), shift: shift}
	maxAbs := make([]float64, k)
	for _, bs := range blocks {
		if bs.err != nil {
			return smp, bs.err
		}
		for c := range 2 {
			sum[c] += bs.w[c]
			maxW[c] = max(maxW[c], bs.maxW[c])
		}
		for j, v := range bs.maxAbs {
			maxAbs[j] = max(maxAbs[j], v)
		}
		smp.positive += bs.positive
	}
	switch {
	case sum[0]+sum[1] == 0:
		return smp, fault.New(fn, -1, "LogisticOptions.Weights", clv.ErrEmpty, "are all 0")
	case sum[0] == 0 || sum[1] == 0:
		return smp, fault.New(fn, -1, "y", clv.ErrInvalid, "has only one class (all %v)", sum[1] > 0)
	case min(sum[0], sum[1]) < minClassShare*(sum[0]+sum[1]):
		class := "retained"
		if sum[1] < sum[0] {
			class = "churned"
		}
		return smp, fault.New(fn, -1, "LogisticOptions.Weights", clv.ErrInvalid,
			"give the %s rows %.3g of the total weight, below the %g a fit can resolve",
			class, min(sum[0], sum[1])/(sum[0]+sum[1]), minClassShare)
	}
	scale := [2]float64{1, 1}
	if o.BalanceClasses {
		// Each class gets half of Σw; the result is scaled again by a
		// power of two so that the largest weight stays in [1, 2).
		scale = [2]float64{(sum[0] + sum[1]) / (2 * sum[0]), (sum[0] + sum[1]) / (2 * sum[1])}
		_, e := math.Frexp(max(maxW[0]*scale[0], maxW[1]*scale[1]))
		for c := range scale {
			scale[c] = math.Ldexp(scale[c], 1-e)
		}
		smp.shift += 1 - e
		for i := range w {
			w[i] *= scale[b2i(y[i])]
		}
	}
	smp.sumWY = scale[1] * sum[1]
	smp.sumWN = scale[0] * sum[0]
	smp.sumW = smp.sumWN + smp.sumWY
	if n := math.Ldexp(smp.sumW, -smp.shift); math.IsInf(n, 0) {
		return smp, fault.New(fn, -1, "LogisticOptions.Weights", clv.ErrInvalid, "sum to more than the largest float64")
	}
	for _, bs := range blocks {
		for j := range smp.mu {
			smp.mu[j] += scale[0]*bs.wx[0][j] + scale[1]*bs.wx[1][j]
		}
	}
	for j := range smp.mu {
		smp.mu[j] /= smp.sumW
		if math.IsInf(smp.mu[j], 0) || math.IsNaN(smp.mu[j]) || maxAbs[j] > math.MaxFloat64/2 {
			return smp, tooLarge(fn, j, names)
		}
		smp.colScale[j] = 1
		if maxAbs[j] > 0 {
			_, e := math.Frexp(maxAbs[j])
			smp.colScale[j] = math.Ldexp(1, -e) // ≤ 2^1074: may be +Inf, caught by inverseSDs
		}
	}
	return smp, nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// inverseSDs returns 1/σ_j from the moments G of design.moments, which are
// those of the centred columns times colScale (σ the weighted population
// SD), or clv.ErrSingular for a constant column. The scaling keeps the
// squares in G finite and normal for features anywhere between 2^−1022
// and 2^1023 in magnitude.
func inverseSDs(fn string, G []float64, smp sample, names []string) ([]float64, error) {
	m := len(smp.mu) + 1
	invSD := make([]float64, m-1)
	for j := range invSD {
		c := smp.colScale[j]
		sd := math.Sqrt(G[(j+1)*m+j+1] / smp.sumW) // σ_j·c
		if math.IsInf(sd, 0) || math.IsNaN(sd) {
			return nil, tooLarge(fn, j, names)
		}
		if sd == 0 || sd <= 1e-12*math.Abs(smp.mu[j])*c {
			return nil, fault.New(fn, -1, "X", clv.ErrSingular,
				"column %d (%s) is constant, so it is collinear with the intercept", j, names[j])
		}
		invSD[j] = c / sd
		if math.IsInf(invSD[j], 0) {
			return nil, fault.New(fn, -1, names[j], clv.ErrInvalid,
				"column %d (%s) is too small to standardise (its SD is below the float64 range)", j, names[j])
		}
	}
	return invSD, nil
}

// tooLarge is the error for a column whose mean or SD overflows.
func tooLarge(fn string, j int, names []string) error {
	return fault.New(fn, -1, names[j], clv.ErrInvalid,
		"column %d (%s) is too large to standardise (|x| ≥ 2^1023, or its weighted sum overflows)", j, names[j])
}

// stopReason says why the Newton loop ended.
type stopReason int

const (
	converged stopReason = iota
	iterationCap
	notPositiveDefinite
	noAscent
)

func (s stopReason) String() string {
	return [...]string{"converged", "iteration cap reached", "Hessian not positive definite", "no step increases the likelihood"}[s]
}

// newton holds the state of the Newton/IRLS iteration on the standardised
// coefficients b.
type newton struct {
	d       *design
	pen     []float64 // per-coefficient λ (0 for the intercept)
	b       []float64
	ll      float64 // unpenalised ℓ at b
	grad    []float64
	hess    []float64 // penalised Hessian of −ℓ_λ (upper triangle), row-major m×m
	chol    mat.Cholesky
	cholOK  bool
	extreme int // rows fitted at p ≤ 10·eps or ≥ 1 − 10·eps
	iter    int
	watch   *optim.Watch // LogisticOptions.Context and Progress
}

// start sets b = (logit ȳ, 0, …, 0) and evaluates ℓ, the gradient and the
// penalised Hessian there. Every row has η = b_0 at this point, so with the
// moments G = Σ w·a·aᵀ and gy = Σ_{y_i} w·a of the centred rows
// a = [1, x − μ] (design.moments), and D = diag(1, 1/σ):
//
//	g = D·(gy − p·G_0·),   H = p·(1 − p)·D·G·D + λ·P.
func (nt *newton) start(G, gy []float64, smp sample) {
	m := nt.d.m
	nt.b = make([]float64, m)
	nt.b[0] = math.Log(smp.sumWY / smp.sumWN)
	nt.grad = make([]float64, m)
	nt.hess = make([]float64, m*m)
	prob, q, lnP, lnQ := numeric.Logistic(nt.b[0])
	// G and gy are moments of the columns times colScale, so the factor
	// from them to the standardised scale is invSD/colScale = 1/(σ·colScale).
	scale := func(j int) float64 {
		if j == 0 {
			return 1
		}
		return nt.d.invSD[j-1] / nt.d.colScale[j-1]
	}
	for i := range m {
		si := scale(i)
		nt.grad[i] = si * (gy[i] - prob*G[i])
		for j := i; j < m; j++ {
			nt.hess[i*m+j] = prob * q * G[i*m+j] * si * scale(j)
		}
		nt.hess[i*m+i] += nt.pen[i]
	}
	nt.ll = smp.sumWY*lnP + smp.sumWN*lnQ
	if min(prob, q) <= tinyProb {
		nt.extreme = smp.positive
	}
}

// evaluate runs a pass at b and returns the penalised ℓ_λ, storing ℓ and
// the extreme count. With grad and hess not nil it also computes the
// penalised gradient and Hessian into them; with nil it computes ℓ only.
func (nt *newton) evaluate(b, grad, hess []float64) float64 {
	m := nt.d.m
	ll, extreme := nt.d.pass(b, grad, hess)
	nt.ll, nt.extreme = ll, extreme
	pl := ll
	for j, l := range nt.pen {
		pl -= 0.5 * l * b[j] * b[j]
		if grad != nil {
			grad[j] -= l * b[j]
			hess[j*m+j] += l
		}
	}
	return pl
}

// iterate takes Newton steps, halving a step while it lowers ℓ_λ, until
// the convergence rule is met: |Δℓ_λ|/(|ℓ_λ| + 0.1) < 1e-10 and
// max|t·s| < 1e-8.
//
// A full Newton step s = H⁻¹g whose promised gain ½·gᵀs is below
// 1e-12·(|ℓ_λ| + 0.1) is taken without that test. Such a step is within
// the rounding noise of the summed ℓ, so comparing ℓ would only let the
// noise halve it; a halved step that then passes the max|t·s| < 1e-8 rule
// would stop the fit with half a step, up to 1e-8, still to go.
func (nt *newton) iterate(maxIter int) stopReason {
	m := nt.d.m
	pl := nt.ll
	for j, l := range nt.pen {
		pl -= 0.5 * l * nt.b[j] * nt.b[j]
	}
	trial := make([]float64, m)
	tGrad := make([]float64, m)
	tHess := make([]float64, m*m)
	step := mat.NewVecDense(m, nil)
	for nt.iter = 0; nt.iter < maxIter; nt.iter++ {
		if !nt.factorize() {
			return notPositiveDefinite
		}
		if err := nt.chol.SolveVecTo(step, mat.NewVecDense(m, nt.grad)); !nt.usable(err) {
			return notPositiveDefinite
		}
		promised := 0.5 * mat.Dot(mat.NewVecDense(m, nt.grad), step)
		t := 1.0
		var newPL, maxStep float64
		for halvings := 0; ; halvings++ {
			maxStep = 0
			for j := range trial {
				trial[j] = nt.b[j] + t*step.AtVec(j)
				maxStep = math.Max(maxStep, math.Abs(t*step.AtVec(j)))
			}
			newPL = nt.evaluate(trial, tGrad, tHess)
			if newPL >= pl || (halvings == 0 && promised < 1e-12*(math.Abs(pl)+0.1)) {
				break
			}
			if halvings == 50 {
				// Back to b so that ℓ and the extreme count match it
				// (grad and hess still do).
				nt.evaluate(nt.b, nil, nil)
				return noAscent
			}
			t /= 2
		}
		copy(nt.b, trial)
		nt.grad, tGrad = tGrad, nt.grad
		nt.hess, tHess = tHess, nt.hess
		change := math.Abs(newPL-pl) / (math.Abs(newPL) + 0.1)
		pl = newPL
		if nt.watch.Step(pl) != nil {
			return iterationCap // FitLogistic returns the context's error
		}
		if change < 1e-10 && maxStep < 1e-8 {
			nt.iter++
			if !nt.factorize() {
				return notPositiveDefinite
			}
			return converged
		}
	}
	nt.factorize()
	return iterationCap
}

// usable reports whether a Cholesky solve's result may be used: without
// error, or, in a penalised fit, with only gonum's condition-number
// warning. A huge ridge weight on the diagonal makes the Hessian
// ill-conditioned but diagonally dominant, where the Cholesky solve is
// still accurate (it held coefficients at 0 with "not positive definite"
// for λ ≥ 1e17). Unpenalised designs are rank-checked before the fit.
func (nt *newton) usable(err error) bool {
	if err == nil {
		return true
	}
	var cond mat.Condition
	return errors.As(err, &cond) && slices.Max(nt.pen) > 0
}

// factorize computes the Cholesky factor of the current Hessian.
func (nt *newton) factorize() bool {
	m := nt.d.m
	h := mat.NewSymDense(m, nil)
	for i := range m {
		for j := i; j < m; j++ {
			h.SetSym(i, j, nt.hess[i*m+j])
		}
	}
	nt.cholOK = nt.chol.Factorize(h)
	return nt.cholOK
}

// result back-transforms b and its covariance to the raw scale:
// β = J·b, Cov_β = J·H⁻¹·Jᵀ, J = [[1, −μ/σ], [0, diag(1/σ)]].
func (nt *newton) result(names []string, sumW float64, o LogisticOptions) *Logistic {
	m := nt.d.m
	mu, invSD := nt.d.mu, nt.d.invSD
	k := m - 1
	J := mat.NewDense(m, m, nil)
	J.Set(0, 0, 1)
	for j := 1; j < m; j++ {
		J.Set(0, j, -mu[j-1]*invSD[j-1])
		J.Set(j, j, invSD[j-1])
	}
	beta := mat.NewVecDense(m, nil)
	beta.MulVec(J, mat.NewVecDense(m, slices.Clone(nt.b)))
	fit := &Logistic{
		Intercept:            beta.AtVec(0),
		Coef:                 make([]float64, k),
		StdErr:               make([]float64, k),
		LogLikelihood:        nt.ll,
		Names:                names,
		Mean:                 slices.Clone(mu),
		N:                    sumW,
		L2:                   o.L2,
		PenalizeStandardized: o.PenalizeStandardized && o.L2 > 0,
		Iterations:           nt.iter,
		Cov:                  make([][]float64, m),
	}
	for j := range k {
		fit.Coef[j] = beta.AtVec(j + 1)
	}
	var cov mat.Dense
	var inv mat.SymDense
	if nt.cholOK {
		if err := nt.chol.InverseTo(&inv); nt.usable(err) {
			cov.Product(J, &inv, J.T())
		}
	}
	for i := range m {
		fit.Cov[i] = make([]float64, m)
		for j := range m {
			fit.Cov[i][j] = math.NaN()
			if !cov.IsEmpty() {
				fit.Cov[i][j] = cov.At(i, j)
			}
		}
	}
	fit.InterceptStdErr = math.Sqrt(fit.Cov[0][0])
	// SE_j = sqrt((H⁻¹)_jj)/σ_j rather than sqrt(Cov_jj): for features of
	// magnitude beyond about 1e±154, Cov_jj = (H⁻¹)_jj/σ_j² leaves the
	// float64 range while the standard error does not.
	for j := range k {
		fit.StdErr[j] = math.NaN()
		if !cov.IsEmpty() {
			fit.StdErr[j] = math.Sqrt(inv.At(j+1, j+1)) * invSD[j]
		}
	}
	return fit
}

// rankCheck finds the aliased columns of the information matrix h (m×m,
// upper triangle) of the standardised design (column 0 the intercept) by
// numeric.Aliased, and returns clv.ErrSingular naming each aliased column
// and the kept columns it depends on.
func rankCheck(fn string, h []float64, m int, names []string) error {
	aliased, partners := numeric.Aliased(h, m)
	if aliased == nil {
		return nil
	}
	if len(aliased) == m { // a zero, NaN or non-positive first pivot
		return fault.New(fn, -1, "X", clv.ErrSingular, "the information matrix is zero: no column carries information")
	}
	var msgs []string
	for k, a := range aliased {
		label := "the intercept"
		if a > 0 {
			label = columnLabel(a-1, names)
		}
		var labels []string
		for _, col := range partners[k] {
			if col > 0 {
				labels = append(labels, columnLabel(col-1, names))
			}
		}
		if len(labels) == 0 {
			msgs = append(msgs, label+" is numerically constant")
			continue
		}
		msgs = append(msgs, label+" is collinear with "+strings.Join(labels, ", "))
	}
	return fault.New(fn, -1, "X", clv.ErrSingular, "%s", strings.Join(msgs, "; "))
}

// columnLabel names feature column j for messages.
func columnLabel(j int, names []string) string {
	return fmt.Sprintf("column %d (%s)", j, names[j])
}
