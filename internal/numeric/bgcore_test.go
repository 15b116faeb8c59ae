package numeric

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mathext"
)

// Expected values: mpmath 1.3.0, c/(a−1)·[1 − 2F1(a−1, k; c; −τ)] at 80
// digits, at the float64 values of the inputs (computed for this test).
// The first four are the reported BG/NBD failures, E[X(52)] at the
// published CDNOW parameters (Fader, Hardie & Lee 2005) with r = 100,
// r = 1000, a = 1e4 and a = 1e6; the series gave −3.1e7, ±1e146…1e260 and
// NaN there. The fifth is E[X(52)] at those parameters themselves.
var bgCoreCases = []struct{ a, bp, k, tau, want float64 }{
	{0.793, 2.426, 100, 52 / 4.414, 30.082393010083827},
	{0.793, 2.426, 1000, 52 / 4.414, 55.031737552750499},
	{1e4, 2.426, 0.243, 52 / 4.414, 0.46168001541111869},
	{1e6, 2.426, 0.243, 52 / 4.414, 0.4615981130419527},
	{0.793, 2.426, 0.243, 52 / 4.414, 1.4460505953964038},
	{1e-3, 1e8, 1e4, 1e7, 99410222352.032043},
	{1e-3, 1e-3, 1e-3, 1e-8, 9.9999999749750006e-12},
	{3, 1e5, 1e-3, 0.2, 0.00019999939942122203},
	// a = b' = 1e8: p is 1/2 to 1e-4, so M ≈ 2·(1 − (1+τ/2)^(−k)).
	{1e8, 1e8, 1, 1e-3, 0.0009995002498750637376883650215651785},
	{1e8, 1e8, 1e4, 1e3, 2.000000010000000100000001},
	{1e8, 1e-3, 1e4, 1e4, 1.0000000000100000001000000012081668},
}

func TestBGCore(t *testing.T) {
	for _, tc := range bgCoreCases {
		got := BGCore(tc.a, tc.bp, tc.k, tc.tau)
		require.InEpsilon(t, tc.want, got, 1e-12, "M(%v, %v, %v, %v)", tc.a, tc.bp, tc.k, tc.tau)
	}
}

// TestBGCoreSeriesQuad checks the two ways of computing M against each
// other wherever the series trusts itself, over a grid that spans both
// small and large parameters.
func TestBGCoreSeriesQuad(t *testing.T) {
	n := 0
	for _, a := range []float64{1e-3, 0.05, 0.793, 1, 1 + 1e-9, 2.5, 30, 1e3} {
		for _, bp := range []float64{1e-3, 0.3, 2.426, 40, 1e4} {
			for _, k := range []float64{1e-3, 0.243, 3, 100} {
				for _, tau := range []float64{1e-6, 0.1, 2, 50, 2000} {
					s, ok := bgCoreSeries(a, bp, k, tau)
					q := bgCoreQuad(a, bp, k, tau)
					require.Greater(t, q, 0.0)
					if ok {
						n++
						require.InEpsilon(t, q, s, 1e-11, "M(%v, %v, %v, %v)", a, bp, k, tau)
					}
				}
			}
		}
	}
	require.Greater(t, n, 300) // the series is the common path
}

// TestBGCoreLimits checks M against closed forms it reduces to:
//
//	k = 1:        M = E[τ/(1+pτ)] (Beta mean of a rational function), and for b' = 1
//	              a·τ·∫_0^1 p^(a−1)/(1+pτ) dp = τ·2F1(1, a; a+1; −τ) (gonum Hypergeo, τ < 1)
//	τ → 0:        M → k·τ
//	a, b' → ∞:    p → a/(a+b'), M → (1 − (1+pτ)^(−k))/p
func TestBGCoreLimits(t *testing.T) {
	for _, a := range []float64{0.3, 1, 4} {
		for _, tau := range []float64{0.1, 0.5, 0.9} {
			got := BGCore(a, 1, 1, tau)
			require.InEpsilon(t, tau*mathext.Hypergeo(1, a, a+1, -tau), got, 1e-13, "a=%v τ=%v", a, tau)
		}
	}
	got := BGCore(0.7, 2.5, 3, 1e-12)
	require.InEpsilon(t, 3e-12, got, 1e-9)
	p := 0.25
	got = BGCore(3e9*p, 3e9*(1-p), 7, 2)
	require.InEpsilon(t, -math.Expm1(-7*math.Log1p(p*2))/p, got, 1e-8)
}

func TestBGCoreSpecial(t *testing.T) {
	require.Equal(t, 0.0, BGCore(0.8, 2.4, 0.2, 0))
	nan, inf := math.NaN(), math.Inf(1)
	for _, in := range [][4]float64{{0, 1, 1, 1}, {1, 0, 1, 1}, {1, 1, 0, 1}, {1, 1, 1, -1}, {inf, 1, 1, 1}, {1, inf, 1, 1},
		{1, 1, inf, 1}, {1, 1, 1, inf}, {nan, 1, 1, 1}, {1, 1, 1, nan}} {
		require.True(t, math.IsNaN(BGCore(in[0], in[1], in[2], in[3])), "%v", in)
	}
}

// BenchmarkBGCore times the series at CDNOW-like inputs (the common case)
// and the quadrature at a reported hard one.
func BenchmarkBGCore(b *testing.B) {
	for _, in := range []struct {
		name          string
		a, bp, k, tau float64
	}{
		{"cdnow-x2-t39", 0.793, 4.426, 2.243, 39 / 43.27},
		{"cdnow-x0-t52", 0.793, 2.426, 0.243, 52 / 4.414},
		{"r=100", 0.793, 2.426, 100, 52 / 4.414},
		{"a=1e6", 1e6, 2.426, 0.243, 52 / 4.414},
	} {
		b.Run(in.name, func(b *testing.B) {
			for b.Loop() {
				BGCore(in.a, in.bp, in.k, in.tau)
			}
		})
	}
}
