package clv

import (
	"context"
	"math"
	"slices"
	"strings"
	"time"
)

// Transaction is one purchase: who bought, when, and for how much. It is the
// event type every workflow package of ltv takes.
type Transaction struct {
	CustomerID string
	At         time.Time
	Amount     float64 // currency units; may be 0 for a free order
}

// Customer is one row of a BTYD summary, in the model's time unit (the
// Period the summary was made with). Frequency, Recency and T are the
// (x, t_x, T) of Fader, Hardie & Lee (2005).
//
// Recency here is the BTYD recency: the time from the first to the last
// purchase. It is not the RFM recency (time since the last purchase), which
// is T − Recency.
type Customer struct {
	ID        string
	Frequency float64 // x: repeat purchase periods (occasions − 1), a whole number
	Recency   float64 // t_x: first to last purchase, in periods; 0 when Frequency == 0
	T         float64 // age: first purchase to end of observation, in periods
	Monetary  float64 // mean spend of the repeat purchases; 0 when Frequency == 0
	Weight    float64 // how many identical customers the row stands for; 0 means 1
}

// weight returns the row's case weight, reading 0 as 1.
func (c Customer) weight() float64 {
	if c.Weight == 0 {
		return 1
	}
	return c.Weight
}

// Fit reports how a maximum-likelihood fit went. LogLikelihood is the total
// (weighted) log-likelihood Σ w_i·ℓ_i, never a mean, and never includes a
// penalty. StdErr and Cov are on the natural parameter scale, in the order
// of the model's fields (for a fit with covariates, then the coefficients:
// see FitParetoNBDCov), from the delta method on the Hessian of −LL in the
// search variables (log θ for a positive parameter, mapped back by θ_j; a
// coefficient as it is); they are nil when the Hessian is not positive
// definite.
type Fit struct {
	LogLikelihood float64
	StdErr        []float64
	Iterations    int // of the search that produced the estimate (see FitOptions.MaxIterations)
	Converged     bool

	Cov       [][]float64 // covariance of the natural-scale parameters
	NumParams int         // free parameters k
	N         float64     // Σ w: customers (or cohort members), not distinct rows
	Penalized bool        // an L2 penalty was used: StdErr is not valid for inference

	// Names names the parameters in the order of StdErr and Cov: the model's
	// field names ("R", "Alpha", "A", "B"), then the covariate
	// coefficients "Purchase[name]" and "Dropout[name]", with the names of
	// Covariates.PurchaseNames and .DropoutNames, or the column index when
	// none were given ("Purchase[0]"). See StdErrOf.
	Names []string
	// Fingerprint identifies the training data: see Fingerprint and
	// FingerprintCohorts. It is empty when the fit failed before the search.
	Fingerprint string
}

// StdErrOf returns the standard error of the parameter of that name (see
// Fit.Names) and true, or NaN and false when the fit has no such
// parameter or no standard errors. A name matches exactly or, failing
// that, when it is the only one equal up to case ("alpha" finds "Alpha").
func (f Fit) StdErrOf(name string) (float64, bool) {
	j := slices.Index(f.Names, name)
	if j < 0 {
		for i, n := range f.Names {
			if strings.EqualFold(n, name) {
				if j >= 0 {
					return math.NaN(), false
				}
				j = i
			}
		}
	}
	if j < 0 || j >= len(f.StdErr) {
		return math.NaN(), false
	}
	return f.StdErr[j], true
}

// AIC returns Akaike's information criterion 2k − 2·LL.
func (f Fit) AIC() float64 { return 2*float64(f.NumParams) - 2*f.LogLikelihood }

// BIC returns the Bayesian information criterion k·ln N − 2·LL, with N the
// number of customers (Σ w), not the number of distinct rows.
func (f Fit) BIC() float64 { return float64(f.NumParams)*math.Log(f.N) - 2*f.LogLikelihood }

