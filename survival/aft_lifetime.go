package survival

import (
	"math"

	"github.com/ltvgo/ltv/internal/numeric"
	"gonum.org/v1/gonum/mathext"
)

// Lifetime is the lifetime distribution of one subject under an AFT
// model, log T = Location + Scale·ε with ε distributed as Dist. Times are
// in the unit of the data the model was fitted on. Exponential ignores
// Scale (σ = 1). A Lifetime is a plain value, safe for concurrent use.
type Lifetime struct {
	Dist     AFTDist
	Location float64 // η = β_0 + β·x, R's predict(type = "lp")
	Scale    float64 // σ > 0
}

// For returns the lifetime distribution of a subject with covariates x,
// in the order of the columns of X in the fit.
//
// Special cases are:
//
//	For(x) has a NaN Location (so every method returns NaN) if len(x) ≠ len(m.Coef) or x holds NaN or ±Inf
func (m *AFT) For(x []float64) Lifetime {
	eta := m.Intercept
	if len(x) != len(m.Coef) {
		eta = math.NaN()
	}
	for j, v := range x {
		if math.IsInf(v, 0) || j >= len(m.Coef) {
			eta = math.NaN()
			break
		}
		eta += m.Coef[j] * v
	}
	return Lifetime{Dist: m.Dist, Location: eta, Scale: m.Scale}
}

// sigma returns σ, or NaN when l is not a valid distribution.
func (l Lifetime) sigma() float64 {
	switch {
	case !l.Dist.valid() || math.IsNaN(l.Location) || math.IsInf(l.Location, 0):
		return math.NaN()
	case l.Dist == Exponential:
		return 1
	case !(l.Scale > 0) || math.IsInf(l.Scale, 1):
		return math.NaN()
	}
	return l.Scale
}

// z returns (log t − η)/σ and σ, NaN when l or t is invalid (t < 0 or NaN).
func (l Lifetime) z(t float64) (z, sigma float64) {
	sigma = l.sigma()
	if !(t >= 0) || math.IsNaN(sigma) {
		return math.NaN(), math.NaN()
	}
	return (math.Log(t) - l.Location) / sigma, sigma
}

// Survival returns S(t) = P(T > t).
//
// Special cases are:
//
//	Survival(0) = 1
//	Survival(+Inf) = 0
//	Survival(t) = NaN if t < 0 or t is NaN, or l is invalid (unknown Dist, Scale ≤ 0, non-finite Location)
func (l Lifetime) Survival(t float64) float64 {
	z, _ := l.z(t)
	if math.IsInf(z, 1) {
		return 0
	}
	v, _, _ := l.Dist.logSurvival(z)
	return math.Exp(v)
}

// Hazard returns the hazard h(t) = f(t)/S(t), per unit of time:
// e^z/(σt) (Weibull), φ(z)/((1 − Φ(z))·σt) (log-normal),
// 1/((1 + e^(−z))·σt) (log-logistic), with z = (log t − η)/σ.
//
// Special cases are:
//
//	Hazard(t) = e^(−η) for Exponential, at every t ≥ 0
//	Hazard(0) = 0, e^(−η) or +Inf for Weibull and log-logistic with σ < 1, σ = 1 or σ > 1; 0 for log-normal
//	Hazard(+Inf) = +Inf, e^(−η) or 0 for Weibull with σ < 1, σ = 1 or σ > 1; 0 for log-normal and log-logistic
//	Hazard(t) = NaN if t < 0 or t is NaN, or l is invalid
func (l Lifetime) Hazard(t float64) float64 {
	z, sigma := l.z(t)
	switch {
	case math.IsNaN(z):
		return math.NaN()
	case l.Dist == Exponential:
		return math.Exp(-l.Location)
	case t == 0 && l.Dist == LogNormal:
		return 0
	case t == 0 && sigma == 1:
		return math.Exp(-l.Location)
	case t == 0 && sigma < 1:
		return 0
	case t == 0:
		return math.Inf(1)
	case math.IsInf(t, 1) && l.Dist == Weibull && sigma == 1:
		return math.Exp(-l.Location)
	case math.IsInf(t, 1) && l.Dist == Weibull && sigma < 1:
		return math.Inf(1)
	case math.IsInf(t, 1):
		return 0
	}
	var logHaz float64 // log of the hazard of ε at z
	switch l.Dist {
	case LogNormal:
		lam, _ := normalHazard(z)
		logHaz = math.Log(lam)
	case LogLogistic:
		_, _, logHaz, _ = numeric.Logistic(z)
	default:
		logHaz = z
	}
	return math.Exp(logHaz - math.Log(sigma) - math.Log(t))
}

