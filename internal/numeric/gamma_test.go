package numeric

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mathext"
)

// lnBetaCases: ln B(a, b). Expected values: mpmath 1.3.0 at 40 digits,
// loggamma(a) + loggamma(b) − loggamma(a+b) at the float64 inputs
// (testdata/numref.py, section LnBeta). Rows: both arguments small (the
// lgamma branch, and its worst point in a random search); either side of
// the switch at 10; a tiny argument; one argument large (the lgamma
// difference cancels: mathext.Lbeta's case); both large; and ln B near 0.
var lnBetaCases = []struct{ a, b, want float64 }{
	{0.5, 0.5, 1.1447298858494002},
	{1.0, 1.0, 0},
	{3.0, 7.5, -5.7131138020850854},
	{0.6810928471834076, 0.5129198535974968, 0.91547172672987094},
	{9.99, 0.5, -0.56592004929705051},
	{10.0, 0.5, -0.56643279639759393},
	{10.01, 3.0, -6.4949809995936646},
	{12.0, 40.0, -28.275524477980013},
	{1e-300, 2.5, 690.77552789821371},
	{1e-08, 1e-08, 19.113827924512311},
	{0.001, 100000000.0, 6.8887582046448963},
	{1e-08, 1000000000000000.0, 18.420680392792445},
	{0.1, 100000000.0, 0.41064457778896925},
	{1.0, 100000000.0, -18.420680743952365},
	{2.5, 1000000000000.0, -68.792869919350326},
	{0.5, 1e+17, -18.999608347524688},
	{100000000.0, 100000000.0, -138629444.05681731},
	{100000.0, 3000000000.0, -1130901.7702192773},
	{1000000000000000.0, 1000000000000000.0, -1386294361119906.6},
	{42674298.05866502, 0.11822534903831161, 0.00068955141199171526},
}

// TestLnBeta checks the bound in LnBeta's doc comment, 10 ulp of
// |ln B| + |ln min(a, b)| + 1, in both argument orders, and that gonum's
// mathext.Lbeta still misses it where one argument is large (if it stops
// missing, LnBeta should call it).
func TestLnBeta(t *testing.T) {
	const ulp = 0x1p-52
	for _, tc := range lnBetaCases {
		tol := 10 * ulp * (math.Abs(tc.want) + math.Abs(math.Log(min(tc.a, tc.b))) + 1)
		require.InDelta(t, tc.want, LnBeta(tc.a, tc.b), tol, "ln B(%v, %v)", tc.a, tc.b)
		require.InDelta(t, tc.want, LnBeta(tc.b, tc.a), tol, "ln B(%v, %v)", tc.b, tc.a)
	}
	require.Greater(t, math.Abs(mathext.Lbeta(1, 1e8)-(-18.420680743952365)), 1e-9)

	inf, nan := math.Inf(1), math.NaN()
	require.Equal(t, inf, LnBeta(0, 2))
	require.Equal(t, inf, LnBeta(2, 0))
	for _, in := range [][2]float64{{0, 0}, {-1, 2}, {2, -1e-300}, {inf, 2}, {2, inf}, {nan, 2}, {2, nan}} {
		require.True(t, math.IsNaN(LnBeta(in[0], in[1])), "%v", in)
	}
}

// trigammaCases: ψ₁(x). Expected values: mpmath 1.3.0 at 40 digits,
// psi(1, x) (testdata/numref.py, section Trigamma), from 1/x² ≈ 1e300 to
// 1/x ≈ 1e-300, across the switch at 10 and mathext.Zeta's at 1e8.
var trigammaCases = []struct{ x, want float64 }{
	{1e-150, 9.9999999999999999e+299},
	{1e-08, 10000000000000001.},
	{0.001, 1000001.6425331958},
	{0.1, 101.43329915079275},
	{0.5, 4.9348022005446793},
	{1.0, 1.6449340668482264},
	{2.5, 0.49035775610023486},
	{9.99, 0.10527695014824178},
	{10.01, 0.10505595320551509},
	{33.3, 0.030485444095338888},
	{1000.0, 0.0010005001666666333},
	{100000000.0, 1.0000000050000000e-8},
	{150000000.0, 6.6666666888888889e-9},
	{1000000000000000.0, 1.0000000000000005e-15},
	{1e+300, 9.9999999999999995e-301},
}

// TestTrigamma checks ψ₁ against mpmath, closed forms and identities, and
// that mathext.Zeta(2, x) agrees with mpmath as closely (the accuracy
// claim in Trigamma's doc comment, which keeps ours for speed alone).
func TestTrigamma(t *testing.T) {
	for _, tc := range trigammaCases {
		assert.InEpsilon(t, tc.want, Trigamma(tc.x), 1e-15, "x=%v", tc.x)
		assert.InEpsilon(t, tc.want, mathext.Zeta(2, tc.x), 1e-15, "Zeta(2, %v)", tc.x)
	}
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
	assert.Equal(t, 0.0, Trigamma(math.Inf(1)))
	for _, x := range []float64{0, -1, -2.5, math.Inf(-1), math.NaN()} {
		assert.True(t, math.IsNaN(Trigamma(x)), "x=%v", x)
	}
}

// Expected values: mpmath 1.3.0 at 40 digits, loggamma(x+m) − loggamma(x).
func TestLnGammaRatio(t *testing.T) {
	for _, tc := range []struct{ x, m, want float64 }{
		{0.5, 3, 0.62860865942237409},
		{12.5, 100, 398.65609258423927},
		{1e8, 1e4, 184207.30737286032},
		{1e8, 1, 18.420680743952367},
		{3e7, 0.5, 8.6083539656465486},
		{1e-3, 1e4, 82092.819527847416},
	} {
		require.InEpsilon(t, tc.want, LnGammaRatio(tc.x, tc.m), 1e-14, "x=%v m=%v", tc.x, tc.m)
	}
	require.Equal(t, 0.0, LnGammaRatio(3, 0))
	for _, in := range [][2]float64{{0, 1}, {-1, 1}, {1, -1}, {math.Inf(1), 1}, {1, math.Inf(1)}, {math.NaN(), 1}} {
		require.True(t, math.IsNaN(LnGammaRatio(in[0], in[1])), "%v", in)
	}
}

func TestLgamma(t *testing.T) {
	require.Equal(t, math.Inf(1), Lgamma(0))
	require.Equal(t, math.Inf(1), Lgamma(math.Inf(1)))
	require.InEpsilon(t, 0.5*math.Log(math.Pi), Lgamma(0.5), 1e-15)
	for _, x := range []float64{-0.5, -1, math.Inf(-1), math.NaN()} {
		require.True(t, math.IsNaN(Lgamma(x)), "x=%v", x)
	}
}

// BenchmarkTrigamma times ψ₁ against mathext.Zeta(2, x) at the arguments
// of a BG/NBD Hessian (the reason Trigamma is ours).
func BenchmarkTrigamma(b *testing.B) {
	xs := []float64{0.243, 2.243, 3.219, 12.4, 102.4}
	for _, f := range []struct {
		name string
		fn   func(float64) float64
	}{{"ours", Trigamma}, {"zeta", func(x float64) float64 { return mathext.Zeta(2, x) }}} {
		b.Run(f.name, func(b *testing.B) {
			var s float64
			for b.Loop() {
				for _, x := range xs {
					s += f.fn(x)
				}
			}
			if math.IsNaN(s) {
				b.Fatal("NaN")
			}
		})
	}
}
