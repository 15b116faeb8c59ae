package numeric

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mathext"
)

// Expected values: mpmath 1.3.0 at 40 digits, hyp2f1(1, b, c, z) and its
// numerical partials mpmath.diff, at the float64 values of the inputs
// (computed for this test). The first row is also closed form:
// 2F1(1, 1; 2; z) = −ln(1−z)/z = 2 ln 2 at z = ½.
var hyp2F1A1Cases = []struct {
	b, c, z       float64
	h, db, dc, dz float64
}{
	{1, 2, 0.5, 1.3862943611198906, 0.48045301391820142, -0.25863970572833582, 1.2274112777602188},
	{0.6, 1.7, 0.1, 1.0375448402804669, 0.064046307684185906, -0.022964626901176754, 0.39968113578334635},
	// Pareto/NBD shapes: CDNOW (α < β, x = 200), a hard input (x = 500).
	{1.606, 201.5, 0.0147, 1.0001171844529805, 7.2975167076801321e-5, -5.8167007107211284e-7, 0.0079732400584900941},
	{4.05, 514.5, 0.736, 1.0058357220422953, 0.0014493234439429572, -1.1424960896092176e-5, 0.007986719496398008},
	{0.553, 1.759, 0.9, 1.7700072047062969, 2.058716278467634, -0.88259121228700165, 3.2944124156693873},
	{2.5, 3.1, 0.94, 7.0011439114904085, 9.0610224795661714, -7.9963524878069605, 68.267481877173714},
	{155.2, 156.8, 0.3, 1.4223677234937457, 0.0038606276121149665, -0.0038213374134577574, 2.0026185025866795},
	{2.5, 3.1, 0.97, 10.35018958946412, 17.800964974990407, -15.971675480558058, 187.75984936686711},
	{60, 61.6, 0.97, 20.043765183178154, 5.3751642591988317, -5.2615912541242249, 429.38019107808798},
	{90, 91.6, 0.99, 44.837652061954795, 17.708370830703535, -17.477224384231344, 2357.9315057644445},
	{0.6, 1.2, 0.97, 5.0879448559443293, 15.166903945179658, -10.538350855060237, 73.663056184561235},
	// Past 1e4 series terms: Euler's integral (c > 1), or the long series
	// (c ≤ 1). Cephes returns NaN on the second and third and does not
	// terminate on the fourth (c−b−1 = 296).
	{0.3, 0.8, 0.999, 22.208675211367188, 183.41222935235775, -130.05089154874922, 10908.58358670688},
	{1.5, 100.5, 0.999999, 1.0153061067483699, 0.010360255766456586, -0.00015618475867158889, 0.015700609323223536},
	{3, 300, 0.999, 1.0101248627141992, 0.0034091250689931891, -3.4205151910045289e-5, 0.010272281177983279},
	// c − 1 small: the integrand decays slowly (e^(−(c−1)y)), past e^700.
	{0.05, 1.03, 0.9999, 1.5028019014462723, 12.431880638105436, -2.4691030130113861, 600.54529472372056},
	{0.5, 1.02, 0.99999, 258.55412775769319, 2950.8531895641177, -2586.0587335388412, 12412592.981291696},
	// s, β → ∞ (the NBD limit of Pareto/NBD): b = s+1 ≈ 1051.
	{1051, 1051.5, 0.9995, 1326.9767366915336, 993.51574241695752, -993.22113360819649, 2034341.357107663},
	{1051.9, 1052.4, 0.99995, 6389.4491962098672, 12821.178087772182, -12818.821049143526, 78205340.619645849},
}

func TestHyp2F1A1Deriv(t *testing.T) {
	for _, tc := range hyp2F1A1Cases {
		h, db, dc, dz := Hyp2F1A1Deriv(tc.b, tc.c, tc.z)
		for _, v := range []float64{h, db, dc, dz} {
			require.False(t, math.IsNaN(v) || math.IsInf(v, 0), "b=%v c=%v z=%v", tc.b, tc.c, tc.z)
		}
		// Series and integral are accurate to a few ulp, except that ∂h/∂c
		// from the integral, I − (c−1)·∫g·y, cancels (1e-13 at c = 1.03),
		// and the 50,000-term series of the c ≤ 1 row rounds to 6e-14.
		require.InEpsilon(t, tc.h, h, 1e-13, "h(%v, %v, %v)", tc.b, tc.c, tc.z)
		require.InEpsilon(t, tc.db, db, 1e-13, "∂b at (%v, %v, %v)", tc.b, tc.c, tc.z)
		require.InEpsilon(t, tc.dc, dc, 1e-12, "∂c at (%v, %v, %v)", tc.b, tc.c, tc.z)
		require.InEpsilon(t, tc.dz, dz, 1e-13, "∂z at (%v, %v, %v)", tc.b, tc.c, tc.z)
	}
}

