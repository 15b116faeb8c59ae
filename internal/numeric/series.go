package numeric

import (
	"errors"
	"math"
)

// MaxSeriesTerms caps every series in this package (MODELS.md N2).
const MaxSeriesTerms = 1_000_000

// ErrSeriesCap is returned when a series reaches MaxSeriesTerms terms
// before meeting its stopping rule.
var ErrSeriesCap = errors.New("numeric: series did not converge within the term cap")

// BGCore returns M(a, b', k, τ) = E[(1 − (1+pτ)^(−k))/p] for p ~ Beta(a, b'),
// the core of every BG/NBD and MBG/NBD expectation (MODELS.md N3):
//
//	M = c·E1 − (1−z)^(a−1)·G,   c = a+b'−1,  z = τ/(1+τ),
//	E1 = (1 − (1−z)^(a−1))/(a−1)  (→ −ln(1−z) at a = 1),
//	G  = Σ_{j≥1} g_j,  g_1 = (c−k)·z,  g_{j+1} = g_j·(c−k+j)(a+j−1)·z/((c+j)(j+1)).
//
// It is finite for every a, b' > 0 and k > 0, including a = 1 and c → 0,
// where the textbook 2F1 form divides by zero or cancels. τ ≥ 0.
func BGCore(a, bp, k, tau float64) (float64, error) {
	if tau == 0 {
		return 0, nil
	}
	c := a + bp - 1
	z := tau / (1 + tau)
	l := -math.Log1p(tau) // ln(1−z)
	eps := a - 1
	e1 := ExpRel(eps, -l)
	g, err := bgCoreSeries(a, c, c-k, z)
	if err != nil {
		// MODELS.md N3 suggests gonum's mathext.Hypergeo here, but Cephes
		// can fail to terminate for large c; the cap (1e6 terms, 1−z ≈ 4e-5)
		// is far beyond the worst case measured (50,935 terms).
		return math.NaN(), err
	}
	return c*e1 - math.Exp(eps*l)*g, nil
}

// bgCoreSeries sums G of BGCore with the N2 stopping rule: stop once a
// term is negligible and the terms are shrinking.
func bgCoreSeries(a, c, A, z float64) (float64, error) {
	g := A * z
	sum := g
	for j := 1; j < MaxSeriesTerms; j++ {
		jf := float64(j)
		ratio := (A + jf) * (a + jf - 1) * z / ((c + jf) * (jf + 1))
		next := g * ratio
		sum += next
		if next == 0 || (math.Abs(next) <= 1e-16*math.Abs(sum) && math.Abs(ratio) < 1) {
			return sum, nil
		}
		g = next
	}
	return sum, ErrSeriesCap
}
