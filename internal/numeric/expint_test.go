package numeric

import (
	"math"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mathext"
)

func ftoa(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// Expected values: mpmath 1.3.0 at 40 digits, exp(z)·expint(s, z), at the
// float64 values of the inputs (computed for this test). S(1, 1) = e·E_1(1)
// = e·0.21938393439552 (Abramowitz & Stegun Table 5.1) is a published check.
var scaledExpIntCases = []struct{ s, z, want float64 }{
	{0.5, 1e-4, 175.2629771766503},
	{0.5, 0.05, 6.2650436057044308},
	{0.606, 0.1, 3.4401598468699103},
	{1, 0.5, 0.92291063248373047},
	{1, 1, 0.59634736232319407},
	{2, 0.3, 0.63323931847582434},
	{3.7, 1, 0.25031694436405393},
	{0.05, 0.9, 1.0763833610724686},
	{30, 0.2, 0.034238263763405159},
	{0.606, 2.5, 0.3362961889788219},
	{12.5, 40, 0.019131950677351202},
	{1, 10, 0.091563333939788082},
}

func TestScaledExpInt(t *testing.T) {
	for _, tc := range scaledExpIntCases {
		got := ScaledExpInt(tc.s, tc.z)
		require.False(t, math.IsNaN(got) || math.IsInf(got, 0))
		// N5: quadrature ≤ 3e-15, continued fraction ≤ 6e-15 vs mpmath.
		require.InEpsilon(t, tc.want, got, 1e-14, "S(%v, %v)", tc.s, tc.z)
	}
}

// TestScaledExpIntClosedForms checks S against functions it reduces to:
//
//	s = ½:     S = e^z·√(π/z)·erfc(√z)                (substitute 1+v = u², hand derivation)
//	s ∈ (0,1): S = e^z·z^(s−1)·Γ(1−s)·Q(1−s, z)        (E_s(z) = z^(s−1)·Γ(1−s, z); gonum GammaIncRegComp)
//	s + 1:     S(s+1, z) = (1 − z·S(s, z))/s           (integration by parts)
//
// over both branches and across z = 1, where the branches meet.
func TestScaledExpIntClosedForms(t *testing.T) {
	for _, z := range []float64{1e-5, 0.01, 0.3, 0.999999, 1, 1.000001, 3, 30} {
		half := math.Exp(z) * math.Sqrt(math.Pi/z) * math.Erfc(math.Sqrt(z))
		require.InEpsilon(t, half, ScaledExpInt(0.5, z), 1e-13, "z=%v", z)
		for _, s := range []float64{0.1, 0.606, 0.9} {
			want := math.Exp(z) * math.Pow(z, s-1) * math.Gamma(1-s) * mathext.GammaIncRegComp(1-s, z)
			require.InEpsilon(t, want, ScaledExpInt(s, z), 1e-12, "s=%v z=%v", s, z)
		}
		for _, s := range []float64{0.6, 2.3, 7} {
			require.InEpsilon(t, (1-z*ScaledExpInt(s, z))/s, ScaledExpInt(s+1, z), 1e-12, "s=%v z=%v", s, z)
		}
	}
	// Both branches are valid at z = 1 and just below it; they must agree.
	for _, s := range []float64{0.05, 0.606, 1, 4.5, 30} {
		for _, z := range []float64{0.9, 1} {
			require.InEpsilon(t, scaledExpIntFraction(s, z), scaledExpIntQuad(s, z), 1e-14, "s=%v z=%v", s, z)
		}
	}
}

func TestScaledExpIntSpecial(t *testing.T) {
	require.Equal(t, 0.0, ScaledExpInt(0.6, math.Inf(1)))
	for _, in := range [][2]float64{{0, 1}, {-1, 1}, {1, 0}, {1, -2}, {math.NaN(), 1}, {1, math.NaN()}, {math.Inf(1), 1}} {
		require.True(t, math.IsNaN(ScaledExpInt(in[0], in[1])), "%v", in)
	}
}

func BenchmarkScaledExpInt(b *testing.B) {
	for _, z := range []float64{0.05, 0.5, 2} {
		b.Run("z="+ftoa(z), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ScaledExpInt(0.606, z)
			}
		})
	}
}
