package numeric

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// logSumExpCases: ln(e^u + e^v). Expected values: mpmath 1.3.0 at 40
// digits, max(u, v) + log1p(exp(−|u−v|)) at the float64 inputs
// (testdata/numref.py, section LogSumExp). Rows: equal and ordinary
// arguments; e^u overflowing (1000, 710) or underflowing (−1000); the
// smaller term at the edge of log1p's range (−40) and of the subnormals
// (−745, −800); a result near 0 from cancellation (−0.7, −0.7); huge and
// tiny arguments; infinities.
var logSumExpCases = []struct{ u, v, want float64 }{
	{0.0, 0.0, 0.69314718055994531},
	{1.0, 2.0, 2.3132616875182228},
	{2.0, 1.0, 2.3132616875182228},
	{-1000.0, -1000.0, -999.30685281944005},
	{1000.0, 999.0, 1000.3132616875182},
	{710.0, 710.0, 710.69314718055995},
	{0.0, -40.0, 4.2483542552915890e-18},
	{0.0, -745.0, 2.8223507304719371e-324},
	{0.0, -800.0, 0},
	{-0.7, -0.7, -0.0068528194400546462},
	{-0.5, -1.5, -0.18673831248177717},
	{1e+300, 1e+300, 1.0000000000000001e+300},
	{-1e-20, -2e-20, 0.69314718055994531},
	{36.0, 0.0, 36.000000000000000},
	{37.5, 0.0, 37.500000000000000},
	{math.Inf(-1), 3.0, 3.0000000000000000},
	{3.0, math.Inf(-1), 3.0000000000000000},
	{math.Inf(1), 1.0, math.Inf(1)},
	{math.Inf(1), math.Inf(1), math.Inf(1)},
	{math.Inf(-1), math.Inf(-1), math.Inf(-1)},
}

// TestLogSumExp checks the bound in LogSumExp's doc comment: 1 ulp of
// max(|u|, |v|) + ln 2 (where the result cancels to near 0, the rounding of
// u and v themselves is as large).
func TestLogSumExp(t *testing.T) {
	for _, tc := range logSumExpCases {
		got := LogSumExp(tc.u, tc.v)
		if math.IsInf(tc.want, 0) {
			require.Equal(t, tc.want, got, "LSE(%v, %v)", tc.u, tc.v)
			continue
		}
		tol := 0x1p-52 * (math.Max(math.Abs(tc.u), math.Abs(tc.v)) + math.Ln2)
		if math.IsInf(tc.u, -1) || math.IsInf(tc.v, -1) {
			tol = 0
		}
		require.InDelta(t, tc.want, got, tol+0x1p-1075, "LSE(%v, %v)", tc.u, tc.v)
	}
	require.True(t, math.IsNaN(LogSumExp(math.NaN(), 1)))
	require.True(t, math.IsNaN(LogSumExp(1, math.NaN())))
	require.True(t, math.IsNaN(LogSumExp(math.Inf(1), math.NaN())))
}

// log1mExpCases: ln(1 − e^d) for d ≤ 0. Expected values: mpmath 1.3.0 at
// 40 digits, log(−expm1(d)) (log1p(−exp(d)) below −1) at the float64 d
// (testdata/numref.py, section Log1mExp). Rows: the smallest subnormal and
// tiny d (1 − e^d cancels); either side of the switch at −ln 2; the far
// tail, down to a result that underflows.
var log1mExpCases = []struct{ d, want float64 }{
	{-5e-324, -744.44007192138126},
	{-1e-300, -690.77552789821371},
	{-1e-10, -23.025850929990457},
	{-1e-05, -11.512930464966062},
	{-0.5, -0.93275212956718857},
	{-0.6931471805599453, -0.69314718055994533},
	{-0.6931471805599454, -0.69314718055994522},
	{-0.7, -0.68634100280838515},
	{-1.0, -0.45867514538708189},
	{-10.0, -4.5400960370489210e-5},
	{-36.0, -2.3195228302435697e-16},
	{-40.0, -4.2483542552915890e-18},
	{-700.0, -9.8596765437597709e-305},
	{-745.0, -2.8223507304719371e-324},
	{-800.0, 0},
}

func TestLog1mExp(t *testing.T) {
	for _, tc := range log1mExpCases {
		got := Log1mExp(tc.d)
		require.True(t, within(got, tc.want, 2), "Log1mExp(%v) = %v, want %v", tc.d, got, tc.want)
	}
	require.Equal(t, math.Inf(-1), Log1mExp(0))
	require.Equal(t, math.Inf(-1), Log1mExp(math.Copysign(0, -1)))
	require.Equal(t, 0.0, Log1mExp(math.Inf(-1)))
	for _, d := range []float64{5e-324, 1, math.Inf(1), math.NaN()} {
		require.True(t, math.IsNaN(Log1mExp(d)), "d=%v", d)
	}
}

