package clv_test

import (
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/clv"
)

// bgRefTol is the relative accuracy promised for the BG/NBD and MBG/NBD
// predictions over the reference box.
const bgRefTol = 1e-9

// TestBGReportedCases are the failures that motivated the quadrature in
// numeric.BGCore: E[X(52)] at the published CDNOW BG/NBD parameters (FHL
// 2005) with r or a made large. Before, r = 100 gave −3.1e7, r = 1000
// ±1e146…1e260 or NaN, a = 1e4 and a = 1e6 NaN. Expected values: mpmath
// 1.3.0 at 40 digits, the closed form (a+b−1)/(a−1)·[1 − 2F1(a−1, r; a+b−1; −t/α)]
// and quadrature of the Beta integral agreeing to 30 digits
// (testdata/bgref.py, rows cdnow-*).
func TestBGReportedCases(t *testing.T) {
	tests := []struct {
		name string
		m    clv.BGNBD
		want float64
	}{
		{"r=100", clv.BGNBD{R: 100, Alpha: 4.414, A: 0.793, B: 2.426}, 30.082393010083826328},
		{"r=1000", clv.BGNBD{R: 1000, Alpha: 4.414, A: 0.793, B: 2.426}, 55.031737552750500515},
		{"a=1e4", clv.BGNBD{R: 0.243, Alpha: 4.414, A: 1e4, B: 2.426}, 0.46168001541111870862},
		{"a=1e6", clv.BGNBD{R: 0.243, Alpha: 4.414, A: 1e6, B: 2.426}, 0.46159811304195268673},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.m.ExpectedPurchases(52)
			require.False(t, math.IsNaN(got) || math.IsInf(got, 0), "got %v", got)
			require.InEpsilon(t, tc.want, got, bgRefTol)
		})
	}
}

// TestBGReferenceGrid checks every prediction of BGNBD and MBGNBD against
// testdata/bgref.csv: mpmath values (see bgref.py for how they were made
// and cross-checked) at random log-uniform points of the box
// r, α ∈ [1e-3, 1e4], a, b ∈ [1e-3, 1e8], x ∈ {0} ∪ [1, 1e4],
// T, t ∈ [1e-3, 1e4], t_x ∈ [0, T], n ∈ [0, 1e4], at its corners, and at
// the reported CDNOW cases. Values below 1e-290 (where float64 keeps
// fewer digits) are checked to 1e-300 absolute.
func TestBGReferenceGrid(t *testing.T) {
	f, err := os.Open("testdata/bgref.csv")
	require.NoError(t, err)
	defer f.Close()
	rd := csv.NewReader(f)
	rd.Comment = '#'
	recs, err := rd.ReadAll()
	require.NoError(t, err)
	require.Greater(t, len(recs), 500)
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	type worst struct {
		err float64
		at  string
	}
	worsts := map[string]*worst{}
	check := func(qty, name string, want, got float64) {
		w := worsts[qty]
		if w == nil {
			w = &worst{}
			worsts[qty] = w
		}
		if math.IsNaN(got) || math.IsInf(got, 0) {
			t.Errorf("%s %s: got %v, want %v", qty, name, got, want)
			return
		}
		var e float64
		switch {
		case math.Abs(want) < 1e-290:
			if math.Abs(got-want) > 1e-300 {
				t.Errorf("%s %s: got %v, want %v", qty, name, got, want)
			}
			return
		default:
			e = math.Abs(got-want) / math.Abs(want)
		}
		if e > w.err {
			w.err, w.at = e, name
		}
		if e > bgRefTol {
			t.Errorf("%s %s: got %.17g, want %.17g (rel. error %.2g)", qty, name, got, want, e)
		}
	}
	for _, rec := range recs[1:] {
		v := func(h string) float64 {
			x, err := strconv.ParseFloat(rec[col[h]], 64)
			require.NoError(t, err, h)
			return x
		}
		r, alpha, a, b := v("r"), v("alpha"), v("a"), v("b")
		c := clv.Customer{Frequency: v("x"), Recency: v("tx"), T: v("T")}
		tt, n := v("t"), int(v("n"))
		name := fmt.Sprintf("%s (r=%g α=%g a=%g b=%g x=%g t_x=%g T=%g t=%g n=%d)",
			rec[col["name"]], r, alpha, a, b, c.Frequency, c.Recency, c.T, tt, n)
		models := []struct {
			pre string
			m   clv.PurchaseModel
			pmf func(int, float64) float64
		}{
			{"bg", clv.BGNBD{R: r, Alpha: alpha, A: a, B: b}, clv.BGNBD{R: r, Alpha: alpha, A: a, B: b}.ProbPurchases},
			{"mbg", clv.MBGNBD{R: r, Alpha: alpha, A: a, B: b}, clv.MBGNBD{R: r, Alpha: alpha, A: a, B: b}.ProbPurchases},
		}
		for _, md := range models {
			check(md.pre+" E[X(t)]", name, v(md.pre+"_EX"), md.m.ExpectedPurchases(tt))
			check(md.pre+" E[Y(t)|x,t_x,T]", name, v(md.pre+"_EY"), md.m.ConditionalExpectedPurchases(c, tt))
			check(md.pre+" P(alive)", name, v(md.pre+"_palive"), md.m.PAlive(c))
			check(md.pre+" P(X(t)=n)", name, v(md.pre+"_pmf"), md.pmf(n, tt))
		}
	}
	keys := make([]string, 0, len(worsts))
	for k := range worsts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		t.Logf("worst relative error, %-20s %.2g at %s", k, worsts[k].err, worsts[k].at)
	}
}