// TestHyp2F1A1DerivIntegral checks Euler's integral against the series
// where both apply, across shapes.
func TestHyp2F1A1DerivIntegral(t *testing.T) {
	for _, z := range []float64{0.5, 0.9, 0.99} {
		for _, bc := range [][2]float64{{0.6, 1.2}, {1.6, 3.2}, {40, 41.5}, {2, 500}} {
			b, c := bc[0], bc[1]
			h, db, dc, dz, ok := hyp2F1A1DerivSeries(b, c, z, hypMaxTerms)
			require.True(t, ok)
			qh, qb, qc, qz := hyp2F1A1DerivQuad(b, c, z)
			// Absolute scale: h plus the largest partial.
			scale := h + math.Abs(db) + math.Abs(dc) + math.Abs(dz)
			require.InDeltaSlice(t, []float64{h, db, dc, dz}, []float64{qh, qb, qc, qz}, 1e-13*scale, "b=%v c=%v z=%v", b, c, z)
		}
	}
}

// TestHyp2F1A1DerivBranches compares the series with Cephes (where it is
// safe: z ≤ 0.95) and both branches with closed forms.
func TestHyp2F1A1DerivBranches(t *testing.T) {
	for _, z := range []float64{0, 1e-12, 0.3, 0.9, 0.95} {
		for _, bc := range [][2]float64{{0.01, 0.02}, {1, 2}, {0.6, 1.7}, {30, 31}, {1e4, 1e4 + 1.6}} {
			b, c := bc[0], bc[1]
			h, _, _, _, ok := hyp2F1A1DerivSeries(b, c, z, hypMaxTerms)
			require.True(t, ok)
			// gonum's Hypergeo (Cephes hyp2f1) is an independent
			// implementation; N4 puts it within 5e-15 of mpmath.
			require.InEpsilon(t, mathext.Hypergeo(1, b, c, z), h, 1e-13, "b=%v c=%v z=%v", b, c, z)
		}
	}
	// 2F1(1, 1; 2; z) = −ln(1−z)/z; 2F1(1, 2; 3; z) = 2(−ln(1−z) − z)/z²
	// (sum the series by hand).
	for _, z := range []float64{0.2, 0.7, 0.95, 0.96, 0.999, 0.99999} {
		h, _, _, _ := Hyp2F1A1Deriv(1, 2, z)
		require.InEpsilon(t, -math.Log1p(-z)/z, h, 1e-13, "z=%v", z)
		h, _, _, _ = Hyp2F1A1Deriv(2, 3, z)
		require.InEpsilon(t, 2*(-math.Log1p(-z)-z)/(z*z), h, 1e-13, "z=%v", z)
	}
	// At z = 0: h = 1, ∂h/∂z = t_1/z = b/c.
	h, db, dc, dz := Hyp2F1A1Deriv(0.7, 2.2, 0)
	require.Equal(t, [3]float64{1, 0, 0}, [3]float64{h, db, dc})
	require.InEpsilon(t, 0.7/2.2, dz, 1e-15)
}

// TestHyp2F1A1DerivGradient checks the forward-mode partials against gonum
// central differences of the value across a grid of shapes.
func TestHyp2F1A1DerivGradient(t *testing.T) {
	for _, z := range []float64{0.05, 0.5, 0.9} {
		for _, bc := range [][2]float64{{0.2, 0.9}, {1.6, 3.2}, {40, 41.5}} {
			x := []float64{bc[0], bc[1], z}
			f := func(x []float64) float64 { h, _, _, _ := Hyp2F1A1Deriv(x[0], x[1], x[2]); return h }
			num := fd.Gradient(nil, f, x, &fd.Settings{Formula: fd.Central, Step: 1e-6})
			_, db, dc, dz := Hyp2F1A1Deriv(x[0], x[1], x[2])
			require.Len(t, num, 3)
			require.InDeltaSlice(t, num, []float64{db, dc, dz}, 1e-7*(1+math.Abs(dz)), "at %v", x)
		}
	}
}

func TestHyp2F1A1DerivDomain(t *testing.T) {
	for _, in := range [][3]float64{{1, 2, -0.1}, {1, 2, 1}, {0, 2, 0.5}, {2, 2, 0.5}, {3, 2, 0.5}, {math.NaN(), 2, 0.5}, {1, 2, math.NaN()}} {
		h, db, dc, dz := Hyp2F1A1Deriv(in[0], in[1], in[2])
		for _, v := range []float64{h, db, dc, dz} {
			require.True(t, math.IsNaN(v), "%v", in)
		}
	}
}

func BenchmarkHyp2F1A1Deriv(b *testing.B) {
	for _, z := range []float64{0.09, 0.5, 0.9} {
		b.Run("z="+ftoa(z), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Hyp2F1A1Deriv(1.606, 2.2, z)
			}
		})
	}
}
