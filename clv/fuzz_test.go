package clv_test

import (
	"math"
	"slices"
	"testing"

	"github.com/ltvgo/ltv/clv"
)

// customersFromFuzz decodes fuzz bytes into up to 8 summary rows, NaN and
// ±Inf included, so the fits see every kind of bad row.
func customersFromFuzz(vals ...float64) []clv.Customer {
	var cs []clv.Customer
	for i := 0; i+4 < len(vals); i += 5 {
		cs = append(cs, clv.Customer{Frequency: vals[i], Recency: vals[i+1], T: vals[i+2], Monetary: vals[i+3], Weight: vals[i+4]})
	}
	return cs
}

func fuzzSeeds(f *testing.F) {
	f.Add(2.0, 30.43, 38.86, 22.35, 0.0, 0.0, 0.0, 38.86, 0.0, 0.0, 1.0, 1.71, 38.86, 11.77, 2.0)
	f.Add(1.0, 2.0, 1.0, -1.0, -1.0, math.NaN(), 0.0, 1.0, 0.0, 0.0, 1e300, 1e300, 1e300, 1e300, 1e300)
	f.Add(0.5, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 3.0, 3.0, 3.0, 0.0, math.Inf(1))
}

// FuzzFits checks that no input makes the fits or Value panic, modify
// their input, or return a model without an error when the rows are bad.
func FuzzFits(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, a0, a1, a2, a3, a4, b0, b1, b2, b3, b4, c0, c1, c2, c3, c4 float64) {
		cs := customersFromFuzz(a0, a1, a2, a3, a4, b0, b1, b2, b3, b4, c0, c1, c2, c3, c4)
		before := slices.Clone(cs)
		opt := &clv.FitOptions{MaxIterations: 20}
		m, fit, err := clv.FitBGNBD(cs, opt)
		if err == nil && (math.IsNaN(fit.LogLikelihood) || !(m.R > 0)) {
			t.Fatalf("FitBGNBD accepted %v with %+v %+v", cs, m, fit)
		}
		_, _, _ = clv.FitMBGNBD(cs, opt)
		_, _, _ = clv.FitGammaGamma(cs, opt)
		_, _ = clv.SpendFrequencyCorrelation(cs)
		_, _ = clv.Value(bgPub, ggPub, cs, clv.ValueOptions{Period: week, Horizon: 3, Margin: 1})
		for _, c := range cs {
			_ = bgPub.ConditionalExpectedPurchases(c, c.T)
			_ = bgPub.PAlive(c)
			_ = ggPub.ConditionalExpectedSpend(c)
		}
		if !slices.EqualFunc(before, cs, func(x, y clv.Customer) bool {
			same := func(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }
			return same(x.Frequency, y.Frequency) && same(x.Recency, y.Recency) && same(x.T, y.T) &&
				same(x.Monetary, y.Monetary) && same(x.Weight, y.Weight)
		}) {
			t.Fatal("input modified")
		}
	})
}
