package survival

import (
	"math"

	"gonum.org/v1/gonum/integrate/quad"
)

// Gauss–Legendre rules on [−1, 1] for integrate's error estimate.
var (
	gl7x, gl7w   = legendreRule(7)
	gl15x, gl15w = legendreRule(15)
)

func legendreRule(n int) (x, w []float64) {
	x, w = make([]float64, n), make([]float64, n)
	quad.Legendre{}.FixedLocations(x, w, -1, 1)
	return x, w
}

// maxBisections bounds the work of one integrate call (about 22 function
// values per bisection).
const maxBisections = 1000

// integrate returns ∫_a^b f by adaptive bisection: an interval is
// accepted when its 15- and 7-point Gauss–Legendre sums agree to 1e-13
// relative (or both are 0), and no more than maxBisections intervals are
// split. f should be smooth on (a, b); a NaN value gives NaN.
func integrate(f func(float64) float64, a, b float64) float64 {
	budget := maxBisections
	return bisect(f, a, b, &budget)
}

func bisect(f func(float64) float64, a, b float64, budget *int) float64 {
	rule := func(x, w []float64) float64 {
		mid, half := (a+b)/2, (b-a)/2
		s := 0.0
		for i, xi := range x {
			s += w[i] * f(mid+half*xi)
		}
		return s * half
	}
	fine, coarse := rule(gl15x, gl15w), rule(gl7x, gl7w)
	if math.IsNaN(fine) || *budget <= 0 || math.Abs(fine-coarse) <= 1e-13*math.Abs(fine) {
		return fine
	}
	*budget--
	mid := (a + b) / 2
	return bisect(f, a, mid, budget) + bisect(f, mid, b, budget)
}