// Quantile returns the time by which a fraction p of subjects has failed,
// t_p = exp(η + σ·z_p) with 1 − S(t_p) = p (R's predict(type =
// "quantile")).
//
// Special cases are:
//
//	Quantile(0) = 0
//	Quantile(1) = +Inf
//	Quantile(p) = NaN if p < 0, p > 1 or p is NaN, or l is invalid
func (l Lifetime) Quantile(p float64) float64 {
	sigma := l.sigma()
	if !(p >= 0 && p <= 1) || math.IsNaN(sigma) {
		return math.NaN()
	}
	return math.Exp(l.Location + sigma*l.Dist.quantile(p))
}

// Median returns Quantile(0.5), the median lifetime.
//
// Special cases are:
//
//	Median() = NaN if l is invalid
func (l Lifetime) Median() float64 { return l.Quantile(0.5) }

// Mean returns E[T], ResidualLife(0):
// e^η·Γ(1 + σ) (Weibull), e^(η + σ²/2) (log-normal), e^η·πσ/sin(πσ)
// (log-logistic, σ < 1).
//
// Special cases are:
//
//	Mean() = +Inf for log-logistic with σ ≥ 1
//	Mean() = NaN if l is invalid
func (l Lifetime) Mean() float64 { return l.ResidualLife(0) }

// ResidualLife returns the expected remaining lifetime of a subject that
// has survived to t, E[T − t | T > t] = ∫_t^∞ S(u) du / S(t), in closed
// form, with x = e^z and z = (log t − η)/σ:
//
//	Weibull:      e^η·Γ(1+σ)·e^x·Q(σ, x)     = σ·t·e^x·E_{1−σ}(x)
//	log-normal:   t·(R(z − σ)/R(z) − 1),      R(z) = (1 − Φ(z))/φ(z) (the Mills ratio)
//	log-logistic: e^η·σ·B(1−σ, σ)·I_{1/(1+x)}(1−σ, σ)·(1 + x)
//	              = σ·t·(1 + 1/x)·Σ_n (−1/x)^n/(n + 1 − σ)   (x > 1)
//
// with Q the regularised upper incomplete gamma function, E_s the
// generalised exponential integral (Abramowitz & Stegun 6.5.3, 5.1.4) and
// I the regularised incomplete beta function. Each form is evaluated
// where it keeps full precision (the Weibull one by Q for x < σ + 1 and by
// the continued fraction of E_s beyond, the log-normal one from log Mills
// ratios, the log-logistic one by the series for x ≥ 4), so the result
// stays accurate for t far in the tail, where S(t) underflows.
//
// Special cases are:
//
//	ResidualLife(t) = +Inf for log-logistic with σ ≥ 1 (the mean is infinite)
//	ResidualLife(+Inf) = NaN
//	ResidualLife(t) = NaN if t < 0 or t is NaN, or l is invalid
func (l Lifetime) ResidualLife(t float64) float64 {
	z, sigma := l.z(t)
	if math.IsNaN(z) || math.IsInf(t, 1) {
		return math.NaN()
	}
	switch l.Dist {
	case LogNormal:
		return normalResidual(l.Location, sigma, z, t)
	case LogLogistic:
		return logisticResidual(l.Location, sigma, z, t)
	}
	return weibullResidual(l.Location, sigma, z, t)
}

// weibullResidual is ResidualLife for Weibull (and exponential) lifetimes.
func weibullResidual(eta, sigma, z, t float64) float64 {
	x := math.Exp(z)
	if x < sigma+1 {
		lg, _ := math.Lgamma(1 + sigma)
		return math.Exp(eta + x + lg + math.Log(mathext.GammaIncRegComp(sigma, x)))
	}
	return sigma * t * scaledExpIntAny(1-sigma, x)
}

// scaledExpIntAny returns e^x·E_s(x) for x ≥ 1 and any real s: directly
// for s > 0 and, for s ≤ 0, by the recurrence s·E_{s+1}(x) = e^(−x) −
// x·E_s(x) (A&S 5.1.14) down from s + n ∈ (0, 1], whose terms are all
// positive there.
func scaledExpIntAny(s, x float64) float64 {
	if s > 0 {
		return numeric.ScaledExpInt(s, x)
	}
	n := math.Floor(1 - s)
	v := numeric.ScaledExpInt(s+n, x)
	for k := n - 1; k >= 0; k-- {
		v = (1 - (s+k)*v) / x
	}
	return v
}

