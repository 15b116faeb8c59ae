package numeric

import "math"

// Trigamma returns ψ₁(x) = d²/dx² ln Γ(x) for x > 0: the recurrence
// ψ₁(x) = ψ₁(x+1) + 1/x² up to x ≥ 10, then the asymptotic series
// 1/x + 1/(2x²) + Σ B_2k/x^(2k+1) through B₁₄ (Abramowitz & Stegun
// 6.4.12), accurate to about 1e-15 relative. It returns NaN for x ≤ 0.
func Trigamma(x float64) float64 {
	if !(x > 0) {
		return math.NaN()
	}
	var acc float64
	for ; x < 10; x++ {
		acc += 1 / (x * x)
	}
	r := 1 / x
	r2 := r * r
	// Bernoulli numbers B2 … B14: 1/6, −1/30, 1/42, −1/30, 5/66, −691/2730, 7/6.
	series := r2 * r * (1.0/6 + r2*(-1.0/30+r2*(1.0/42+r2*(-1.0/30+r2*(5.0/66+r2*(-691.0/2730+r2*7.0/6))))))
	return acc + r + r2/2 + series
}
