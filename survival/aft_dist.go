package survival

import (
	"math"
	"strconv"

	"github.com/ltvgo/ltv/internal/numeric"
	"gonum.org/v1/gonum/stat/distuv"
)

// AFTDist is the distribution of the error term ε in an accelerated failure
// time model log T = η + σ·ε (R survreg's dist argument).
type AFTDist int

const (
	// Weibull: ε has the standard (minimum) extreme-value distribution,
	// S(z) = exp(−e^z); T is Weibull with shape 1/σ and scale e^η
	// (R's "weibull", the zero value).
	Weibull AFTDist = iota
	// Exponential: Weibull with σ fixed at 1, a constant hazard e^(−η)
	// (R's "exponential").
	Exponential
	// LogNormal: ε is standard normal (R's "lognormal").
	LogNormal
	// LogLogistic: ε is standard logistic, S(z) = 1/(1 + e^z); T is
	// log-logistic with shape 1/σ and scale e^η (R's "loglogistic").
	LogLogistic
)

// String returns R survreg's name of the distribution.
func (d AFTDist) String() string {
	switch d {
	case Weibull:
		return "weibull"
	case Exponential:
		return "exponential"
	case LogNormal:
		return "lognormal"
	case LogLogistic:
		return "loglogistic"
	}
	return "AFTDist(" + strconv.Itoa(int(d)) + ")"
}

func (d AFTDist) valid() bool { return d >= Weibull && d <= LogLogistic }

// logSqrt2Pi is log √(2π), the constant of the normal log-density.
const logSqrt2Pi = 0.91893853320467274178

// logDensity returns log f(z) of the standard error distribution and its
// first two derivatives in z.
func (d AFTDist) logDensity(z float64) (v, d1, d2 float64) {
	switch d {
	case LogNormal:
		return -z*z/2 - logSqrt2Pi, -z, -1
	case LogLogistic:
		p, q, _, lnQ := numeric.Logistic(z)
		// log f = z − 2·log(1 + e^z) = z + 2·ln q
		return z + 2*lnQ, q - p, -2 * p * q
	}
	ez := math.Exp(z)
	return z - ez, 1 - ez, -ez
}

// logSurvival returns log S(z) of the standard error distribution and its
// first two derivatives in z. The first derivative is minus the hazard of
// ε.
func (d AFTDist) logSurvival(z float64) (v, d1, d2 float64) {
	switch d {
	case LogNormal:
		lam, excess := normalHazard(z)
		return logNormalTail(z, lam), -lam, -lam * excess
	case LogLogistic:
		p, q, _, lnQ := numeric.Logistic(z)
		return lnQ, -p, -p * q
	}
	ez := math.Exp(z)
	return -ez, -ez, -ez
}

// quantile returns the p-quantile of ε: the z with 1 − S(z) = p (the
// normal one by gonum's rational approximation, Wichura 1988, AS 241,
// which keeps its relative precision in the tails).
func (d AFTDist) quantile(p float64) float64 {
	switch d {
	case LogNormal:
		return distuv.UnitNormal.Quantile(p)
	case LogLogistic:
		return math.Log(p) - math.Log1p(-p)
	}
	return math.Log(-math.Log1p(-p))
}

// millsFrom is where the normal hazard switches from erfc to the continued
// fraction: the erfc form is within 1e-14 of mpmath up to z = 8, where
// the fraction needs 18 terms (fewer beyond) and is within 1e-16.
const millsFrom = 8

// normalHazard returns the hazard λ(z) = φ(z)/(1 − Φ(z)) of the standard
// normal distribution and the excess λ(z) − z > 0, without cancellation
// for large z. From millsFrom on it sums the continued fraction (Abramowitz
// & Stegun 26.2.14 for the Mills ratio R = 1/λ)
//
//	λ(z) − z = 1/(z + 2/(z + 3/(z + 4/(z + …))))
//
// by the modified Lentz method.
func normalHazard(z float64) (lam, excess float64) {
	if z < millsFrom {
		tail := 0.5 * math.Erfc(z/math.Sqrt2)
		lam = math.Exp(-z*z/2-logSqrt2Pi) / tail
		return lam, lam - z
	}
	const tiny = 1e-300
	f, c, dd := tiny, tiny, 0.0
	// f = a1/(b1 + a2/(b2 + …)) with a_k = k and b_k = z.
	for k := 1; k <= 500; k++ {
		a := float64(k)
		dd = z + a*dd
		if dd == 0 {
			dd = tiny
		}
		c = z + a/c
		if c == 0 {
			c = tiny
		}
		dd = 1 / dd
		delta := c * dd
		f *= delta
		if math.Abs(delta-1) <= 1e-16 {
			break
		}
	}
	return z + f, f
}

// logNormalTail returns log(1 − Φ(z)) given the hazard λ(z): directly for
// z below millsFrom, and as log φ(z) − log λ(z) above, where 1 − Φ(z)
// underflows from z ≈ 38.
func logNormalTail(z, lam float64) float64 {
	if z < millsFrom {
		return math.Log(0.5 * math.Erfc(z/math.Sqrt2))
	}
	return -z*z/2 - logSqrt2Pi - math.Log(lam)
}

// logMills returns log R(z) = log((1 − Φ(z))/φ(z)), the log Mills ratio,
// for any z: it is about z²/2 + log √(2π) for z → −∞ and −log z for
// z → +∞.
func logMills(z float64) float64 {
	if z < millsFrom {
		return math.Log(0.5*math.Erfc(z/math.Sqrt2)) + z*z/2 + logSqrt2Pi
	}
	lam, _ := normalHazard(z)
	return -math.Log(lam)
}