// normalResidual is ResidualLife for log-normal lifetimes. Below the
// median (z < 0) it is e^(η+σ²/2)·(1 − Φ(z−σ))/(1 − Φ(z)) − t, whose tail
// probabilities are near 1; above, t·(e^D − 1) with D = log R(z − σ) −
// log R(z), which stays finite where the tails underflow.
func normalResidual(eta, sigma, z, t float64) float64 {
	if z < 0 {
		logTail := func(w float64) float64 { return math.Log(0.5 * math.Erfc(w/math.Sqrt2)) }
		return math.Exp(eta+sigma*sigma/2+logTail(z-sigma)-logTail(z)) - t
	}
	dd := logMills(z-sigma) - logMills(z)
	if dd > 1 { // e^D − 1 has no cancellation; e^D alone may overflow
		return math.Exp(math.Log(t)+dd) - t
	}
	return t * math.Expm1(dd)
}

// logisticResidual is ResidualLife for log-logistic lifetimes.
func logisticResidual(eta, sigma, z, t float64) float64 {
	if sigma >= 1 {
		return math.Inf(1)
	}
	x := math.Exp(z)
	if x < 4 {
		w, wc := 1/(1+x), x/(1+x)
		logB := math.Log(math.Pi / math.Sin(math.Pi*sigma)) // B(1−σ, σ)
		return math.Exp(eta+math.Log(sigma)+logB) * numeric.RegIncBeta(1-sigma, sigma, w, wc) * (1 + x)
	}
	sum, term := 0.0, 1.0
	for n := 0.0; n < 200; n++ {
		d := term / (n + 1 - sigma)
		sum += d
		if math.Abs(d) <= 1e-17*math.Abs(sum) {
			break
		}
		term /= -x
	}
	return sigma * t * (1 + 1/x) * sum
}

// RestrictedResidualLife returns the expected remaining lifetime within a
// horizon τ of a subject that has survived to t,
//
//	E[min(T − t, τ) | T > t] = ∫_t^{t+τ} S(u) du / S(t),
//
// which is finite for every distribution. The integral is split where the
// conditional survival S(u)/S(t) falls by successive factors of e (at the
// distribution's own quantiles, so no piece hides where it drops) and
// each piece is integrated by adaptive Gauss–Legendre quadrature to about
// 1e-13 relative; the sum stops once the rest of [t, t+τ] cannot add
// 1e-16 of it.
//
// Special cases are:
//
//	RestrictedResidualLife(t, 0) = 0
//	RestrictedResidualLife(t, +Inf) = ResidualLife(t)
//	RestrictedResidualLife(t, τ) = NaN if τ < 0, t < 0, t = +Inf, either is NaN, or l is invalid
func (l Lifetime) RestrictedResidualLife(t, tau float64) float64 {
	z, sigma := l.z(t)
	switch {
	case math.IsNaN(z) || math.IsInf(t, 1) || !(tau >= 0):
		return math.NaN()
	case tau == 0:
		return 0
	case math.IsInf(tau, 1):
		return l.ResidualLife(t)
	}
	logS0, _, _ := l.Dist.logSurvival(z)
	condSurv := func(u float64) float64 {
		v, _, _ := l.Dist.logSurvival((math.Log(t+u) - l.Location) / sigma)
		return math.Exp(v - logS0)
	}
	sum, a := 0.0, 0.0
	for k := 1.0; k <= 2000; k++ {
		zk := l.Dist.invCumHazard(k - logS0)
		b := math.Min(tau, math.Exp(l.Location+sigma*zk)-t)
		if b > a {
			sum += integrate(condSurv, a, b)
			a = b
		}
		if a >= tau || condSurv(a)*(tau-a) <= 1e-16*sum {
			break
		}
	}
	return sum
}

// invCumHazard returns a z with −log S(z) ≈ h for h > 0: exact for the
// extreme-value and logistic distributions, and within the first term of
// the asymptotic series for the normal beyond h = 30 (the pieces of
// RestrictedResidualLife need no more).
func (d AFTDist) invCumHazard(h float64) float64 {
	switch d {
	case LogNormal:
		if h < 30 {
			return math.Sqrt2 * math.Erfinv(1-2*math.Exp(-h))
		}
		z0 := math.Sqrt(2 * h)
		return math.Sqrt(2*h - 2*math.Log(z0) - math.Log(2*math.Pi))
	case LogLogistic:
		if h > 700 {
			return h
		}
		return math.Log(math.Expm1(h))
	}
	return math.Log(h)
}
