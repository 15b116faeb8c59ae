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

// bgSeriesCases: M(a, b', k, τ) where the series is the path (series =
// true) or must refuse and leave it to the quadrature. Expected values:
// mpmath 1.3.0, c/(a−1)·[1 − 2F1(a−1, k; c; −τ)] at raised precision,
// agreeing with the Beta integral by mpmath.quad to 30 digits (at a = 1,
// the integral alone), at the float64 inputs (testdata/numref.py, section
// BG series). Rows: CDNOW-like customers; a = 1 exactly and 1 + 1e-9
// (c/(a−1) is 0/0 and E1 its limit); c = a+b'−1 = 1e-6; τ tiny; and cases
// the series must refuse (its error bound or term cap fails): k ≪ c (c·E1
// and G agree to many digits), τ large (z → 1), a and b' large, c − k ≪ 0
// (the reported r = 100 failure) and a = 1e4.
var bgSeriesCases = []struct {
	a, bp, k, tau, want float64
	series              bool
}{
	{0.793, 4.426, 2.243, 0.9013173099144903, 1.6875319001457568, true},
	{0.793, 2.426, 0.243, 11.780697779791574, 1.4460505953964038, true},
	{1.0, 2.5, 0.7, 3.0, 1.3450514803564213, true},
	{1.000000001, 3.0, 2.0, 1.5, 2.0271512192086451, true},
	{0.5, 0.500001, 0.3, 2.0, 0.40622550913323973, true},
	{0.793, 2.426, 0.243, 1e-08, 2.4299999962795145e-9, true},
	{2.0, 50.0, 0.001, 0.5, 0.00049527591083301687, false},
	{0.793, 2.426, 0.243, 200.0, 6.2503749627408221, false},
	{0.793, 2.426, 0.243, 10000.0, 23.577620005872834, false},
	{30.0, 10000.0, 3.0, 50.0, 114.44379298004630, false},
	{0.793, 2.426, 100.0, 11.780697779791574, 30.082393010083826, false},
	{10000.0, 2.426, 0.243, 11.780697779791574, 0.46168001541111871, false},
}

// TestBGSeries checks that the series takes the cases it should, is
// accurate there (to 1e-13, inside the 1e-11 its error bound admits), and
// refuses the others, which BGCore then computes by quadrature.
func TestBGSeries(t *testing.T) {
	for _, tc := range bgSeriesCases {
		s, ok := bgCoreSeries(tc.a, tc.bp, tc.k, tc.tau)
		require.Equal(t, tc.series, ok, "series at M(%v, %v, %v, %v)", tc.a, tc.bp, tc.k, tc.tau)
		if ok {
			require.InEpsilon(t, tc.want, s, 1e-13, "series M(%v, %v, %v, %v)", tc.a, tc.bp, tc.k, tc.tau)
		}
		require.InEpsilon(t, tc.want, BGCore(tc.a, tc.bp, tc.k, tc.tau), 1e-12, "M(%v, %v, %v, %v)", tc.a, tc.bp, tc.k, tc.tau)
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
