package clv

import "time"

// MBGNBD is the modified BG/NBD of Batislam, Denizel & Filiztekin (2007).
// It is the BG/NBD with one more dropout coin, tossed right after the
// first purchase, so a one-time buyer may already be inactive (in BG/NBD
// they are alive for sure). Parameters mean what they mean in BGNBD.
type MBGNBD struct {
	R, Alpha, A, B float64
	// Period is the time unit the model was fitted in (FitOptions.Period),
	// of Alpha and of every time t; 0 means not stated (see "Units" in the package documentation).
	Period time.Duration
}

var _ PurchaseModel = MBGNBD{}

func (m MBGNBD) family() bgFamily {
	return bgFamily{r: m.R, alpha: m.Alpha, a: m.A, b: m.B, shift: 1}
}

// FitMBGNBD returns the maximum-likelihood MBG/NBD for cs, exactly as
// FitBGNBD does for the BG/NBD (same compression, starts, errors and
// standard errors). cs is not modified.
func FitMBGNBD(cs []Customer, opt *FitOptions) (MBGNBD, Fit, error) {
	th, _, fit, err := fitBGFamily("clv.FitMBGNBD", 1, cs, Covariates{}, opt)
	if th == nil {
		return MBGNBD{}, fit, err
	}
	return MBGNBD{th[0], th[1], th[2], th[3], opt.period()}, fit, err
}

// LogLikelihood returns ℓ(x, t_x, T) of one customer (Batislam, Denizel & Filiztekin 2007).
// Weight is ignored.
//
// Special cases are:
//
//	LogLikelihood(c) = NaN for an invalid c or invalid parameters
func (m MBGNBD) LogLikelihood(c Customer) float64 { return m.family().logLikelihood(c) }

// PAlive returns the probability that the customer is still active at T.
// Unlike the BG/NBD it is below 1 for one-time buyers. Accuracy and range
// are those of BGNBD.PAlive.
//
// Special cases are:
//
//	PAlive(c) = NaN for an invalid c or invalid parameters
func (m MBGNBD) PAlive(c Customer) float64 { return m.family().pAlive(c) }

// ExpectedPurchases returns E[X(t)] = b/(a+b)·M(a, b+1, r, t/α), the
// expected repeat purchases in (0, t] of a new customer (Batislam, Denizel
// & Filiztekin 2007), where b/(a+b) is the chance of surviving the coin
// tossed at the first purchase and M the BG/NBD expectation with the
// dropout posterior Beta(a, b+1). Accuracy and range are those of
// BGNBD.ExpectedPurchases.
//
// Special cases are:
//
//	ExpectedPurchases(0) = 0
//	ExpectedPurchases(t) = NaN for t < 0, t = +Inf or NaN, or invalid parameters
func (m MBGNBD) ExpectedPurchases(t float64) float64 { return m.family().unconditional(t) }

// ConditionalExpectedPurchases returns E[Y(t) | x, t_x, T], the expected
// purchases in (T, T+t] (Batislam et al. 2007): the BG/NBD expectation
// with the dropout posterior Beta(a, b+x+1), times P(alive). Accuracy and
// range are those of BGNBD.ConditionalExpectedPurchases.
//
// Special cases are:
//
//	ConditionalExpectedPurchases(c, 0) = 0
//	ConditionalExpectedPurchases(c, t) = NaN for an invalid c, t < 0, t = +Inf or NaN, or invalid parameters
func (m MBGNBD) ConditionalExpectedPurchases(c Customer, t float64) float64 {
	return m.family().conditional(c, t)
}

// ProbPurchases returns P(X(t) = x) for a new customer (Batislam et al.
// 2007; the BG/NBD form with b+x+1 in place of b+x). Accuracy and range
// are those of BGNBD.ProbPurchases.
//
// Special cases are:
//
//	ProbPurchases(0, 0) = 1; ProbPurchases(x, 0) = 0 for x > 0
//	ProbPurchases(x, t) = NaN for x < 0, t < 0, t = +Inf or NaN, or invalid parameters
func (m MBGNBD) ProbPurchases(x int, t float64) float64 { return m.family().probPurchases(x, t) }
