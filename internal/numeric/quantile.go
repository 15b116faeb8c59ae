package numeric

import "math"

// Quantile7 returns the type-7 quantile of ascending data at f ∈ [0, 1]
// (R's quantile default, numpy's "linear"): with h = (n − 1)·f, the value
// x_⌊h⌋ + (h − ⌊h⌋)·(x_⌊h⌋+1 − x_⌊h⌋) (Hyndman & Fan 1996).
//
// Special cases are:
//
//	Quantile7 = NaN for empty data, and for f NaN or outside [0, 1]
func Quantile7(sorted []float64, f float64) float64 {
	n := len(sorted)
	if n == 0 || !(f >= 0 && f <= 1) {
		return math.NaN()
	}
	h := float64(n-1) * f
	lo := int(h)
	if lo >= n-1 {
		return sorted[n-1]
	}
	return sorted[lo] + (h-float64(lo))*(sorted[lo+1]-sorted[lo])
}
