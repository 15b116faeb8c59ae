package clv_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

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

// typedFitError reports whether err is one of the documented outcomes of
// a fit: bad or too little data, a limit of the parameter space, a search
// that stopped early, or an undefined mean spend.
func typedFitError(err error) bool {
	for _, e := range []error{clv.ErrInvalid, clv.ErrEmpty, clv.ErrBoundary, clv.ErrNotConverged, clv.ErrUndefined} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// checkFitOutcome fails unless a fit either returned a typed error or a
// model with finite positive parameters, a finite log-likelihood and
// finite positive standard errors (NaN only for parameters held at a
// boundary).
func checkFitOutcome(t *testing.T, name string, params []float64, fit clv.Fit, err error) {
	t.Helper()
	if err != nil && !typedFitError(err) {
		t.Fatalf("%s: untyped error %v", name, err)
	}
	if err != nil && !errors.Is(err, clv.ErrBoundary) {
		return
	}
	for _, v := range params {
		if !(v > 0) || math.IsInf(v, 0) {
			t.Fatalf("%s: parameters %v with error %v", name, params, err)
		}
	}
	if math.IsNaN(fit.LogLikelihood) || math.IsInf(fit.LogLikelihood, 0) {
		t.Fatalf("%s: log-likelihood %v", name, fit.LogLikelihood)
	}
	if err == nil {
		for _, se := range fit.StdErr {
			if !(se > 0) || math.IsInf(se, 0) {
				t.Fatalf("%s: converged with StdErr %v", name, fit.StdErr)
			}
		}
	}
}

func sameCustomers(x, y []clv.Customer) bool {
	same := func(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }
	return slices.EqualFunc(x, y, func(x, y clv.Customer) bool {
		return x.ID == y.ID && same(x.Frequency, y.Frequency) && same(x.Recency, y.Recency) && same(x.T, y.T) &&
			same(x.Monetary, y.Monetary) && same(x.Weight, y.Weight)
	})
}

// FuzzFits checks that no input makes a fit, Value or Score panic or modify
// its input, and that every fit either succeeds with finite estimates or
// returns a typed error; scores are finite and in range or an error.
func FuzzFits(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, a0, a1, a2, a3, a4, b0, b1, b2, b3, b4, c0, c1, c2, c3, c4 float64) {
		cs := customersFromFuzz(a0, a1, a2, a3, a4, b0, b1, b2, b3, b4, c0, c1, c2, c3, c4)
		// Two ordinary customers more, so that some inputs are fittable.
		cs = append(cs, clv.Customer{Frequency: 2, Recency: 30, T: 38, Monetary: 20}, clv.Customer{Frequency: 1, Recency: 4, T: 25, Monetary: 35})
		before := slices.Clone(cs)
		opt := &clv.FitOptions{MaxIterations: 50}
		bg, fit, err := clv.FitBGNBD(cs, opt)
		checkFitOutcome(t, "FitBGNBD", []float64{bg.R, bg.Alpha, bg.A, bg.B}, fit, err)
		mbg, fit, err := clv.FitMBGNBD(cs, opt)
		checkFitOutcome(t, "FitMBGNBD", []float64{mbg.R, mbg.Alpha, mbg.A, mbg.B}, fit, err)
		gg, fit, err := clv.FitGammaGamma(cs, opt)
		checkFitOutcome(t, "FitGammaGamma", []float64{gg.P, gg.Q, gg.Gamma}, fit, err)
		_, _ = clv.SpendFrequencyCorrelation(cs)
		scores, err := clv.Score(bgPub, ggPub, cs, clv.ValueOptions{Period: week, Horizon: 3, Margin: 1, Discount: 0.01})
		if err == nil {
			for _, s := range scores {
				if !(s.PAlive >= 0 && s.PAlive <= 1) || !(s.Purchases >= 0) || math.IsInf(s.Purchases, 0) ||
					!(s.Value >= 0) || math.IsInf(s.Value, 0) {
					t.Fatalf("Score gave %+v for %v", s, cs)
				}
			}
		} else if !typedFitError(err) {
			t.Fatalf("Score: untyped error %v", err)
		}
		for _, c := range cs {
			_ = bgPub.ConditionalExpectedPurchases(c, c.T)
			_ = bgPub.PAlive(c)
			_ = ggPub.ConditionalExpectedSpend(c)
		}
		if !sameCustomers(before, cs) {
			t.Fatal("input modified")
		}
	})
}

