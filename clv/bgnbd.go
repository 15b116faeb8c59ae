package clv

import "time"

// BGNBD is the beta-geometric/NBD repeat-purchase model of Fader, Hardie &
// Lee (2005). While active a customer buys as a Poisson process with rate
// λ ~ Gamma(R, Alpha); after each repeat purchase they drop out with
// probability p ~ Beta(A, B). Alpha is in the model's time unit; R, A, B
// have no unit. A BGNBD built from published parameters is as good as a
// fitted one; the value is safe for concurrent use.
type BGNBD struct {
	R, Alpha, A, B float64
	// Period is the time unit the model was fitted in (FitOptions.Period),
	// of Alpha and of every time t; 0 means not stated (see "Units" in the package documentation).
	Period time.Duration
}

var _ PurchaseModel = BGNBD{}

func (m BGNBD) family() bgFamily { return bgFamily{r: m.R, alpha: m.Alpha, a: m.A, b: m.B} }

// FitBGNBD returns the maximum-likelihood BG/NBD for cs. Identical
// (x, t_x, T) rows are compressed first, so the cost grows with distinct
// rows; Customer.Weight counts repeated rows. The search runs on
// log-parameters with the analytic gradient (FHL 2005 eq. 6, differentiated) from several
// starts, keeping the first that converges; standard errors come from the
// Hessian by the delta method. cs is not modified.
//
// Errors: a *DataError wrapping ErrEmpty or ErrInvalid names the bad row
// and field; a sample without any repeat purchase is ErrInvalid, fewer
// than four distinct rows ErrEmpty; a likelihood that rises towards a
// limit (e.g. homogeneous purchase rates, r → ∞) returns the limiting model
// with a *BoundaryError (see the package doc); a search that stops early
// returns its best estimate with an error wrapping ErrNotConverged.
func FitBGNBD(cs []Customer, opt *FitOptions) (BGNBD, Fit, error) {
	th, _, fit, err := fitBGFamily("clv.FitBGNBD", 0, cs, Covariates{}, opt)
	if th == nil {
		return BGNBD{}, fit, err
	}
	return BGNBD{th[0], th[1], th[2], th[3], opt.period()}, fit, err
}

// LogLikelihood returns ℓ(x, t_x, T) of one customer (FHL 2005 eq. 6, in
// the overflow-free form of note 027). Weight is ignored.
//
// Special cases are:
//
//	LogLikelihood(c) = NaN for an invalid c or invalid parameters
func (m BGNBD) LogLikelihood(c Customer) float64 { return m.family().logLikelihood(c) }

// PAlive returns the probability that the customer is still active at T
// (Fader, Hardie & Lee 2008, note 021), evaluated from log-odds so that it
// underflows cleanly to 0 for heavy buyers who stopped long ago. It is
// accurate to 1e-9 relative (much better in practice) for r, α ∈ [1e-3, 1e4],
// a, b ∈ [1e-3, 1e8], x ≤ 1e4 and t_x ≤ T ≤ 1e4.
//
// Special cases are:
//
//	PAlive(c) = 1 if c.Frequency == 0 (no dropout before a repeat purchase)
//	PAlive(c) = NaN for an invalid c or invalid parameters
func (m BGNBD) PAlive(c Customer) float64 { return m.family().pAlive(c) }

// ExpectedPurchases returns E[X(t)], the expected repeat purchases in
// (0, t] of a customer whose first purchase was at 0 (FHL 2005 eq. 9).
// The Gauss hypergeometric function there is evaluated by a short series
// where that is well conditioned and otherwise by quadrature of its Beta
// integral (see the package numeric's BGCore), so the result is accurate
// to 1e-9 relative for r, α ∈ [1e-3, 1e4], a, b ∈ [1e-3, 1e8] and
// t ∈ [1e-3, 1e4], large r and a included, and finite beyond.
//
// Special cases are:
//
//	ExpectedPurchases(0) = 0
//	ExpectedPurchases(t) = NaN for t < 0, t = +Inf or NaN, or invalid parameters
func (m BGNBD) ExpectedPurchases(t float64) float64 { return m.family().unconditional(t) }

// ConditionalExpectedPurchases returns E[Y(t) | x, t_x, T], the expected
// purchases in (T, T+t] (FHL 2005 eq. 10), accurate to 1e-9 relative over
// the range of ExpectedPurchases with x ≤ 1e4 and T ≤ 1e4. It is 0 when
// PAlive underflows to 0.
//
// Special cases are:
//
//	ConditionalExpectedPurchases(c, 0) = 0
//	ConditionalExpectedPurchases(c, t) = NaN for an invalid c, t < 0, t = +Inf or NaN, or invalid parameters
func (m BGNBD) ConditionalExpectedPurchases(c Customer, t float64) float64 {
	return m.family().conditional(c, t)
}

// ProbPurchases returns P(X(t) = x), the probability of exactly x repeat
// purchases in (0, t] (FHL 2005 eq. 8, with the negative-binomial tail as
// a regularised incomplete beta rather than FHL's cancelling finite sum),
// accurate to 1e-9 relative for x ≤ 1e4 over the range of
// ExpectedPurchases, underflowing to 0 where it is below ~1e-308.
//
// Special cases are:
//
//	ProbPurchases(0, 0) = 1; ProbPurchases(x, 0) = 0 for x > 0
//	ProbPurchases(x, t) = NaN for x < 0, t < 0, t = +Inf or NaN, or invalid parameters
func (m BGNBD) ProbPurchases(x int, t float64) float64 { return m.family().probPurchases(x, t) }
