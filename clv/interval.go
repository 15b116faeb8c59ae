package clv

import (
	"math"

	"github.com/ltvgo/ltv/internal/fault"
	"github.com/ltvgo/ltv/internal/numeric"
	"github.com/ltvgo/ltv/resample"
)

// Interval is a point prediction with its uncertainty from the
// estimation of the model parameters (not the randomness of the
// customer's future behaviour, which ConditionalProbPurchases describes):
// Estimate, at the fitted parameters; StdErr, by the delta method or the
// standard deviation of the draws or bootstrap replicates; Lower and
// Upper, the limits at the requested level. It is resample.Interval, so
// the bootstrap of any model gives the same type.
type Interval = resample.Interval

// IntervalMethod says how an Interval is computed.
type IntervalMethod int

const (
	// DeltaMethod: StdErr = sqrt(∇f'·Σ·∇f) with Σ = Fit.Cov and ∇f the
	// gradient in the natural parameters. Probabilities get the
	// logit-scale interval expit(logit(p) ∓ z·StdErr/(p(1−p))), which
	// stays in [0, 1] ([p, p] when StdErr = 0); expected purchases and
	// values Estimate ∓ z·StdErr, not clipped (so a lower limit may fall
	// below 0 when the uncertainty is large).
	DeltaMethod IntervalMethod = iota
	// ParameterDraws: the parameters are drawn from their asymptotic
	// normal distribution on the log scale (see DrawModels), the
	// prediction is recomputed for every draw, and Lower and Upper are the
	// draws' percentiles (R type 7) at (1 ∓ Level)/2; StdErr is the
	// draws' standard deviation.
	ParameterDraws
	// Bootstrap: the customer bootstrap (resample.Bootstrap), the slow
	// option that assumes no normality of the estimates: Draws replicates
	// resample the customers (a row of Weight w stands for w customers),
	// refit the models to each replicate from the fitted parameters, and
	// repredict; Lower and Upper are the replicates' percentiles, StdErr
	// their standard deviation. The customers passed must be those the
	// models were fitted to (and, for a spend model, FitGammaGamma's or
	// FitGammaGammaCov's input), fitted with default FitOptions; the fits'
	// Cov is not used.
	// Replicates whose refit fails are left out and reported by a
	// *BootstrapError returned with the intervals of the others (no
	// intervals when fewer than two worked). Memory grows as Draws
	// times the number of outputs (three per customer for
	// ScoreWithIntervals).
	Bootstrap
)

// IntervalOptions set the level and method of intervals. The zero value
// gives 90% delta-method intervals.
type IntervalOptions struct {
	Level  float64        // coverage in (0, 1); 0 means 0.90
	Method IntervalMethod // DeltaMethod (the zero value), ParameterDraws or Bootstrap
	Draws  int            // ParameterDraws, Bootstrap: number of draws or replicates, 0 means 1000
	Seed   uint64         // ParameterDraws, Bootstrap: seed of the draws or replicates (math/rand/v2 PCG)
}

// DefaultDraws is the number of parameter draws when IntervalOptions.Draws is 0.
const DefaultDraws = 1000

// MaxDraws bounds IntervalOptions.Draws.
const MaxDraws = 1_000_000

// resolve returns the options with defaults filled in, and z = Φ⁻¹((1+Level)/2).
func (iv IntervalOptions) resolve(fn string) (IntervalOptions, float64, error) {
	if iv.Level == 0 {
		iv.Level = 0.9
	}
	if iv.Draws == 0 {
		iv.Draws = DefaultDraws
	}
	switch {
	case !(iv.Level > 0 && iv.Level < 1):
		return iv, 0, fault.New(fn, -1, "IntervalOptions.Level", ErrInvalid, "is %v, want a coverage in (0, 1)", iv.Level)
	case iv.Method != DeltaMethod && iv.Method != ParameterDraws && iv.Method != Bootstrap:
		return iv, 0, fault.New(fn, -1, "IntervalOptions.Method", ErrInvalid, "is %d, want DeltaMethod, ParameterDraws or Bootstrap", iv.Method)
	case iv.Draws < 2 || iv.Draws > MaxDraws:
		return iv, 0, fault.New(fn, -1, "IntervalOptions.Draws", ErrInvalid, "is %d, want 2 to %d (0: %d)", iv.Draws, MaxDraws, DefaultDraws)
	}
	return iv, math.Sqrt2 * math.Erfinv(iv.Level), nil
}

// plainInterval returns Estimate ∓ z·se.
func plainInterval(est, se, z float64) Interval {
	return Interval{Estimate: est, StdErr: se, Lower: est - z*se, Upper: est + z*se}
}

