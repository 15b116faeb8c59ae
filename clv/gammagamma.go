package clv

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mathext"

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
// skipped. Identical (x, m̄) rows are grouped. Standard errors come from
// the analytic-gradient Hessian by the delta method. cs is not modified.
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
	type key struct{ x, m float64 }
	idx := map[key]int{}
	var rows []row // x, tx = m̄, w
	var n, sumLnM float64
	for i, c := range cs {
		if err := checkSpend(fn, i, c); err != nil {
			return GammaGamma{}, Fit{}, err
		}
		if c.Frequency == 0 {
			continue
		}
		w := c.weight()
		n += w
		sumLnM += w * math.Log(c.Monetary)
		k := key{c.Frequency, c.Monetary}
		if j, ok := idx[k]; ok {
			rows[j].w += w
			continue
		}
		idx[k] = len(rows)
		rows = append(rows, row{x: c.Frequency, tx: c.Monetary, w: w})
	}
	if len(rows) == 0 {
		return GammaGamma{}, Fit{}, fault.New(fn, -1, "Frequency", ErrEmpty, "no customer has a repeat purchase")
	}
	// Spend is scale-equivariant: m̄ → m̄/u gives γ → γ/u and ℓ → ℓ + ln u.
	// The fit runs with u the power of two nearest the geometric mean spend
	// (an exact rescaling), so amounts in cents, dollars or 1e300 behave
	// alike.
	u := math.Exp2(math.Round(sumLnM / n / math.Ln2))
	var mean float64
	for i := range rows {
		rows[i].tx /= u
		mean += rows[i].w / n * rows[i].tx
	}
	p := mlProblem{
		fn: fn,
		params: []param{
			{name: "P", shape: true,
				high: "P → ∞: every transaction of a customer is worth the same",
				low:  "P → 0: transaction values pile up at 0"},
			gammaShape("Q", "Gamma", "customers' spend rates ν"), {name: "Gamma"},
		},
		starts:      [][]float64{{1, 2, mean}, {1, 1, 1}, {5, 3, mean}},
		n:           n,
		rows:        len(rows),
		penaltyUnit: []float64{1, 1, u},
		negLL:       func(theta, grad []float64) float64 { return ggNegLL(rows, theta, grad) },
	}
	constrained := opt != nil && opt.ConstrainQ
	if constrained {
		p.lower = []float64{0, 1, 0}
		p.params[1].low = "Q → 1: the constraint binds, and the mean spend P·Gamma/(Q−1) grows without bound"
		p.starts = [][]float64{{1, 2, mean}, {1, 1.5, 1}, {5, 3, mean}}
	}
	if opt != nil && opt.Start != nil && len(opt.Start) == 3 {
		o := *opt
		o.Start = []float64{opt.Start[0], opt.Start[1], opt.Start[2] / u}
		opt = &o
	}
	th, fit, err := maximize(p, opt)
	if th == nil {
		return GammaGamma{}, fit, err
	}
	th[2] *= u
	fit.LogLikelihood -= n * math.Log(u)
	if fit.StdErr != nil {
		fit.StdErr[2] *= u
		for j := range 3 {
			fit.Cov[j][2] *= u
			fit.Cov[2][j] *= u
		}
	}
	fit.Fingerprint = Fingerprint(cs)
	m := GammaGamma{th[0], th[1], th[2]}
	if err == nil && m.Q <= 1 {
		err = fmt.Errorf("%s: %w: q = %v ≤ 1, so the mean spend is infinite; use FitOptions.ConstrainQ", fn, ErrUndefined, m.Q)
	}
	return m, fit, err
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

// ggNegLL returns −LL over rows (x, tx = m̄, w) and, when grad is not nil,
// ∂(−LL)/∂(p, q, γ).
func ggNegLL(rows []row, theta, grad []float64) float64 {
	p, q, g := theta[0], theta[1], theta[2]
	var ll, gp, gq, gg float64
	psiQ, lnG := 0.0, math.Log(g)
	if grad != nil {
		psiQ = mathext.Digamma(q)
	}
	for _, r := range rows {
		x, m, w := r.x, r.tx, r.w
		ll += w * ggLogLik(p, q, g, x, m)
		if grad == nil {
			continue
		}
		px := p * x
		lnGX := math.Log(g + x*m)
		psiPXQ := mathext.Digamma(px + q)
		gp += w * x * (psiPXQ - mathext.Digamma(px) + math.Log(m) + math.Log(x) - lnGX)
		gq += w * (psiPXQ - psiQ + lnG - lnGX)
		gg += w * (q/g - (px+q)/(g+x*m))
	}
	if grad != nil {
		grad[0], grad[1], grad[2] = -gp, -gq, -gg
	}
	return -ll
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