// FuzzSummarizeFit runs the whole path a user runs, from a transaction
// log through Summarize to every purchase and spend fit and Score: no
// panic, no modified input, typed errors, finite estimates and scores.
func FuzzSummarizeFit(f *testing.F) {
	f.Add(uint64(1), uint8(40), uint16(300), 30.0, 0.5)
	f.Add(uint64(2), uint8(3), uint16(5), 0.0, 0.0)
	f.Add(uint64(3), uint8(200), uint16(60), 1e300, 5.0)
	f.Add(uint64(4), uint8(1), uint16(1), math.NaN(), 1.0)
	f.Fuzz(func(t *testing.T, seed uint64, customers uint8, days uint16, amount, spread float64) {
		rng := rand.New(rand.NewPCG(seed, 7))
		start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		var txns []clv.Transaction
		repeats := 0 // purchases per customer: 1 + up to repeats more
		if spread > 0 && spread < 5 {
			repeats = int(spread * 4)
		}
		for c := range int(customers) {
			id := fmt.Sprint("c", c)
			k := 1 + rng.IntN(1+repeats)
			for range k {
				at := start.Add(time.Duration(rng.IntN(int(days)+1)) * 24 * time.Hour)
				txns = append(txns, clv.Transaction{CustomerID: id, At: at, Amount: amount * (0.5 + rng.Float64())})
			}
		}
		before := slices.Clone(txns)
		end := start.Add(time.Duration(days) * 24 * time.Hour)
		cs, err := clv.Summarize(txns, clv.SummaryOptions{Period: week, End: end})
		if !slices.EqualFunc(before, txns, func(a, b clv.Transaction) bool {
			return a.CustomerID == b.CustomerID && a.At.Equal(b.At) && math.Float64bits(a.Amount) == math.Float64bits(b.Amount)
		}) {
			t.Fatal("Summarize modified its input")
		}
		if err != nil {
			if !typedFitError(err) {
				t.Fatalf("Summarize: untyped error %v", err)
			}
			return
		}
		opt := &clv.FitOptions{MaxIterations: 50}
		bg, fit, err := clv.FitBGNBD(cs, opt)
		checkFitOutcome(t, "FitBGNBD", []float64{bg.R, bg.Alpha, bg.A, bg.B}, fit, err)
		pn, fit, err := clv.FitParetoNBD(cs, opt)
		checkFitOutcome(t, "FitParetoNBD", []float64{pn.R, pn.Alpha, pn.S, pn.Beta}, fit, err)
		gg, gfit, gerr := clv.FitGammaGamma(cs, opt)
		checkFitOutcome(t, "FitGammaGamma", []float64{gg.P, gg.Q, gg.Gamma}, gfit, gerr)
		if err != nil && !errors.Is(err, clv.ErrBoundary) || gerr != nil && !errors.Is(gerr, clv.ErrBoundary) {
			return
		}
		scores, err := clv.Score(pn, gg, cs, clv.ValueOptions{Period: week, Horizon: 12, Margin: 0.3, Discount: 0.01})
		if err != nil {
			if !typedFitError(err) {
				t.Fatalf("Score: untyped error %v", err)
			}
			return
		}
		for i, s := range scores {
			if !(s.PAlive >= 0 && s.PAlive <= 1) || !(s.Purchases >= 0) || math.IsInf(s.Purchases, 0) || math.IsNaN(s.Value) {
				t.Fatalf("Score row %d = %+v for %+v", i, s, cs[i])
			}
		}
	})
}

// FuzzEvaluateHoldout checks the holdout evaluation, the tracking curve
// and the heat-map grids on arbitrary rows: no panic, no modified input,
// typed errors, and finite totals whenever the rows are accepted.
func FuzzEvaluateHoldout(f *testing.F) {
	f.Add(2.0, 30.43, 38.86, 3.0, 39.0, 0.0, 0.0, 38.0, 0.0, 39.0, uint8(3))
	f.Add(1.0, 0.0, 5.0, -1.0, 2.0, math.NaN(), 0.0, 1.0, 0.0, 1.0, uint8(0))
	f.Add(1e4, 1e4, 1e4, 1e4, 1e4, 0.0, 0.0, 1e-9, 1e300, 1e-300, uint8(255))
	f.Fuzz(func(t *testing.T, x1, tx1, t1, h1, ht1, x2, tx2, t2, h2, ht2 float64, maxFreq uint8) {
		cs := []clv.HoldoutCustomer{
			{Customer: clv.Customer{Frequency: x1, Recency: tx1, T: t1}, HoldoutPurchases: h1, HoldoutT: ht1},
			{Customer: clv.Customer{Frequency: x2, Recency: tx2, T: t2}, HoldoutPurchases: h2, HoldoutT: ht2},
			{Customer: clv.Customer{Frequency: 2, Recency: 30, T: 38}, HoldoutPurchases: 1, HoldoutT: 39},
		}
		before := slices.Clone(cs)
		for _, m := range []clv.PurchaseModel{bgPub, pnbdPub} {
			ev, err := clv.EvaluateHoldout(m, cs, int(maxFreq))
			if err != nil {
				if !typedFitError(err) {
					t.Fatalf("EvaluateHoldout: untyped error %v", err)
				}
			} else if math.IsNaN(ev.Predicted) || math.IsInf(ev.Predicted, 0) || ev.Predicted < 0 || math.IsNaN(ev.MAE) {
				t.Fatalf("EvaluateHoldout gave %+v for %+v", ev, cs)
			}
			firsts, at := []float64{x1, tx1, t1}, []float64{h1, ht1, t2}
			cum := clv.ExpectedCumulativePurchases(m, firsts, at)
			if len(cum) != len(at) {
				t.Fatalf("ExpectedCumulativePurchases returned %d points for %d", len(cum), len(at))
			}
			grid := clv.PAliveGrid(m, t1, []float64{x1, x2}, []float64{tx1, tx2})
			for _, row := range grid {
				for _, p := range row {
					if !math.IsNaN(p) && (p < 0 || p > 1) {
						t.Fatalf("PAliveGrid cell %v", p)
					}
				}
			}
		}
		if !slices.EqualFunc(before, cs, func(a, b clv.HoldoutCustomer) bool {
			return sameCustomers([]clv.Customer{a.Customer}, []clv.Customer{b.Customer}) &&
				math.Float64bits(a.HoldoutPurchases) == math.Float64bits(b.HoldoutPurchases) &&
				math.Float64bits(a.HoldoutT) == math.Float64bits(b.HoldoutT)
		}) {
			t.Fatal("input modified")
		}
	})
}