// probInterval returns the logit-scale interval of a probability p with
// delta-method standard error se: expit(logit(p) ∓ z·se/(p(1−p))), or
// [p, p] when se = 0 or p is 0 or 1.
func probInterval(p, se, z float64) Interval {
	iv := Interval{Estimate: p, StdErr: se, Lower: p, Upper: p}
	if se == 0 || !(p > 0 && p < 1) {
		return iv
	}
	logit, half := math.Log(p)-math.Log1p(-p), z*se/(p*(1-p))
	iv.Lower, iv.Upper = numeric.Expit(logit-half), numeric.Expit(logit+half)
	return iv
}

// parametric is a purchase model seen as a point θ of its parameter
// space, the view the interval and draw machinery needs: the parameters
// in the order of Fit.Cov, the same model at other parameters, and the
// split of its predictions through P(alive) (see predictive.go). Every
// purchase model of this package is one.
type parametric interface {
	PurchaseModel
	params() []float64
	withParams(theta []float64) parametric
	// alive returns P(alive at T) and its complement, the probability the
	// "if alive" predictions are conditioned on (for BGBB: active through
	// n, PAliveAt(c, 0)).
	alive(c Customer) (p, q float64)
	// purchasesIfAlive returns E[Y(t) | alive at T, x, T].
	purchasesIfAlive(x, T, t float64) float64
}

func (m BGNBD) params() []float64 { return []float64{m.R, m.Alpha, m.A, m.B} }
func (m BGNBD) withParams(th []float64) parametric {
	return BGNBD{th[0], th[1], th[2], th[3], m.Period}
}
func (m BGNBD) alive(c Customer) (p, q float64) { return m.family().alive(c) }
func (m MBGNBD) params() []float64              { return []float64{m.R, m.Alpha, m.A, m.B} }
func (m MBGNBD) withParams(th []float64) parametric {
	return MBGNBD{th[0], th[1], th[2], th[3], m.Period}
}
func (m MBGNBD) alive(c Customer) (p, q float64) { return m.family().alive(c) }
func (m ParetoNBD) params() []float64            { return []float64{m.R, m.Alpha, m.S, m.Beta} }
func (m ParetoNBD) withParams(th []float64) parametric {
	return ParetoNBD{th[0], th[1], th[2], th[3], m.Period}
}
func (m BGBB) params() []float64                  { return []float64{m.Alpha, m.Beta, m.Gamma, m.Delta} }
func (m BGBB) withParams(th []float64) parametric { return BGBB{th[0], th[1], th[2], th[3], m.Period} }

func (m BGNBD) purchasesIfAlive(x, T, t float64) float64 {
	return m.family().purchasesIfAlive(x, T, t)
}

func (m MBGNBD) purchasesIfAlive(x, T, t float64) float64 {
	return m.family().purchasesIfAlive(x, T, t)
}

// aliveGradient is implemented by the models whose P(alive) has a cheap
// closed-form gradient, which the delta method then uses instead of
// differences. For them P(alive) is PAlive.
type aliveGradient interface {
	aliveGrad(c Customer, g []float64) (p, q float64)
}

func (m BGNBD) aliveGrad(c Customer, g []float64) (p, q float64)  { return m.family().aliveGrad(c, g) }
func (m MBGNBD) aliveGrad(c Customer, g []float64) (p, q float64) { return m.family().aliveGrad(c, g) }

// aliveGrad returns P(alive) and its complement, and writes ∂P(alive)/∂(r, α, a, b)
// into g: with ℓo = ln a − ln(b+x+s−1) + (r+x)·L, L = log1p((T−t_x)/(α+t_x))
// and P(alive) = σ(−ℓo) (FHL 2008, note 021), ∂P(alive) = −P·(1−P)·∂ℓo and
//
//	∂ℓo = (L, −(r+x)(T−t_x)/((α+T)(α+t_x)), 1/a, −1/(b+x+s−1)).
func (m bgFamily) aliveGrad(c Customer, g []float64) (p, q float64) {
	clear(g)
	p, q = m.alive(c)
	if math.IsNaN(p) || c.Frequency+m.shift == 0 {
		return p, q
	}
	x, tx, T := c.Frequency, c.Recency, c.T
	w := -p * q
	g[0] = w * math.Log1p((T-tx)/(m.alpha+tx))
	g[1] = -w * (m.r + x) * (T - tx) / ((m.alpha + T) * (m.alpha + tx))
	g[2] = w / m.a
	g[3] = -w / (m.b + x + m.shift - 1)
	return p, q
}

