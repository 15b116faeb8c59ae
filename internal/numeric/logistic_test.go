package numeric

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// within reports whether got is within n ulp of want, n·2^−52·|want|, or
// within half the smallest subnormal (for values that underflow).
func within(got, want float64, n int) bool {
	if got == want {
		return true
	}
	return math.Abs(got-want) <= float64(n)*0x1p-52*math.Abs(want)+0x1p-1075
}

// logisticCases: σ(x), 1 − σ(x) and their logs. Expected values: mpmath
// 1.3.0 at 40 digits, 1/(1+exp(∓x)) and −log1p(exp(∓x)) at the float64 x
// (testdata/numref.py, section Logistic). Rows: 0 and ±1e-20; ordinary x;
// where 1 − σ would cancel (20 … 40); where e^|x| overflows (710) and
// e^(−|x|) leaves the normal range (709, 745, 750) or underflows entirely.
var logisticCases = []struct{ x, p, q, lnP, lnQ float64 }{
	{0.0, 0.50000000000000000, 0.50000000000000000, -0.69314718055994531, -0.69314718055994531},
	{1e-20, 0.50000000000000000, 0.50000000000000000, -0.69314718055994531, -0.69314718055994531},
	{-1e-20, 0.50000000000000000, 0.50000000000000000, -0.69314718055994531, -0.69314718055994531},
	{0.5, 0.62245933120185456, 0.37754066879814544, -0.47407698418010668, -0.97407698418010668},
	{-0.5, 0.37754066879814544, 0.62245933120185456, -0.97407698418010668, -0.47407698418010668},
	{1.0, 0.73105857863000488, 0.26894142136999512, -0.31326168751822283, -1.3132616875182228},
	{20.0, 0.99999999793884638, 2.0611536181902036e-9, -2.0611536203143807e-9, -20.000000002061154},
	{36.0, 0.99999999999999977, 2.3195228302435689e-16, -2.3195228302435691e-16, -36.000000000000000},
	{37.0, 0.99999999999999991, 8.5330476257440651e-17, -8.5330476257440654e-17, -37.000000000000000},
	{40.0, 1.0000000000000000, 4.2483542552915890e-18, -4.2483542552915890e-18, -40.000000000000000},
	{-40.0, 4.2483542552915890e-18, 1.0000000000000000, -40.000000000000000, -4.2483542552915890e-18},
	{100.0, 1.0000000000000000, 3.7200759760208360e-44, -3.7200759760208360e-44, -100.00000000000000},
	{-100.0, 3.7200759760208360e-44, 1.0000000000000000, -100.00000000000000, -3.7200759760208360e-44},
	{709.0, 1.0000000000000000, 1.2167807506234231e-308, -1.2167807506234231e-308, -709.00000000000000},
	{710.0, 1.0000000000000000, 4.4762862256751300e-309, -4.4762862256751300e-309, -710.00000000000000},
	{745.0, 1.0000000000000000, 2.8223507304719371e-324, -2.8223507304719371e-324, -745.00000000000000},
	{-745.0, 2.8223507304719371e-324, 1.0000000000000000, -745.00000000000000, -2.8223507304719371e-324},
	{750.0, 1.0000000000000000, 0, 0, -750.00000000000000},
	{-750.0, 0, 1.0000000000000000, -750.00000000000000, 0},
	{1e+300, 1.0000000000000000, 0, 0, -1.0000000000000001e+300},
	{-1e+300, 0, 1.0000000000000000, -1.0000000000000001e+300, 0},
}

func TestLogistic(t *testing.T) {
	for _, tc := range logisticCases {
		p, q, lnP, lnQ := Logistic(tc.x)
		require.True(t, within(p, tc.p, 2), "σ(%v) = %v, want %v", tc.x, p, tc.p)
		require.True(t, within(q, tc.q, 2), "1−σ(%v) = %v, want %v", tc.x, q, tc.q)
		require.True(t, within(lnP, tc.lnP, 2), "ln σ(%v) = %v, want %v", tc.x, lnP, tc.lnP)
		require.True(t, within(lnQ, tc.lnQ, 2), "ln(1−σ(%v)) = %v, want %v", tc.x, lnQ, tc.lnQ)
		require.Equal(t, p, Expit(tc.x))
		sp, sq := Sigmoid(tc.x)
		require.Equal(t, []float64{p, q}, []float64{sp, sq}, "Sigmoid(%v)", tc.x)
	}
	inf := math.Inf(1)
	for _, tc := range []struct{ x, p, q, lnP, lnQ float64 }{{inf, 1, 0, 0, -inf}, {-inf, 0, 1, -inf, 0}} {
		p, q, lnP, lnQ := Logistic(tc.x)
		require.Equal(t, []float64{tc.p, tc.q, tc.lnP, tc.lnQ}, []float64{p, q, lnP, lnQ}, "x=%v", tc.x)
	}
	p, q, lnP, lnQ := Logistic(math.NaN())
	sp, sq := Sigmoid(math.NaN())
	for _, v := range []float64{p, q, lnP, lnQ, sp, sq} {
		require.True(t, math.IsNaN(v))
	}
}
