package numeric

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Hand-checkable identities: B(a, b+1)/B(a, b) = b/(a+b), B(1, b+d)/B(1, b)
// = b/(b+d), and ψ(x+n) − ψ(x) = Σ_{k<n} 1/(x+k), over arguments from 1e-3
// to 1e20, with the references summed in float64 where nothing cancels
// (log1p of the small quantities). clv's BdW tests compare LnBetaRatio with
// mpmath over the model's whole range.
func TestLnBetaRatioIdentities(t *testing.T) {
	vals := []float64{1e-3, 0.3, 1, 9.5, 10, 37, 1e3, 1e8, 1e20}
	for _, a := range vals {
		for _, b := range vals {
			want := -math.Log1p(a / b) // ln(b/(a+b))
			assert.InDelta(t, want, LnBetaRatio(a, b, 1), 4e-16*math.Max(1, math.Abs(want)), "a=%v b=%v", a, b)
			want = -math.Log1p(a / b) // B(1, b+d)/B(1, b) with d = a
			assert.InDelta(t, want, LnBetaRatio(1, b, a), 4e-16*math.Max(1, math.Abs(want)), "d=%v b=%v", a, b)
			assert.InDelta(t, LnBetaRatio(a, b, 7.5), LnBetaRatio(7.5, b, a), 1e-15*math.Max(1, math.Abs(LnBetaRatio(a, b, 7.5))), "symmetric in a and d")
		}
	}
	assert.Equal(t, 0.0, LnBetaRatio(2, 3, 0))
	assert.Equal(t, math.Inf(-1), LnBetaRatio(2, 3, math.Inf(1)))
	for _, bad := range [][3]float64{{0, 1, 1}, {1, 0, 1}, {1, 1, -1}, {math.Inf(1), 1, 1}, {1, math.Inf(1), 1}, {math.NaN(), 1, 1}, {1, 1, math.NaN()}} {
		assert.True(t, math.IsNaN(LnBetaRatio(bad[0], bad[1], bad[2])), "%v", bad)
	}
}

func TestDigammaDiffIdentities(t *testing.T) {
	for _, x := range []float64{1e-3, 0.3, 1, 9.5, 10, 37, 1e3, 1e8, 1e15} {
		for _, n := range []int{1, 2, 5, 30} {
			var want float64
			for k := n - 1; k >= 0; k-- {
				want += 1 / (x + float64(k))
			}
			assert.InEpsilon(t, want, DigammaDiff(x, float64(n)), 4e-15, "x=%v n=%d", x, n)
		}
	}
	assert.Equal(t, 0.0, DigammaDiff(2, 0))
	assert.Equal(t, math.Inf(1), DigammaDiff(2, math.Inf(1)))
	for _, bad := range [][2]float64{{0, 1}, {1, -1}, {math.Inf(1), 1}, {math.NaN(), 1}, {1, math.NaN()}} {
		assert.True(t, math.IsNaN(DigammaDiff(bad[0], bad[1])), "%v", bad)
	}
}