// paramCov checks that fit is not penalised and that fit.Cov is a k×k
// covariance of finite numbers, symmetric to rounding (1e-8 of the
// scale), with a non-negative diagonal (zero for a parameter held at a
// bound), and returns a symmetric copy.
func paramCov(fn, field string, fit Fit, k int) ([][]float64, error) {
	if fit.Penalized {
		return nil, fault.New(fn, -1, field, ErrInvalid, "comes from a penalised fit (Fit.Penalized): it is not a sampling covariance")
	}
	if fit.Cov == nil {
		return nil, fault.New(fn, -1, field, ErrInvalid, "is nil: the fit has no covariance (its Hessian was not positive definite)")
	}
	if len(fit.Cov) != k {
		return nil, fault.New(fn, -1, field, ErrInvalid, "has %d rows, want %d (one per model parameter)", len(fit.Cov), k)
	}
	for i, row := range fit.Cov {
		if len(row) != k {
			return nil, fault.New(fn, -1, field, ErrInvalid, "row %d has %d columns, want %d", i, len(row), k)
		}
	}
	cov := make([][]float64, k)
	for i, row := range fit.Cov {
		cov[i] = make([]float64, k)
		for j, v := range row {
			w := fit.Cov[j][i]
			scale := math.Sqrt(math.Abs(fit.Cov[i][i] * fit.Cov[j][j]))
			if math.IsNaN(v) || math.IsInf(v, 0) || (i == j && v < 0) || !(math.Abs(v-w) <= 1e-8*scale) {
				return nil, fault.New(fn, -1, field, ErrInvalid, "[%d][%d] is %v: want a symmetric matrix of finite numbers with a diagonal ≥ 0", i, j, v)
			}
			cov[i][j] = (v + w) / 2
		}
	}
	return cov, nil
}

// quadForm returns g'·Σ·g.
func quadForm(g []float64, cov [][]float64) float64 {
	var s float64
	for i, gi := range g {
		if gi == 0 {
			continue
		}
		for j, gj := range g {
			s += gi * cov[i][j] * gj
		}
	}
	return s
}

// A stencil holds a model at the points of a Richardson-extrapolated
// central difference around θ̂ in log-parameter space, so that the
// gradient of any smooth function of the model costs four evaluations per
// free parameter. The step of parameter j is h_j = min(2^−6, σ_j/8), σ_j
// the standard error of ln θ_j, so the difference resolves the function on
// the scale the delta method linearises it over; with steps h and h/2,
//
//	D(h) = (f(θ_j·e^h) − f(θ_j·e^−h))/(2h),   ∂f/∂ln θ_j = (4·D(h/2) − D(h))/3 + O(h⁴),
//
// and ∂f/∂θ_j = (∂f/∂ln θ_j)/θ_j. Parameters with zero variance (held at a
// bound) get no derivative. The models are made once and shared by every
// customer row.
type stencil struct {
	theta, step []float64
	at          [][4]parametric // θ_j·e^(h), e^(−h), e^(h/2), e^(−h/2)
}

func newStencil(m parametric, cov [][]float64) *stencil {
	th := m.params()
	s := &stencil{theta: th, step: make([]float64, len(th)), at: make([][4]parametric, len(th))}
	for j := range th {
		sd := math.Sqrt(cov[j][j]) / th[j]
		if !(sd > 0) {
			continue
		}
		h := min(0x1p-6, sd/8)
		s.step[j] = h
		for k, e := range [4]float64{h, -h, h / 2, -h / 2} {
			p := append([]float64(nil), th...)
			p[j] *= math.Exp(e)
			s.at[j][k] = m.withParams(p)
		}
	}
	return s
}

// grad writes g[i][j] = ∂f_i/∂θ_j for a vector function f of the model
// with len(g) outputs (g[i] has one entry per parameter); buf is scratch
// of length 4·len(g).
func (s *stencil) grad(f func(m parametric, out []float64), g [][]float64, buf []float64) {
	n := len(g)
	for j, h := range s.step {
		if h == 0 {
			for i := range g {
				g[i][j] = 0
			}
			continue
		}
		for k := range 4 {
			f(s.at[j][k], buf[k*n:(k+1)*n])
		}
		for i := range g {
			d1 := (buf[i] - buf[n+i]) / (2 * h)
			d2 := (buf[2*n+i] - buf[3*n+i]) / h
			g[i][j] = (d2 + (d2-d1)/3) / s.theta[j]
		}
	}
}
