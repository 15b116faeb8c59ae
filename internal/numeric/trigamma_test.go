package numeric

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTrigamma(t *testing.T) {
	// Closed forms: ψ₁(1) = π²/6, ψ₁(½) = π²/2, ψ₁(n+1) = π²/6 − Σ_{k≤n} 1/k².
	pi2 := math.Pi * math.Pi
	for _, tc := range []struct{ x, want float64 }{
		{1, pi2 / 6},
		{0.5, pi2 / 2},
		{2, pi2/6 - 1},
		{4, pi2/6 - 1 - 1.0/4 - 1.0/9},
	} {
		assert.InDelta(t, tc.want, Trigamma(tc.x), 1e-13*tc.want, "x=%v", tc.x)
	}
	// Identities (A&S 6.4.7 reflection, 6.4.8 duplication) across the
	// recurrence/asymptotic switch at 10.
	for _, x := range []float64{0.243, 0.61, 3.7, 9.99, 10.01, 30.5} {
		if x < 1 {
			s := math.Sin(math.Pi * x)
			assert.InDelta(t, pi2/(s*s), Trigamma(x)+Trigamma(1-x), 1e-13*pi2/(s*s), "reflection x=%v", x)
		}
		dup := (Trigamma(x) + Trigamma(x+0.5)) / 4
		assert.InDelta(t, dup, Trigamma(2*x), 1e-14*dup, "duplication x=%v", x)
	}
	assert.True(t, math.IsNaN(Trigamma(0)))
	assert.True(t, math.IsNaN(Trigamma(math.NaN())))
}