// FitOptions tune a maximum-likelihood fit. A nil *FitOptions means the
// defaults.
type FitOptions struct {
	// Period is the time unit of the customers' summary (the
	// SummaryOptions.Period they were made with), recorded in the fitted
	// model's Period so that Score, Value and the interval functions can
	// refuse a ValueOptions.Period that differs; 0 leaves it unstated. For
	// the sBG it is the renewal period, for the BG/BB one transaction
	// opportunity. It does not change the fit, and FitGammaGamma, whose
	// model has no time unit, ignores it.
	Period time.Duration
	// Penalty is an L2 penalty λ ≥ 0 on the natural-scale parameters: the fit
	// minimises −LL + λ·Σθ_j² (lifetimes' penalizer_coef, but on the total
	// log-likelihood and unscaled time). It does not reach covariate
	// coefficients, which Covariates.L2 penalises.
	Penalty float64
	// Start, when set, is the first starting point of the search, in
	// natural parameter order (e.g. r, α, a, b, then any covariate
	// coefficients); the model's own starts follow only if the search from
	// it does not converge. It is the warm start of a refit: pass the
	// previous model's parameters (BGNBD: []float64{m.R, m.Alpha, m.A,
	// m.B}) and a refit on a log that has grown a little converges in a
	// few iterations (none when nothing changed). Without Start each
	// model tries its own starts in turn.
	Start []float64
	// MaxIterations caps the iterations of each search from one start; 0
	// means the defaults and a negative cap is an error. BG/NBD, MBG/NBD and Gamma-Gamma first search by
	// damped Newton (default 100 iterations); if no start converges they,
	// like every other model (Pareto/NBD, BG/BB, sBG), search
	// by quasi-Newton (BFGS) iterations plus Newton steps that polish the
	// end point (default 1000 in all). A set cap applies to each of these
	// searches and to each refit at a limit of the parameter space (see
	// BoundaryError). Fit.Iterations counts the iterations of the one
	// search that produced the estimate (after a refit, the refit's alone),
	// so it never exceeds the cap. A search that runs out of iterations is
	// returned as it is with ErrNotConverged; one that stalls before its
	// cap is checked for a limit of the parameter space, as with the
	// defaults.
	MaxIterations int
	// ConstrainQ applies to FitGammaGamma and FitGammaGammaCov only: it fits q = 1 + e^φ so that
	// the mean spend p·γ/(q−1) exists (lifetimes' q_constraint).
	ConstrainQ bool
	// Context, when set, cancels the fit: once it is done (cancelled or
	// past its deadline) the fit stops within one pass over the data and
	// returns an error wrapping ctx.Err() (errors.Is(err,
	// context.Canceled) or context.DeadlineExceeded) with no estimate. A
	// Context that is never done leaves the fit's result unchanged. It is
	// an option rather than the first argument of a FitXContext twin of
	// every Fit function (fourteen here, more in survival and churn): the
	// options are per call, never kept after it, like http.Request's
	// context, and nil means context.Background().
	Context context.Context
	// Progress, when set, is called by the fit, one call at a time, after
	// every iteration of the search with a running iteration count (1, 2, …
	// across all the searches of one fit: starts, a subsample, refits at a
	// limit; so it can exceed Fit.Iterations), the objective there (the
	// log-likelihood less any penalty; for Gamma-Gamma in the search's
	// internal currency unit, so it differs from Fit.LogLikelihood by a
	// constant) and the time since the search began. It must return
	// quickly; it may cancel the Context.
	Progress func(iteration int, objective float64, elapsed time.Duration)
}

// PurchaseModel is what every repeat-purchase model in this package offers,
// so value, evaluation and plotting code can take any of them. t is in the
// model's time unit.
type PurchaseModel interface {
	// LogLikelihood returns ℓ(x, t_x, T) of one customer (unweighted).
	LogLikelihood(c Customer) float64
	// PAlive returns the probability that the customer is still active at T.
	PAlive(c Customer) float64
	// ExpectedPurchases returns E[X(t)], the expected repeat purchases in
	// (0, t] of a customer who made a first purchase at 0.
	ExpectedPurchases(t float64) float64
	// ConditionalExpectedPurchases returns E[Y(t) | x, t_x, T], the expected
	// purchases in (T, T+t].
	ConditionalExpectedPurchases(c Customer, t float64) float64
	// ProbNoPurchase returns P(no purchase in (T, T+t] | x, t_x, T), the
	// likelihood ratio L(x, t_x, T+t)/L(x, t_x, T): a churn score.
	ProbNoPurchase(c Customer, t float64) float64
}