// expRelCases: (1 − e^(−εL))/ε. Expected values: mpmath 1.3.0 at 40
// digits, −expm1(−εL)/ε (L at ε = 0) at the float64 inputs
// (testdata/numref.py, section ExpRel). Rows: ε = 0 and tiny, including
// subnormal ε, where εL rounds to a few bits; either side of the switch to
// the series at |εL| = 1e-5; ordinary and negative ε and L; a result that
// overflows (e^800/2) and huge L.
var expRelCases = []struct{ eps, l, want float64 }{
	{0.0, 3.0, 3.0000000000000000},
	{1e-20, 3.0, 3.0000000000000000},
	{1e-320, 1.3, 1.3000000000000000},
	{-1e-320, 1.7, 1.7000000000000000},
	{-1e-310, 1.1, 1.1000000000000001},
	{1e-08, 1.0, 0.99999999500000002},
	{9.9e-06, 1.0, 0.99999505001633496},
	{1.1e-05, 1.0, 0.99999450002016661},
	{0.5, 2.0, 1.2642411176571154},
	{-0.5, 2.0, 3.4365636569180905},
	{0.3, -2.0, -2.7403960013016965},
	{2.0, 1000.0, 0.50000000000000000},
	{-1.0, 700.0, 1.0142320547350045e+304},
	{-1e-300, 5.0, 5.0000000000000000},
	{-2.0, 400.0, math.Inf(1)},
	{1e-300, 1e+300, 6.3212055882855769e+299},
}

func TestExpRel(t *testing.T) {
	for _, tc := range expRelCases {
		got := ExpRel(tc.eps, tc.l)
		require.True(t, within(got, tc.want, 4), "ExpRel(%v, %v) = %v, want %v", tc.eps, tc.l, got, tc.want)
	}
	inf := math.Inf(1)
	require.Equal(t, inf, ExpRel(0, inf))
	require.Equal(t, 2.0, ExpRel(0.5, inf))
	require.Equal(t, inf, ExpRel(-0.5, inf))
	require.True(t, math.IsNaN(ExpRel(math.NaN(), 1)))
	require.True(t, math.IsNaN(ExpRel(1, math.NaN())))
}

// kahanTerms returns n pseudo-random terms m/7 (m a 24-bit integer from
// a 64-bit LCG with Knuth's MMIX constants) with ±1e20/3 inserted every
// 1,000 terms, so that 1e20/3 (ulp 4096) sits in the running sum while
// half the small terms are added. testdata/numref.py makes the same terms.
func kahanTerms(n int, seed uint64) []float64 {
	k := seed
	var xs []float64
	for i := range n {
		k = k*6364136223846793005 + 1442695040888963407
		xs = append(xs, float64(int64(k>>40)-1<<23)/7)
		switch i % 1000 {
		case 0:
			xs = append(xs, 1e20/3)
		case 500:
			xs = append(xs, -1e20/3)
		}
	}
	return xs
}

// TestKahanSum checks compensated sums against their exact values: the
// rational sum of the float64 terms (testdata/numref.py, section
// KahanSum), rounded. Neumaier's bound is |error| ≤ 2u·|S| + 4n·u²·Σ|x_i|
// (Higham 2002, §4.3); in these cases the compensated sum is moreover the
// correctly rounded one, and the plain sum is not, so the test would catch
// a sum that lost its compensation.
func TestKahanSum(t *testing.T) {
	harmonic := make([]float64, 1_000_000)
	for i := range harmonic {
		harmonic[i] = 1 / float64(i+1)
	}
	tenth := make([]float64, 10)
	for i := range tenth {
		tenth[i] = 0.1
	}
	cases := []struct {
		name string
		xs   []float64
		want float64
	}{
		{"neumaier", []float64{1, 1e100, 1, -1e100}, 2.0000000000000000},
		{"tenth", tenth, 1.0000000000000001},
		{"cancel", []float64{1e16, 1, -1e16, 3, 1e-16}, 4.0000000000000001},
		{"harmonic 1e6", harmonic, 14.392726722865724},
		{"lcg 1e5 seed 1", kahanTerms(100_000, 1), 14859223.000000005},
	}
	const u = 0x1p-53
	for _, tc := range cases {
		var k KahanSum
		var plain, abs float64
		for _, x := range tc.xs {
			k.Add(x)
			plain += x
			abs += math.Abs(x)
		}
		bound := 2*u*math.Abs(tc.want) + 4*float64(len(tc.xs))*u*u*abs
		require.InDelta(t, tc.want, k.Sum(), bound, tc.name)
		require.Equal(t, tc.want, k.Sum(), tc.name)
		require.NotEqual(t, tc.want, plain, "%s: the plain sum is as good", tc.name)
	}

	// Infinite terms give the plain sum's infinity or NaN, not NaN from
	// the compensation (Inf − Inf).
	var k KahanSum
	require.Equal(t, 0.0, k.Sum())
	k.Add(math.Inf(1))
	k.Add(1)
	require.Equal(t, math.Inf(1), k.Sum())
	k.Add(math.Inf(-1))
	require.True(t, math.IsNaN(k.Sum()))
	var big KahanSum
	big.Add(math.MaxFloat64)
	big.Add(math.MaxFloat64)
	require.Equal(t, math.Inf(1), big.Sum())
}
