package clv_test

import (
	"math"
	"testing"

	"github.com/ltvgo/ltv/clv"
)

// fuzzLog maps any finite u to a log-uniform point of [lo, hi] through the
// fractional part of |u|; ok is false for NaN or ±Inf.
func fuzzLog(u, lo, hi float64) (v float64, ok bool) {
	if math.IsNaN(u) || math.IsInf(u, 0) {
		return 0, false
	}
	f := math.Abs(u) - math.Floor(math.Abs(u))
	return math.Exp(math.Log(lo) + f*(math.Log(hi)-math.Log(lo))), true
}

// fuzzBGBox maps fuzz inputs onto the log box of the BG/NBD accuracy
// claim: r, α, T, t1 ≤ t2 in [1e-3, 1e4], a, b in [1e-3, 1e8], x ≤ 1e4 and
// t_x = T·txFrac. ok is false for inputs outside the box's encoding.
func fuzzBGBox(ur, ualpha, ua, ub float64, x16 uint16, txFrac, uT, ut1, ut2 float64) (r, alpha, a, b float64, c clv.Customer, t1, t2 float64, ok bool) {
	var v [8]float64
	for i, in := range []struct{ u, lo, hi float64 }{
		{ur, 1e-3, 1e4}, {ualpha, 1e-3, 1e4}, {ua, 1e-3, 1e8}, {ub, 1e-3, 1e8},
		{uT, 1e-3, 1e4}, {ut1, 1e-3, 1e4}, {ut2, 1e-3, 1e4}, {txFrac, 1e-3, 1},
	} {
		if v[i], ok = fuzzLog(in.u, in.lo, in.hi); !ok {
			return
		}
	}
	r, alpha, a, b, t1, t2 = v[0], v[1], v[2], v[3], v[5], v[6]
	if t1 > t2 {
		t1, t2 = t2, t1
	}
	x := float64(x16 % 10001)
	c = clv.Customer{Frequency: x, T: v[4]}
	if x > 0 {
		c.Recency = v[4] * v[7]
	}
	return r, alpha, a, b, c, t1, t2, true
}

// FuzzBGPredictions checks the predictions of BGNBD, MBGNBD and ParetoNBD
// over the documented box (r, α, s, β ∈ [1e-3, 1e4], a, b ∈ [1e-3, 1e8],
// x ≤ 1e4, T and t ∈ [1e-3, 1e4]): P(alive) ∈ [0, 1], expectations finite
// and ≥ 0, ExpectedPurchases and ConditionalExpectedPurchases
// non-decreasing in t, and ProbPurchases ∈ [0, 1]. Monotonicity is checked
// to the promised 1e-9 relative accuracy: two values that close may come
// from the two evaluation paths of the BG core.
func FuzzBGPredictions(f *testing.F) {
	// CDNOW-like (FHL 2005), the reported r = 100, r = 1000, a = 1e4, a = 1e6
	// failures (as fractions of the log box), and corners.
	f.Add(0.243, 4.414, 0.793, 2.426, uint16(2), 0.78, 38.86, 39.0, 52.0, uint16(3))
	f.Add(100.0, 4.414, 0.793, 2.426, uint16(0), 0.0, 0.0, 52.0, 104.0, uint16(0))
	f.Add(1000.0, 4.414, 0.793, 2.426, uint16(1000), 0.99, 100.0, 52.0, 1e4, uint16(10))
	f.Add(0.243, 4.414, 1e4, 2.426, uint16(10), 0.5, 52.0, 52.0, 1.0, uint16(1))
	f.Add(0.999, 0.0, 0.999, 0.0, uint16(10000), 1.0, 0.999, 0.999, 0.0, uint16(10000))
	f.Fuzz(func(t *testing.T, ur, ualpha, ua, ub float64, x16 uint16, txFrac, uT, ut1, ut2 float64, n16 uint16) {
		r, alpha, a, b, c, t1, t2, ok := fuzzBGBox(ur, ualpha, ua, ub, x16, txFrac, uT, ut1, ut2)
		if !ok {
			return
		}
		n := int(n16 % 10001)
		bg := clv.BGNBD{R: r, Alpha: alpha, A: a, B: b}
		mbg := clv.MBGNBD{R: r, Alpha: alpha, A: a, B: b}
		pn := clv.ParetoNBD{R: r, Alpha: alpha, S: a, Beta: b}
		if a > 1e4 || b > 1e4 { // Pareto/NBD's s and β share the box of r and α
			pn.S, pn.Beta = 1+math.Mod(a, 1e4), 1+math.Mod(b, 1e4)
		}
		const tol = 1e-9
		for _, m := range []clv.PurchaseModel{bg, mbg, pn} {
			if p := m.PAlive(c); !(p >= 0 && p <= 1) {
				t.Fatalf("%+v PAlive(%+v) = %v", m, c, p)
			}
			e1, e2 := m.ExpectedPurchases(t1), m.ExpectedPurchases(t2)
			if !(e1 >= 0 && e2 >= 0) || math.IsInf(e2, 0) || e2 < e1*(1-tol) {
				t.Fatalf("%+v ExpectedPurchases(%v, %v) = %v, %v", m, t1, t2, e1, e2)
			}
			y1, y2 := m.ConditionalExpectedPurchases(c, t1), m.ConditionalExpectedPurchases(c, t2)
			if !(y1 >= 0 && y2 >= 0) || math.IsInf(y2, 0) || y2 < y1*(1-tol) {
				t.Fatalf("%+v ConditionalExpectedPurchases(%+v, %v, %v) = %v, %v", m, c, t1, t2, y1, y2)
			}
		}
		for _, pp := range []func(int, float64) float64{bg.ProbPurchases, mbg.ProbPurchases} {
			if p := pp(n, t2); !(p >= 0 && p <= 1) {
				t.Fatalf("%+v ProbPurchases(%d, %v) = %v", bg, n, t2, p)
			}
		}
	})
}
