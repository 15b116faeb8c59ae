package clv

import (
	"fmt"
	"math"

	"github.com/ltvgo/ltv/internal/fault"
	"github.com/ltvgo/ltv/internal/numeric"
)

// GammaGamma is the Gamma-Gamma model of spend per transaction (Colombo &
// Jiang 1999; Fader, Hardie & Lee 2005, JMR; Fader & Hardie note 025). A
// customer's transaction values are Gamma(P, ν) with mean P/ν, and ν is
// Gamma(Q, Gamma) across customers. Gamma is in currency units; P and Q
// have none. The mean spend of a new customer, P·Gamma/(Q−1), exists only
// when Q > 1.
//
// BTYD practice fits it on the repeat transactions: Frequency is x and
// Monetary the mean of the x repeat occasions. The model assumes spend is
// independent of frequency; check with SpendFrequencyCorrelation.
//
// A GammaGamma is a plain value with no hidden state: one value is safe
// for any number of goroutines.
type GammaGamma struct{ P, Q, Gamma float64 }

// FitGammaGamma returns the maximum-likelihood Gamma-Gamma on the
// customers with a repeat purchase (Frequency > 0); the others are
// skipped. Identical (x, m̄) rows are grouped, and the likelihood keeps
// everything that depends on x alone once per distinct x, so a pass over
// the data takes one logarithm and one division per row. The search runs
// by damped Newton on the analytic gradient and Hessian (the derivatives
// of note 025's likelihood in p, q and γ), and the standard errors come
// from that Hessian by the delta method. cs is not modified.
//
// With opt.ConstrainQ the fit runs on q = 1 + e^φ, so the mean spend
// exists (lifetimes' q_constraint). Without it, an estimate q ≤ 1 is
// returned with an error wrapping ErrUndefined, because the model then has
// no finite mean spend (pymc-marketing#594).
//
// Spend has no fixed unit: the fit runs in the power of two nearest the
// geometric mean of Monetary (an exact rescaling), so cents, dollars or
// amounts near 1e±300 give the same P and Q, Gamma in the caller's unit,
// and the log-likelihood of the caller's amounts. A Penalty applies to
// Gamma in the caller's unit.
//
// Errors: a Monetary ≤ 0, NaN or ±Inf on a customer with Frequency > 0,
// a Frequency·Monetary that overflows, a non-integer or negative
// Frequency, or a negative Weight is a *DataError wrapping ErrInvalid that
// names the row and field; no customer with a repeat purchase, or fewer
// than three distinct (x, m̄), is ErrEmpty. Constrained to q > 1, a
// likelihood that rises towards q = 1 (or another shape limit) returns
// that limit with a *BoundaryError.
func FitGammaGamma(cs []Customer, opt *FitOptions) (GammaGamma, Fit, error) {
	const fn = "clv.FitGammaGamma"
	th, fit, err := fitGammaGamma(fn, cs, SpendCovariates{}, opt)
	if th == nil {
		return GammaGamma{}, fit, err
	}
	m := GammaGamma{th[0], th[1], th[2]}
	return m, fit, qDefined(fn, m, err)
}

// qDefined returns err, or when it is nil and m.Q ≤ 1 an error wrapping
// ErrUndefined: the fitted model has no finite mean spend.
func qDefined(fn string, m GammaGamma, err error) error {
	if err == nil && m.Q <= 1 {
		return fmt.Errorf("%s: %w: q = %v ≤ 1, so the mean spend is infinite; use FitOptions.ConstrainQ", fn, ErrUndefined, m.Q)
	}
	return err
}

// checkSpend validates one customer for the spend model.
func checkSpend(fn string, i int, c Customer) error {
	switch x := c.Frequency; {
	case math.IsNaN(x) || math.IsInf(x, 0) || x < 0 || x != math.Trunc(x):
		return fault.New(fn, i, "Frequency", ErrInvalid, "is %v, want a whole number ≥ 0", x)
	case math.IsNaN(c.Weight) || math.IsInf(c.Weight, 0) || c.Weight < 0:
		return fault.New(fn, i, "Weight", ErrInvalid, "is %v, want ≥ 0", c.Weight)
	case x > 0 && !(c.Monetary > 0 && !math.IsInf(c.Monetary, 1)):
		return fault.New(fn, i, "Monetary", ErrInvalid, "is %v, want a spend > 0", c.Monetary)
	case math.IsInf(x*c.Monetary, 1):
		return fault.New(fn, i, "Monetary", ErrInvalid, "%v × Frequency %v overflows: the total spend is not a finite number", c.Monetary, x)
	}
	return nil
}

// ggLogLik returns ℓ of x transactions with mean m̄ (Fader, Hardie & Lee 2005, JMR; note 025):
//
//	lgamma(px+q) − lgamma(px) − lgamma(q) + q·ln γ + (px−1)·ln m̄ + px·ln x − (px+q)·ln(γ + x·m̄)
func ggLogLik(p, q, g, x, m float64) float64 {
	px := p * x
	return numeric.Lgamma(px+q) - numeric.Lgamma(px) - numeric.Lgamma(q) + q*math.Log(g) +
		(px-1)*math.Log(m) + px*math.Log(x) - (px+q)*math.Log(g+x*m)
}

func (m GammaGamma) valid() bool {
	return m.P > 0 && m.Q > 0 && m.Gamma > 0 && !math.IsInf(m.P+m.Q+m.Gamma, 1)
}

// LogLikelihood returns ℓ of one customer's x repeat transactions with
// mean Monetary (Weight ignored).
//
// Special cases are:
//
//	LogLikelihood(c) = NaN if c.Frequency == 0, or c or m is invalid
func (m GammaGamma) LogLikelihood(c Customer) float64 {
	if !m.valid() || checkSpend("", 0, c) != nil || c.Frequency == 0 {
		return math.NaN()
	}
	return ggLogLik(m.P, m.Q, m.Gamma, c.Frequency, c.Monetary)
}

// MeanSpend returns the population mean spend per transaction, P·Gamma/(Q−1).
//
// Special cases are:
//
//	MeanSpend() = NaN if Q ≤ 1 (the mean does not exist) or m is invalid
func (m GammaGamma) MeanSpend() float64 {
	if !m.valid() || m.Q <= 1 {
		return math.NaN()
	}
	return m.P * m.Gamma / (m.Q - 1)
}

// ConditionalExpectedSpend returns E[Z | x, m̄], the expected spend per
// future transaction of a customer with x repeat transactions of mean m̄
// (note 025 eq. 5):
//
//	p(γ + x·m̄)/(px + q − 1) = w·pγ/(q−1) + (1−w)·m̄,  w = (q−1)/(px+q−1)
//
// a weighted average of the population mean and the customer's own mean.
// It is revenue per transaction: multiply by a margin for profit.
//
// Special cases are:
//
//	ConditionalExpectedSpend(c) = MeanSpend() if c.Frequency == 0
//	ConditionalExpectedSpend(c) = NaN if c or m is invalid, or if px+q ≤ 1
func (m GammaGamma) ConditionalExpectedSpend(c Customer) float64 {
	if !m.valid() || checkSpend("", 0, c) != nil {
		return math.NaN()
	}
	if c.Frequency == 0 {
		return m.MeanSpend()
	}
	den := m.P*c.Frequency + m.Q - 1
	if den <= 0 {
		return math.NaN()
	}
	return m.P * (m.Gamma + c.Frequency*c.Monetary) / den
}

// SpendFrequencyCorrelation returns the weighted Pearson correlation of
// Frequency and Monetary over the customers with a repeat purchase. The
// Gamma-Gamma model assumes the two are independent; a value far from 0
// (CDNOW: 0.11) means its spend predictions are biased. cs is not modified.
//
// Errors are those of FitGammaGamma's input checks, ErrEmpty when no
// customer has a repeat purchase, and ErrInvalid when either quantity does
// not vary.
func SpendFrequencyCorrelation(cs []Customer) (float64, error) {
	const fn = "clv.SpendFrequencyCorrelation"
	var n, sx, sm, sxx, smm, sxm float64
	for i, c := range cs {
		if err := checkSpend(fn, i, c); err != nil {
			return math.NaN(), err
		}
		if c.Frequency == 0 {
			continue
		}
		w := c.weight()
		n += w
		sx += w * c.Frequency
		sm += w * c.Monetary
	}
	if n == 0 {
		return math.NaN(), fault.New(fn, -1, "Frequency", ErrEmpty, "no customer has a repeat purchase")
	}
	mx, mm := sx/n, sm/n
	for _, c := range cs {
		if c.Frequency == 0 {
			continue
		}
		w, dx, dm := c.weight(), c.Frequency-mx, c.Monetary-mm
		sxx += w * dx * dx
		smm += w * dm * dm
		sxm += w * dx * dm
	}
	if sxx == 0 || smm == 0 {
		return math.NaN(), fault.New(fn, -1, "", ErrInvalid, "Frequency or Monetary does not vary")
	}
	return sxm / math.Sqrt(sxx*smm), nil
}
